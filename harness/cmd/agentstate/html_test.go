package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

func readHTML(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no HTML report at %s: %v", path, err)
	}
	return string(b)
}

// TestVerifyWritesTheHTMLReport: --report-html (or AGENTSTATE_REPORT_HTML) writes the page,
// verdict first, each finding linked to its record, for files and for standard input alike.
func TestVerifyWritesTheHTMLReport(t *testing.T) {
	capture := fixtures + "schema-findings.jsonl"
	raw, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name, stdin, place string
		env                map[string]string
		args               []string
	}{
		{"a file", "", capture + ":2", nil, []string{"verify", "--report-html", filepath.Join(dir, "file.html"), capture}},
		{"standard input", string(raw), "stdin:2", nil, []string{"verify", "--report-html", filepath.Join(dir, "stdin.html"), "-"}},
		{"the variable", "", capture + ":2", map[string]string{"AGENTSTATE_REPORT_HTML": filepath.Join(dir, "env.html")}, []string{"verify", capture}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := agentstate(t, c.stdin, c.env, c.args...)
			path := filepath.Join(dir, map[string]string{"a file": "file.html", "standard input": "stdin.html", "the variable": "env.html"}[c.name])
			if r.code != exitFindings || !strings.Contains(r.stderr, "HTML report written to "+path) {
				t.Fatalf("exit %d, want %d, and a line naming the report\n%s", r.code, exitFindings, r.stderr)
			}
			html := readHTML(t, path)
			for _, want := range []string{`<span class="word">FAIL</span><h1 style="display:inline">agentstate verify</h1>`,
				`<a href="#finding-1"><path class="bad"`, `at <a href="#ev-1">` + c.place + `</a>`, `<pre id="ev-1">` + c.place} {
				if !strings.Contains(html, want) {
					t.Errorf("the page lacks %s", want)
				}
			}
		})
	}
}

// An HTML report that cannot be written is an I/O error (exit 2), said on stderr.
func TestVerifyHTMLReportWriteErrorIsExit2(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r := agentstate(t, "", nil, "verify", "--report-html", filepath.Join(blocker, "report.html"), fixtures+"valid-day.jsonl")
	if r.code != exitUsage || !strings.Contains(r.stderr, "write html report") {
		t.Fatalf("exit %d, want %d with the error\n%s", r.code, exitUsage, r.stderr)
	}
}

// TestObserveWritesTheHTMLReport: observe draws the records it consumed, with their Kafka
// coordinates, and marks the finding on them.
func TestObserveWritesTheHTMLReport(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b,
		brokertest.Record{Key: []byte("t1:1001"), Value: []byte(`{"id":"EventAgentReady","Server":3,"ThisDN":"5001","AgentID":"1001","time":{"seconds":1764035100,"useconds":0}}`)},
		brokertest.Record{Key: []byte("t1:1002"), Value: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"5002","time":{"seconds":1764035100,"useconds":0}}`)},
	)
	path := filepath.Join(t.TempDir(), "observe.html")
	r := agentstate(t, "", observeEnv(b), "observe", "--until-end", "--report-html", path)
	if r.code != exitFindings {
		t.Fatalf("observe: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	html := readHTML(t, path)
	for _, want := range []string{`<span class="word">FAIL</span><h1 style="display:inline">agentstate observe</h1>`, `<text x="4" y="36" dy="4">DN 5001</text>`,
		`<a href="#finding-1"><path class="bad"`, `(key &#34;t1:1001&#34;, partition 0, offset 0)`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// TestMakeConformancePassesTheBaselineToTheSuite: with BASELINE, the suite gets it as an
// absolute AGENTSTATE_BASELINE, for summary.html's diff. GINKGO="sh -c env" prints the environment the
// suite would see; AGENTSTATE=true stands in for the diff that follows.
func TestMakeConformancePassesTheBaselineToTheSuite(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	cmd := exec.Command("make", "-s", "-C", "../../..", "conformance", "GINKGO=sh -c env", "AGENTSTATE=true", "BASELINE=fixtures/diff/same-build/baseline", "AGENTSTATE_REPORT_DIR="+t.TempDir())
	out, _ := cmd.CombinedOutput()
	root, _ := filepath.Abs("../../..")
	if want := "AGENTSTATE_BASELINE=" + filepath.Join(root, "fixtures/diff/same-build/baseline"); !strings.Contains(string(out), want) {
		t.Errorf("the suite's environment lacks %s:\n%s", want, out)
	}
}

// TestAFailedRunLeavesNoEarlierHTMLPass: a run with findings or a usage error never leaves an
// earlier run's PASS page at its --report-html path.
func TestAFailedRunLeavesNoEarlierHTMLPass(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"findings", nil, []string{"verify", "--report-html", path, fixtures + "schema-findings.jsonl"}, exitFindings},
		{"bad flag after the report flag", nil, []string{"verify", "--report-html", path, "--format", "xml", fixtures + "valid-day.jsonl"}, exitUsage},
		{"observe usage error", map[string]string{"AGENTSTATE_REPORT_HTML": path}, []string{"observe", "--from", "yesterday", "--bootstrap", "127.0.0.1:1"}, exitUsage},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r := agentstate(t, "", nil, "verify", "--report-html", path, fixtures+"valid-day.jsonl"); r.code != exitPass || !strings.Contains(readHTML(t, path), `<span class="word">PASS</span>`) {
				t.Fatalf("the passing run: exit %d, or no PASS page\n%s", r.code, r.stderr)
			}
			if r := agentstate(t, "", c.env, c.args...); r.code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, c.code, r.stdout, r.stderr)
			}
			if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), `<span class="word">PASS</span>`) {
				t.Errorf("%s still holds a PASS page after a run that exited %d", path, c.code)
			}
		})
	}
}
