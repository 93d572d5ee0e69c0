// Package htmlreport renders a run's report as one self-contained HTML page, for people: the
// verdict first, then each failed spec with its stimulus and the events expected and seen, a
// timeline per DN and agent with every finding marked on it, the coverage matrix, the findings
// with the records they name, and the diff against a baseline when one was given. The page
// fetches nothing: its style and pictures (SVG) are inline and it carries no script. Every text
// that comes from a record passes through html/template's escaping and finding.Printable.
package htmlreport

import (
	"bytes"
	"fmt"
	"io"
	"sort"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/diff"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

// Page is what one HTML report shows. Verdict and Report are required; the rest is shown when
// it is there.
type Page struct {
	Title    string          // "agentstate verify", "voice-agentstate conformance"
	Verdict  string          // PASS, FAIL or PARTIAL
	Headline string          // the verdict's reason, in words
	Version  report.Versions // what judged
	Facts    []string        // lines on what ran: specs, system under test, broker
	Specs    []Spec          // the failed specs, each with its stimulus, expected and actual events
	Report   *report.Report  // the findings and counts on the stream; nil when it was never judged
	Stream   *Stream         // the records, for the timelines and excerpts; nil: none drawn
	// Coverage is the events x attributes matrix; nil means the one Stream shows.
	Coverage []Coverage
	// Diff is the comparison with a baseline, when one was given; DiffError why it could not be
	// made.
	Diff      *diff.Result
	DiffError string
	_         struct{}
}

// Coverage is how often one event was seen and which of its declared attributes it carried.
type Coverage struct {
	Event     string
	Seen      int
	Exercised []string
	Missed    []string
	_         struct{}
}

// Render writes the page.
func (p Page) Render(w io.Writer) error {
	if err := page.Execute(w, p.view()); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	return nil
}

// WriteFile renders the page to path atomically (see report.WriteFile).
func (p Page) WriteFile(path string) error {
	var b bytes.Buffer
	if err := p.Render(&b); err != nil {
		return err
	}
	if err := report.WriteFile(path, b.Bytes()); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

// CoverageOf is the coverage of the contract's events in a stream: how often each was seen and
// which of its declared attributes (in set) it carried.
func CoverageOf(s *Stream, set *contract.Set) []Coverage {
	var out []Coverage
	for _, id := range contract.Events {
		c := Coverage{Event: id}
		if s != nil {
			c.Seen = s.seen[id]
		}
		for _, attr := range set.Attributes(id) {
			if s != nil && s.attrs[id][attr] {
				c.Exercised = append(c.Exercised, attr)
			} else {
				c.Missed = append(c.Missed, attr)
			}
		}
		out = append(out, c)
	}
	return out
}

// view is what the template draws, every text made Printable.
type view struct {
	Title, Verdict, Headline, Version string
	VerdictClass                      string
	Facts                             []string
	Specs                             []specView
	Counts                            []string
	Findings                          []findingView
	Records                           []recordView
	Timeline                          timeline
	Matrix                            matrix
	Rules                             []ruleView
	RulesHeight                       int
	Diff                              *diffView
	DiffError                         string
}

type findingView struct {
	Anchor, Severity, Rule, Event, Place, Expected, Found, Message string
	Record, Context                                                string // anchors of the record and of the context's record; "" if not kept
	ContextPlace                                                   string
}

type recordView struct {
	n                        int
	Anchor, Place, ID, Value string
}

type ruleView struct {
	ID       string
	Findings int
	Class    string
	Y        int // the rule's row in the picture
}

func (p Page) view() view {
	v := view{Title: pr(p.Title), Verdict: pr(p.Verdict), Headline: pr(p.Headline), Version: pr(p.Version.String()), VerdictClass: verdictClass(p.Verdict)}
	if v.Title == "" {
		v.Title = "voice-agentstate report"
	}
	for _, f := range p.Facts {
		v.Facts = append(v.Facts, pr(f))
	}
	v.Specs = p.specViews()
	fs := p.findings()
	v.Findings, v.Records = p.findingViews(fs)
	v.Counts = p.counts()
	v.Timeline = drawTimeline(p.Stream, fs)
	cov := p.Coverage
	if cov == nil {
		if set, err := contract.Builtin(); err == nil {
			cov = CoverageOf(p.Stream, set)
		}
	}
	v.Matrix = drawMatrix(cov)
	v.Rules = p.rules(fs)
	v.RulesHeight = len(v.Rules)*ruleRow + 4
	v.Diff, v.DiffError = diffOf(p.Diff), pr(p.DiffError)
	return v
}

func verdictClass(v string) string {
	switch v {
	case "PASS":
		return "pass"
	case "PARTIAL":
		return "partial"
	}
	return "fail"
}

// findings is every finding of the report, violations first.
func (p Page) findings() []finding.Finding {
	if p.Report == nil {
		return nil
	}
	return append(append([]finding.Finding(nil), p.Report.Violations...), p.Report.Warnings...)
}

// counts says what the timelines leave out, when they do.
func (p Page) counts() []string {
	if s := p.Stream; s != nil && s.Kept() < s.Total() {
		return []string{fmt.Sprintf("the timelines draw the first %d of %s; every one was judged", s.Kept(), report.Plural(s.Total(), "record"))}
	}
	return nil
}

// findingViews words each finding, with links to its record and to the record of the earlier
// event that set its context, and lists those records once each.
func (p Page) findingViews(fs []finding.Finding) ([]findingView, []recordView) {
	var out []findingView
	listed := map[int]bool{}
	var records []recordView
	record := func(pl *finding.Place) string {
		i, ok := p.Stream.at(pl)
		if !ok {
			return ""
		}
		ev := p.Stream.events[i]
		if !listed[i] {
			listed[i] = true
			records = append(records, recordView{n: ev.N, Anchor: eventAnchor(ev.N), Place: pr(ev.Place.String()), ID: pr(ev.ID), Value: pr(ev.Value)})
		}
		return eventAnchor(ev.N)
	}
	for i, f := range fs {
		fv := findingView{Anchor: findingAnchor(i), Severity: f.Severity.String(), Rule: pr(f.Rule), Event: pr(f.Event), Place: pr(f.Place.String()),
			Expected: pr(f.Expected), Found: pr(f.Found), Message: pr(f.Message), Record: record(&f.Place)}
		if f.Context != nil {
			fv.ContextPlace, fv.Context = pr(f.Context.String()), record(f.Context)
		}
		out = append(out, fv)
	}
	sort.SliceStable(records, func(a, b int) bool { return records[a].n < records[b].n })
	return out, records
}

// ruleRow is the height of a rule's row in the rules' picture.
const ruleRow = 16

func eventAnchor(n int) string   { return fmt.Sprintf("ev-%d", n) }
func findingAnchor(i int) string { return fmt.Sprintf("finding-%d", i+1) }

// rules is every rule the run applied (the report's invariants) or reported, with its findings.
func (p Page) rules(fs []finding.Finding) []ruleView {
	counts := map[string]int{}
	if p.Report != nil {
		for _, id := range p.Report.Invariants {
			counts[id] += 0
		}
	}
	for _, f := range fs {
		counts[f.Rule]++
	}
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]ruleView, 0, len(ids))
	for _, id := range ids {
		class := "ok"
		if counts[id] > 0 {
			class = "bad"
		}
		out = append(out, ruleView{ID: pr(id), Findings: counts[id], Class: class, Y: len(out) * ruleRow})
	}
	return out
}

// pr is finding.Printable: the page escapes markup, and Printable the runes that are not
// printable (control characters, bidirectional overrides, bytes that are not UTF-8).
func pr(s string) string { return finding.Printable(s) }

// CompareWith sets the page's diff: the candidate run against the baseline (each a capture.jsonl
// with its stimulus log beside it, or the report directory holding them), as agentstate diff
// compares them, with the built-in schemas naming the enumerations. A diff that cannot be made
// is shown as DiffError, never left out.
func (p *Page) CompareWith(baseline, candidate string) {
	res, err := compare(baseline, candidate)
	if err != nil {
		p.Diff, p.DiffError = nil, err.Error()
		return
	}
	p.Diff, p.DiffError = &res, ""
}

func compare(baseline, candidate string) (diff.Result, error) {
	set, err := contract.Builtin()
	if err != nil {
		return diff.Result{}, err
	}
	return diff.CompareRuns(baseline, candidate, diff.Options{Enums: diff.EnumsOf(set)})
}
