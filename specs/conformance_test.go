package specs_test

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/drive"
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

type eventCase struct {
	event string
	steps []suite.Stimulus
}

func s(do drive.Stimulus, dn string, expect ...string) suite.Stimulus {
	return suite.Stimulus{Do: do, DN: dn, Expect: expect}
}

func agent(st suite.Stimulus, name string) suite.Stimulus {
	st.Agent = name
	return st
}

// perEvent lists, for each of the 14 events, the stimuli that lead to it; the last one must
// produce it, and nothing else on its DN.
var perEvent = []eventCase{
	{"EventAgentLogin", []suite.Stimulus{{Do: drive.StimulusLogin, Agent: "A", DN: "D", Queue: "7001", WorkMode: drive.ManualIn, Expect: []string{"EventAgentLogin"}}}},
	{"EventAgentLogout", []suite.Stimulus{agent(s(drive.StimulusLogin, "D", "EventAgentLogin"), "A"), agent(s(drive.StimulusLogout, "D", "EventAgentLogout"), "A")}},
	{"EventAgentReady", []suite.Stimulus{agent(s(drive.StimulusLogin, "D", "EventAgentLogin"), "A"),
		{Do: drive.StimulusReady, Agent: "A", DN: "D", WorkMode: drive.ManualIn, Expect: []string{"EventAgentReady"}}}},
	{"EventAgentNotReady", []suite.Stimulus{agent(s(drive.StimulusLogin, "D", "EventAgentLogin"), "A"),
		{Do: drive.StimulusNotReady, Agent: "A", DN: "D", WorkMode: drive.AuxWork, Reasons: map[string]string{"Reason": "Lunch"}, Expect: []string{"EventAgentNotReady"}}}},
	{"EventDNOutOfService", []suite.Stimulus{s(drive.StimulusOutOfService, "D", "EventDNOutOfService"), s(drive.StimulusBackInService, "D", "EventDNBackInService")}},
	{"EventDNBackInService", []suite.Stimulus{s(drive.StimulusOutOfService, "D", "EventDNOutOfService"), s(drive.StimulusBackInService, "D", "EventDNBackInService")}},
	{"EventDNDOn", []suite.Stimulus{s(drive.StimulusDNDOn, "D", "EventDNDOn"), s(drive.StimulusDNDOff, "D", "EventDNDOff")}},
	{"EventDNDOff", []suite.Stimulus{s(drive.StimulusDNDOn, "D", "EventDNDOn"), s(drive.StimulusDNDOff, "D", "EventDNDOff")}},
	{"EventForwardSet", []suite.Stimulus{{Do: drive.StimulusSetForward, DN: "D", Target: "T", Mode: "CallForwardingStatus", Expect: []string{"EventForwardSet"}},
		s(drive.StimulusCancelForward, "D", "EventForwardCancel")}},
	{"EventForwardCancel", []suite.Stimulus{{Do: drive.StimulusSetForward, DN: "D", Target: "T", Mode: "SendAllCallsStatus", Expect: []string{"EventForwardSet"}},
		s(drive.StimulusCancelForward, "D", "EventForwardCancel")}},
	{"EventOffHook", []suite.Stimulus{{Do: drive.StimulusOffHook, DN: "D", Call: "C", Expect: []string{"EventOffHook"}}, s(drive.StimulusOnHook, "D", "EventOnHook")}},
	{"EventOnHook", []suite.Stimulus{{Do: drive.StimulusOffHook, DN: "D", Call: "C", Expect: []string{"EventOffHook"}}, s(drive.StimulusOnHook, "D", "EventOnHook")}},
	{"EventMuteOn", []suite.Stimulus{{Do: drive.StimulusOffHook, DN: "D", Call: "C", Expect: []string{"EventOffHook"}},
		{Do: drive.StimulusMuteOn, DN: "D", Call: "C", Role: drive.RoleDestination, Expect: []string{"EventMuteOn"}},
		{Do: drive.StimulusMuteOff, DN: "D", Call: "C", Role: drive.RoleDestination, Expect: []string{"EventMuteOff"}}, s(drive.StimulusOnHook, "D", "EventOnHook")}},
	{"EventMuteOff", []suite.Stimulus{{Do: drive.StimulusOffHook, DN: "D", Call: "C", Expect: []string{"EventOffHook"}},
		{Do: drive.StimulusMuteOn, DN: "D", Call: "C", Role: drive.RoleOrigination, Expect: []string{"EventMuteOn"}},
		{Do: drive.StimulusMuteOff, DN: "D", Call: "C", Role: drive.RoleOrigination, Expect: []string{"EventMuteOff"}}, s(drive.StimulusOnHook, "D", "EventOnHook")}},
}

var _ = Describe("Event", Label("conformance", brokerMode, "schema", "correlation"), func() {
	for _, c := range perEvent {
		flowSpec("Event", c.event+" is produced by its stimulus, valid, correlated and alone", suite.Scenario{Name: c.event, Steps: c.steps, File: c.event}, 1, c.event)
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
