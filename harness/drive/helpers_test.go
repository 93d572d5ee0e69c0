package drive_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/drive/drivetest"
	"github.com/voice-agentstate/conformance/harness/sut"
)

var epoch = time.Unix(1764036000, 123456000)

// reference returns a reference producer with a fixed clock and the memory it publishes to.
func reference(t testing.TB) (*sut.Producer, *sut.Memory) {
	t.Helper()
	mem := &sut.Memory{}
	p, err := sut.New(mem, sut.WithClock(func() time.Time { return epoch }))
	if err != nil {
		t.Fatal(err)
	}
	return p, mem
}

// serve serves the adapter protocol for d on a loopback port until the test ends.
func serve(t testing.TB, d drive.Driver, opts ...drive.Opt) *httptest.Server {
	t.Helper()
	h, err := drive.Handler(d, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// fakeServer answers every request with respond, until the test ends.
func fakeServer(t testing.TB, respond http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(respond)
	t.Cleanup(srv.Close)
	return srv
}

// directTour is what the tour publishes when it drives a reference producer in-process.
func directTour(t testing.TB) []sut.Message {
	t.Helper()
	p, mem := reference(t)
	if devs, err := drivetest.Tour(t.Context(), p, &drive.RefIDs{}, drivetest.DefaultCast()); err != nil || len(devs) > 0 {
		t.Fatalf("direct tour: %v %v", err, devs)
	}
	return mem.Messages()
}

// sameStream fails unless two runs published the same messages under the same keys.
func sameStream(t testing.TB, got, want []sut.Message) {
	t.Helper()
	eq := func(a, b sut.Message) bool { return a.Key == b.Key && string(a.Value) == string(b.Value) }
	if !slices.EqualFunc(got, want, eq) {
		t.Fatalf("published %d messages, want the %d of the direct tour", len(got), len(want))
	}
}

// adapterError fails unless err is an *AdapterError of the stimulus whose problem says what is
// expected; it returns it.
func adapterError(t testing.TB, err error, s drive.Stimulus, problem string) *drive.AdapterError {
	t.Helper()
	var ae *drive.AdapterError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v (%T), want an *AdapterError", err, err)
	}
	if ae.Stimulus != s || !strings.Contains(ae.Problem, problem) || drive.IsRefusal(err) {
		t.Fatalf("got %q, want an adapter error of %s saying %q", err, s, problem)
	}
	if !strings.Contains(err.Error(), string(s)) || !strings.Contains(err.Error(), ae.Adapter) {
		t.Fatalf("%q does not name the stimulus and the adapter", err)
	}
	if len(ae.Answer) > 260 {
		t.Fatalf("the answer is not truncated: %d bytes", len(ae.Answer))
	}
	return ae
}

var req = drive.Request{Tenant: "t1", DN: "5001", ReferenceID: 1}
