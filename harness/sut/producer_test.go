package sut_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// script drives a producer step by step, remembering the ConnID of each DN's call and the
// ReferenceID of the last request.
type script struct {
	ctx   context.Context
	p     *sut.Producer
	refs  drive.RefIDs
	last  int64
	conns map[string]string
}

type step func(s *script) error

func (s *script) req(dn string) drive.Request {
	s.last = s.refs.Next()
	return drive.Request{Tenant: "t1", DN: dn, ReferenceID: s.last}
}

func login(agent, dn string) step {
	return func(s *script) error {
		return s.p.Login(s.ctx, drive.Login{Request: s.req(dn), Agent: agent, Queue: "8001", WorkMode: drive.ManualIn})
	}
}

func logout(agent, dn string) step {
	return func(s *script) error { return s.p.Logout(s.ctx, drive.Logout{Request: s.req(dn), Agent: agent}) }
}

func ready(agent, dn string, m drive.WorkMode) step {
	return func(s *script) error {
		return s.p.Ready(s.ctx, drive.Ready{Request: s.req(dn), Agent: agent, WorkMode: m})
	}
}

func notReady(agent, dn string) step {
	return func(s *script) error {
		return s.p.NotReady(s.ctx, drive.NotReady{Request: s.req(dn), Agent: agent, WorkMode: drive.AuxWork, Reasons: map[string]string{"Reason": "Break"}})
	}
}

// plain steps a Driver method that takes only a Request.
func plain(dn string, do func(*sut.Producer) func(context.Context, drive.Request) error) step {
	return func(s *script) error { return do(s.p)(s.ctx, s.req(dn)) }
}

func dndOn(p *sut.Producer) func(context.Context, drive.Request) error  { return p.DNDOn }
func dndOff(p *sut.Producer) func(context.Context, drive.Request) error { return p.DNDOff }
func cancelForward(p *sut.Producer) func(context.Context, drive.Request) error {
	return p.CancelForward
}
func onHook(p *sut.Producer) func(context.Context, drive.Request) error       { return p.OnHook }
func outOfService(p *sut.Producer) func(context.Context, drive.Request) error { return p.OutOfService }
func backInService(p *sut.Producer) func(context.Context, drive.Request) error {
	return p.BackInService
}

func forward(dn, target string) step {
	return func(s *script) error {
		return s.p.SetForward(s.ctx, drive.Forward{Request: s.req(dn), Target: target, Mode: drive.SendAllCalls})
	}
}

func offHook(dn string) step {
	return func(s *script) error {
		conn, err := s.p.OffHook(s.ctx, s.req(dn))
		if err == nil {
			s.conns[dn] = conn
		}
		return err
	}
}

func mute(dn string, role drive.Role, on bool) step {
	return func(s *script) error {
		m := drive.Mute{Request: s.req(dn), ConnID: s.conns[dn], Role: role}
		if on {
			return s.p.MuteOn(s.ctx, m)
		}
		return s.p.MuteOff(s.ctx, m)
	}
}

// want is one expected event of the step under test.
type want struct {
	id    string
	key   string
	ref   bool           // echoes the ReferenceID of the step under test; false: carries none
	agent string         // AgentID; "" for none
	attrs map[string]any // further attributes, with their values ("-" for absent)
}

func (w want) check(t *testing.T, e event, ref int64) {
	t.Helper()
	if e.id() != w.id || e.key != w.key {
		t.Errorf("got %s keyed %q, want %s keyed %q", e.id(), e.key, w.id, w.key)
	}
	if got, ok := e.ref(); ok != w.ref || (ok && got != ref) {
		t.Errorf("%s: ReferenceID %v (present %v); want the request's %d: %v", w.id, got, ok, ref, w.ref)
	}
	if e.str("AgentID") != w.agent || (w.agent == "" && e.has("AgentID")) {
		t.Errorf("%s: AgentID %v, want %q", w.id, e.attrs["AgentID"], w.agent)
	}
	for name, v := range w.attrs {
		got, _ := json.Marshal(e.attrs[name])
		exp, _ := json.Marshal(v)
		if v == "-" && e.has(name) || v != "-" && string(got) != string(exp) {
			t.Errorf("%s: %s is %s, want %s", w.id, name, got, exp)
		}
	}
}

// Attribute shorthands of the expectations.
var (
	stampedAttrs = map[string]any{"Server": 1, "CustomerID": "t1", "time": map[string]any{"seconds": 1764036000, "useconds": 123456}}
	conn1        = "0071020000000001"
)

func with(extra map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range stampedAttrs {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// stimulusCase is one stimulus after a setup, and what it must publish.
type stimulusCase struct {
	name    string
	setup   []step
	act     step
	wantErr error
	want    []want
}

// agentAttrs are the attributes every agent event carries, and more.
func agentAttrs(m map[string]any) map[string]any { return with(m) }

var stimulusCases = []stimulusCase{
	{"login", nil, login("1001", "5001"), nil, []want{
		{evLogin, "t1:1001", true, "1001", agentAttrs(map[string]any{"ThisDN": "5001", "ThisQueue": "8001", "AgentWorkMode": "AgentManualIn"})}}},
	{"login again is published again", []step{login("1001", "5001")}, login("1001", "5001"), nil, []want{
		{evLogin, "t1:1001", true, "1001", nil}}},
	{"login on a DN another agent holds", []step{login("1002", "5001")}, login("1001", "5001"), drive.ErrInvalidState, nil},
	{"login of an agent on another DN", []step{login("1001", "5002")}, login("1001", "5001"), drive.ErrInvalidState, nil},
	{"logout", []step{login("1001", "5001")}, logout("1001", "5001"), nil, []want{
		{evLogout, "t1:1001", true, "1001", agentAttrs(map[string]any{"ThisQueue": "8001", "AgentWorkMode": "-"})}}},
	{"logout twice", []step{login("1001", "5001"), logout("1001", "5001")}, logout("1001", "5001"), drive.ErrNotLoggedIn, nil},
	{"logout of another agent", []step{login("1001", "5001")}, logout("1002", "5001"), drive.ErrNotLoggedIn, nil},
	{"ready", []step{login("1001", "5001")}, ready("1001", "5001", drive.ReturnBack), nil, []want{
		{evReady, "t1:1001", true, "1001", agentAttrs(map[string]any{"AgentWorkMode": "AgentReturnBack", "ThisQueue": "8001"})}}},
	{"ready in no mode is AgentWorkModeUnknown", []step{login("1001", "5001")}, ready("1001", "5001", ""), nil, []want{
		{evReady, "t1:1001", true, "1001", map[string]any{"AgentWorkMode": "AgentWorkModeUnknown"}}}},
	{"ready in a not-ready mode", []step{login("1001", "5001")}, ready("1001", "5001", drive.AuxWork), drive.ErrInvalidRequest, nil},
	{"ready while logged out", nil, ready("1001", "5001", drive.ManualIn), drive.ErrNotLoggedIn, nil},
	{"not-ready", []step{login("1001", "5001")}, notReady("1001", "5001"), nil, []want{
		{evNotReady, "t1:1001", true, "1001", agentAttrs(map[string]any{"AgentWorkMode": "AgentAuxWork", "Reasons": map[string]any{"Reason": "Break"}})}}},
	{"not-ready after not-ready", []step{login("1001", "5001"), notReady("1001", "5001")}, notReady("1001", "5001"), nil, []want{
		{evNotReady, "t1:1001", true, "1001", nil}}},
	{"dnd-on is keyed by the DN's agent", []step{login("1001", "5001")}, plain("5001", dndOn), nil, []want{
		{evDNDOn, "t1:1001", true, "", with(map[string]any{"ThisDN": "5001"})}}},
	{"dnd-on of a DN no agent used is keyed by the tenant", nil, plain("5001", dndOn), nil, []want{
		{evDNDOn, "t1:", true, "", nil}}},
	{"dnd-on keeps the key of the agent who left", []step{login("1001", "5001"), logout("1001", "5001")}, plain("5001", dndOn), nil, []want{
		{evDNDOn, "t1:1001", true, "", nil}}},
	{"dnd-on twice", []step{plain("5001", dndOn)}, plain("5001", dndOn), drive.ErrInvalidState, nil},
	{"dnd-off", []step{plain("5001", dndOn)}, plain("5001", dndOff), nil, []want{{evDNDOff, "t1:", true, "", stampedAttrs}}},
	{"dnd-off while off", nil, plain("5001", dndOff), drive.ErrInvalidState, nil},
	{"set-forward", nil, forward("5001", "5009"), nil, []want{
		{evForwardSet, "t1:", true, "", with(map[string]any{"OtherDN": "5009", "InfoStatus": "SendAllCallsStatus"})}}},
	{"set-forward to the same target again", []step{forward("5001", "5009")}, forward("5001", "5009"), drive.ErrInvalidState, nil},
	{"cancel-forward", []step{forward("5001", "5009")}, plain("5001", cancelForward), nil, []want{{evForwardCancel, "t1:", true, "", stampedAttrs}}},
	{"cancel-forward of nothing", nil, plain("5001", cancelForward), drive.ErrInvalidState, nil},
	{"off-hook carries no ReferenceID", nil, offHook("5001"), nil, []want{
		{evOffHook, "t1:", false, "", with(map[string]any{"ConnID": conn1})}}},
	{"off-hook twice", []step{offHook("5001")}, offHook("5001"), drive.ErrInvalidState, nil},
	{"on-hook", []step{offHook("5001")}, plain("5001", onHook), nil, []want{
		{evOnHook, "t1:", false, "", with(map[string]any{"ConnID": conn1})}}},
	{"on-hook while on hook", nil, plain("5001", onHook), drive.ErrInvalidState, nil},
	{"mute-on has no Server and no time", []step{login("1001", "5001"), offHook("5001")}, mute("5001", drive.RoleDestination, true), nil, []want{
		{evMuteOn, "t1:1001", true, "", map[string]any{"ConnID": conn1, "ThisDNRole": "RoleDestination", "CustomerID": "t1", "Server": "-", "time": "-"}}}},
	{"mute-off after mute-on", []step{offHook("5001"), mute("5001", drive.RoleOrigination, true)}, mute("5001", drive.RoleOrigination, false), nil, []want{
		{evMuteOff, "t1:", true, "", map[string]any{"ConnID": conn1, "ThisDNRole": "RoleOrigination"}}}},
	{"mute-off without mute-on", []step{offHook("5001")}, mute("5001", drive.RoleOrigination, false), drive.ErrInvalidState, nil},
	{"mute-off of an observer, who joined muted", []step{offHook("5001")}, mute("5001", drive.RoleObserver, false), nil, []want{
		{evMuteOff, "t1:", true, "", map[string]any{"ThisDNRole": "RoleObserver"}}}},
	{"mute-on twice", []step{offHook("5001"), mute("5001", drive.RoleOrigination, true)}, mute("5001", drive.RoleOrigination, true), drive.ErrInvalidState, nil},
	{"mute-on without a call", nil, mute("5001", drive.RoleOrigination, true), drive.ErrInvalidRequest, nil},
	{"mute-on of another call", []step{offHook("5002"), offHook("5001"), plain("5001", onHook), offHook("5001")},
		func(s *script) error {
			return s.p.MuteOn(s.ctx, drive.Mute{Request: s.req("5001"), ConnID: conn1, Role: drive.RoleOrigination})
		}, drive.ErrInvalidConnID, nil},
	{"out-of-service of an idle DN", nil, plain("5001", outOfService), nil, []want{
		{evOutOfService, "t1:", false, "", map[string]any{"ThisDN": "5001", "CustomerID": "-", "Server": "-", "time": "-"}}}},
	{"back-in-service", []step{plain("5001", outOfService)}, plain("5001", backInService), nil, []want{
		{evBackInService, "t1:", false, "", map[string]any{"ThisDN": "5001", "CustomerID": "-"}}}},
	{"back-in-service while in service", nil, plain("5001", backInService), drive.ErrInvalidState, nil},
	{"a tenant holding ':'", nil, func(s *script) error {
		return s.p.DNDOn(s.ctx, drive.Request{Tenant: "t:1", DN: "5001", ReferenceID: 1})
	}, drive.ErrInvalidRequest, nil},
	{"no ReferenceID", nil, func(s *script) error {
		return s.p.DNDOn(s.ctx, drive.Request{Tenant: "t1", DN: "5001"})
	}, drive.ErrInvalidRequest, nil},
}

func TestEachStimulusPublishesExactlyItsEvents(t *testing.T) {
	set := testkit.Builtin(t)
	for _, c := range stimulusCases {
		t.Run(c.name, func(t *testing.T) {
			p, mem := newProducer(t)
			s := &script{ctx: t.Context(), p: p, conns: map[string]string{}}
			for i, st := range c.setup {
				if err := st(s); err != nil {
					t.Fatalf("setup step %d: %v", i+1, err)
				}
			}
			before := len(mem.Messages())
			err := c.act(s)
			if !errors.Is(err, c.wantErr) || (c.wantErr == nil) != (err == nil) {
				t.Fatalf("got error %v, want %v", err, c.wantErr)
			}
			msgs := mem.Messages()
			requireValid(t, set, msgs)
			got := decodeAll(t, msgs[before:])
			if len(got) != len(c.want) {
				t.Fatalf("published %d events, want %d: %s", len(got), len(c.want), ids(got))
			}
			for i, w := range c.want {
				w.check(t, got[i], s.last)
			}
		})
	}
}

func ids(evs []event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.id() + "@" + e.key
	}
	return out
}

// The event names, as the tests expect them.
const (
	evLogin         = "EventAgentLogin"
	evLogout        = "EventAgentLogout"
	evReady         = "EventAgentReady"
	evNotReady      = "EventAgentNotReady"
	evOutOfService  = "EventDNOutOfService"
	evBackInService = "EventDNBackInService"
	evDNDOn         = "EventDNDOn"
	evDNDOff        = "EventDNDOff"
	evForwardSet    = "EventForwardSet"
	evForwardCancel = "EventForwardCancel"
	evOffHook       = "EventOffHook"
	evOnHook        = "EventOnHook"
	evMuteOn        = "EventMuteOn"
	evMuteOff       = "EventMuteOff"
)

func TestOffHookReturnsTheConnIDOfItsEvent(t *testing.T) {
	p, mem := newProducer(t)
	conn, err := p.OffHook(t.Context(), drive.Request{Tenant: "t1", DN: "5001", ReferenceID: 1})
	if err != nil {
		t.Fatal(err)
	}
	evs := decodeAll(t, mem.Messages())
	if len(evs) != 1 || evs[0].str("ConnID") != conn || conn == "" {
		t.Fatalf("off-hook returned %q, published %v", conn, evs)
	}
}

func TestTenantsAreApart(t *testing.T) {
	p, mem := newProducer(t)
	ctx := t.Context()
	for _, tenant := range []string{"t1", "t2"} {
		if err := p.Login(ctx, drive.Login{Request: drive.Request{Tenant: tenant, DN: "5001", ReferenceID: 1}, Agent: "1001"}); err != nil {
			t.Fatalf("login in %s: %v", tenant, err)
		}
	}
	keys := []string{}
	for _, e := range decodeAll(t, mem.Messages()) {
		keys = append(keys, e.key+"/"+e.str("CustomerID"))
	}
	if want := []string{"t1:1001/t1", "t2:1001/t2"}; !slices.Equal(keys, want) {
		t.Fatalf("keys/tenants %v, want %v", keys, want)
	}
}

func TestCancelledContextChangesNothing(t *testing.T) {
	p, mem := newProducer(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := drive.Request{Tenant: "t1", DN: "5001", ReferenceID: 1}
	if err := p.DNDOn(ctx, r); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if err := p.DNDOn(t.Context(), r); err != nil || len(mem.Messages()) != 1 {
		t.Fatalf("after a cancelled request DND should still be off: %v, %d messages", err, len(mem.Messages()))
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	for name, opts := range map[string][]sut.Opt{
		"unknown fault":   {sut.WithFault("nope")},
		"nil clock":       {sut.WithClock(nil)},
		"negative server": {sut.WithServer(-1)},
	} {
		if _, err := sut.New(&sut.Memory{}, opts...); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	if _, err := sut.New(nil); err == nil {
		t.Error("New accepted a nil publisher")
	}
}
