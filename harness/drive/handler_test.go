package drive_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/drive"
)

// broken is a Driver whose DNDOn fails for a reason that is no refusal, as a publish to a broker
// that is down would.
type broken struct{ drive.Driver }

func (broken) DNDOn(context.Context, drive.Request) error {
	return errors.New("publish EventDNDOn: broker unreachable")
}

func TestHandlerAnswers(t *testing.T) {
	p, _ := reference(t)
	srv := serve(t, p, drive.WithMaxBody(512))
	brokenSrv := serve(t, broken{p})
	dnd := `{"stimulus":"dnd-on","CustomerID":"t1","ThisDN":"5001","ReferenceID":1}`
	cases := []struct {
		name, method, url, body string
		status                  int
		code                    string // the error code; "" for a success
	}{
		{"a stimulus", "POST", srv.URL + drive.Path, dnd, 200, ""},
		{"a refusal", "POST", srv.URL + drive.Path, strings.Replace(dnd, `"dnd-on","CustomerID":"t1","ThisDN":"5001"`, `"dnd-off","CustomerID":"t1","ThisDN":"5002"`, 1), 409, "invalid-state"},
		{"a malformed request", "POST", srv.URL + drive.Path, strings.Replace(dnd, `"t1"`, `""`, 1), 409, "invalid-request"},
		{"GET", "GET", srv.URL + drive.Path, "", 405, "-"},
		{"another path", "POST", srv.URL + "/v2/stimulus", dnd, 404, "-"},
		{"not JSON", "POST", srv.URL + drive.Path, "stimulus=dnd-on", 400, "bad-request"},
		{"an unknown attribute", "POST", srv.URL + drive.Path, strings.Replace(dnd, "ThisDN", "ThisNumber", 1), 400, "bad-request"},
		{"an unknown stimulus", "POST", srv.URL + drive.Path, strings.Replace(dnd, "dnd-on", "dance", 1), 400, "bad-request"},
		{"two objects", "POST", srv.URL + drive.Path, dnd + dnd, 400, "bad-request"},
		{"too large", "POST", srv.URL + drive.Path, `{"stimulus":"` + strings.Repeat("x", 600) + `"}`, 413, "bad-request"},
		{"a failure of the driver", "POST", brokenSrv.URL + drive.Path, dnd, 500, "internal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := http.NewRequestWithContext(t.Context(), c.method, c.url, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			if c.code != "-" {
				checkBody(t, body, c.code)
			}
		})
	}
}

func checkBody(t *testing.T, body []byte, code string) {
	t.Helper()
	var a struct {
		OK    *bool `json:"ok"`
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &a); err != nil || a.OK == nil {
		t.Fatalf("body %s: %v", body, err)
	}
	switch {
	case code == "" && (!*a.OK || a.Error != nil):
		t.Fatalf("body %s, want a success", body)
	case code != "" && (*a.OK || a.Error == nil || a.Error.Code != code || a.Error.Message == ""):
		t.Fatalf("body %s, want the error code %s with a message", body, code)
	}
}

// TestHTTPAdapterReportsAFailureOfTheSystem shows the other side of a 500: an adapter error, never
// a refusal and never a success.
func TestHTTPAdapterReportsAFailureOfTheSystem(t *testing.T) {
	p, _ := reference(t)
	a, err := drive.NewHTTP(serve(t, broken{p}).URL)
	if err != nil {
		t.Fatal(err)
	}
	ae := adapterError(t, a.DNDOn(t.Context(), req), drive.StimulusDNDOn, "answered status 500")
	if !strings.Contains(ae.Answer, "broker unreachable") {
		t.Fatalf("the answer %q does not say what went wrong", ae.Answer)
	}
}
