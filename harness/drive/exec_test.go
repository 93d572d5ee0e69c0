package drive_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/drive/drivetest"
)

// script is the exec adapter of the tests: harness/scripts/exec-adapter.sh.
func script(t testing.TB) string {
	t.Helper()
	path, err := filepath.Abs("../scripts/exec-adapter.sh")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed; the exec adapter's script needs it")
	}
	return path
}

func TestExecDrivesTheReferenceEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is not installed; the script forwards to the HTTP handler with it, and CI must test that path")
		}
		t.Skip("curl is not installed; the script forwards to the HTTP handler with it (CI=true fails instead)")
	}
	p, mem := reference(t)
	a, err := drive.NewExec([]string{"bash", script(t)}, drive.WithEnv("AGENTSTATE_ADAPTER_URL="+serve(t, p).URL))
	if err != nil {
		t.Fatal(err)
	}
	devs, err := drivetest.Tour(t.Context(), a, &drive.RefIDs{}, drivetest.DefaultCast())
	if err != nil || len(devs) > 0 {
		t.Fatalf("tour over exec: %v %v", err, devs)
	}
	sameStream(t, mem.Messages(), directTour(t))
	if err := a.DNDOff(t.Context(), drive.Request{Tenant: "t1", DN: "5001", ReferenceID: 99}); !errors.Is(err, drive.ErrInvalidState) {
		t.Fatalf("a refusal over exec: got %v, want ErrInvalidState", err)
	}
}

// fakeExec runs the script as a fake whose answer to one stimulus, dnd-on, is mode; it answers
// every other stimulus with a success.
func fakeExec(t testing.TB, mode string, opts ...drive.Opt) *drive.Adapter {
	t.Helper()
	opts = append(opts, drive.WithEnv("AGENTSTATE_FAKE="+mode, "AGENTSTATE_FAKE_ONLY=dnd-on"))
	a, err := drive.NewExec([]string{"bash", script(t)}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestExecAnswers(t *testing.T) {
	a := fakeExec(t, "refuse")
	conn, err := a.OffHook(t.Context(), req)
	if err != nil || conn != "00000000000000ff" {
		t.Fatalf("off-hook: got %q, %v; want the fake's ConnID", conn, err)
	}
	err = a.DNDOn(t.Context(), req)
	var ae *drive.AdapterError
	if !errors.Is(err, drive.ErrOutOfService) || errors.As(err, &ae) {
		t.Fatalf("got %v, want the refusal ErrOutOfService", err)
	}
	if !strings.Contains(err.Error(), "drive dnd-on via exec bash ") || !strings.Contains(err.Error(), "DN 5001 is out of service") {
		t.Fatalf("refusal reads %q", err)
	}
}

func TestExecAdapterFailures(t *testing.T) {
	cases := []struct {
		mode    string
		problem string
		answer  string // a part of the quoted answer
	}{
		{"sleep", "no answer within the timeout of 500ms", ""},
		{"garbage", "answered non-JSON", "502 Bad Gateway"},
		{"empty", "answered non-JSON (EOF)", ""},
		// Regression: io.Copy once bypassed the cap through bytes.Buffer's ReadFrom and kept 2 MB.
		{"big", "more than the limit of 1024 bytes", "(the first 200 of 1024 bytes read)"},
		{"fail", `exited with status 7; stderr: "exec-adapter: the service is down\n"`, ""},
		{"unknown", `unknown error code "busy"`, "try later"},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			a := fakeExec(t, c.mode, drive.WithTimeout(500*time.Millisecond), drive.WithMaxBody(1024))
			ae := adapterError(t, a.DNDOn(t.Context(), req), drive.StimulusDNDOn, c.problem)
			if !strings.Contains(ae.Answer, c.answer) || (c.answer == "") != (ae.Answer == "") || !strings.HasPrefix(ae.Adapter, "exec bash ") {
				t.Fatalf("answer %q adapter %q, want the answer to hold %q", ae.Answer, ae.Adapter, c.answer)
			}
			if err := a.DNDOff(t.Context(), req); err != nil {
				t.Fatalf("the adapter did not go on: %v", err)
			}
		})
	}
}

func TestExecCommandMissing(t *testing.T) {
	a, err := drive.NewExec([]string{filepath.Join(t.TempDir(), "no-such-adapter")})
	if err != nil {
		t.Fatal(err)
	}
	adapterError(t, a.DNDOn(t.Context(), req), drive.StimulusDNDOn, "could not run the command")
}

func TestNewExecRefusesBadSettings(t *testing.T) {
	for name, c := range map[string]struct {
		command []string
		opts    []drive.Opt
	}{
		"no command":    {nil, nil},
		"an empty name": {[]string{""}, nil},
		"a bad env":     {[]string{"true"}, []drive.Opt{drive.WithEnv("NOEQUALS")}},
		"a bad timeout": {[]string{"true"}, []drive.Opt{drive.WithTimeout(-time.Second)}},
	} {
		var usage *drive.UsageError
		if _, err := drive.NewExec(c.command, c.opts...); !errors.As(err, &usage) {
			t.Errorf("%s: got %v, want a usage error", name, err)
		}
	}
}

func TestParseCommand(t *testing.T) {
	cases := []struct {
		line string
		want []string
	}{
		{"./adapter.sh", []string{"./adapter.sh"}},
		{"  a   b\tc  ", []string{"a", "b", "c"}},
		{`a "b c" 'd e'`, []string{"a", "b c", "d e"}},
		{`a "say \"hi\"" 'it''s'`, []string{"a", `say "hi"`, "its"}},
		{`a\ b "\x" '\x' ""`, []string{"a b", `\x`, `\x`, ""}},
		{"", nil},
	}
	for _, c := range cases {
		got, err := drive.ParseCommand(c.line)
		if err != nil || strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
			t.Errorf("ParseCommand(%q) = %q, %v; want %q", c.line, got, err, c.want)
		}
	}
	for _, bad := range []string{`a "b`, `a 'b`, `a\`} {
		var usage *drive.UsageError
		if _, err := drive.ParseCommand(bad); !errors.As(err, &usage) {
			t.Errorf("ParseCommand(%q): got %v, want a usage error", bad, err)
		}
	}
}
