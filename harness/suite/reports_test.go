package suite_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runSpecs runs the compiled suite with its reports in dir, the given settings and Ginkgo flags,
// and returns its exit code and output.
func runSpecs(t *testing.T, bin, root, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-test.run", "^TestSpecs$", "-ginkgo.no-color"}, args...)...)
	cmd.Dir = filepath.Join(root, "specs")
	cmd.Env = append(append(os.Environ(), "AGENTSTATE_TIMEOUT=1s", "AGENTSTATE_REPORT_DIR="+dir), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), string(out)
	} else if err != nil {
		t.Fatalf("run the suite: %v", err)
	}
	return 0, string(out)
}

func readOrFail(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTheSummarySaysWhatTheRunDid: summary.md, which 'make conformance' prints last, carries the
// run's verdict, not only the stream's: a run with a failed spec is FAIL and names the failed
// specs, even when the stream itself breaks no rule; a run that selected specs by label is
// PARTIAL, names its filter, and never reads as a full PASS; and 'ginkgo --dry-run' writes no
// report at all, leaving the last run's reports as they were.
func TestTheSummarySaysWhatTheRunDid(t *testing.T) {
	root, bin := buildSuite(t)
	t.Run("failed specs, lawful stream", func(t *testing.T) {
		dir := t.TempDir()
		// The stream of this fault breaks no sequence rule: only the specs see it.
		code, out := runSpecs(t, bin, root, dir, []string{"AGENTSTATE_FAULT=referenceid-not-echoed"})
		md := readOrFail(t, filepath.Join(dir, "summary.md"))
		if code == 0 || !strings.HasPrefix(md, "# voice-agentstate conformance: FAIL") {
			t.Fatalf("exit %d; summary.md:\n%s\n%s", code, md, tailOf(out))
		}
		if !strings.Contains(md, "## Failed specs") || !strings.Contains(md, "EventMuteOff is produced by its stimulus") {
			t.Errorf("summary.md does not list the failed specs:\n%s", md)
		}
		if js := readOrFail(t, filepath.Join(dir, "summary.json")); !strings.Contains(js, `"verdict": "FAIL"`) {
			t.Errorf("summary.json does not say FAIL:\n%s", js)
		}
	})
	t.Run("label filter", func(t *testing.T) {
		dir := t.TempDir()
		code, out := runSpecs(t, bin, root, dir, nil, "-ginkgo.label-filter=EventDNDOn")
		md := readOrFail(t, filepath.Join(dir, "summary.md"))
		if code == 0 {
			t.Errorf("a filtered run exits 0: a CI step reading the exit code takes it for a certification\n%s", tailOf(out))
		}
		if code, out := runSpecs(t, bin, root, t.TempDir(), []string{"AGENTSTATE_ALLOW_PARTIAL=true"}, "-ginkgo.label-filter=EventDNDOn"); code != 0 {
			t.Errorf("a filtered run with AGENTSTATE_ALLOW_PARTIAL=true: exit %d\n%s", code, tailOf(out))
		}
		if !strings.HasPrefix(md, "# voice-agentstate conformance: PARTIAL") || !strings.Contains(md, "label filter 'EventDNDOn'") {
			t.Errorf("summary.md:\n%s\n%s", md, tailOf(out))
		}
		if strings.Contains(strings.SplitN(md, "\n", 2)[0], "PASS") {
			t.Errorf("a filtered run's headline reads as a pass: %s", strings.SplitN(md, "\n", 2)[0])
		}
	})
	t.Run("dry run", func(t *testing.T) {
		dir := t.TempDir()
		earlier := map[string]string{"junit.xml": "<earlier/>", "ginkgo.json": "[]", "summary.md": "# earlier", "summary.json": "{}", "capture.jsonl": "{}\n"}
		for name, content := range earlier {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if code, out := runSpecs(t, bin, root, dir, nil, "-ginkgo.dry-run"); code != 0 {
			t.Fatalf("dry run: exit %d\n%s", code, tailOf(out))
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != len(earlier) {
			t.Errorf("the dry run left %d files in the report directory, want the %d it found", len(entries), len(earlier))
		}
		for name, content := range earlier {
			if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != content {
				t.Errorf("the dry run rewrote %s: %.200s", name, got)
			}
		}
	})
}

func tailOf(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}
