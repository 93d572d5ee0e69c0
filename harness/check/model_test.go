package check

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// TestStepIsPure drives the model's step by hand over streams that lose events at random, so
// that findings arise: step never changes the state it is given, and the same state and event
// always give the same result.
func TestStepIsPure(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		pick := newRapidChooser(t)
		o := worldOpts{agents: rapid.IntRange(1, 6).Draw(t, "agents"), dns: rapid.IntRange(1, 4).Draw(t, "dns"), unnamed: true}
		evs := newWorld(pick, o).generate(streamLength(t))
		m := model{initial: InitialState(rapid.IntRange(0, 1).Draw(t, "initial")), keyed: rapid.Bool().Draw(t, "keyed"), files: []string{"gen.jsonl"}}
		states := map[string]state{}
		for i, g := range evs {
			if pick.intn(8) == 0 {
				continue
			}
			e := parse(kinds[g.id], Event{ID: g.id, Attrs: attr.Of(g.doc), Place: finding.Place{File: "gen.jsonl", Line: i + 1}}, 1)
			s := states[e.dn]
			before := slices.Clone(s)
			next, found := m.step(s, &e)
			again, foundAgain := m.step(s, &e)
			if !slices.Equal(s, before) {
				t.Fatalf("event %d (%s) changed the state it was given:\nbefore %v\nafter  %v", i, g.id, before, s)
			}
			if !slices.Equal(next, again) || !reflect.DeepEqual(found, foundAgain) {
				t.Fatalf("event %d (%s): the same state and event gave two results", i, g.id)
			}
			states[e.dn] = next
		}
	})
}

var (
	garbageIDs   = append(slices.Clone(kindNames[1:]), "EventQueueLogout", "", "EventNope")
	garbageNames = []string{"ThisDN", "AgentID", "CustomerID", "AgentWorkMode", "ThisDNRole", "ConnID", "ReferenceID", "time"}
	garbageKeys  = []string{"", ":", "t1:", "t1:1001", "t1-1001", "a:b:c", "t1:1002"}
)

// garbageValue draws any JSON value a decoder could give, and a few it could not.
func garbageValue(t *rapid.T) any {
	return rapid.OneOf(
		rapid.Just[any](nil), rapid.Just[any](true), rapid.Just[any](1.5), rapid.Just[any](3.0),
		rapid.Map(rapid.SampledFrom([]string{"", "5001", "1001", "t1", "AgentAuxWork", "AgentManualIn", "RoleObserver", "007102385535e00e"}), func(s string) any { return s }),
		rapid.Map(rapid.SampledFrom([]string{"0", "-1", "1.5", "1e400", "99999999999999999999", "1700000000"}), func(s string) any { return json.Number(s) }),
		rapid.Map(rapid.SampledFrom([]string{"", "x"}), func(s string) any { return []any{s} }),
		rapid.Map(rapid.IntRange(-2, 1<<20), func(n int) any {
			return map[string]any{"seconds": json.Number("1700000000"), "useconds": n}
		}),
		rapid.Map(rapid.SampledFrom([]string{"9223372036854775807", "-5", "x"}), func(s string) any {
			return map[string]any{"seconds": json.Number(s), "useconds": json.Number("0")}
		}),
	).Draw(t, "value")
}

func garbageEvent(t *rapid.T) Event {
	ev := Event{ID: rapid.SampledFrom(garbageIDs).Draw(t, "id")}
	if rapid.IntRange(0, 9).Draw(t, "nil doc") > 0 {
		doc := map[string]any{}
		for _, name := range rapid.SliceOfDistinct(rapid.SampledFrom(garbageNames), rapid.ID[string]).Draw(t, "attributes") {
			doc[name] = garbageValue(t)
		}
		ev.Attrs = attr.Of(doc)
	}
	ev.Place = finding.Place{
		File: rapid.SampledFrom([]string{"", "a.jsonl", "b.jsonl"}).Draw(t, "file"), Line: rapid.IntRange(0, 1000).Draw(t, "line"),
		Key: rapid.SampledFrom(garbageKeys).Draw(t, "key"), HasKey: rapid.Bool().Draw(t, "has key"),
		Partition: int32(rapid.IntRange(-1, 2).Draw(t, "partition")), Offset: rapid.Int64().Draw(t, "offset"),
		HasOffset: rapid.Bool().Draw(t, "has offset"),
	}
	return ev
}

// TestGarbageIsJudgedSafely feeds events of any shape: the checker never panics, and whatever it
// reports is a rule of the catalogue about the event it was given.
func TestGarbageIsJudgedSafely(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		c := New(WithInitialState(InitialState(rapid.IntRange(0, 1).Draw(t, "initial"))))
		for range rapid.IntRange(1, 60).Draw(t, "events") {
			ev := garbageEvent(t)
			for _, f := range c.Step(ev) {
				if _, ok := severities[f.Rule]; !ok || f.Place != ev.Place || f.Event != ev.ID || f.Message == "" {
					t.Fatalf("finding %+v about event %+v", f, ev)
				}
			}
		}
		if c.Tracked() < 0 {
			t.Fatal("negative Tracked")
		}
	})
}

// TestUncoveredEventsAreIgnored: the 7 events outside the contract and unknown ids raise nothing
// and cost nothing.
func TestUncoveredEventsAreIgnored(t *testing.T) {
	c := New(WithInitialState(Clean))
	for _, id := range []string{"EventQueueLogout", "EventMessageWaitingOn", "EventNope", ""} {
		ev := line(1, id, "ThisDN", "5001", "AgentID", "1001")
		ev.Place.Key, ev.Place.HasKey = "no separator", true
		if found := c.Step(ev); len(found) > 0 {
			t.Errorf("%s raised %v", id, found)
		}
	}
	if c.Tracked() != 0 {
		t.Errorf("Tracked() = %d after ignored events, want 0", c.Tracked())
	}
}
