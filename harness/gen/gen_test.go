package gen_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/gen"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// TestStreamsAreLawfulAndDeterministic: a generated stream passes the schemas strictly and the
// sequence rules from a clean start, covers all 14 events, and the same seed gives the same bytes.
func TestStreamsAreLawfulAndDeterministic(t *testing.T) {
	a, err := gen.Stream(gen.Options{Seed: 7, Events: 20000, Agents: 50})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := gen.Stream(gen.Options{Seed: 7, Events: 20000, Agents: 50})
	c, _ := gen.Stream(gen.Options{Seed: 8, Events: 20000, Agents: 50})
	if len(a) != 20000 || !slices.EqualFunc(a, b, func(x, y gen.Message) bool { return x.Key == y.Key && bytes.Equal(x.Value, y.Value) }) {
		t.Fatal("the same seed gave different streams")
	}
	if slices.EqualFunc(a, c, func(x, y gen.Message) bool { return bytes.Equal(x.Value, y.Value) }) {
		t.Fatal("different seeds gave the same stream")
	}
	var jsonl bytes.Buffer
	for _, m := range a {
		jsonl.Write(m.Value)
		jsonl.WriteByte('\n')
	}
	rep, err := verify.Run(context.Background(), []verify.Input{{Name: "gen", R: &jsonl}}, verify.Options{Initial: check.Clean, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != 20000 || len(rep.Violations) != 0 || len(rep.PerEvent) != 14 {
		t.Fatalf("events %d, per event %v, violations %d: %v", rep.Events, rep.PerEvent, len(rep.Violations), first(rep.Violations))
	}
}

func first[T any](s []T) []T { return s[:min(3, len(s))] }
