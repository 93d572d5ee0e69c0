package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

// Output formats of --format.
const (
	formatText   = "text"
	formatJSON   = "json"
	formatGitHub = "github"
)

// annotationsPerRule is how many GitHub annotations of one rule are printed: GitHub shows only
// the first few of a step, so the rest of that rule are rolled up into one count line.
const annotationsPerRule = 10

// printer writes findings and the closing summary in the chosen format. Every string it writes
// that may come from a record (messages, ids, keys, file names) goes through finding.Printable
// (findings and the summary render themselves so) and, for annotations, GitHub's escaping.
type printer struct {
	format string
	w      io.Writer

	mu            sync.Mutex
	annotated     map[string]int  // annotations printed, or held back, per rule
	heldViolation map[string]bool // a violation of the rule was held back, so its roll-up is an error
}

func newPrinter(format string, w io.Writer) *printer {
	return &printer{format: format, w: w, annotated: map[string]int{}, heldViolation: map[string]bool{}}
}

func parseFormat(s string) (string, error) {
	switch s {
	case formatText, formatJSON, formatGitHub:
		return s, nil
	}
	return "", fmt.Errorf("--format %q: expected text, json or github", s)
}

// finding writes one finding: a line of text, a JSON object, or a GitHub Actions annotation
// (which GitHub shows on the file and line).
func (p *printer) finding(f finding.Finding) {
	switch p.format {
	case formatJSON:
		b, _ := json.Marshal(f)
		fmt.Fprintln(p.w, string(b))
	case formatGitHub:
		p.annotate(f)
	default:
		fmt.Fprintln(p.w, f)
	}
}

// annotate writes the finding as an annotation, unless annotationsPerRule of its rule are out
// already; then it is written as a line of text, for the log, and counted for the roll-up.
func (p *printer) annotate(f finding.Finding) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.annotated[f.Rule]++
	if p.annotated[f.Rule] > annotationsPerRule {
		p.heldViolation[f.Rule] = p.heldViolation[f.Rule] || f.Severity == finding.Violation
		fmt.Fprintln(p.w, f)
		return
	}
	fmt.Fprintf(p.w, "::%s %s::%s\n", level(f.Severity == finding.Violation), annotationProps(f), escapeData(finding.Printable(f.Message+" "+kafkaPlace(f.Place))))
}

// rollUp writes one annotation per rule that had more than annotationsPerRule findings, with
// the count of those not annotated (their text lines are in the log, and --report-json holds
// them all).
func (p *printer) rollUp() {
	p.mu.Lock()
	defer p.mu.Unlock()
	rules := make([]string, 0, len(p.annotated))
	for rule, n := range p.annotated {
		if n > annotationsPerRule {
			rules = append(rules, rule)
		}
	}
	sort.Strings(rules)
	for _, rule := range rules {
		more := p.annotated[rule] - annotationsPerRule
		fmt.Fprintf(p.w, "::%s title=%s::%s\n", level(p.heldViolation[rule]), escapeProp(rule),
			escapeData(fmt.Sprintf("... and %d more %s findings, not annotated: the log has them as text lines, and --report-json lists them all", more, rule)))
	}
}

func level(violation bool) string {
	if violation {
		return "error"
	}
	return "warning"
}

// summary closes the output: the text summary (after the roll-up of annotations held back), or
// one JSON object with the verdict.
func (p *printer) summary(rep *report.Report) {
	if p.format == formatGitHub {
		p.rollUp()
	}
	if p.format != formatJSON {
		rep.Summary(p.w)
		return
	}
	verdict := "PASS"
	if !rep.Passed() {
		verdict = "FAIL"
	}
	b, _ := json.Marshal(map[string]any{
		"verdict": verdict, "lines": rep.Lines, "events": rep.Events, "undecodable": rep.Undecodable,
		"violations": len(rep.Violations), "warnings": len(rep.Warnings), "per_event": rep.PerEvent,
		"redelivered": rep.Redelivered, // re-deliveries in a capture, not judged and not in lines
	})
	fmt.Fprintln(p.w, string(b))
}

func annotationProps(f finding.Finding) string {
	var props []string
	if f.Place.File != "" && f.Place.File != "stdin" {
		props = append(props, "file="+escapeProp(finding.Printable(f.Place.File)))
	}
	if f.Place.Line > 0 {
		props = append(props, fmt.Sprintf("line=%d", f.Place.Line))
	}
	props = append(props, "title="+escapeProp(f.Rule))
	return strings.Join(props, ",")
}

func kafkaPlace(p finding.Place) string {
	p.File, p.Line = "", 0
	return p.String()
}

// escapeData and escapeProp follow GitHub's workflow-command escaping.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(strings.TrimSpace(s))
}

func escapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
