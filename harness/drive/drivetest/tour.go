// Package drivetest holds what drive's and sut's tests drive a system with: Tour, one fixed
// scenario that uses every stimulus. The suite's own stimuli are scenarios (suite.Scenario), the
// one way a run is scripted; Tour is for tests only.
package drivetest

import (
	"context"
	"fmt"
	"github.com/voice-agentstate/conformance/harness/drive"
	"strings"
)

// Cast names the tenant, queue, agents and DNs of Tour. A producer team whose service knows only
// certain agents and DNs sets its own, starting from DefaultCast.
type Cast struct {
	Tenant string
	Queue  string
	// Agents[0] works on DNs[0]; Agents[1] on DNs[2]. Agent ids must differ from the DNs, so that
	// a key naming the DN instead of the agent shows.
	Agents [2]string
	// DNs[0] is an agent's seat; DNs[1] a supervisor's phone (an observer on its call); DNs[2]
	// goes out of service with an agent logged in and a call up; DNs[3] goes out of service with
	// no agent ever logged in, so that its events are keyed by the tenant alone.
	DNs [4]string
	_   struct{}
}

// DefaultCast is tenant t1, queue 8001, agents 1001 and 1002, DNs 5001 to 5004.
func DefaultCast() Cast {
	return Cast{
		Tenant: "t1", Queue: "8001",
		Agents: [2]string{"1001", "1002"},
		DNs:    [4]string{"5001", "5002", "5003", "5004"},
	}
}

func (c Cast) validate() error {
	names := append(c.Agents[:], c.DNs[:]...)
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" || seen[n] {
			return &drive.UsageError{Setting: "cast", Found: strings.Join(names, " "), Expected: "agents and DNs that are all non-empty and distinct"}
		}
		seen[n] = true
	}
	if c.Tenant == "" || strings.Contains(c.Tenant, ":") || c.Queue == "" {
		return &drive.UsageError{Setting: "cast", Found: c.Tenant + " " + c.Queue, Expected: "a tenant without ':' and a queue"}
	}
	return nil
}

// Deviation is a step of a scenario that the system under test performed although the contract
// says it must refuse it. The events the step caused are on the topic, where the checker judges
// them.
type Deviation struct {
	Step int    // 1-based
	What string // e.g. "dnd-on during the outage on DN 5004"
	Want error  // the refusal the contract asks for
	_    struct{}
}

// String says which step was performed although it should have been refused, and why.
func (d Deviation) String() string {
	return fmt.Sprintf("step %d (%s) was performed; the contract asks for a refusal: %v", d.Step, d.What, d.Want)
}

// Tour drives one fixed scenario that uses every stimulus, the legal repeats (a second login, a
// not-ready after a not-ready, a second out-of-service), an observer's mute-off without a mute-on,
// two outages (one with an agent and a call, one on a DN no agent ever used), a muted call that
// hangs up and the DN's next call, and the requests the contract refuses (a second logout, ready
// while logged out or out of service, DND and handset during an outage, back-in-service while in
// service, a mute-off of the ended call and of a new call never muted). Every fault of the
// reference producer shows in the stream it publishes in answer.
//
// A step the system refuses although the contract allows it ends the tour with an error, as does
// an adapter failure. A step it performs although the contract asks for a refusal is returned as
// a Deviation, and the tour goes on: the events it caused are the evidence. Any refusal will do
// where one is due: systems word their refusals differently.
func Tour(ctx context.Context, d drive.Driver, refs *drive.RefIDs, c Cast) ([]Deviation, error) {
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("tour: %w", err)
	}
	t := &tour{d: d, cast: c, conns: map[string]string{}}
	var devs []Deviation
	for i, s := range t.steps() {
		err := s.do(ctx, drive.Request{Tenant: c.Tenant, DN: s.dn, ReferenceID: refs.Next()})
		what := s.what + " on DN " + s.dn
		switch {
		case s.want == nil && err == nil, s.want != nil && drive.IsRefusal(err):
		case s.want != nil && err == nil:
			devs = append(devs, Deviation{Step: i + 1, What: what, Want: s.want})
		default:
			return devs, fmt.Errorf("tour step %d (%s): %w", i+1, what, err)
		}
	}
	return devs, nil
}

type tour struct {
	d     drive.Driver
	cast  Cast
	conns map[string]string // the call of each DN, as off-hook returned it
}

type step struct {
	what string
	dn   string
	want error // nil: the contract allows the step; else the refusal it asks for
	do   func(context.Context, drive.Request) error
}

func (t *tour) steps() []step {
	c := t.cast
	a0, a1 := c.Agents[0], c.Agents[1]
	seat, super, busy, idle := c.DNs[0], c.DNs[1], c.DNs[2], c.DNs[3]
	s := []step{
		{"login " + a0, seat, nil, t.login(a0, drive.ManualIn)},
		{"login " + a0 + " again", seat, nil, t.login(a0, "")},
		{"ready " + a0, seat, nil, t.ready(a0, drive.ManualIn)},
		{"not-ready " + a0, seat, nil, t.notReady(a0, drive.AuxWork)},
		{"not-ready " + a0 + " again, after call work", seat, nil, t.notReady(a0, drive.AfterCallWork)},
		{"ready " + a0 + " auto-in", seat, nil, t.ready(a0, drive.AutoIn)},
		{"dnd-on", seat, nil, t.d.DNDOn},
		{"dnd-off", seat, nil, t.d.DNDOff},
		{"set-forward to " + super, seat, nil, t.forward(super, drive.CallForwarding)},
		{"set-forward send-all-calls to " + super, seat, nil, t.forward(super, drive.SendAllCalls)},
		{"cancel-forward", seat, nil, t.d.CancelForward},
		{"off-hook", seat, nil, t.offHook},
		{"mute-on", seat, nil, t.mute(drive.RoleOrigination, true)},
		{"mute-off", seat, nil, t.mute(drive.RoleOrigination, false)},
		{"on-hook", seat, nil, t.d.OnHook},
		{"off-hook of the supervisor", super, nil, t.offHook},
		{"mute-off of an observer, who joined muted", super, nil, t.mute(drive.RoleObserver, false)},
		{"on-hook of the supervisor", super, nil, t.d.OnHook},
		{"logout " + a0, seat, nil, t.logout(a0)},
		{"logout " + a0 + " again", seat, drive.ErrNotLoggedIn, t.logout(a0)},
		{"ready " + a0 + " while logged out", seat, drive.ErrNotLoggedIn, t.ready(a0, drive.ManualIn)},
	}
	s = append(s, t.hangUps(seat)...)
	return append(s, t.outages(a1, busy, idle)...)
}

// hangUps hangs up a muted call: its mute ends with it, and the DN's next call starts unmuted.
func (t *tour) hangUps(dn string) []step {
	return []step{
		{"off-hook", dn, nil, t.offHook},
		{"mute-on", dn, nil, t.mute(drive.RoleOrigination, true)},
		{"on-hook of a muted call", dn, nil, t.d.OnHook},
		{"mute-off of the ended call", dn, drive.ErrInvalidConnID, t.mute(drive.RoleOrigination, false)},
		{"off-hook", dn, nil, t.offHook},
		{"mute-off of a new call, never muted", dn, drive.ErrInvalidState, t.mute(drive.RoleOrigination, false)},
		{"on-hook", dn, nil, t.d.OnHook},
	}
}

func (t *tour) outages(agent, busy, idle string) []step {
	return []step{
		{"login " + agent, busy, nil, t.login(agent, drive.AutoIn)},
		{"ready " + agent + " in no named mode", busy, nil, t.ready(agent, "")},
		{"off-hook", busy, nil, t.offHook},
		{"out-of-service with an agent and a call", busy, nil, t.d.OutOfService},
		{"ready " + agent + " during the outage", busy, drive.ErrOutOfService, t.ready(agent, drive.ManualIn)},
		{"login " + agent + " during the outage", busy, nil, t.login(agent, "")},
		{"out-of-service again", busy, nil, t.d.OutOfService},
		{"back-in-service", busy, nil, t.d.BackInService},
		{"logout " + agent, busy, nil, t.logout(agent)},
		{"out-of-service of a DN no agent used", idle, nil, t.d.OutOfService},
		{"dnd-on during the outage", idle, drive.ErrOutOfService, t.d.DNDOn},
		{"off-hook during the outage", idle, drive.ErrOutOfService, t.offHook},
		{"on-hook during the outage", idle, drive.ErrOutOfService, t.d.OnHook},
		{"dnd-off during the outage", idle, drive.ErrOutOfService, t.d.DNDOff},
		{"back-in-service", idle, nil, t.d.BackInService},
		{"back-in-service while in service", idle, drive.ErrInvalidState, t.d.BackInService},
	}
}

func (t *tour) login(agent string, m drive.WorkMode) func(context.Context, drive.Request) error {
	return func(ctx context.Context, r drive.Request) error {
		return t.d.Login(ctx, drive.Login{Request: r, Agent: agent, Queue: t.cast.Queue, WorkMode: m})
	}
}

func (t *tour) logout(agent string) func(context.Context, drive.Request) error {
	return func(ctx context.Context, r drive.Request) error {
		return t.d.Logout(ctx, drive.Logout{Request: r, Agent: agent})
	}
}

func (t *tour) ready(agent string, m drive.WorkMode) func(context.Context, drive.Request) error {
	return func(ctx context.Context, r drive.Request) error {
		return t.d.Ready(ctx, drive.Ready{Request: r, Agent: agent, WorkMode: m})
	}
}

func (t *tour) notReady(agent string, m drive.WorkMode) func(context.Context, drive.Request) error {
	return func(ctx context.Context, r drive.Request) error {
		return t.d.NotReady(ctx, drive.NotReady{Request: r, Agent: agent, WorkMode: m, Reasons: map[string]string{"Reason": "Break"}})
	}
}

func (t *tour) forward(target string, m drive.ForwardMode) func(context.Context, drive.Request) error {
	return func(ctx context.Context, r drive.Request) error {
		return t.d.SetForward(ctx, drive.Forward{Request: r, Target: target, Mode: m})
	}
}

func (t *tour) offHook(ctx context.Context, r drive.Request) error {
	conn, err := t.d.OffHook(ctx, r)
	if err == nil {
		t.conns[r.DN] = conn
	}
	return err
}

func (t *tour) mute(role drive.Role, on bool) func(context.Context, drive.Request) error {
	return func(ctx context.Context, r drive.Request) error {
		m := drive.Mute{Request: r, ConnID: t.conns[r.DN], Role: role}
		if on {
			return t.d.MuteOn(ctx, m)
		}
		return t.d.MuteOff(ctx, m)
	}
}
