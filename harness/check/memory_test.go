package check

import (
	"runtime"
	"strconv"
	"testing"
)

// session returns the events of agent i's working session on its own DN: logged in, ready, on a
// muted call with DND and forwarding on; then all of it undone, an outage during which the agent
// goes not ready and logs out, and the DN back in service. The first `open` events leave the agent
// active. With kafka, each event comes from partition i%4, keyed by the agent (the service events
// by the tenant).
func session(i int, kafka bool) (events []Event, open int) {
	agent, dn, conn := strconv.Itoa(100000+i), strconv.Itoa(500000+i), "00710238"+strconv.FormatUint(uint64(0x10000000+i), 16)
	events = []Event{
		line(1, "EventAgentLogin", "ThisDN", dn, "AgentID", agent),
		line(2, "EventAgentReady", "ThisDN", dn, "AgentID", agent, "AgentWorkMode", "AgentManualIn"),
		line(3, "EventOffHook", "ThisDN", dn, "ConnID", conn),
		line(4, "EventMuteOn", "ThisDN", dn, "ConnID", conn, "ThisDNRole", "RoleDestination"),
		line(5, "EventDNDOn", "ThisDN", dn),
		line(6, "EventForwardSet", "ThisDN", dn),
		line(7, "EventMuteOff", "ThisDN", dn, "ConnID", conn, "ThisDNRole", "RoleDestination", "ReferenceID", 1),
		line(8, "EventOnHook", "ThisDN", dn),
		line(9, "EventDNDOff", "ThisDN", dn),
		line(10, "EventForwardCancel", "ThisDN", dn),
		line(11, "EventDNOutOfService", "ThisDN", dn),
		line(12, "EventAgentNotReady", "ThisDN", dn, "AgentID", agent),
		line(13, "EventAgentLogout", "ThisDN", dn, "AgentID", agent),
		line(14, "EventDNBackInService", "ThisDN", dn),
	}
	if kafka {
		for n := range events {
			key := "t1:" + agent
			if noC4(events[n].ID) && events[n].ID != "EventMuteOn" && events[n].ID != "EventMuteOff" {
				key = "t1:"
			}
			events[n] = kafkaAt(int32(i%4), int64(n), key, events[n])
		}
	}
	return events, 6
}

// TestStateFollowsActivity runs many sessions at once: while they are open the checker holds
// state for them; once they are over, with a clean start it holds none, and with an unknown start
// only what tells a second logout or back-in-service from a first.
func TestStateFollowsActivity(t *testing.T) {
	const n = 300
	for _, tc := range []struct {
		name       string
		initial    InitialState
		kafka      bool
		afterwards int // state held per session once it is over
	}{
		{"clean/jsonl", Clean, false, 0},
		{"clean/kafka", Clean, true, 0},
		{"unknown/jsonl", Unknown, false, 5}, // seat, service, DND, hook, and the DN's clock
		{"unknown/kafka", Unknown, true, 4},  // seat, service, DND, hook; the key's clock went with the logout
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(WithInitialState(tc.initial), WithServiceKey(ServiceKeyTenant))
			step := func(ev Event) {
				if found := c.Step(ev); len(found) > 0 {
					t.Fatalf("a lawful session raised:\n%s", render(found))
				}
			}
			for i := range n {
				events, open := session(i, tc.kafka)
				for _, ev := range events[:open] {
					step(ev)
				}
			}
			if got := c.Tracked(); got < 2*n {
				t.Errorf("Tracked() = %d with %d sessions open, want at least %d", got, n, 2*n)
			}
			for i := range n {
				events, open := session(i, tc.kafka)
				for _, ev := range events[open:] {
					step(ev)
				}
			}
			if got := c.Tracked(); got != tc.afterwards*n {
				t.Errorf("Tracked() = %d after %d sessions ended, want %d", got, n, tc.afterwards*n)
			}
		})
	}
}

// bytesPerAgent logs n agents in, each on its own DN, and returns the heap the checker holds per
// agent: the checker's maps and facts, and the strings it keeps of the decoded events.
func bytesPerAgent(n int, initial InitialState, kafka bool) float64 {
	c := New(WithInitialState(initial))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range n {
		agent, dn := strconv.Itoa(100000+i), strconv.Itoa(500000+i)
		ev := line(1, "EventAgentLogin", "ThisDN", dn, "AgentID", agent)
		if kafka {
			ev = kafkaAt(int32(i%8), int64(i), "t1:"+agent, ev)
		}
		c.Step(ev)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(c)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// TestStateBytesPerAgent bounds the memory of a logged-in agent loosely, so that a change that
// multiplies it fails; BenchmarkStateBytes reports the figure.
func TestStateBytesPerAgent(t *testing.T) {
	for _, kafka := range []bool{false, true} {
		if b := bytesPerAgent(20_000, Clean, kafka); b > 1024 {
			t.Errorf("kafka %v: %.0f B per logged-in agent, want at most 1024", kafka, b)
		} else {
			t.Logf("kafka %v: %.0f B per logged-in agent", kafka, b)
		}
	}
}

// BenchmarkStateBytes reports the bytes of checker state per logged-in agent, over 100,000 agents.
func BenchmarkStateBytes(b *testing.B) {
	for _, initial := range []InitialState{Clean, Unknown} {
		for _, kafka := range []bool{false, true} {
			name := initial.String() + "/jsonl"
			if kafka {
				name = initial.String() + "/kafka"
			}
			b.Run(name, func(b *testing.B) {
				var sum float64
				for b.Loop() {
					sum += bytesPerAgent(100_000, initial, kafka)
				}
				b.ReportMetric(sum/float64(b.N), "B/agent")
			})
		}
	}
}

// BenchmarkStep reports events per second on one core over a lawful stream of 200 agents on 300
// DNs, keyed by agent over 6 partitions.
func BenchmarkStep(b *testing.B) {
	pick := newRandChooser(1)
	evs := newWorld(pick, worldOpts{agents: 200, dns: 300, keys: keysByAgent, midLife: true}).generate(200_000)
	events, _ := transport(evs, 6, pick)
	c := New()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		c.Step(events[i])
		if i++; i == len(events) {
			i, c = 0, New()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
