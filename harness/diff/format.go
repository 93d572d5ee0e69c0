package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// WriteText writes the differences one a line, breaking first, then a summary line.
func (r Result) WriteText(w io.Writer) {
	for _, d := range r.Differences {
		fmt.Fprintln(w, finding.Printable(d.String()))
	}
	fmt.Fprintln(w, r.verdict())
}

// String words a difference: class, rule, where, what each run had, and what to do.
func (d Difference) String() string {
	return fmt.Sprintf("%s %s: %s: %s (baseline: %s; candidate: %s)", d.Class, d.Rule, d.where(), d.Message, d.Baseline, d.Candidate)
}

func (d Difference) where() string {
	var parts []string
	if d.Flow != "" {
		s := fmt.Sprintf("flow %q", d.Flow)
		if d.Step > 0 {
			s += fmt.Sprintf(" step %d (%s)", d.Step, d.Stimulus)
		}
		if d.Runs > 1 {
			s += fmt.Sprintf(", in %d of its runs", d.Runs)
		}
		parts = append(parts, s)
	}
	if d.Event != "" {
		parts = append(parts, d.Event)
	}
	if d.Attribute != "" {
		parts = append(parts, d.Attribute)
	}
	if d.Line > 0 {
		parts = append(parts, fmt.Sprintf("candidate line %d", d.Line))
	}
	return strings.Join(parts, ", ")
}

func (r Result) verdict() string {
	v := "SAME"
	switch {
	case r.Breaking():
		v = "BREAKING"
	case r.Count(Notable) > 0:
		v = "NOTABLE"
	}
	return fmt.Sprintf("agentstate diff: %s: %d breaking, %d notable, %d same; baseline %s, candidate %s",
		v, r.Count(Breaking), r.Count(Notable), r.Count(Same), r.Baseline, r.Candidate)
}

// String words the counts of a run.
func (c Counts) String() string {
	return fmt.Sprintf("%d stimuli, %d events (%d credited to a stimulus, %d not, %d redelivered)", c.Stimuli, c.Events, c.Credited, c.Uncredited, c.Redelivered)
}

// WriteJSON writes the whole result as one JSON object, with its verdict.
func (r Result) WriteJSON(w io.Writer) error {
	v := struct {
		Verdict string `json:"verdict"`
		Result
	}{strings.Fields(r.verdict())[2], r}
	v.Verdict = strings.TrimSuffix(v.Verdict, ":")
	if v.Differences == nil {
		v.Differences = []Difference{}
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// WriteGitHub writes breaking differences as GitHub Actions errors and notable ones as
// warnings (a same one as a notice), on the candidate's capture where a line shows it, then the
// summary line.
func (r Result) WriteGitHub(w io.Writer, candidateFile string) {
	level := map[Class]string{Breaking: "error", Notable: "warning", Same: "notice"}
	for _, d := range r.Differences {
		props := "title=" + escapeProp(d.Rule)
		if d.Line > 0 && candidateFile != "" {
			props = fmt.Sprintf("file=%s,line=%d,%s", escapeProp(finding.Printable(candidateFile)), d.Line, props)
		}
		fmt.Fprintf(w, "::%s %s::%s\n", level[d.Class], props, escapeData(finding.Printable(d.String())))
	}
	fmt.Fprintln(w, r.verdict())
}

// escapeData and escapeProp follow GitHub's workflow-command escaping.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(strings.TrimSpace(s))
}

func escapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
