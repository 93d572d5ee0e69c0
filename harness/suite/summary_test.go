package suite_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/collect"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/suite"
)

func passingStream() *report.Report {
	r := report.New()
	r.Lines, r.Events, r.PerEvent["EventDNDOn"] = 2, 2, 2
	return r
}

// TestTheSummaryVerdictIsTheRunsVerdict: unknown is never a pass; a failed spec or a failed
// stream is FAIL; a run that selected specs is PARTIAL; a spec that skipped itself is listed.
func TestTheSummaryVerdictIsTheRunsVerdict(t *testing.T) {
	failedStream := passingStream()
	failedStream.Add(finding.Finding{Rule: "key.format", Severity: finding.Violation, Message: "the key lacks the ':'"})
	all := func(edit func(*suite.Run)) *suite.Run {
		r := &suite.Run{Succeeded: true, Total: 65, Selected: 65, Ran: 65, Passed: 65}
		if edit != nil {
			edit(r)
		}
		return r
	}
	for _, c := range []struct {
		name     string
		run      *suite.Run
		stream   *report.Report
		verdict  string
		headline string
		says     []string
	}{
		{"everything passed", all(nil), passingStream(), suite.VerdictPass, "PASS (65 of 65 specs)", []string{"- specs: 65 of 65 ran: 65 passed, 0 failed, 0 skipped themselves"}},
		{"a spec failed", all(func(r *suite.Run) {
			r.Succeeded, r.Passed = false, 64
			r.Failed = []suite.SpecOutcome{{Name: "Event EventMuteOff is produced", Location: "specs/conformance_test.go:37", Message: "stimulus: mute-off\n  wrong: ReferenceID is missing"}}
		}), passingStream(), suite.VerdictFail, "FAIL", []string{"- specs: 65 of 65 ran: 64 passed, 1 failed", "## Failed specs", "- Event EventMuteOff is produced (specs/conformance_test.go:37)", "  - wrong: ReferenceID is missing"}},
		{"interrupted", all(func(r *suite.Run) { r.Succeeded, r.Reasons = false, []string{"Interrupted by User"} }), passingStream(), suite.VerdictFail, "FAIL", []string{"- the suite failed: Interrupted by User"}},
		{"the stream failed", all(nil), failedStream, suite.VerdictFail, "FAIL", []string{"[key.format]"}},
		{"the stream was never judged", all(nil), nil, suite.VerdictFail, "FAIL", []string{"- stream: never judged"}},
		{"no report of the run", nil, passingStream(), suite.VerdictFail, "FAIL", []string{"the run's outcome is unknown"}},
		{"no spec ran", all(func(r *suite.Run) { r.Selected, r.Ran, r.Filter = 0, 0, "label filter 'nothing'" }), passingStream(), suite.VerdictFail, "FAIL", []string{"no spec ran"}},
		{"label filter", all(func(r *suite.Run) { r.Selected, r.Ran, r.Filter = 4, 4, "label filter 'EventDNDOn'" }), passingStream(), suite.VerdictPartial,
			"PARTIAL (label filter 'EventDNDOn': 4 of 65 specs ran and passed; not a certification of the whole contract)", nil},
		{"a spec skipped itself", all(func(r *suite.Run) {
			r.Ran = 64
			r.Skipped = []suite.SpecOutcome{{Name: "Broker modes runs a Kafka container", Location: "specs/broker_test.go:56", Message: "container mode needs a container runtime"}}
		}), passingStream(), suite.VerdictPartial, "PARTIAL (1 spec skipped itself: 64 of 65 specs ran and passed; not a certification of the whole contract)", []string{"## Specs that skipped themselves", "  - container mode needs a container runtime"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := suite.Summary{Run: c.run, Report: c.stream}
			if got := s.Decide(); got != c.verdict {
				t.Errorf("verdict %s, want %s", got, c.verdict)
			}
			var md strings.Builder
			s.Markdown(&md)
			if first := strings.SplitN(md.String(), "\n", 2)[0]; first != "# voice-agentstate conformance: "+c.headline {
				t.Errorf("headline %q, want %q", first, "# voice-agentstate conformance: "+c.headline)
			}
			for _, want := range c.says {
				if !strings.Contains(md.String(), want) {
					t.Errorf("summary lacks %q:\n%s", want, md.String())
				}
			}
		})
	}
}

// TestTheSummaryEscapesTextFromRecords: failure messages, findings and names carry text from
// records; none of it may start a line of summary.md, which 'make conformance' prints.
func TestTheSummaryEscapesTextFromRecords(t *testing.T) {
	hostile := "x\n::error title=injected::boom\r::error title=injected::\x1b[2K"
	stream := passingStream()
	stream.PerEvent[hostile] = 1
	stream.Add(finding.Finding{Rule: "event.unknown-id", Severity: finding.Violation, Event: hostile, Message: hostile + " is not an event", Place: finding.Place{Key: hostile, HasKey: true}})
	s := suite.Summary{SUT: "reference", Report: stream, Run: &suite.Run{Total: 1, Selected: 1, Ran: 1,
		Failed: []suite.SpecOutcome{{Name: "spec " + hostile, Location: "x.go:1", Message: "wrong: " + hostile}}}}
	var md strings.Builder
	s.Markdown(&md)
	for _, line := range strings.FieldsFunc(md.String(), func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "::") || strings.Contains(l, "\x1b") {
			t.Errorf("summary.md has a line of the record's own: %q", line)
		}
	}
}

// TestAStepsReportEscapesTextFromRecords: Ginkgo prints a failed step's report into the CI log;
// the ids and values of the events it saw never start a line of it.
func TestAStepsReportEscapesTextFromRecords(t *testing.T) {
	hostile := "x\n::error title=injected::boom"
	o := suite.Outcome{Step: suite.Step{Name: "dnd-on on DN 5001", DNs: []string{"5001"}},
		Extra: []collect.Event{{ID: hostile, Value: []byte(`{"id":"` + hostile + `"}`)}}, Wrong: []string{hostile}, Got: []collect.Event{{ID: hostile}}}
	for _, line := range strings.Split(o.Report(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("the step's report has a line of the record's own: %q", line)
		}
	}
}

// TestASummaryWhoseCoverageIsUnknownIsNotAPass: Summarize used to discard the error of loading
// the built-in schemas, and so wrote a PASS whose coverage table said nothing was ever missed.
func TestASummaryWhoseCoverageIsUnknownIsNotAPass(t *testing.T) {
	suite.FailBuiltin(t, errors.New("schema EventDNDOn: broken"))
	env := &suite.Env{Cfg: suite.Config{SUT: "reference"}}
	s := env.Summarize(passingStream())
	s.Run = &suite.Run{Succeeded: true, Total: 65, Selected: 65, Ran: 65}
	if got := s.Decide(); got != suite.VerdictFail {
		t.Errorf("verdict %s with the schemas unloadable, want %s", got, suite.VerdictFail)
	}
	var md strings.Builder
	s.Markdown(&md)
	if want := "coverage unknown (load the built-in schemas: schema EventDNDOn: broken)"; !strings.Contains(md.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, md.String())
	}
}

// TestEveryReportOfTheSummaryHasOneMode: summary.json, summary.md and summary.html are written
// with the mode of every report (0640: readable by the group a CI job shares them with), not
// one file 0644 and another 0640.
func TestEveryReportOfTheSummaryHasOneMode(t *testing.T) {
	dir := t.TempDir()
	s := suite.Summary{Run: &suite.Run{Succeeded: true, Total: 1, Selected: 1, Ran: 1, Passed: 1}, Report: passingStream()}
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{suite.SummaryJSON, suite.SummaryMD, suite.SummaryHTML} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o640 {
			t.Errorf("%s has mode %v, want 0640 like every report", name, st.Mode().Perm())
		}
	}
}
