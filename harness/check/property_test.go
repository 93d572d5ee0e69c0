package check

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// streamConfig is one way to produce and read lawful streams.
type streamConfig struct {
	name  string
	opts  worldOpts
	kafka bool // spread over 1 to 4 partitions, else JSON Lines without coordinates
	quiet bool // every pair a rule relates shares a partition, so not even a warning is due
}

// serviceKeys are the settings of ServiceKey that fit how a world keys its service events, the
// one that judges most first.
func serviceKeys(o worldOpts) []ServiceKey {
	if o.keys == keysServiceByAgent || o.keys == keysLikeReference {
		return []ServiceKey{ServiceKeyAgent, ServiceKeyUnknown}
	}
	return []ServiceKey{ServiceKeyTenant, ServiceKeyAgent, ServiceKeyUnknown}
}

var lawfulConfigs = []streamConfig{
	{name: "clean/jsonl", quiet: true},
	{name: "clean/kafka", kafka: true, quiet: true},
	{name: "midlife/jsonl", opts: worldOpts{midLife: true}, quiet: true},
	{name: "midlife/kafka", opts: worldOpts{midLife: true}, kafka: true, quiet: true},
	{name: "unnamed/jsonl", opts: worldOpts{unnamed: true}, quiet: true},
	{name: "unnamed/kafka", opts: worldOpts{unnamed: true}, kafka: true, quiet: true},
	{name: "unnamed-midlife/kafka", opts: worldOpts{unnamed: true, midLife: true}, kafka: true, quiet: true},
	// Keyed by the agent on the DN, the two events of a DND, hook or mute pair may sit in two
	// partitions, and a warning may be due; a violation never is.
	{name: "keyed-by-agent/kafka", opts: worldOpts{keys: keysByAgent}, kafka: true},
	// Service events keyed by the agent on the DN too: the agent may change during an outage.
	{name: "service-by-agent/kafka", opts: worldOpts{keys: keysServiceByAgent, unnamed: true}, kafka: true},
	{name: "service-by-agent-midlife/kafka", opts: worldOpts{keys: keysServiceByAgent, midLife: true}, kafka: true},
	{name: "service-like-reference/kafka", opts: worldOpts{keys: keysLikeReference, unnamed: true}, kafka: true},
	{name: "service-like-reference-midlife/kafka", opts: worldOpts{keys: keysLikeReference, midLife: true}, kafka: true},
}

// draw produces a lawful stream of a config and reads it.
func (cfg streamConfig) draw(t *rapid.T, pick chooser) ([]genEvent, []Event, []int) {
	o := cfg.opts
	o.agents = rapid.IntRange(1, 12).Draw(t, "agents")
	o.dns = rapid.IntRange(1, 12).Draw(t, "dns")
	evs := newWorld(pick, o).generate(streamLength(t))
	parts := 0
	if cfg.kafka {
		parts = rapid.IntRange(1, 4).Draw(t, "partitions")
	}
	events, at := transport(evs, parts, pick)
	return evs, events, at
}

// streamLength draws how many events a stream has. rapid favours small integers; a size class
// drawn first makes long streams as likely as short ones, and still shrinks to short ones.
func streamLength(t *rapid.T) int {
	class := rapid.IntRange(0, 3).Draw(t, "size class")
	bounds := [][2]int{{1, 20}, {20, 100}, {100, 300}, {300, 600}}[class]
	return rapid.IntRange(bounds[0], bounds[1]).Draw(t, "events")
}

// initials are the initial states a stream of opts may be judged under: a stream that starts
// clean is lawful under both.
func initials(o worldOpts) []InitialState {
	if o.midLife {
		return []InitialState{Unknown}
	}
	return []InitialState{Clean, Unknown}
}

func violationsOf(found []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range found {
		if f.Severity == finding.Violation {
			out = append(out, f)
		}
	}
	return out
}

func TestLawfulStreamsRaiseNothing(t *testing.T) {
	for _, cfg := range lawfulConfigs {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			rapid.Check(t, func(t *rapid.T) {
				_, events, _ := cfg.draw(t, newRapidChooser(t))
				for _, initial := range initials(cfg.opts) {
					for _, k := range serviceKeys(cfg.opts) {
						for _, f := range runAll(New(WithInitialState(initial), WithServiceKey(k)), events) {
							if f.Severity == finding.Violation || cfg.quiet {
								t.Fatalf("lawful stream of %d events, initial state %s, service key %s: %s", len(events), initial, k, f)
							}
						}
					}
				}
			})
		})
	}
}

// TestInterleavingDoesNotMatter reads one stream in two interleavings of its partitions: the
// findings, named by partition and offset, are the same.
func TestInterleavingDoesNotMatter(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		pick := newRapidChooser(t)
		o := worldOpts{keys: keysByAgent, unnamed: true}
		o.agents, o.dns = rapid.IntRange(1, 8).Draw(t, "agents"), rapid.IntRange(1, 8).Draw(t, "dns")
		evs := newWorld(pick, o).generate(streamLength(t))
		parts := rapid.IntRange(2, 4).Draw(t, "partitions")
		first, _ := transport(evs, parts, pick)
		second, _ := transport(evs, parts, pick)
		for _, initial := range []InitialState{Clean, Unknown} {
			a := coordinates(runAll(New(WithInitialState(initial)), first))
			b := coordinates(runAll(New(WithInitialState(initial)), second))
			if !slices.Equal(a, b) {
				t.Fatalf("initial state %s: findings differ between interleavings:\n%v\n%v", initial, a, b)
			}
		}
	})
}

// coordinates names findings by rule and Kafka coordinates, which do not depend on the
// interleaving (lines do), sorted.
func coordinates(found []finding.Finding) []string {
	out := make([]string, 0, len(found))
	for _, f := range found {
		s := fmt.Sprintf("%s p%d@%d", f.Rule, f.Place.Partition, f.Place.Offset)
		if f.Context != nil {
			s += fmt.Sprintf(" after p%d@%d", f.Context.Partition, f.Context.Offset)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestMutatedStreamsRaiseOneViolation(t *testing.T) {
	applied := make([]atomic.Int64, len(mutations))
	configs := []streamConfig{
		{name: "clean/jsonl"}, {name: "clean/kafka", kafka: true},
		{name: "midlife/jsonl", opts: worldOpts{midLife: true}},
		{name: "midlife/kafka", opts: worldOpts{midLife: true}, kafka: true},
		{name: "service-by-agent/kafka", opts: worldOpts{keys: keysServiceByAgent}, kafka: true},
		{name: "service-like-reference/kafka", opts: worldOpts{keys: keysLikeReference}, kafka: true},
	}
	for _, cfg := range configs {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			rapid.Check(t, func(t *rapid.T) {
				pick := newRapidChooser(t)
				evs, events, _ := cfg.draw(t, pick)
				parts := 0
				if len(events) > 0 && events[0].Place.HasOffset {
					parts = rapid.IntRange(1, 4).Draw(t, "mutated partitions")
				}
				j := judging{initial: initials(cfg.opts)[0], service: serviceKeys(cfg.opts)[0], parts: parts}
				for i, mut := range mutations {
					if mut.check(t, pick, evs, j) {
						applied[i].Add(1)
					}
				}
			})
		})
	}
	t.Cleanup(func() {
		for i, mut := range mutations {
			t.Logf("%s: applied to %d streams", mut.name, applied[i].Load())
			if applied[i].Load() == 0 {
				t.Errorf("%s was never applied: the generator no longer produces its situation", mut.name)
			}
		}
	})
}

// check applies the mutation to one event of evs, if any fits, and asserts that the mutated
// stream raises exactly one violation, of the mutation's rule, at the event it names.
func (mut mutation) check(t *rapid.T, pick chooser, evs []genEvent, j judging) bool {
	if mut.kafkaOnly && j.parts == 0 {
		return false
	}
	targets := mut.targets(evs, j)
	if len(targets) == 0 {
		return false
	}
	mutated, target, rule := mut.apply(evs, targets[pick.intn(len(targets))], pick)
	events, at := transport(mutated, j.parts, pick)
	got := violationsOf(runAll(New(WithInitialState(j.initial), WithServiceKey(j.service)), events))
	want := events[at[target]].Place
	if len(got) != 1 || got[0].Rule != rule || got[0].Place != want {
		var b strings.Builder
		for _, f := range got {
			b.WriteString("\n\t" + f.String())
		}
		t.Fatalf("%s (initial state %s, service key %s): want one %s violation at %s, got %d:%s", mut.name, j.initial, j.service, rule, want, len(got), b.String())
	}
	return true
}
