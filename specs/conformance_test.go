package specs_test

import (
	"path"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/suite"
)

// brokerMode labels every conformance spec with the broker it ran against.
var brokerMode = func() string {
	if cfg.Broker.Provider == "" {
		return "embedded" // the settings are wrong, which BeforeSuite reports
	}
	return cfg.Broker.Provider
}()

// flows holds the work of every flow and per-event spec, added as the tree is built: BeforeSuite
// starts the selected ones at once (AGENTSTATE_PARALLEL), and each spec judges its own.
var flows suite.Flows

// flowSpec adds a spec that judges copies runs of a scenario played at once, run by flows: it
// fails on the first step of a run that did not do exactly what it should, saying what was
// expected, from which stimulus, by when, and what came instead. Its work is named by the spec's
// full text, by which the preview of TestSpecs says whether it was selected.
func flowSpec(container, text string, sc suite.Scenario, copies int, labels ...string) {
	name := container + " " + text
	flows.Add(name, sc, copies)
	It(text, Label(labels...), func(ctx SpecContext) {
		plays, err := flows.Result(ctx, env, name)
		must(err, "run "+sc.Name)
		for _, p := range plays {
			must(p.Err, "run "+sc.Name)
			expectAll(p.Outcomes, len(sc.Steps))
		}
	})
}

// expectAll fails, with the outcome's own words, on the first step that went wrong, and on a
// scenario that stopped early.
func expectAll(outcomes []suite.Outcome, steps int) {
	for _, o := range outcomes {
		if !o.OK() {
			Fail(o.Report())
		}
	}
	Expect(outcomes).To(HaveLen(steps), "the scenario stopped early")
}

// perEvent are the per-event specs' scenarios, one for each of the 14 events, embedded from
// fixtures/scenarios/events: the stimuli that lead to the event, each step producing exactly its
// events and nothing else on its DN.
var perEvent = func() []suite.Scenario {
	sc, err := suite.LoadScenariosFrom(fixtures.FS, path.Join(fixtures.Scenarios, "events"), "fixtures/scenarios/events")
	if err != nil {
		panic(err.Error())
	}
	return sc
}()

var _ = Describe("Event", Label("conformance", brokerMode, "schema", "correlation"), func() {
	for _, sc := range perEvent {
		flowSpec("Event", sc.Name+" is produced by its stimulus, valid, correlated and alone", sc, 1, sc.Labels...)
	}
})

// scenarios are those of AGENTSTATE_SCENARIOS, a directory, or else the repository's
// fixtures/scenarios, embedded so that the shipped suite runs from any directory.
var scenarios = func() []suite.Scenario {
	var sc []suite.Scenario
	var err error
	if dir := cfg.Scenarios; dir != "" {
		sc, err = suite.LoadScenarios(dir)
	} else {
		sc, err = suite.LoadScenariosFrom(fixtures.FS, fixtures.Scenarios, "fixtures/scenarios")
	}
	if err != nil {
		panic(err.Error() + " (AGENTSTATE_SCENARIOS names a directory of scenario files; unset, the built-in ones are used)")
	}
	return sc
}()

var _ = Describe("Flows", Label("conformance", brokerMode, "flow", "correlation"), func() {
	for _, sc := range scenarios {
		flowSpec("Flows", sc.Name+" ("+filepath.Base(sc.File)+")", sc, 1, sc.Labels...)
	}

	lifecycle := scenarios[0]
	for _, sc := range scenarios {
		if sc.Name == "agent lifecycle" {
			lifecycle = sc
		}
	}
	flowSpec("Flows", "serves several agents and DNs at once", lifecycle, 4, "agent", "concurrency")
})
