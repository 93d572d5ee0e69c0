package suite_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/collect"
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/suite"
)

// flowStep loads a scenario of fixtures/scenarios and returns its steps and the index of the
// first step that matches.
func flowStep(t *testing.T, file string, match func(suite.Stimulus) bool) ([]suite.Stimulus, int) {
	t.Helper()
	sc, err := suite.LoadScenario(filepath.Join("..", "..", "fixtures", "scenarios", file))
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range sc.Steps {
		if match(st) {
			return sc.Steps, i
		}
	}
	t.Fatalf("%s has no such step", file)
	return nil, 0
}

func testEnv() *suite.Env {
	return &suite.Env{Cfg: suite.Config{Tenant: "t1", Prefix: "77"}, Driver: &forwardRecorder{}}
}

// seen is an event of a DN, as a flow's earlier step would have seen it.
func seen(id, dn string, offset int64) collect.Event {
	return seenOf(id, dn, "", offset)
}

// seenOf is an event of a DN keyed by an agent, with its AgentID when there is one.
func seenOf(id, dn, agent string, offset int64) collect.Event {
	ev := collect.Event{ID: id, Key: "t1:" + agent, Doc: map[string]any{"id": id, "ThisDN": dn, "ReferenceID": json.Number("1")}}
	if agent != "" {
		ev.Doc["AgentID"] = agent
	}
	ev.Place = finding.Place{Key: ev.Key, HasKey: true, Partition: 0, Offset: offset, HasOffset: true}
	return ev
}

// TestAMutedCallHangsUpWithoutEventMuteOff: the end of a call ends its mute without an
// EventMuteOff (fact:call-end-unmutes), so the hang-up of a muted call must produce EventOnHook alone; a
// mute-off of the ended call must be refused, with invalid-connid or invalid-state, and produce
// nothing; and the DN's next call starts unmuted, so its mute-on must be performed.
func TestAMutedCallHangsUpWithoutEventMuteOff(t *testing.T) {
	steps, i := flowStep(t, "mute-hang-up.json", func(s suite.Stimulus) bool { return s.Do == drive.StimulusOnHook })
	if steps[i-1].Do != drive.StimulusMuteOn {
		t.Fatalf("the flow's first on-hook does not follow a mute-on: %+v", steps[i-1])
	}
	c := testEnv().NewCast()
	hangUp, err := c.Step(steps[i])
	if err != nil {
		t.Fatal(err)
	}
	dn := c.DN(steps[i].DN)
	o := suite.Outcome{Step: hangUp, Got: []collect.Event{seen("EventMuteOff", dn, 4), seen("EventOnHook", dn, 5)}}
	o.Compare()
	if o.OK() || !strings.Contains(o.Report(), "unexpected: EventMuteOff") {
		t.Errorf("an EventMuteOff on the hang-up of a muted call passes:\n%s", o.Report())
	}

	after, err := c.Step(steps[i+1])
	if err != nil {
		t.Fatal(err)
	}
	if steps[i+1].Do != drive.StimulusMuteOff || steps[i+1].Call != steps[i-1].Call {
		t.Fatalf("the step after the hang-up is not a mute-off of the ended call: %+v", steps[i+1])
	}
	for _, c := range []struct {
		err  error
		got  []collect.Event
		pass bool
	}{
		{drive.ErrInvalidConnID, nil, true},
		{drive.ErrInvalidState, nil, true},
		{drive.ErrNotLoggedIn, nil, false},
		{nil, nil, false},
		{nil, []collect.Event{seen("EventMuteOff", dn, 6)}, false},
		{drive.ErrInvalidConnID, []collect.Event{seen("EventMuteOff", dn, 6)}, false},
	} {
		o := suite.Outcome{Step: after, Err: c.err, Got: c.got}
		o.Compare()
		if o.OK() != c.pass {
			t.Errorf("a mute-off of the ended call answered %v with %d events: pass %v, want %v\n%s", c.err, len(c.got), o.OK(), c.pass, o.Report())
		}
	}
	if next := steps[i+3]; next.Do != drive.StimulusMuteOn || next.Call == steps[i-1].Call || next.Refused != "" {
		t.Errorf("the DN's next call is not muted as a fresh call: %+v", next)
	}
}

// TestAStepCanDependOnWhatItsFlowSaw: the outage probe's logout must be performed with
// EventAgentLogout unless its flow saw an EventAgentLogout of the DN since the last
// EventAgentLogin there; then it must be refused with not-logged-in. A service that logged the
// agent out without publishing it answers the first with a refusal, and fails saying why the
// logout was expected to be performed.
func TestAStepCanDependOnWhatItsFlowSaw(t *testing.T) {
	steps, i := flowStep(t, "outage-probe.json", func(s suite.Stimulus) bool { return s.Do == drive.StimulusLogout })
	for _, c := range []struct {
		name    string
		history []string // event ids seen on the step's DN, in order; "other:" on another DN
		refused bool
	}{
		{"nothing published", []string{"EventAgentLogin", "EventDNOutOfService"}, false},
		{"logged out by the outage", []string{"EventAgentLogin", "EventDNOutOfService", "EventAgentNotReady", "EventAgentLogout"}, true},
		{"logged in again after a logout", []string{"EventAgentLogin", "EventAgentLogout", "EventAgentLogin"}, false},
		{"a logout on another DN", []string{"EventAgentLogin", "other:EventAgentLogout"}, false},
		{"a logout and no login seen", []string{"EventAgentLogout"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cast := testEnv().NewCast()
			dn := cast.DN(steps[i].DN)
			var evs []collect.Event
			for n, id := range c.history {
				on := dn
				if other, ok := strings.CutPrefix(id, "other:"); ok {
					id, on = other, cast.DN("elsewhere")
				}
				evs = append(evs, seen(id, on, int64(n)))
			}
			cast.Saw(evs)
			st, err := cast.Step(steps[i])
			if err != nil {
				t.Fatal(err)
			}
			refusal := suite.Outcome{Step: st, Err: drive.ErrNotLoggedIn}
			refusal.Compare()
			agent := cast.Agent(steps[i].Agent)
			logout := seenOf("EventAgentLogout", dn, agent, 9)
			logout.Doc["ReferenceID"] = json.Number(strconv.FormatInt(st.ReferenceID, 10)) // it echoes the step's request
			performed := suite.Outcome{Step: st, Got: []collect.Event{logout}}
			performed.Compare()
			if refusal.OK() != c.refused || performed.OK() == c.refused {
				t.Fatalf("refusal passes %v, logout event passes %v; want the refusal to pass %v\n%s%s", refusal.OK(), performed.OK(), c.refused, refusal.Report(), performed.Report())
			}
			want := "its flow saw no EventAgentLogout on DN " + dn + " since EventAgentLogin at (key"
			if !c.refused && !strings.Contains(refusal.Report(), want) {
				t.Errorf("the failure does not say why the logout was expected:\n%s", refusal.Report())
			}
		})
	}
}

// TestAConditionIsCheckedWhenTheScenarioLoads: an if-seen condition names events of the
// contract, and what it asks instead is a step of its own that can be run; a typo never silently
// makes a condition that cannot hold.
func TestAConditionIsCheckedWhenTheScenarioLoads(t *testing.T) {
	dir := t.TempDir()
	for name, step := range map[string]string{
		"no event":            `{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":{"refused":"not-logged-in"}}`,
		"an unknown event":    `{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":{"event":"EventAgentLogOut","refused":"not-logged-in"}}`,
		"an unknown since":    `{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":{"event":"EventAgentLogout","since":"login","refused":"not-logged-in"}}`,
		"since the event":     `{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":{"event":"EventAgentLogout","since":"EventAgentLogout","refused":"not-logged-in"}}`,
		"a refusal expecting": `{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":{"event":"EventAgentLogout","refused":"not-logged-in","expect":["EventAgentLogout"]}}`,
		"an unknown refusal":  `{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":{"event":"EventAgentLogout","refused":"logged-out"}}`,
		"an unknown field":    `{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":{"event":"EventAgentLogout","refuse":"not-logged-in"}}`,
		"or-refused alone":    `{"do":"logout","agent":"A","dn":"D","or-refused":"invalid-state"}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		if err := os.WriteFile(path, []byte(`{"name":"n","steps":[`+step+`]}`), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := suite.LoadScenario(path); err == nil {
			t.Errorf("%s: the scenario loaded", name)
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Logf("%s: %v", name, err)
		}
	}
}
