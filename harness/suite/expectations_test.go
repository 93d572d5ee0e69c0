package suite

import (
	"encoding/json"
	"testing"

	"github.com/voice-agentstate/conformance/harness/collect"
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// The tests of this file hold the suite to what harness/drive/adapter-protocol.md ("What the suite
// expects of your service") promises a producer: each builds a step as a scenario would, hands
// it the events a service might publish, and asks the step's own comparison for its verdict.

func testCast() *Cast {
	env := &Env{Cfg: Config{Tenant: "t1", Prefix: "77"}, Refs: &drive.RefIDs{}}
	return env.NewCast()
}

// got builds an event as the collector would hand it over: its key and its attributes, numbers
// as json.Number (the collector decodes with UseNumber).
func got(key string, attrs map[string]any) collect.Event {
	doc := map[string]any{}
	for k, v := range attrs {
		if n, ok := v.(int64); ok {
			v = json.Number(json.Number(fmtInt(n)))
		}
		doc[k] = v
	}
	id, _ := doc["id"].(string)
	return collect.Event{ID: id, Key: key, Doc: doc, Place: finding.Place{Key: key}}
}

func fmtInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// verdict is the step's verdict on the events, as Env.Run gives it after the wait.
func verdict(st Step, err error, evs ...collect.Event) Outcome {
	o := Outcome{Step: st, Err: err, Got: evs}
	o.compare()
	return o
}

func step(t *testing.T, c *Cast, s Stimulus) Step {
	t.Helper()
	st, err := c.Step(s)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestALoginMayAnnounceTheAgentNotReady: a login leaves the agent logged in and not ready,
// whatever its work mode. A service may announce that state with an EventAgentNotReady after the
// EventAgentLogin (T-Library services do); the spec does not forbid it, so the step accepts the
// login alone or followed by that one event, and still nothing else.
func TestALoginMayAnnounceTheAgentNotReady(t *testing.T) {
	c := testCast()
	st := step(t, c, Stimulus{Do: drive.StimulusLogin, Agent: "A", DN: "D", Queue: "7001", WorkMode: drive.ManualIn, Expect: []string{"EventAgentLogin"}})
	agent, dn, ref := c.Agent("A"), c.DN("D"), st.Name
	key := "t1:" + agent
	login := got(key, map[string]any{"id": "EventAgentLogin", "ThisDN": dn, "AgentID": agent, "ThisQueue": "7001", "ReferenceID": int64(1)})
	notReady := got(key, map[string]any{"id": "EventAgentNotReady", "ThisDN": dn, "AgentID": agent})
	for _, c := range []struct {
		name string
		evs  []collect.Event
		ok   bool
	}{
		{"the login alone", []collect.Event{login}, true},
		{"the login, then the agent not ready", []collect.Event{login, notReady}, true},
		{"the login, then the agent ready", []collect.Event{login, got(key, map[string]any{"id": "EventAgentReady", "ThisDN": dn, "AgentID": agent, "AgentWorkMode": "AgentManualIn"})}, false},
		{"the login, then two not-ready", []collect.Event{login, notReady, notReady}, false},
	} {
		if o := verdict(st, nil, c.evs...); o.OK() != c.ok {
			t.Errorf("%s (%s): OK() = %v, want %v\n%s", c.name, ref, o.OK(), c.ok, o.Report())
		}
	}
}
