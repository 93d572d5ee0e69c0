package suite

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/collect"
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// The tests of this file hold the suite to what harness/drive/adapter-protocol.md ("What the suite
// expects of your service") promises a producer: each builds a step as a scenario would, hands
// it the events a service might publish, and asks the step's own comparison for its verdict.

func testCast() *Cast {
	env := &Env{Cfg: Config{Tenant: "t1", Prefix: "77"}, Driver: nopDriver{}}
	return env.NewCast()
}

// nopDriver performs every stimulus and publishes nothing: these tests hand the step its events.
type nopDriver struct{}

func (nopDriver) Login(context.Context, drive.Login) error           { return nil }
func (nopDriver) Logout(context.Context, drive.Logout) error         { return nil }
func (nopDriver) Ready(context.Context, drive.Ready) error           { return nil }
func (nopDriver) NotReady(context.Context, drive.NotReady) error     { return nil }
func (nopDriver) DNDOn(context.Context, drive.Request) error         { return nil }
func (nopDriver) DNDOff(context.Context, drive.Request) error        { return nil }
func (nopDriver) SetForward(context.Context, drive.Forward) error    { return nil }
func (nopDriver) CancelForward(context.Context, drive.Request) error { return nil }
func (nopDriver) OffHook(context.Context, drive.Request) (string, error) {
	return "00000000000000c1", nil
}
func (nopDriver) OnHook(context.Context, drive.Request) error        { return nil }
func (nopDriver) MuteOn(context.Context, drive.Mute) error           { return nil }
func (nopDriver) MuteOff(context.Context, drive.Mute) error          { return nil }
func (nopDriver) OutOfService(context.Context, drive.Request) error  { return nil }
func (nopDriver) BackInService(context.Context, drive.Request) error { return nil }

// got builds an event as the collector would hand it over: its key and its attributes, numbers
// as json.Number (the collector decodes with UseNumber).
func got(key string, attrs map[string]any) collect.Event {
	doc := map[string]any{}
	for k, v := range attrs {
		if n, ok := v.(int64); ok {
			v = json.Number(fmtInt(n))
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
	o.compare(judge{})
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
	login := got(key, map[string]any{"id": "EventAgentLogin", "ThisDN": dn, "AgentID": agent, "ThisQueue": "7001", "ReferenceID": st.ReferenceID})
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

// TestEventsWithoutAnAgentIDAreKeyedByTheTenant: the contract documents the key
// {tenant_id}:{agent_id} and no keying for events that carry no AgentID, so a step takes any
// agent part for them (none, the DN's agent, the agent last on it) and holds only the tenant;
// an agent's own events are keyed by it exactly.
func TestEventsWithoutAnAgentIDAreKeyedByTheTenant(t *testing.T) {
	c := testCast()
	dn := c.DN("D")
	for _, s := range []struct {
		do drive.Stimulus
		id string
	}{{drive.StimulusDNDOn, "EventDNDOn"}, {drive.StimulusOffHook, "EventOffHook"}, {drive.StimulusOutOfService, "EventDNOutOfService"}, {drive.StimulusBackInService, "EventDNBackInService"}} {
		st := step(t, c, Stimulus{Do: s.do, DN: "D", Expect: []string{s.id}})
		attrs := map[string]any{"id": s.id, "ThisDN": dn}
		if s.do == drive.StimulusDNDOn {
			attrs["ReferenceID"] = st.Want[0].Attrs["ReferenceID"]
		}
		for key, ok := range map[string]bool{"t1:": true, "t1:77042": true, "t2:": false, "t1": false, "t2:77042": false} {
			if o := verdict(st, nil, got(key, attrs)); o.OK() != ok {
				t.Errorf("%s keyed %q: OK() = %v, want %v\n%s", s.id, key, o.OK(), ok, o.Report())
			}
		}
	}
	st := step(t, c, Stimulus{Do: drive.StimulusLogin, Agent: "A", DN: "D", Expect: []string{"EventAgentLogin"}})
	login := map[string]any{"id": "EventAgentLogin", "ThisDN": dn, "AgentID": c.Agent("A"), "ReferenceID": st.Want[0].Attrs["ReferenceID"]}
	for key, ok := range map[string]bool{"t1:" + c.Agent("A"): true, "t1:": false, "t1:77042": false} {
		if o := verdict(st, nil, got(key, login)); o.OK() != ok {
			t.Errorf("EventAgentLogin keyed %q: OK() = %v, want %v\n%s", key, o.OK(), ok, o.Report())
		}
	}
}

// TestTheEchoedAttributesAreTheDocumentedOnes: the attributes a step demands of the event its
// stimulus causes, for a request that carries every attribute it may, are exactly those the
// protocol document's table lists (harness/drive/adapter-protocol.md, "Which request attributes
// the events echo"), and nothing it leaves out (Reasons, a login's AgentWorkMode) is demanded.
func TestTheEchoedAttributesAreTheDocumentedOnes(t *testing.T) {
	documented := echoTable(t)
	reasons := map[string]string{"Reason": "Break"}
	for _, s := range []Stimulus{
		{Do: drive.StimulusLogin, Agent: "A", Queue: "7001", WorkMode: drive.ManualIn, Expect: []string{"EventAgentLogin"}},
		{Do: drive.StimulusLogout, Agent: "A", Expect: []string{"EventAgentLogout"}},
		{Do: drive.StimulusReady, Agent: "A", WorkMode: drive.ManualIn, Expect: []string{"EventAgentReady"}},
		{Do: drive.StimulusNotReady, Agent: "A", WorkMode: drive.AuxWork, Reasons: reasons, Expect: []string{"EventAgentNotReady"}},
		{Do: drive.StimulusDNDOn, Expect: []string{"EventDNDOn"}}, {Do: drive.StimulusDNDOff, Expect: []string{"EventDNDOff"}},
		{Do: drive.StimulusSetForward, Target: "T", Mode: drive.CallForwarding, Expect: []string{"EventForwardSet"}},
		{Do: drive.StimulusCancelForward, Expect: []string{"EventForwardCancel"}},
		{Do: drive.StimulusOffHook, Call: "C", Expect: []string{"EventOffHook"}}, {Do: drive.StimulusOnHook, Expect: []string{"EventOnHook"}},
		{Do: drive.StimulusMuteOn, Call: "C", Role: drive.RoleOrigination, Expect: []string{"EventMuteOn"}},
		{Do: drive.StimulusMuteOff, Call: "C", Role: drive.RoleOrigination, Expect: []string{"EventMuteOff"}},
		{Do: drive.StimulusOutOfService, Expect: []string{"EventDNOutOfService"}}, {Do: drive.StimulusBackInService, Expect: []string{"EventDNBackInService"}},
	} {
		s.DN = "D"
		st := step(t, testCast(), s)
		var demanded []string
		for name := range st.Want[0].Attrs {
			demanded = append(demanded, name)
		}
		if st.Want[0].Key != "" {
			demanded = append(demanded, "key")
		}
		slices.Sort(demanded)
		if doc := documented[string(s.Do)]; !slices.Equal(demanded, doc) {
			t.Errorf("%s: the step demands %v of %s; the document lists %v", s.Do, demanded, s.Expect[0], doc)
		}
	}
	if len(documented) != len(drive.Stimuli()) {
		t.Errorf("the document's table has %d stimuli, want the %d of the protocol", len(documented), len(drive.Stimuli()))
	}
}

// echoTable reads the document's table of echoed attributes: per stimulus, the attributes (and
// "key" for an agent's exact key) written in backquotes in its second column.
func echoTable(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("../drive/adapter-protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, found := strings.Cut(string(b), "### Which request attributes the events echo")
	if !found {
		t.Fatal("adapter-protocol.md has no section \"Which request attributes the events echo\"")
	}
	section, _, _ = strings.Cut(section, "\n### ")
	table := map[string][]string{}
	quoted := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(section, "\n") {
		cols := strings.Split(line, "|")
		if len(cols) < 4 || !strings.HasPrefix(strings.TrimSpace(cols[1]), "`") {
			continue
		}
		var attrs []string
		for _, m := range quoted.FindAllStringSubmatch(cols[2], -1) {
			attrs = append(attrs, m[1])
		}
		slices.Sort(attrs)
		for _, m := range quoted.FindAllStringSubmatch(cols[1], -1) {
			table[m[1]] = attrs
		}
	}
	return table
}
