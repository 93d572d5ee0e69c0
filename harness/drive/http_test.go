package drive_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/drive/drivetest"
)

func TestHTTPDrivesTheReferenceEndToEnd(t *testing.T) {
	p, mem := reference(t)
	a, err := drive.NewHTTP(serve(t, p).URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	devs, err := drivetest.Tour(t.Context(), a, &drive.RefIDs{}, drivetest.DefaultCast())
	if err != nil || len(devs) > 0 {
		t.Fatalf("tour over HTTP: %v %v", err, devs)
	}
	sameStream(t, mem.Messages(), directTour(t))
}

func TestHTTPCarriesRefusals(t *testing.T) {
	p, mem := reference(t)
	a, err := drive.NewHTTP(serve(t, p).URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := a.DNDOff(ctx, req); !errors.Is(err, drive.ErrInvalidState) || !drive.IsRefusal(err) {
		t.Fatalf("dnd-off of a DN without DND: got %v, want ErrInvalidState", err)
	}
	if err := a.OutOfService(ctx, req); err != nil {
		t.Fatal(err)
	}
	err = a.Ready(ctx, drive.Ready{Request: req, Agent: "1001"})
	var ae *drive.AdapterError
	if !errors.Is(err, drive.ErrOutOfService) || errors.As(err, &ae) {
		t.Fatalf("ready during an outage: got %v, want the refusal ErrOutOfService", err)
	}
	if want := "drive ready via http " + a.String()[5:] + ": refused: ready: DN 5001: "; !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("refusal reads %q, want it to start %q", err, want)
	}
	if err := a.Login(ctx, drive.Login{Request: req, Agent: "1001"}); err != nil {
		t.Fatalf("login during an outage: %v", err)
	}
	if n := len(mem.Messages()); n != 2 {
		t.Fatalf("%d messages, want the outage and the login", n)
	}
}

// switchable answers with the current respond function, so that a test can show that an adapter
// goes on after a failure.
type switchable struct{ respond atomic.Value }

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.respond.Load().(http.HandlerFunc)(w, r)
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

func TestHTTPAdapterFailures(t *testing.T) {
	cases := []struct {
		name    string
		stim    drive.Stimulus
		respond http.HandlerFunc
		problem string
		answer  string // a part of the quoted answer
	}{
		{"a timeout", drive.StimulusDNDOn, hang(t), "no answer within the timeout of 200ms", ""},
		{"non-JSON", drive.StimulusDNDOn, answer(200, "<html>Bad Gateway</html>"), "answered non-JSON", "<html>Bad Gateway"},
		{"too large a body", drive.StimulusDNDOn, answer(200, strings.Repeat("x", 5000)), "more than the limit of 1024 bytes", `xxx"… (the first 200 of 1025 bytes read)`},
		{"an error status", drive.StimulusDNDOn, answer(500, "the adapter crashed"), "answered status 500 Internal Server Error", "the adapter crashed"},
		{"not found", drive.StimulusDNDOn, answer(404, "404 page not found"), "answered status 404", "404 page not found"},
		{"an unknown refusal code", drive.StimulusDNDOn, answer(409, `{"ok":false,"error":{"code":"busy","message":"later"}}`), `unknown error code "busy"`, "busy"},
		{"a refusal with status 200", drive.StimulusDNDOn, answer(200, `{"ok":false,"error":{"code":"invalid-state","message":"x"}}`), "with status 200; expected 409", ""},
		{"a success with status 409", drive.StimulusDNDOn, answer(409, `{"ok":true}`), "with status 409; expected 200", ""},
		{"JSON without ok", drive.StimulusDNDOn, answer(200, `{"status":"done"}`), `without "ok"`, "done"},
		{"data after the answer", drive.StimulusDNDOn, answer(200, `{"ok":true} {"ok":false}`), "data after the JSON object", ""},
		{"off-hook without a ConnID", drive.StimulusOffHook, answer(200, `{"ok":true}`), "without the ConnID", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sw := &switchable{}
			sw.respond.Store(c.respond)
			srv := fakeServer(t, sw.ServeHTTP)
			a, err := drive.NewHTTP(srv.URL, drive.WithTimeout(200*time.Millisecond), drive.WithMaxBody(1024))
			if err != nil {
				t.Fatal(err)
			}
			ae := adapterError(t, call(t, a, c.stim), c.stim, c.problem)
			if !strings.Contains(ae.Answer, c.answer) || ae.Adapter != "http "+srv.URL+drive.Path {
				t.Fatalf("answer %q adapter %q, want the answer to hold %q", ae.Answer, ae.Adapter, c.answer)
			}
			sw.respond.Store(answer(200, `{"ok":true,"ConnID":"00000000000000ff"}`))
			if err := call(t, a, c.stim); err != nil {
				t.Fatalf("the adapter did not go on: %v", err)
			}
		})
	}
}

// hang answers nothing until the client hangs up or the test ends. It drains the request body
// first: only then does the server notice a client that hung up.
func hang(t testing.TB) http.HandlerFunc {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}
}

func call(t testing.TB, d drive.Driver, s drive.Stimulus) error {
	t.Helper()
	switch s {
	case drive.StimulusDNDOn:
		return d.DNDOn(t.Context(), req)
	case drive.StimulusOffHook:
		_, err := d.OffHook(t.Context(), req)
		return err
	}
	t.Fatalf("no call for %s", s)
	return nil
}

func TestHTTPUnreachable(t *testing.T) {
	srv := fakeServer(t, answer(200, `{"ok":true}`))
	url := srv.URL
	srv.Close()
	a, err := drive.NewHTTP(url)
	if err != nil {
		t.Fatal(err)
	}
	adapterError(t, a.DNDOn(t.Context(), req), drive.StimulusDNDOn, "could not reach the adapter")
}

func TestHTTPCancelledByTheCaller(t *testing.T) {
	arrived := make(chan struct{}, 1)
	wait := hang(t)
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		wait(w, r)
	})
	a, err := drive.NewHTTP(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		<-arrived
		cancel()
	}()
	ae := adapterError(t, a.DNDOn(ctx, req), drive.StimulusDNDOn, "cancelled before an answer came")
	if !errors.Is(ae, ctx.Err()) {
		t.Fatalf("the error does not wrap %v", ctx.Err())
	}
}

func TestNewHTTPRefusesBadSettings(t *testing.T) {
	for name, c := range map[string]struct {
		url  string
		opts []drive.Opt
	}{
		"no scheme":      {"127.0.0.1:8080", nil},
		"ftp":            {"ftp://host", nil},
		"no host":        {"http://", nil},
		"a zero timeout": {"http://host", []drive.Opt{drive.WithTimeout(0)}},
		"no body":        {"http://host", []drive.Opt{drive.WithMaxBody(0)}},
		"a nil client":   {"http://host", []drive.Opt{drive.WithHTTPClient(nil)}},
	} {
		var usage *drive.UsageError
		if _, err := drive.NewHTTP(c.url, c.opts...); !errors.As(err, &usage) {
			t.Errorf("%s: got %v, want a usage error", name, err)
		}
	}
}
