package suite

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

// Summary is the suite's own account of a run, beside Ginkgo's reports: what was used, what was
// seen, how much of the contract the run exercised, and every finding on the whole stream.
type Summary struct {
	SUT      string                   `json:"sut"`
	Fault    string                   `json:"fault,omitempty"`
	Report   *report.Report           `json:"stream"`
	Coverage map[string]EventCoverage `json:"coverage"`
}

// EventCoverage says how often an event was seen and which of its declared attributes it carried.
type EventCoverage struct {
	Seen      int      `json:"seen"`
	Exercised []string `json:"attributes_exercised"`
	Missed    []string `json:"attributes_never_seen"`
}

// Summarize builds the summary of a run from its collected events and the report on its stream.
func (e *Env) Summarize(rep *report.Report) Summary {
	s := Summary{SUT: e.Cfg.SUT, Fault: e.Cfg.Fault, Report: rep, Coverage: map[string]EventCoverage{}}
	set, _ := contract.Builtin()
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

// Write saves the summary as summary.json and summary.md in dir.
func (s Summary) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), append(b, '\n'), 0o640); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	var md strings.Builder
	s.Markdown(&md)
	if err := os.WriteFile(filepath.Join(dir, "summary.md"), []byte(md.String()), 0o640); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// Markdown writes the summary for people: the verdict on the stream, the findings, and the
// coverage of each event.
func (s Summary) Markdown(w io.Writer) {
	r := s.Report
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "# voice-agentstate conformance: %s\n\n", verdict)
	fmt.Fprintf(w, "- system under test: %s", s.SUT)
	if s.Fault != "" {
		fmt.Fprintf(w, " (fault %s)", s.Fault)
	}
	fmt.Fprintln(w)
	if r.Broker != nil {
		fmt.Fprintf(w, "- broker: %s\n", r.Broker)
	}
	fmt.Fprintf(w, "- stream: %d records, %d events, %d undecodable; %d violations, %d warnings (schemas %s, initial state %s)\n",
		r.Lines, r.Events, r.Undecodable, len(r.Violations), len(r.Warnings), r.Schemas, r.InitialState)
	fmt.Fprintf(w, "- invariants checked: %s\n\n", strings.Join(r.Invariants, ", "))
	if len(r.Violations)+len(r.Warnings) > 0 {
		fmt.Fprint(w, "## Findings on the whole stream\n\n")
		for _, f := range append(append([]finding.Finding(nil), r.Violations...), r.Warnings...) {
			fmt.Fprintf(w, "- `%s`\n", f.String())
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "## Coverage\n\n| event | seen | attributes exercised | never seen |\n|---|---|---|---|\n")
	ids := append([]string(nil), contract.Events...)
	sort.Strings(ids)
	for _, id := range ids {
		c := s.Coverage[id]
		fmt.Fprintf(w, "| %s | %d | %s | %s |\n", id, c.Seen, strings.Join(c.Exercised, ", "), strings.Join(c.Missed, ", "))
	}
}
