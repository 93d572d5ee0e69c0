package suite

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

// Summary is the suite's own account of a run, beside Ginkgo's reports: the run's verdict, what
// was used, what was seen, how much of the contract the run exercised, and every finding on the
// whole stream.
type Summary struct {
	Verdict  string                   `json:"verdict"` // Decide(), filled in by Write
	Version  report.Versions          `json:"version"` // the suite, schema set and spec revision that judged; filled in by Write
	Run      *Run                     `json:"run"`
	SUT      string                   `json:"sut"`
	Fault    string                   `json:"fault,omitempty"`
	Report   *report.Report           `json:"stream"` // nil when the stream was never judged
	Coverage map[string]EventCoverage `json:"coverage"`
	// Baseline is the capture (or report directory) of the release in production that
	// summary.html shows the run's diff against (AGENTSTATE_BASELINE); "" for none.
	Baseline string `json:"baseline,omitempty"`
	// CoverageError says why the coverage could not be computed; a summary with one never
	// passes, as what the run exercised is unknown.
	CoverageError string `json:"coverage_error,omitempty"`
}

// builtinSet is the schema set the coverage is measured against; a variable so that a test can
// make it fail.
var builtinSet = contract.Builtin

// Verdicts of a summary. Partial is a run that passed with only the specs a label filter or a
// focus selected: it is not a certification of the contract, so its verdict never reads as a
// pass.
const (
	VerdictPass    = "PASS"
	VerdictFail    = "FAIL"
	VerdictPartial = "PARTIAL"
)

// Run is the account of the Ginkgo run a summary belongs to, from its report after the suite.
type Run struct {
	Succeeded bool          `json:"succeeded"`      // no spec and no suite node failed, and nothing interrupted the run
	Total     int           `json:"specs_total"`    // specs in the suite
	Selected  int           `json:"specs_selected"` // of those, the specs the run selected: all, unless filtered or focused (or pending)
	Ran       int           `json:"specs_ran"`      // of those, the specs that ran to a result; the others skipped themselves
	Passed    int           `json:"specs_passed"`   // of those, the specs that passed
	Failed    []SpecOutcome `json:"failed,omitempty"`
	Skipped   []SpecOutcome `json:"skipped,omitempty"` // selected specs that skipped themselves, with their reason
	Reasons   []string      `json:"reasons,omitempty"` // why the suite failed beyond its specs, e.g. an interruption
	Filter    string        `json:"filter,omitempty"`  // how specs were selected, e.g. "label filter 'outage'"; "" for all
}

// SpecOutcome is a spec, or a suite node, that failed or skipped itself, and why.
type SpecOutcome struct {
	Name     string `json:"name"`
	Location string `json:"location"`
	Message  string `json:"message"`
}

// Decide returns the run's verdict: FAIL unless the run is known to have succeeded, run at least
// one spec, judged a stream that passed and measured its coverage; PARTIAL if it did all that with
// only the specs a filter or a focus selected, or with a spec that skipped itself: what a skipped
// spec would have judged is unknown, and unknown is never a pass. The summary lists it.
func (s Summary) Decide() string {
	switch r := s.Run; {
	case r == nil, !r.Succeeded, len(r.Failed) > 0, r.Ran == 0, s.Report == nil, !s.Report.Passed(), s.CoverageError != "":
		return VerdictFail
	case r.partial():
		return VerdictPartial
	}
	return VerdictPass
}

func (r *Run) partial() bool { return r.Filter != "" || r.Selected < r.Total || len(r.Skipped) > 0 }

// EventCoverage says how often an event was seen and which of its declared attributes it carried.
type EventCoverage struct {
	Seen      int      `json:"seen"`
	Exercised []string `json:"attributes_exercised"`
	Missed    []string `json:"attributes_never_seen"`
}

// Summarize builds the summary of a run from its collected events and the report on its stream.
func (e *Env) Summarize(rep *report.Report) Summary {
	s := Summary{SUT: e.Cfg.SUT, Fault: e.Cfg.Fault, Report: rep, Coverage: map[string]EventCoverage{}}
	set, err := builtinSet()
	if err != nil {
		s.CoverageError = fmt.Sprintf("load the built-in schemas: %v", err)
		return s
	}
	seen := map[string]map[string]bool{}
	if e.Collector != nil {
		for _, ev := range e.Collector.Since(0) {
			if seen[ev.ID] == nil {
				seen[ev.ID] = map[string]bool{}
			}
			for name := range ev.Doc {
				seen[ev.ID][name] = true
			}
			c := s.Coverage[ev.ID]
			c.Seen++
			s.Coverage[ev.ID] = c
		}
	}
	for _, id := range contract.Events {
		c := s.Coverage[id]
		for _, attr := range set.Attributes(id) {
			if seen[id][attr] {
				c.Exercised = append(c.Exercised, attr)
			} else {
				c.Missed = append(c.Missed, attr)
			}
		}
		s.Coverage[id] = c
	}
	return s
}

// Names of the reports the suite writes in its report directory.
const (
	SummaryJSON = "summary.json"
	SummaryMD   = "summary.md"
	JUnitXML    = "junit.xml"
	GinkgoJSON  = "ginkgo.json"
)

// ClearReports removes the reports an earlier run left in dir (the capture is truncated when it
// is opened), so that a run that dies before it writes its own never leaves an earlier verdict
// there.
func ClearReports(dir string) error {
	for _, name := range []string{SummaryJSON, SummaryMD, SummaryHTML, JUnitXML, GinkgoJSON} {
		if err := report.Clear(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// Write saves the summary as summary.json, summary.md and summary.html in dir, each atomically.
func (s Summary) Write(dir string) error {
	s.Verdict, s.Version = s.Decide(), report.Version()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	if err := report.WriteFile(filepath.Join(dir, SummaryJSON), append(b, '\n')); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	var md strings.Builder
	s.Markdown(&md)
	if err := report.WriteFile(filepath.Join(dir, SummaryMD), []byte(md.String())); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	if err := s.writeHTML(dir); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// Markdown writes the summary for people: the run's verdict, the failed specs, the stream, its
// findings, and the coverage of each event. Every line goes through finding.Printable, since
// failure messages, findings and ids carry text from records, and 'make conformance' prints the
// summary into the CI log.
func (s Summary) Markdown(w io.Writer) {
	line := func(format string, args ...any) { fmt.Fprintln(w, finding.Printable(fmt.Sprintf(format, args...))) }
	line("# voice-agentstate conformance: %s", s.headline())
	line("")
	line("- versions: %s", report.Version())
	s.runLines(line)
	s.streamLines(line)
	line("")
	if r := s.Run; r != nil {
		specList(line, "Failed specs", r.Failed)
		specList(line, "Specs that skipped themselves", r.Skipped)
	}
	if r := s.Report; r != nil && len(r.Violations)+len(r.Warnings) > 0 {
		line("## Findings on the whole stream")
		line("")
		for _, f := range append(append([]finding.Finding(nil), r.Violations...), r.Warnings...) {
			line("- `%s`", f.String())
		}
		line("")
	}
	line("## Coverage")
	line("")
	if s.CoverageError != "" {
		line("- coverage unknown (%s), so the run is not a pass; rebuild agentstate from an unmodified checkout", s.CoverageError)
		return
	}
	line("| event | seen | attributes exercised | never seen |")
	line("|---|---|---|---|")
	ids := append([]string(nil), contract.Events...)
	sort.Strings(ids)
	for _, id := range ids {
		c := s.Coverage[id]
		line("| %s | %d | %s | %s |", id, c.Seen, strings.Join(c.Exercised, ", "), strings.Join(c.Missed, ", "))
	}
}

// specList writes a section of specs, each with its reason, one line per line of the reason.
func specList(line func(string, ...any), title string, specs []SpecOutcome) {
	if len(specs) == 0 {
		return
	}
	line("## %s", title)
	line("")
	for _, f := range specs {
		line("- %s (%s)", f.Name, f.Location)
		for _, l := range strings.Split(strings.TrimSpace(f.Message), "\n") {
			if strings.TrimSpace(l) != "" {
				line("  - %s", strings.TrimSpace(l))
			}
		}
	}
	line("")
}

// headline is the verdict, with what a partial run selected, so that it never reads as a
// certification of the whole contract.
func (s Summary) headline() string {
	v := s.Decide()
	r := s.Run
	switch {
	case v == VerdictPartial:
		return fmt.Sprintf("%s (%s: %d of %d specs ran and passed; not a certification of the whole contract)", v, r.selection(), r.Ran, r.Total)
	case v == VerdictPass:
		return fmt.Sprintf("%s (%d of %d specs%s)", v, r.Ran, r.Total, r.skippedNote())
	}
	return v
}

func (r *Run) skippedNote() string {
	if len(r.Skipped) == 0 {
		return ""
	}
	return fmt.Sprintf("; %d skipped itself, listed below", len(r.Skipped))
}

// PartOf says which part of the suite a partial run judged: its filter, its selection, or the
// specs that skipped themselves.
func (s Summary) PartOf() string {
	if s.Run == nil {
		return "unknown"
	}
	return s.Run.selection()
}

func (r *Run) selection() string {
	switch {
	case r.Filter != "":
		return r.Filter
	case r.Selected == r.Total && len(r.Skipped) > 0:
		if len(r.Skipped) == 1 {
			return "1 spec skipped itself"
		}
		return fmt.Sprintf("%d specs skipped themselves", len(r.Skipped))
	}
	return fmt.Sprintf("%d of %d specs selected", r.Selected, r.Total)
}

func (s Summary) runLines(line func(string, ...any)) {
	r := s.Run
	if r == nil {
		line("- specs: the run's outcome is unknown (no report of the Ginkgo run), so it is not a pass")
		return
	}
	sel := ""
	if r.partial() {
		sel = " (partial: " + r.selection() + ")"
	}
	line("- specs: %d of %d ran%s: %d passed, %d failed, %d skipped themselves", r.Ran, r.Total, sel, r.Passed, len(r.Failed), len(r.Skipped))
	if r.Ran == 0 {
		line("- no spec ran, so nothing was verified")
	}
	for _, reason := range r.Reasons {
		line("- the suite failed: %s", reason)
	}
}

func (s Summary) streamLines(line func(string, ...any)) {
	sut := "- system under test: " + s.SUT
	if s.Fault != "" {
		sut += " (fault " + s.Fault + ")"
	}
	line("%s", sut)
	r := s.Report
	if r == nil {
		line("- stream: never judged (the suite stopped before the end of the run, or its collector did not start)")
		return
	}
	if r.Broker != nil {
		line("- broker: %s", r.Broker)
	}
	line("- stream: %s, %s, %d undecodable; %s, %s (schemas %s, initial state %s)",
		report.Plural(r.Lines, "record"), report.Plural(r.Events, "event"), r.Undecodable,
		report.Plural(len(r.Violations), "violation"), report.Plural(len(r.Warnings), "warning"), r.Schemas, r.InitialState)
	line("- invariants checked: %s", strings.Join(r.Invariants, ", "))
	if r.ServiceUnjudged > 0 {
		line("- service events not judged by the outage rules on the stream: %d (their key does not fit AGENTSTATE_SERVICE_KEY=%s; the outage flow's own steps judge them)", r.ServiceUnjudged, r.ServiceKey)
	}
}

// StampJUnit adds the run's versions to every test suite's properties in a JUnit report
// (Ginkgo's has a fixed set), as suite_version, schema_version and spec_revision, so that a CI
// system's test view says what judged.
func StampJUnit(junit []byte, v report.Versions) ([]byte, error) {
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(junit, &suites); err != nil {
		return nil, fmt.Errorf("stamp junit report: %w", err)
	}
	for i := range suites.TestSuites {
		p := &suites.TestSuites[i].Properties
		p.Properties = append(p.Properties,
			reporters.JUnitProperty{Name: "suite_version", Value: v.Suite},
			reporters.JUnitProperty{Name: "schema_version", Value: v.Schemas},
			reporters.JUnitProperty{Name: "spec_revision", Value: v.Spec})
	}
	b, err := xml.MarshalIndent(suites, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("stamp junit report: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}
