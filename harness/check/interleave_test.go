package check

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// twoPartitions is a lawful stream over two partitions, in the order it happened: agent 1001's
// events in partition 0 (key t1:1001), and DN 5001's own events, its outage among them, in
// partition 1 (key t1:). The agent goes not ready and logs out as consequences of the outage, logs
// in again during it, and is ready again after it.
func twoPartitions() []genEvent {
	type step struct {
		part int
		id   string
		more map[string]any
	}
	conn := map[string]any{"ConnID": "007102385535e00e"}
	steps := []step{
		{0, "EventAgentLogin", nil},
		{0, "EventAgentReady", map[string]any{"AgentWorkMode": "AgentManualIn"}},
		{1, "EventOffHook", conn},
		{1, "EventMuteOn", map[string]any{"ConnID": "007102385535e00e", "ThisDNRole": "RoleDestination"}},
		{1, "EventDNOutOfService", nil},
		{0, "EventAgentNotReady", nil},
		{1, "EventOnHook", conn},
		{0, "EventAgentLogout", nil},
		{0, "EventAgentLogin", nil},
		{1, "EventDNBackInService", nil},
		{0, "EventAgentReady", map[string]any{"AgentWorkMode": "AgentAutoIn"}},
		{1, "EventDNDOn", nil},
		{1, "EventDNDOff", nil},
		{0, "EventAgentLogout", nil},
	}
	out := make([]genEvent, len(steps))
	for i, s := range steps {
		doc := map[string]any{"id": s.id, "ThisDN": "5001"}
		if !noC4(s.id) {
			doc["Server"] = json.Number("1")
			doc["time"] = map[string]any{"seconds": json.Number(strconv.Itoa(1_700_000_000 + i)), "useconds": json.Number("0")}
		}
		for k, v := range s.more {
			doc[k] = v
		}
		key := "t1:"
		if s.part == 0 {
			doc["AgentID"], key = "1001", "t1:1001"
		}
		out[i] = genEvent{id: s.id, doc: doc, key: key, route: strconv.Itoa(s.part)}
	}
	return out
}

func noC4(id string) bool {
	switch id {
	case "EventDNOutOfService", "EventDNBackInService", "EventMuteOn", "EventMuteOff":
		return true
	}
	return false
}

// merges returns every interleaving of a and b events that keeps each one's order, as the list of
// sources (0 or 1) read one after the other.
func merges(a, b int) [][]int {
	if a == 0 && b == 0 {
		return [][]int{nil}
	}
	var out [][]int
	if a > 0 {
		for _, m := range merges(a-1, b) {
			out = append(out, append([]int{0}, m...))
		}
	}
	if b > 0 {
		for _, m := range merges(a, b-1) {
			out = append(out, append([]int{1}, m...))
		}
	}
	return out
}

// read returns the stream as a consumer reads it in one interleaving: with Kafka coordinates, or
// as plain lines when kafka is false.
func read(evs []genEvent, order []int, kafka bool) []Event {
	var queues [2][]genEvent
	for _, g := range evs {
		p, _ := strconv.Atoi(g.route)
		queues[p] = append(queues[p], g)
	}
	var next [2]int
	out := make([]Event, 0, len(evs))
	for _, p := range order {
		g := queues[p][next[p]]
		place := finding.Place{File: "two-partitions.jsonl", Line: len(out) + 1}
		if kafka {
			place.Key, place.HasKey = g.key, true
			place.Partition, place.Offset, place.HasOffset = int32(p), int64(next[p]), true
		}
		out = append(out, Event{ID: g.id, Attrs: attr.Of(g.doc), Place: place})
		next[p]++
	}
	return out
}

// TestTwoPartitionsEveryInterleaving reads a lawful two-partition stream in every interleaving of
// its partitions: none raises anything. Read as plain lines in the same orders, where nothing
// says the events sit in two partitions, some raise violations: the partitions are what keeps
// the checker from judging an order the consumer made.
func TestTwoPartitionsEveryInterleaving(t *testing.T) {
	evs := twoPartitions()
	orders := merges(7, 7)
	if len(orders) != 3432 {
		t.Fatalf("%d interleavings, want C(14,7) = 3432", len(orders))
	}
	fooled := 0
	for _, order := range orders {
		for _, initial := range []InitialState{Clean, Unknown} {
			if found := runAll(New(WithInitialState(initial)), read(evs, order, true)); len(found) > 0 {
				t.Fatalf("interleaving %v, initial state %s:\n%s", order, initial, render(found))
			}
		}
		if len(violationsOf(runAll(New(), read(evs, order, false)))) > 0 {
			fooled++
		}
	}
	if fooled == 0 {
		t.Fatal("no interleaving read as plain lines raised a violation: the test no longer shows what the partitions protect from")
	}
	t.Logf("%d interleavings, all quiet with partitions; %d would raise violations read as one sequence", len(orders), fooled)
}
