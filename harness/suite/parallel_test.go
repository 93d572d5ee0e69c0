package suite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/drive"
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
	env, err := suite.Start(ctx, cfg)
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

// meeting is a Driver whose first DND-on of each flow waits until all of them are under way:
// the flows can only get past it if they run at once. Its deadline is a watchdog, not a timing.
type meeting struct {
	drive.Driver
	want    int
	mu      sync.Mutex
	arrived int
	all     chan struct{}
}

func (m *meeting) DNDOn(ctx context.Context, r drive.Request) error {
	m.mu.Lock()
	m.arrived++
	if m.arrived == m.want {
		close(m.all)
	}
	m.mu.Unlock()
	select {
	case <-m.all:
	case <-time.After(30 * time.Second):
		return fmt.Errorf("only %d of %d flows got to their DND-on: they do not run at once", m.arrived, m.want)
	case <-ctx.Done():
		return ctx.Err()
	}
	return m.Driver.DNDOn(ctx, r)
}

// TestIndependentFlowsRunAtOnce plays three flows through Flows with AGENTSTATE_PARALLEL=3 against
// one broker, collector and reference producer: each gets its own events only and passes, and
// they ran at once (each waited at its first stimulus until all three were there). With
// AGENTSTATE_PARALLEL=1 they run one after another, and still pass.
func TestIndependentFlowsRunAtOnce(t *testing.T) {
	sc, err := suite.LoadScenario("../../fixtures/scenarios/dnd.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, parallel := range []string{"3", "1"} {
		t.Run("AGENTSTATE_PARALLEL="+parallel, func(t *testing.T) {
			env := startReference(t, map[string]string{"AGENTSTATE_PARALLEL": parallel, "AGENTSTATE_SETTLE": "50ms"})
			if parallel != "1" {
				env.Driver = &meeting{Driver: env.Driver, want: 3, all: make(chan struct{})}
			}
			var flows suite.Flows
			names := []string{"dnd a", "dnd b", "dnd c"}
			for _, n := range names {
				c := sc
				c.Name = n
				flows.Add(n, c, 1)
			}
			flows.Start(t.Context(), env, nil)
			for _, n := range names {
				plays, err := flows.Result(t.Context(), env, n)
				if err != nil || len(plays) != 1 || plays[0].Err != nil {
					t.Fatalf("%s: %v %+v", n, err, plays)
				}
				for _, o := range plays[0].Outcomes {
					if !o.OK() {
						t.Errorf("%s:\n%s", n, o.Report())
					}
				}
				if len(plays[0].Outcomes) != len(sc.Steps) {
					t.Errorf("%s stopped after %d of %d steps", n, len(plays[0].Outcomes), len(sc.Steps))
				}
			}
			if stray := env.Unowned(); len(stray) > 0 {
				t.Errorf("events on no flow's DN: %v", stray)
			}
		})
	}
}

// TestAnEventOnNoFlowsDNIsAFinding: an event on a DN the run never handed out belongs to no
// flow, so no step judged it; it is a finding of its own, naming the rule, the event, its place
// and its DN.
func TestAnEventOnNoFlowsDNIsAFinding(t *testing.T) {
	env := startReference(t, map[string]string{"AGENTSTATE_ID_PREFIX": "43"})
	refsOf(t, env, mustScenario(t, "dnd.json"))
	if stray := env.Unowned(); len(stray) > 0 {
		t.Fatalf("a correct flow's events are on no flow's DN: %v", stray)
	}
	pub, err := broker.NewPublisher(env.Broker)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if err := pub.Publish(t.Context(), "t1:", []byte(`{"id":"EventDNDOn","ThisDN":"99999"}`)); err != nil {
		t.Fatal(err)
	}
	if err := env.Collector.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	stray := env.Unowned()
	if len(stray) != 1 || !strings.HasPrefix(stray[0], suite.RuleUnownedEvent+": EventDNDOn at (key \"t1:\", partition") || !strings.Contains(stray[0], `ThisDN "99999"`) {
		t.Errorf("the event on DN 99999 is not one finding naming it: %q", stray)
	}
}

func mustScenario(t *testing.T, file string) suite.Scenario {
	t.Helper()
	sc, err := suite.LoadScenario(filepath.Join("..", "..", "fixtures", "scenarios", file))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// panicking is a Driver whose DND-on panics, as a buggy adapter might.
type panicking struct{ drive.Driver }

func (panicking) DNDOn(context.Context, drive.Request) error { panic("adapter bug") }

// TestAFlowThatPanicsFailsItsOwnSpec: a flow runs outside its Ginkgo spec, so a panic of the
// Driver is caught there and becomes its play's error, instead of ending the process without a
// report.
func TestAFlowThatPanicsFailsItsOwnSpec(t *testing.T) {
	env := startReference(t, map[string]string{"AGENTSTATE_PARALLEL": "2"})
	env.Driver = panicking{env.Driver}
	var flows suite.Flows
	flows.Add("dnd", mustScenario(t, "dnd.json"), 1)
	flows.Start(t.Context(), env, nil)
	plays, err := flows.Result(t.Context(), env, "dnd")
	if err != nil || len(plays) != 1 || plays[0].Err == nil || !strings.Contains(plays[0].Err.Error(), "panic: adapter bug") {
		t.Fatalf("the panicking flow gave %v, %+v; want its play's error to name the panic", err, plays)
	}
}
