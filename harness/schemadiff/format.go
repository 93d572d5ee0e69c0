package schemadiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// relevant says whether a finding bears on a mode's verdict.
func (f Finding) relevant(m Mode) bool { return m == Full || f.Direction == m }

// WriteText writes each event's verdicts, then every finding that bears on the mode with its
// witness, then the verdict line.
func (r Result) WriteText(w io.Writer, m Mode) {
	for _, e := range r.Events {
		fmt.Fprintf(w, "%s: backward %s, forward %s, full %s\n", e.Event, e.Backward, e.Forward, e.Full)
		for _, f := range e.Findings {
			if f.relevant(m) {
				fmt.Fprintln(w, finding.Printable("  "+f.line()))
			}
		}
	}
	fmt.Fprintln(w, r.verdictLine(m))
}

func (f Finding) line() string {
	s := f.Event + " " + f.Message
	if f.Witness != nil {
		s += "; witness: " + string(f.Witness)
	}
	return s
}

func (r Result) verdictLine(m Mode) string {
	return fmt.Sprintf("agentstate schemas diff: %s %s", m, strings.ToUpper(string(r.Verdict(m))))
}

// WriteJSON writes the result with the mode and its verdict as one JSON object.
func (r Result) WriteJSON(w io.Writer, m Mode) error {
	b, err := json.MarshalIndent(struct {
		Mode    Mode    `json:"mode"`
		Verdict Verdict `json:"verdict"`
		Result
	}{m, r.Verdict(m), r}, "", "  ")
	if err != nil {
		return fmt.Errorf("write schemas diff: %w", err)
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// WriteGitHub writes each incompatibility that bears on the mode as a GitHub Actions error and
// each unknown as a warning, then the verdict line.
func (r Result) WriteGitHub(w io.Writer, m Mode) {
	for _, e := range r.Events {
		for _, f := range e.Findings {
			if !f.relevant(m) {
				continue
			}
			level := "warning"
			if f.Verdict == Incompatible {
				level = "error"
			}
			fmt.Fprintf(w, "::%s title=%s::%s\n", level, escapeProp("schemas."+string(f.Direction)), escapeData(finding.Printable(f.line())))
		}
	}
	fmt.Fprintln(w, r.verdictLine(m))
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(strings.TrimSpace(s))
}

func escapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
