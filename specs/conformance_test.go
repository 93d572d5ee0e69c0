package specs_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/suite"
)

// brokerMode labels every conformance spec with the broker it ran against.
var brokerMode = func() string {
	if m := os.Getenv("AGENTSTATE_BROKER"); m != "" {
		return m
	}
	return "embedded"
}()

// play runs steps as one scenario and fails on the first step that did not do exactly what it
// should, saying what was expected, from which stimulus, by when, and what came instead.
func play(ctx context.Context, name string, steps ...suite.Stimulus) {
	outcomes, err := suite.Scenario{Name: name, Steps: steps, File: name}.Run(ctx, env)
	must(err, "play "+name)
	expectAll(outcomes, len(steps))
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
		It(c.event+" is produced by its stimulus, valid, correlated and alone", Label(c.event), func(ctx SpecContext) {
			play(ctx, c.event, c.steps...)
		})
	}
})

// scenarios are those of AGENTSTATE_SCENARIOS, a directory, or else the repository's
// fixtures/scenarios, embedded so that the shipped suite runs from any directory.
var scenarios = func() []suite.Scenario {
	var sc []suite.Scenario
	var err error
	if dir := os.Getenv("AGENTSTATE_SCENARIOS"); dir != "" {
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
		It(sc.Name+" ("+filepath.Base(sc.File)+")", Label(sc.Labels...), func(ctx SpecContext) {
			outcomes, err := sc.Run(ctx, env)
			must(err, "run "+sc.Name)
			expectAll(outcomes, len(sc.Steps))
		})
	}

	It("serves several agents and DNs at once", Label("agent", "concurrency"), func(ctx SpecContext) {
		lifecycle := scenarios[0]
		for _, sc := range scenarios {
			if sc.Name == "agent lifecycle" {
				lifecycle = sc
			}
		}
		var wg sync.WaitGroup
		results := make([][]suite.Outcome, 4)
		for i := range results {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				results[i], _ = lifecycle.Run(ctx, env)
			}()
		}
		wg.Wait()
		for _, outcomes := range results {
			expectAll(outcomes, len(lifecycle.Steps))
		}
	})
})
