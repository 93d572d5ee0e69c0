package brokertest

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/voice-agentstate/conformance/harness/broker"
)

// FakeDocker is a Docker daemon that answers and can pull nothing: it serves the ping, version
// and info requests a client starts with, and refuses every image pull the way a daemon without
// a registry does (an air-gapped runner, a registry outage). It counts the requests it got, so a
// test can tell whether something touched Docker at all.
type FakeDocker struct {
	// Host is the DOCKER_HOST that reaches it: unix://PATH.
	Host string

	mu    sync.Mutex
	paths []string
}

// StartFakeDocker starts a FakeDocker on a Unix socket in a temporary directory, stopped when
// the test ends.
func StartFakeDocker(t testing.TB) *FakeDocker {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "docker.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatalf("listen for the fake docker daemon: %v", err)
	}
	d := &FakeDocker{Host: "unix://" + sock}
	srv := &http.Server{Handler: http.HandlerFunc(d.serve)}
	go func() { _ = srv.Serve(ln) }() // ErrServerClosed at cleanup
	t.Cleanup(func() { srv.Close() })
	return d
}

// Requests returns the paths of the requests the daemon got, in order.
func (d *FakeDocker) Requests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.paths...)
}

func (d *FakeDocker) serve(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.paths = append(d.paths, r.Method+" "+r.URL.Path)
	d.mu.Unlock()
	w.Header().Set("Api-Version", "1.41")
	w.Header().Set("Content-Type", "application/json")
	path := r.URL.Path
	switch {
	case strings.HasSuffix(path, "/_ping"):
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("OK"))
	case strings.HasSuffix(path, "/version"):
		_, _ = w.Write([]byte(`{"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64"}`))
	case strings.HasSuffix(path, "/info"):
		_, _ = w.Write([]byte(`{"ID":"fake","ServerVersion":"20.10.24","OperatingSystem":"agentstate fake docker","OSType":"linux","MemTotal":1073741824,"NCPU":2}`))
	case strings.HasSuffix(path, "/images/create"):
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message":"Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host"}`))
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"No such image or object: ` + path + `"}`))
	}
}

// RequireContainerMode skips the test unless container mode is asked for
// (AGENTSTATE_BROKER=container, as make test-container sets it), so that make test never starts
// a container, whatever is installed; asked for, the test must run and fails on its own.
func RequireContainerMode(t testing.TB) {
	t.Helper()
	if os.Getenv("AGENTSTATE_BROKER") != broker.Container {
		t.Skip("starts a Kafka container: runs only in container mode (make test-container, AGENTSTATE_BROKER=container)")
	}
}
