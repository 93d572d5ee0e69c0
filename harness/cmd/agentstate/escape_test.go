package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

// injected is what a hostile record or file name tries to print at the start of a line: a
// GitHub Actions workflow command.
const injected = "::error title=injected::"

// hostileText is a value that would write a command of its own if printed raw.
const hostileText = "x\n" + injected + "boom\r\n" + injected + "\x1b[2Kagain"

// noInjectedLine fails when any line of out, however indented, starts with the injected command;
// in text and json output no line may start with "::" at all.
func noInjectedLine(t *testing.T, what, format, out string) {
	t.Helper()
	for i, line := range strings.FieldsFunc(out, func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, injected) || (format != formatGitHub && strings.HasPrefix(line, "::")) || strings.Contains(line, "\x1b") {
			t.Errorf("%s (--format %s), line %d writes a command or an escape of its own: %q", what, format, i+1, line)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestUntrustedTextNeverStartsALine: ids, keys, values and file names from the input are escaped
// before they reach stdout or stderr, in every format, in findings, in the summary's per-event
// table and in error messages.
func TestUntrustedTextNeverStartsALine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "capture\n"+injected+"file.jsonl")
	lines := []string{
		fmt.Sprintf(`{"id":%s,"Server":3,"ThisDN":"5001"}`, jsonString(hostileText)),
		fmt.Sprintf(`{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},%s:1}`, jsonString(hostileText)),
		fmt.Sprintf(`{"id":"EventAgentReady","Server":3,"ThisDN":%s,"time":{"seconds":1764035100,"useconds":0},"AgentWorkMode":%[1]s}`, jsonString(hostileText)),
		// Without a newline: a CI runner reads a line that starts with "::" after spaces.
		fmt.Sprintf(`{"id":%s,"Server":3,"ThisDN":"5001"}`, jsonString(injected+"plain")),
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b, brokertest.Record{Key: []byte("t1:" + hostileText), Value: []byte(lines[0])}, brokertest.Record{Value: []byte(lines[2])}, brokertest.Record{Key: []byte(injected + "key"), Value: []byte(lines[3])})
	for _, format := range []string{formatText, formatJSON, formatGitHub} {
		r := agentstate(t, "", nil, "verify", "--format", format, file)
		if r.code != exitFindings {
			t.Errorf("verify --format %s: exit %d\n%s%s", format, r.code, r.stdout, r.stderr)
		}
		noInjectedLine(t, "verify", format, r.stdout+r.stderr)
		r = agentstate(t, "", observeEnv(b), "observe", "--until-end", "--format", format)
		if r.code != exitFindings {
			t.Errorf("observe --format %s: exit %d\n%s%s", format, r.code, r.stdout, r.stderr)
		}
		noInjectedLine(t, "observe", format, r.stdout+r.stderr)
	}
	for _, name := range []string{"missing\n" + injected + "x.jsonl", injected + "x.jsonl"} {
		r := agentstate(t, "", nil, "verify", filepath.Join(dir, name))
		if r.code != exitUsage {
			t.Errorf("verify of a missing file: exit %d", r.code)
		}
		noInjectedLine(t, "verify of a missing file", formatText, r.stdout+r.stderr)
	}
	t.Run("a file name that starts the line", func(t *testing.T) {
		plain := injected + "capture.jsonl"
		if err := os.WriteFile(filepath.Join(dir, plain), []byte(lines[0]+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Chdir(dir)
		for _, format := range []string{formatText, formatGitHub} {
			r := agentstate(t, "", nil, "verify", "--format", format, plain)
			noInjectedLine(t, "verify of "+plain, format, r.stdout+r.stderr)
		}
	})
	for _, cmd := range []string{"verify", "observe", "merge", "broker"} {
		r := agentstate(t, "", nil, cmd, "-\n"+injected+"flag", "capture.jsonl")
		if r.code != exitUsage {
			t.Errorf("%s with a hostile flag: exit %d", cmd, r.code)
		}
		noInjectedLine(t, cmd+" with a hostile flag", formatText, r.stdout+r.stderr)
	}
}

// TestGitHubAnnotationsRollUpBeyondTen: GitHub shows only the first few annotations of a step,
// so beyond 10 of one rule the rest are one count line, and the text lines are not lost.
func TestGitHubAnnotationsRollUpBeyondTen(t *testing.T) {
	var b strings.Builder
	for i := range 25 {
		fmt.Fprintf(&b, `{"id":"EventAgentReady","Server":3,"ThisDN":"%d","time":{"seconds":1764035100,"useconds":0}}`+"\n", 6000+i)
	}
	for i := range 3 {
		fmt.Fprintf(&b, `{"id":"EventDNDOn","Server":3,"ThisDN":"%d","time":{"seconds":1764035100,"useconds":0},"Extra%d":1}`+"\n", 7000+i, i)
	}
	r := agentstate(t, b.String(), nil, "verify", "--format", "github", "-")
	if r.code != exitFindings {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	count := func(level, rule string) int {
		n := 0
		for _, line := range strings.Split(r.stdout, "\n") {
			if strings.HasPrefix(line, "::"+level+" ") && strings.Contains(line, "title="+rule+"::") {
				n++
			}
		}
		return n
	}
	if n := count("error", "schema.required"); n != 11 {
		t.Errorf("%d schema.required annotations, want 10 and one roll-up\n%s", n, r.stdout)
	}
	if !strings.Contains(r.stdout, "::error title=schema.required::... and 15 more schema.required findings") {
		t.Errorf("no roll-up line for the 15 schema.required findings beyond 10:\n%s", r.stdout)
	}
	text := 0
	for _, line := range strings.Split(r.stdout, "\n") {
		if !strings.HasPrefix(line, "::") && strings.Contains(line, "[schema.required]") {
			text++
		}
	}
	if text != 15 {
		t.Errorf("%d schema.required findings beyond the 10 annotated are in the log as text lines, want 15\n%s", text, r.stdout)
	}
	if n := count("warning", "schema.unknown-attribute"); n != 3 {
		t.Errorf("%d schema.unknown-attribute annotations, want all 3\n%s", n, r.stdout)
	}
	if !strings.Contains(r.stdout, "FAIL: 25 violations, 3 warnings") {
		t.Errorf("the summary does not count every finding:\n%s", r.stdout)
	}
}
