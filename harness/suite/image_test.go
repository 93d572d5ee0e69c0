package suite_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

// TestSuiteImage runs the suite shipped as an image (make suite-image; AGENTSTATE_SUITE_IMAGE
// names it) against a Kafka container, configured only by AGENTSTATE_* variables and writing to
// a mounted directory: with the reference producer it exits 0 with a JUnit report of no failure;
// with a fault, non-zero with failures. Container mode only (make test-container).
func TestSuiteImage(t *testing.T) {
	brokertest.RequireContainerMode(t)
	image := os.Getenv("AGENTSTATE_SUITE_IMAGE")
	if image == "" {
		t.Fatal("AGENTSTATE_SUITE_IMAGE is not set: build the image with make suite-image and name it (make test-container does both)")
	}
	cfg, err := broker.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network, cfg.DialTimeout = broker.HostNetwork, time.Minute
	kafka, err := broker.Start(context.Background(), cfg)
	if kafka != nil {
		t.Cleanup(func() { kafka.Close() })
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, fault := range []string{"", "wrong-key"} {
		code, j, logs := runSuiteImage(t, image, kafka.Info().Bootstrap, fault)
		failed := failures(t, fault, j)
		switch {
		case fault == "" && (code != 0 || len(failed) > 0 || j.Tests == 0):
			t.Errorf("the suite image failed the reference producer: exit %d, %d tests, failing %v\n%s", code, j.Tests, failed, logs)
		case fault != "" && (code == 0 || len(failed) == 0):
			t.Errorf("the suite image passed FAULT=%s: exit %d, failing %v", fault, code, failed)
		default:
			t.Logf("FAULT=%q: exit %d, %d tests, %d failed", fault, code, j.Tests, len(failed))
		}
	}
}

// runSuiteImage runs the suite image once on the host's network, with its reports mounted, and
// returns its exit code, its JUnit report and the end of its output.
func runSuiteImage(t *testing.T, image string, bootstrap []string, fault string) (int, junit, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil { // the image runs as 65532
		t.Fatal(err)
	}
	req := testcontainers.ContainerRequest{
		Image: image,
		Env: map[string]string{"AGENTSTATE_BROKER": broker.External, "AGENTSTATE_BOOTSTRAP": strings.Join(bootstrap, ","),
			"AGENTSTATE_ALLOW_CREATE_TOPIC": "true", "AGENTSTATE_TOPIC": fmt.Sprintf("voice-agentstate-image-%s-%d", fault, time.Now().UnixNano()),
			"AGENTSTATE_FAULT": fault, "AGENTSTATE_TIMEOUT": "3s"},
		HostConfigModifier: func(hc *container.HostConfig) {
			hc.NetworkMode = "host"
			hc.Binds = []string{dir + ":/reports"}
		},
		WaitingFor: wait.ForExit().WithExitTimeout(5 * time.Minute),
	}
	ctx := context.Background()
	ctr, err := testcontainers.GenericContainer(ctx, testcontainers.GenericContainerRequest{ContainerRequest: req, Started: true})
	if ctr != nil {
		defer func() {
			if err := testcontainers.TerminateContainer(ctr); err != nil {
				t.Errorf("terminate the suite container: %v", err)
			}
		}()
	}
	if err != nil {
		t.Fatalf("run %s: %v", image, err)
	}
	state, err := ctr.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	logs := containerLogs(ctx, ctr)
	var j junit
	b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatalf("FAULT=%q: the suite image wrote no JUnit report to the mounted directory: %v\n%s", fault, err, logs)
	}
	if err := xml.Unmarshal(b, &j); err != nil {
		t.Fatalf("FAULT=%q: the JUnit report is not well-formed XML: %v", fault, err)
	}
	return state.ExitCode, j, logs
}

func containerLogs(ctx context.Context, ctr testcontainers.Container) string {
	rc, err := ctr.Logs(ctx)
	if err != nil {
		return err.Error()
	}
	defer rc.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := rc.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return tail([]byte(b.String()))
}
