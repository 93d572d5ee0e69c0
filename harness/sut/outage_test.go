package sut_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

// outage logs agent 1001 in on DN 5001, sets it ready, starts a call and takes the DN out of
// service. It returns the script and the number of messages published before the outage.
func outage(t *testing.T) (*script, func() []event, int) {
	t.Helper()
	p, mem := newProducer(t)
	s := &script{ctx: t.Context(), p: p, conns: map[string]string{}}
	for i, st := range []step{login("1001", "5001"), ready("1001", "5001", drive.ManualIn), offHook("5001"), mute("5001", drive.RoleOrigination, true)} {
		if err := st(s); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	before := len(mem.Messages())
	if err := plain("5001", outOfService)(s); err != nil {
		t.Fatal(err)
	}
	requireValid(t, testkit.Builtin(t), mem.Messages())
	return s, func() []event { return decodeAll(t, mem.Messages()) }, before
}

func TestOutageEndsTheCallAndLogsTheAgentOut(t *testing.T) {
	_, published, before := outage(t)
	got := published()[before:]
	want := []want{
		{evOutOfService, "t1:1001", false, "", map[string]any{"ThisDN": "5001"}},
		{evOnHook, "t1:1001", false, "", map[string]any{"ConnID": conn1}},
		{evNotReady, "t1:1001", false, "1001", map[string]any{"ThisQueue": "8001", "AgentWorkMode": "-"}},
		{evLogout, "t1:1001", false, "1001", map[string]any{"ThisQueue": "8001"}},
	}
	if len(got) != len(want) {
		t.Fatalf("the outage published %v, want %d events", ids(got), len(want))
	}
	for i, w := range want {
		w.check(t, got[i], 0)
	}
}

func TestOutageRefusesEveryRequestButLogin(t *testing.T) {
	cases := map[string]step{
		"logout":         logout("1001", "5001"),
		"ready":          ready("1001", "5001", drive.ManualIn),
		"not-ready":      notReady("1001", "5001"),
		"dnd-on":         plain("5001", dndOn),
		"dnd-off":        plain("5001", dndOff),
		"set-forward":    forward("5001", "5009"),
		"cancel-forward": plain("5001", cancelForward),
		"off-hook":       offHook("5001"),
		"on-hook":        plain("5001", onHook),
		"mute-on":        mute("5001", drive.RoleOrigination, true),
		"mute-off":       mute("5001", drive.RoleOrigination, false),
	}
	for name, st := range cases {
		t.Run(name, func(t *testing.T) {
			s, published, _ := outage(t)
			n := len(published())
			// The agent logs in again, which the outage allows, so that agent requests are refused
			// for the outage and not for a logout.
			if err := login("1001", "5001")(s); err != nil {
				t.Fatalf("login during the outage: %v", err)
			}
			if err := st(s); !errors.Is(err, drive.ErrOutOfService) {
				t.Fatalf("got %v, want ErrOutOfService", err)
			}
			if got := published()[n:]; len(got) != 1 || got[0].id() != evLogin {
				t.Fatalf("published %v during the outage, want only the login", ids(got))
			}
		})
	}
}

func TestOutageRepeatsAndEnds(t *testing.T) {
	s, published, before := outage(t)
	for i, st := range []step{
		login("1001", "5001"),
		plain("5001", outOfService), // a repeat: reported again, the agent stays logged in
		plain("5001", backInService),
		ready("1001", "5001", drive.ManualIn),
		plain("5001", dndOn),
	} {
		if err := st(s); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	got := ids(published()[before+4:])
	want := []string{evLogin + "@t1:1001", evOutOfService + "@t1:1001", evBackInService + "@t1:1001", evReady + "@t1:1001", evDNDOn + "@t1:1001"}
	if !slices.Equal(got, want) {
		t.Fatalf("published %v, want %v", got, want)
	}
}

func TestTourOfTheReferenceIsLawful(t *testing.T) {
	p, mem := newProducer(t)
	var refs drive.RefIDs
	if devs := tour(t, p, &refs); len(devs) > 0 {
		t.Fatalf("the reference deviated: %v", devs)
	}
	requireValid(t, testkit.Builtin(t), mem.Messages())
	want := []string{
		"EventAgentLogin@t1:1001", "EventAgentLogin@t1:1001", "EventAgentReady@t1:1001",
		"EventAgentNotReady@t1:1001", "EventAgentNotReady@t1:1001", "EventAgentReady@t1:1001",
		"EventDNDOn@t1:1001", "EventDNDOff@t1:1001", "EventForwardSet@t1:1001", "EventForwardSet@t1:1001",
		"EventForwardCancel@t1:1001", "EventOffHook@t1:1001", "EventMuteOn@t1:1001", "EventMuteOff@t1:1001",
		"EventOnHook@t1:1001", "EventOffHook@t1:", "EventMuteOff@t1:", "EventOnHook@t1:",
		"EventAgentLogout@t1:1001",
		"EventOffHook@t1:1001", "EventMuteOn@t1:1001", "EventOnHook@t1:1001", "EventOffHook@t1:1001", "EventOnHook@t1:1001",
		"EventAgentLogin@t1:1002", "EventAgentReady@t1:1002", "EventOffHook@t1:1002",
		"EventDNOutOfService@t1:1002", "EventOnHook@t1:1002", "EventAgentNotReady@t1:1002", "EventAgentLogout@t1:1002",
		"EventAgentLogin@t1:1002", "EventDNOutOfService@t1:1002", "EventDNBackInService@t1:1002", "EventAgentLogout@t1:1002",
		"EventDNOutOfService@t1:", "EventDNBackInService@t1:",
	}
	evs := decodeAll(t, mem.Messages())
	if got := ids(evs); !slices.Equal(got, want) {
		t.Fatalf("the tour published\n%v\nwant\n%v", got, want)
	}
	for _, e := range evs {
		if r, ok := e.ref(); ok && !refs.Issued(r) {
			t.Errorf("%s carries ReferenceID %d, which the tour never sent", e.id(), r)
		}
	}
}

// TestOutageKeepsItsKeyWhenAnAgentLogsInDuringIt is a regression: an outage that began keyed "t1:"
// (no agent had used the DN) ended keyed "t1:1001" after 1001 logged in during it. Over Kafka the
// two landed in different partitions, and the checker judged the later events of 1001 in the
// partition of "t1:" against an outage that had ended: a false violation of the reference.
func TestOutageKeepsItsKeyWhenAnAgentLogsInDuringIt(t *testing.T) {
	p, mem := newProducer(t)
	s := &script{ctx: t.Context(), p: p, conns: map[string]string{}}
	for i, st := range []step{plain("5001", outOfService), login("1001", "5001"), plain("5001", outOfService), plain("5001", backInService), plain("5001", dndOn)} {
		if err := st(s); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	got := ids(decodeAll(t, mem.Messages()))
	want := []string{evOutOfService + "@t1:", evLogin + "@t1:1001", evOutOfService + "@t1:", evBackInService + "@t1:", evDNDOn + "@t1:1001"}
	if !slices.Equal(got, want) {
		t.Fatalf("published %v, want %v", got, want)
	}
}
