package suite_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/suite"
)

// copyRun puts a run's capture and stimulus log into a fresh report directory.
func copyRun(t *testing.T, from string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"capture.jsonl", "stimuli.jsonl"} {
		b, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestSummaryHTMLIsWrittenBesideSummaryMD: the suite's reports include summary.html, verdict
// first, with the failed spec, the timelines of the capture, and the diff against the baseline
// when one is given; ClearReports removes it with the others.
func TestSummaryHTMLIsWrittenBesideSummaryMD(t *testing.T) {
	dir := copyRun(t, "../../fixtures/diff/event-removed/candidate")
	s := suite.Summary{SUT: "reference", Report: passingStream(), Baseline: "../../fixtures/diff/event-removed/baseline",
		Run: &suite.Run{Total: 2, Selected: 2, Ran: 2, Failed: []suite.SpecOutcome{{Name: "Event EventOnHook is produced", Location: "specs/conformance_test.go:37",
			Message: "stimulus: out-of-service of DN 1\n  missing: EventOnHook on DN 1, expected by 2026-12-01T00:00:00Z (timeout AGENTSTATE_TIMEOUT)"}}}}
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, suite.SummaryHTML))
	if err != nil {
		t.Fatalf("the suite wrote no %s beside %s: %v", suite.SummaryHTML, suite.SummaryMD, err)
	}
	html := string(b)
	for _, want := range []string{
		`<header class="verdict fail" id="verdict"><span class="word">FAIL</span>`,
		`<h3>Event EventOnHook is produced</h3>`, `<li>missing: EventOnHook on DN 1`,
		`<svg xmlns="http://www.w3.org/2000/svg" id="timeline-svg"`, `<g class="lane">`,
		`<svg xmlns="http://www.w3.org/2000/svg" id="coverage-svg"`,
		`Difference from the baseline: <span class="fail pill">BREAKING</span>`, `diff.event-removed`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("summary.html lacks %s", want)
		}
	}
	if err := suite.ClearReports(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, suite.SummaryHTML)); err == nil {
		t.Errorf("ClearReports left an earlier run's %s", suite.SummaryHTML)
	}
}

// A baseline that cannot be read is said on the page, not left out as if there were no diff.
func TestSummaryHTMLSaysWhenTheDiffCannotBeMade(t *testing.T) {
	dir := copyRun(t, "../../fixtures/diff/event-removed/candidate")
	s := suite.Summary{Report: passingStream(), Baseline: filepath.Join(t.TempDir(), "missing")}
	html := s.Page(dir)
	if html.Diff != nil || !strings.Contains(html.DiffError, "baseline: open capture") {
		t.Fatalf("expected the page to say the baseline could not be read, got diff %v, error %q", html.Diff, html.DiffError)
	}
}
