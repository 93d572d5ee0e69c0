package htmlreport

import (
	"strings"

	"github.com/voice-agentstate/conformance/harness/diff"
)

// Spec is a failed spec: its name, where it failed, and its failure as the suite words it (see
// suite.Outcome.Report): a "stimulus:" line, then lines saying what was expected and what came.
// Log is the stimulus log of the run, whose entry for that stimulus names the events the suite
// saw after it.
type Spec struct {
	Name     string
	Location string
	Message  string
	Log      []diff.Entry // the run's stimulus log; nil when there is none
	_        struct{}
}

type specView struct {
	Name, Location, Stimulus string
	Expected, Actual, Other  []string
	Events                   []recordView
	Answer                   string // what the system under test answered the stimulus, if it erred
}

func (p Page) specViews() []specView {
	var out []specView
	for _, s := range p.Specs {
		v := specView{Name: pr(s.Name), Location: pr(s.Location)}
		for _, l := range strings.Split(s.Message, "\n") {
			v.sort(strings.TrimSpace(l))
		}
		if e, ok := entryOf(s, v.Stimulus); ok {
			v.Answer = pr(e.Error)
			for _, pos := range e.Events {
				if ev, ok := p.Stream.AtOffset(pos.Partition, pos.Offset); ok {
					v.Events = append(v.Events, recordView{Place: pr(ev.Place.String()), ID: pr(ev.ID), Value: pr(ev.Value)})
				}
			}
		}
		out = append(out, v)
	}
	return out
}

// sort files one line of a failure under what it says: the stimulus, what was expected, or what
// came instead; any other line is kept as it is.
func (v *specView) sort(l string) {
	switch {
	case l == "":
	case strings.HasPrefix(l, "stimulus: ") && v.Stimulus == "":
		v.Stimulus = pr(strings.TrimPrefix(l, "stimulus: "))
	case strings.HasPrefix(l, "expected"), strings.HasPrefix(l, "missing:"), strings.HasPrefix(l, "(a refusal"):
		v.Expected = append(v.Expected, pr(l))
	case strings.HasPrefix(l, "unexpected:"), strings.HasPrefix(l, "events seen"), strings.HasPrefix(l, "wrong:"),
		strings.HasPrefix(l, "violation"), strings.HasPrefix(l, "schema:"), strings.HasPrefix(l, "the system under test returned"):
		v.Actual = append(v.Actual, pr(l))
	default:
		v.Other = append(v.Other, pr(l))
	}
}

// entryOf finds the stimulus log's entry of the failed stimulus, in a flow the spec's name
// names; the last such entry, as the spec stopped at it.
func entryOf(s Spec, stimulus string) (diff.Entry, bool) {
	if stimulus == "" {
		return diff.Entry{}, false
	}
	for i := len(s.Log) - 1; i >= 0; i-- {
		e := s.Log[i]
		if pr(e.Stimulus) == stimulus && strings.Contains(s.Name, e.Flow) {
			return e, true
		}
	}
	return diff.Entry{}, false
}
