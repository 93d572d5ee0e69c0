package suite_test

import (
	"context"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/suite"
)

// startReference starts the suite's world on the embedded broker with the reference producer.
func startReference(t *testing.T, vars map[string]string) *suite.Env {
	t.Helper()
	getenv := func(k string) string { return vars[k] }
	cfg, err := suite.ConfigFromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	env, err := suite.Start(ctx, cfg, getenv)
	t.Cleanup(func() { _, _ = env.Stop(context.Background()) })
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// refsOf plays the scenarios in order and returns the ReferenceIDs of each one's steps, by name.
func refsOf(t *testing.T, env *suite.Env, flows ...suite.Scenario) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	for _, sc := range flows {
		outcomes, err := sc.Run(t.Context(), env)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outcomes {
			out[sc.Name] = append(out[sc.Name], o.Step.ReferenceID)
		}
	}
	return out
}

// TestReferenceIDsAreTheFlowsAndSteps: a step's ReferenceID depends on its flow (numbered in the
// order the suite declares its flows) and its place in the flow, not on what ran before it, so two runs that play flows in another order (or at once)
// give each request the same ReferenceID; and no two requests of a run share one.
func TestReferenceIDsAreTheFlowsAndSteps(t *testing.T) {
	scenarios, err := suite.LoadScenarios("../../fixtures/scenarios")
	if err != nil {
		t.Fatal(err)
	}
	a, b := scenarios[0], scenarios[1]
	declared := func(prefix string) *suite.Env {
		env := startReference(t, map[string]string{"AGENTSTATE_ID_PREFIX": prefix})
		env.Declare(a.Name, b.Name) // as the suite declares all its flows before any runs
		return env
	}
	first := refsOf(t, declared("41"), a, b)
	second := refsOf(t, declared("42"), b, a)
	seen := map[int64]string{}
	for _, name := range []string{a.Name, b.Name} {
		if len(first[name]) == 0 || len(first[name]) != len(second[name]) {
			t.Fatalf("%s: %d steps in one run, %d in the other", name, len(first[name]), len(second[name]))
		}
		for i, ref := range first[name] {
			if second[name][i] != ref {
				t.Errorf("%s step %d: ReferenceID %d in one run, %d when another flow ran first", name, i+1, ref, second[name][i])
			}
			if other, dup := seen[ref]; dup {
				t.Errorf("ReferenceID %d is both %s and %s step %d", ref, other, name, i+1)
			}
			seen[ref] = name
		}
	}
}
