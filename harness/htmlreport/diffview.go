package htmlreport

import (
	"fmt"

	"github.com/voice-agentstate/conformance/harness/diff"
)

// diffView is the comparison with a baseline: its verdict, its counts, and each difference.
type diffView struct {
	Verdict, Class      string
	Baseline, Candidate string
	Breaking, Notable   int
	Same                int
	Rows                []diffRow
}

type diffRow struct {
	Class, Rule, Where, Baseline, Candidate, Message string
}

func diffOf(r *diff.Result) *diffView {
	if r == nil {
		return nil
	}
	v := &diffView{Verdict: "SAME", Class: "pass", Baseline: r.Baseline.String(), Candidate: r.Candidate.String(),
		Breaking: r.Count(diff.Breaking), Notable: r.Count(diff.Notable), Same: r.Count(diff.Same)}
	switch {
	case v.Breaking > 0:
		v.Verdict, v.Class = "BREAKING", "fail"
	case v.Notable > 0:
		v.Verdict, v.Class = "NOTABLE", "partial"
	}
	for _, d := range r.Differences {
		v.Rows = append(v.Rows, diffRow{Class: string(d.Class), Rule: pr(d.Rule), Where: pr(where(d)), Baseline: pr(d.Baseline), Candidate: pr(d.Candidate), Message: pr(d.Message)})
	}
	return v
}

func where(d diff.Difference) string {
	s := ""
	if d.Flow != "" {
		s = fmt.Sprintf("flow %q", d.Flow)
		if d.Step > 0 {
			s += fmt.Sprintf(" step %d (%s)", d.Step, d.Stimulus)
		}
	}
	for _, part := range []string{d.Event, d.Attribute} {
		if part != "" {
			if s != "" {
				s += ", "
			}
			s += part
		}
	}
	if d.Line > 0 {
		s += fmt.Sprintf(", candidate line %d", d.Line)
	}
	return s
}
