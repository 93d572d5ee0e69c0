package drive_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

// fuzzAnswer is what the fuzzed adapter answers next.
type fuzzAnswer struct {
	status int
	body   []byte
}

const fuzzTimeout = 500 * time.Millisecond

// FuzzHTTPAnswer has an HTTP adapter answer with an arbitrary status and body: the Driver must
// return nil or an error, never panic, within its timeout; it may succeed only on a 200 whose body
// says "ok": true; a refusal only on a 409; and anything else is an *drive.AdapterError (so, a 200
// with a body that is not JSON).
func FuzzHTTPAnswer(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"ok":true}`}, {200, `{"ok":true,"ConnID":"007102385535e00e"}`}, {200, `{"ok":false}`},
		{409, `{"ok":false,"error":{"code":"invalid-state","message":"already on"}}`},
		{409, `{"ok":false,"error":{"code":"nope","message":"x"}}`}, {409, `{"ok":true}`},
		{200, `{}`}, {200, ``}, {200, `ok`}, {200, `{"ok":true} {"ok":false}`}, {200, `{"ok":"true"}`},
		{200, `{"ok":null}`}, {200, "{\"ok\":true,\"ConnID\":\"\xff\"}"}, {500, `{"ok":true}`},
		{204, ``}, {301, ``}, {404, `not found`}, {599, `{"ok":true}`},
	} {
		for stim := range byte(4) {
			f.Add(s.status, []byte(s.body), stim)
		}
	}
	var next atomic.Pointer[fuzzAnswer]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := next.Load()
		w.WriteHeader(a.status)
		w.Write(a.body)
	}))
	f.Cleanup(srv.Close)
	a, err := drive.NewHTTP(srv.URL, drive.WithTimeout(fuzzTimeout))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, stim byte) {
		testkit.Watchdog(t, fuzzTimeout+5*time.Second)
		status = 200 + int(uint(status)%400) // WriteHeader panics outside 100-999; 1xx are not final answers
		next.Store(&fuzzAnswer{status: status, body: body})
		start := time.Now()
		connID, name, err := perform(t.Context(), a, stim)
		if took := time.Since(start); took > fuzzTimeout+time.Second {
			t.Fatalf("%s took %s with a timeout of %s", name, took, fuzzTimeout)
		}
		var ae *drive.AdapterError
		isAdapter := errors.As(err, &ae)
		switch {
		case err == nil:
			if status != http.StatusOK || !saysOK(body) {
				t.Fatalf("%s succeeded on status %d and body %q", name, status, body)
			}
			if name == "off-hook" && connID == "" {
				t.Fatalf("off-hook succeeded without a ConnID on body %q", body)
			}
		case isAdapter:
			if ae.Problem == "" || !strings.Contains(err.Error(), name) {
				t.Fatalf("%s: adapter error without a problem or the stimulus: %v", name, err)
			}
		case status != http.StatusConflict || !drive.IsRefusal(err):
			t.Fatalf("%s on status %d, body %q: %v is neither a refusal on a 409 nor an *AdapterError", name, status, body, err)
		}
		if status == http.StatusOK && !json.Valid(body) && !isAdapter {
			t.Fatalf("%s on a 200 with the non-JSON body %q: %v, want an *AdapterError", name, body, err)
		}
	})
}

// perform asks a for one of four stimuli, chosen by stim, and names it.
func perform(ctx context.Context, a *drive.Adapter, stim byte) (connID, name string, err error) {
	r := drive.Request{Tenant: "t1", DN: "5001", ReferenceID: 17}
	switch stim % 4 {
	case 0:
		return "", "dnd-on", a.DNDOn(ctx, r)
	case 1:
		connID, err = a.OffHook(ctx, r)
		return connID, "off-hook", err
	case 2:
		return "", "login", a.Login(ctx, drive.Login{Request: r, Agent: "1001", WorkMode: drive.WorkMode("AgentManualIn")})
	default:
		return "", "mute-off", a.MuteOff(ctx, drive.Mute{Request: r, ConnID: "007102385535e00e", Role: drive.Role("RoleObserver")})
	}
}

// saysOK says whether body is one JSON object whose ok member is true.
func saysOK(body []byte) bool {
	var v struct {
		OK *bool `json:"ok"`
	}
	return json.Unmarshal(body, &v) == nil && v.OK != nil && *v.OK
}
