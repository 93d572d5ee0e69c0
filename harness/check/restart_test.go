package check_test

import (
	"testing"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// TestRestartJudgesOnFromAnUnknownState: after Restart, a partition's events are judged as the
// start of a mid-life stream, even in a run from a clean start, and its other partitions keep
// what they know.
func TestRestartJudgesOnFromAnUnknownState(t *testing.T) {
	ev := func(id string, partition int32, offset int64) check.Event {
		return check.Event{ID: id, Attrs: attr.Of(map[string]any{"id": id, "ThisDN": "5001", "AgentID": "1001", "CustomerID": "t1"}),
			Place: finding.Place{Key: "t1:1001", HasKey: true, Partition: partition, Offset: offset, HasOffset: true}}
	}
	for _, restart := range []bool{false, true} {
		c := check.New(check.WithInitialState(check.Clean))
		c.Step(ev("EventAgentLogin", 0, 0))
		c.Step(ev("EventAgentLogout", 0, 1))
		c.Step(ev("EventAgentLogin", 1, 0))
		c.Step(ev("EventAgentLogout", 1, 1))
		if restart {
			c.Restart(0)
		}
		want := 1 // agent.logout-after-login: the clean start and the logout at offset 1 say so
		if restart {
			want = 0 // nothing is known of partition 0 any more
		}
		if got := c.Step(ev("EventAgentLogout", 0, 2)); len(got) != want {
			t.Errorf("restart %t: a second logout in partition 0 gave %v, want %d findings", restart, got, want)
		}
		if got := c.Step(ev("EventAgentLogout", 1, 2)); len(got) != 1 {
			t.Errorf("restart %t: a second logout in partition 1 gave %v, want one finding: only partition 0 restarted", restart, got)
		}
	}
}
