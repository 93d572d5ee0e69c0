package suite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/voice-agentstate/conformance/harness/diff"
)

// stimulusLog writes the stimulus log beside capture.jsonl: for every stimulus, its flow, step,
// ReferenceID, DN, agent, the names of the run's fresh values, and the capture positions of the
// events the step credited to it, so that agentstate diff can pair two runs' events stimulus by
// stimulus (physical events carry no ReferenceID).
type stimulusLog struct {
	f *os.File
	w *diff.LogWriter
}

func openStimulusLog(dir string) (*stimulusLog, error) {
	l := &stimulusLog{}
	if dir == "" {
		return l, nil
	}
	f, err := os.OpenFile(filepath.Join(dir, diff.LogFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return l, fmt.Errorf("open stimulus log: %w", err)
	}
	l.f, l.w = f, diff.NewLogWriter(f)
	return l, nil
}

// step logs one step of a flow's run as it was performed.
func (l *stimulusLog) step(flow string, instance, step int, s Stimulus, cast *Cast, st Step, o Outcome) error {
	if l == nil || l.w == nil {
		return nil
	}
	e := diff.Entry{Flow: flow, Instance: instance, Step: step, Do: string(s.Do), Stimulus: st.Name,
		ReferenceID: st.ReferenceID, Tenant: cast.env.Cfg.Tenant, DN: cast.DN(s.DN), Agent: cast.Agent(s.Agent), Names: cast.names()}
	if o.Err != nil {
		e.Error = o.Err.Error()
	}
	for _, ev := range o.Got {
		if ev.Place.HasOffset {
			e.Events = append(e.Events, diff.Position{Partition: ev.Place.Partition, Offset: ev.Place.Offset})
		}
	}
	return l.w.Write(e)
}

// names maps the run's values the cast handed out to their names in the flow.
func (c *Cast) names() map[string]string {
	out := map[string]string{}
	for kind, m := range map[string]map[string]string{"agent": c.agents, "DN": c.dns, "call": c.calls} {
		for name, v := range m {
			if v != "" {
				out[v] = kind + " " + name
			}
		}
	}
	return out
}

func (l *stimulusLog) close() error {
	if l == nil || l.f == nil {
		return nil
	}
	return errors.Join(l.w.Err(), l.f.Close())
}
