package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

// Output formats of --format.
const (
	formatText   = "text"
	formatJSON   = "json"
	formatGitHub = "github"
)

// printer writes findings and the closing summary in the chosen format.
type printer struct {
	format string
	w      io.Writer
}

func parseFormat(s string) (string, error) {
	switch s {
	case formatText, formatJSON, formatGitHub:
		return s, nil
	}
	return "", fmt.Errorf("--format %q: expected text, json or github", s)
}

// finding writes one finding: a line of text, a JSON object, or a GitHub Actions annotation
// (which GitHub shows on the file and line; the text line follows it for the log).
func (p printer) finding(f finding.Finding) {
	switch p.format {
	case formatJSON:
		b, _ := json.Marshal(f)
		fmt.Fprintln(p.w, string(b))
	case formatGitHub:
		level := "warning"
		if f.Severity == finding.Violation {
			level = "error"
		}
		fmt.Fprintf(p.w, "::%s %s::%s\n", level, annotationProps(f), escapeData(f.Message+" "+kafkaPlace(f.Place)))
	default:
		fmt.Fprintln(p.w, f)
	}
}

// summary closes the output: the text summary, or one JSON object with the verdict.
func (p printer) summary(rep *report.Report) {
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
		props = append(props, "file="+escapeProp(f.Place.File))
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
