package suite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/voice-agentstate/conformance/harness/collect"
	"github.com/voice-agentstate/conformance/harness/drive"
)

// Stimulus is one stimulus in the words of a scenario file: what to do, to whom, and which events
// it must produce. Names (Agent, DN, Call) are a scenario's own; a Cast maps them to the run's
// fresh agents, DNs and calls.
type Stimulus struct {
	Do       drive.Stimulus    `json:"do"`
	Agent    string            `json:"agent,omitempty"`
	DN       string            `json:"dn"`
	Queue    string            `json:"queue,omitempty"`
	WorkMode drive.WorkMode    `json:"workmode,omitempty"`
	Reasons  map[string]string `json:"reasons,omitempty"`
	Target   string            `json:"target,omitempty"` // set-forward: a DN name of the scenario, or a literal number
	Mode     drive.ForwardMode `json:"mode,omitempty"`
	Call     string            `json:"call,omitempty"` // off-hook names the call it starts; mute and on-hook name it
	Role     drive.Role        `json:"role,omitempty"`
	// Expect lists the event ids the stimulus must produce on its DN; a trailing "?" marks one that
	// may or may not come (such as the consequences of an outage).
	Expect []string `json:"expect"`
	// Refused names the refusal the stimulus must meet: out-of-service, not-logged-in,
	// invalid-state, invalid-connid or invalid-request. It then produces nothing.
	Refused string `json:"refused,omitempty"`
	// OrRefused names a refusal the stimulus may meet instead of producing Expect (then nothing),
	// for a request the spec lets a system answer either way, such as an out-of-service of a DN
	// already out of service; with Refused, another refusal that does as well.
	OrRefused string `json:"or-refused,omitempty"`
	// IfSeen, if set, makes what the stimulus must do depend on what its flow saw before it: when
	// the condition holds, IfSeen's expect, refused and or-refused stand instead of the step's.
	IfSeen *Seen `json:"if-seen,omitempty"`
}

// Seen is a condition on the events a flow's earlier steps saw on the step's DN, and what the
// step must do when it holds: it holds when an Event came after the last Since there (anywhere
// in the flow when Since is empty or never came). It lets a flow probe, through the protocol, a
// state that only the events published so far decide, such as whether an outage logged the agent
// out.
type Seen struct {
	Event     string   `json:"event"`
	Since     string   `json:"since,omitempty"`
	Expect    []string `json:"expect,omitempty"`
	Refused   string   `json:"refused,omitempty"`
	OrRefused string   `json:"or-refused,omitempty"`
}

// instead is the stimulus with the condition's answer in place of its own.
func (s Stimulus) instead() Stimulus {
	c := *s.IfSeen
	s.Expect, s.Refused, s.OrRefused, s.IfSeen = c.Expect, c.Refused, c.OrRefused, nil
	return s
}

// Cast maps a scenario's names to the run's agents, DNs and calls. Names are created on first use.
// It also keeps the events its steps saw, for the steps whose answer depends on them.
type Cast struct {
	env    *Env
	refs   int64 // the base of its steps' ReferenceIDs: its flow and run
	steps  int64 // how many steps it made
	agents map[string]string
	dns    map[string]string
	calls  map[string]string
	seen   []collect.Event
}

// NewCast returns an empty cast for one scenario or spec that is no flow of the run: its steps'
// ReferenceIDs are those of a flow number of its own.
func (e *Env) NewCast() *Cast {
	c, _, _ := e.flowCast("")
	return c
}

// flowCast returns an empty cast for a new run of a flow, and which run it is.
func (e *Env) flowCast(flow string) (*Cast, int, error) {
	refs, instance, err := e.flows.start(flow)
	c := &Cast{env: e, refs: refs, agents: map[string]string{}, dns: map[string]string{}, calls: map[string]string{}}
	return c, instance, err
}

// request returns the common part of the request of the cast's next step on a DN, with the
// step's ReferenceID.
func (c *Cast) request(dn string) (drive.Request, error) {
	if c.steps == maxSteps {
		return drive.Request{}, fmt.Errorf("step %d: a flow has at most %d steps, so that its ReferenceIDs stay its own", c.steps+1, maxSteps)
	}
	c.steps++
	return drive.Request{Tenant: c.env.Cfg.Tenant, DN: dn, ReferenceID: c.refs + c.steps}, nil
}

// Saw records events a step of the cast saw, in order; Scenario.Run records each step's.
func (c *Cast) Saw(evs []collect.Event) { c.seen = append(c.seen, evs...) }

// Agent returns the run's agent for a name.
func (c *Cast) Agent(name string) string { return c.get(c.agents, name, c.env.NewAgent) }

// DN returns the run's DN for a name.
func (c *Cast) DN(name string) string { return c.get(c.dns, name, c.env.NewDN) }

func (c *Cast) get(m map[string]string, name string, fresh func() string) string {
	if name == "" {
		return ""
	}
	if v, ok := m[name]; ok {
		return v
	}
	m[name] = fresh()
	return m[name]
}

var refusals = map[string]error{
	"out-of-service": drive.ErrOutOfService, "not-logged-in": drive.ErrNotLoggedIn, "invalid-state": drive.ErrInvalidState,
	"invalid-connid": drive.ErrInvalidConnID, "invalid-request": drive.ErrInvalidRequest,
}

// refusal is the error a scenario's refusal name (of its field) stands for; nil for "".
func refusal(field, name string) (error, error) {
	if name == "" {
		return nil, nil
	}
	if err, ok := refusals[name]; ok {
		return err, nil
	}
	return nil, fmt.Errorf("%s %q: expected out-of-service, not-logged-in, invalid-state, invalid-connid or invalid-request", field, name)
}

// physical lists the stimuli that come from the phone set or the switch (hook, service), not
// from a client request: their events carry no ReferenceID. Events of every other stimulus are
// caused by a client request, so they echo its ReferenceID.
var physical = map[drive.Stimulus]bool{
	drive.StimulusOffHook: true, drive.StimulusOnHook: true, drive.StimulusOutOfService: true, drive.StimulusBackInService: true,
}

// Step turns a stimulus into a step of this cast, with what each expected event must carry: the
// DN; the ReferenceID for events a request caused; for agent events the AgentID and the key
// {tenant}:{agent}; for every event the key's tenant; and the stimulus's own attributes. A
// stimulus with an if-seen condition expects what the condition says when the events the cast
// saw make it hold, and the step says why it expects what it does in either case.
func (c *Cast) Step(s Stimulus) (Step, error) {
	do, err := c.action(s)
	if err != nil {
		return Step{}, err
	}
	req, err := c.request(c.DN(s.DN))
	if err != nil {
		return Step{}, err
	}
	st := Step{Name: c.describe(s, req), DNs: []string{req.DN}, Do: func(ctx context.Context) error { return do(ctx, req) },
		ReferenceID: req.ReferenceID, Physical: physical[s.Do]}
	if s.IfSeen != nil {
		var holds bool
		holds, st.Because = c.holds(*s.IfSeen, req.DN)
		if holds {
			s = s.instead()
		}
	}
	if st.Refusal, err = refusal("refused", s.Refused); err != nil {
		return st, err
	}
	if st.MayRefuse, err = refusal("or-refused", s.OrRefused); err != nil {
		return st, err
	}
	for _, id := range s.Expect {
		st.Want = append(st.Want, c.want(s, req, id))
	}
	for _, id := range mayFollow(s) {
		st.Want = append(st.Want, c.want(s, req, id+"?"))
	}
	return st, nil
}

// mayFollow lists the events a service may lawfully publish after what a stimulus's scenario
// expects, although the scenario does not name them: a login leaves the agent not ready, which a
// service may announce with an EventAgentNotReady (the spec does not forbid it, and T-Library
// services do). A refused stimulus produces nothing, so nothing may follow it.
func mayFollow(s Stimulus) []string {
	if s.Do == drive.StimulusLogin && slices.Contains(s.Expect, "EventAgentLogin") && !slices.Contains(s.Expect, "EventAgentNotReady?") {
		return []string{"EventAgentNotReady"}
	}
	return nil
}

// holds says whether the condition holds on a DN by the events seen so far, and why, in words
// naming the events it went by.
func (c *Cast) holds(cond Seen, dn string) (bool, string) {
	var since, hit *collect.Event
	for i, ev := range c.seen {
		switch {
		case ev.Str("ThisDN") != dn:
		case cond.Since != "" && ev.ID == cond.Since:
			since, hit = &c.seen[i], nil
		case ev.ID == cond.Event:
			hit = &c.seen[i]
		}
	}
	after := ""
	if since != nil {
		after = fmt.Sprintf(" since %s at %s", since.ID, since.Place)
	} else if cond.Since != "" {
		after = fmt.Sprintf(" in the flow (no %s seen)", cond.Since)
	}
	if hit == nil {
		return false, fmt.Sprintf("no %s on DN %s%s", cond.Event, dn, after)
	}
	return true, fmt.Sprintf("%s at %s on DN %s%s", hit.ID, hit.Place, dn, after)
}

func (c *Cast) describe(s Stimulus, req drive.Request) string {
	parts := []string{string(s.Do)}
	if s.Agent != "" {
		parts = append(parts, "of agent "+c.Agent(s.Agent))
	}
	parts = append(parts, "on DN "+req.DN)
	if s.Call != "" && s.Do != drive.StimulusOffHook {
		parts = append(parts, "call "+c.calls[s.Call])
	}
	return fmt.Sprintf("%s (ReferenceID %d)", strings.Join(parts, " "), req.ReferenceID)
}

func (c *Cast) want(s Stimulus, req drive.Request, id string) Want {
	w := Want{ID: strings.TrimSuffix(id, "?"), Optional: strings.HasSuffix(id, "?"), Tenant: c.env.Cfg.Tenant,
		Attrs: map[string]any{"ThisDN": req.DN}}
	if !physical[s.Do] && !w.Optional {
		w.Attrs["ReferenceID"] = req.ReferenceID
	}
	if strings.HasPrefix(w.ID, "EventAgent") && s.Agent != "" {
		w.Attrs["AgentID"] = c.Agent(s.Agent)
		w.Key = c.env.Key(c.Agent(s.Agent))
	}
	c.ownAttributes(s, &w)
	return w
}

// ownAttributes adds what the stimulus itself names to the event it directly causes.
func (c *Cast) ownAttributes(s Stimulus, w *Want) {
	if w.Optional {
		return
	}
	switch {
	case w.ID == "EventAgentReady" || w.ID == "EventAgentNotReady":
		if s.WorkMode != "" {
			w.Attrs["AgentWorkMode"] = string(s.WorkMode)
		}
	case w.ID == "EventAgentLogin" && s.Queue != "":
		w.Attrs["ThisQueue"] = s.Queue
	case w.ID == "EventForwardSet":
		w.Attrs["OtherDN"], w.Attrs["InfoStatus"] = c.target(s.Target), string(s.Mode)
	case w.ID == "EventMuteOn" || w.ID == "EventMuteOff":
		w.Attrs["ConnID"], w.Attrs["ThisDNRole"] = c.calls[s.Call], string(s.Role)
	}
}

// target is the DN a set-forward sends calls to: a literal number as written, and any other name
// a DN of the run like every DN name of the scenario (fresh on first use), so that a service that
// checks the target gets a number it can route to.
func (c *Cast) target(name string) string {
	if name != "" && strings.Trim(name, "0123456789") == "" {
		return name
	}
	return c.DN(name)
}

// known says whether a stimulus is one the Driver performs.
func known(do drive.Stimulus) error {
	if slices.Contains(drive.Stimuli(), do) {
		return nil
	}
	return fmt.Errorf("do %q: expected one of %v", do, drive.Stimuli())
}

// action returns the Driver call a stimulus makes.
func (c *Cast) action(s Stimulus) (func(context.Context, drive.Request) error, error) {
	d, agent := c.env.Driver, c.Agent(s.Agent)
	switch s.Do {
	case drive.StimulusLogin:
		return func(ctx context.Context, r drive.Request) error {
			return d.Login(ctx, drive.Login{Request: r, Agent: agent, Queue: s.Queue, WorkMode: s.WorkMode})
		}, nil
	case drive.StimulusLogout:
		return func(ctx context.Context, r drive.Request) error {
			return d.Logout(ctx, drive.Logout{Request: r, Agent: agent})
		}, nil
	case drive.StimulusReady:
		return func(ctx context.Context, r drive.Request) error {
			return d.Ready(ctx, drive.Ready{Request: r, Agent: agent, WorkMode: s.WorkMode})
		}, nil
	case drive.StimulusNotReady:
		return func(ctx context.Context, r drive.Request) error {
			return d.NotReady(ctx, drive.NotReady{Request: r, Agent: agent, WorkMode: s.WorkMode, Reasons: s.Reasons})
		}, nil
	case drive.StimulusDNDOn:
		return d.DNDOn, nil
	case drive.StimulusDNDOff:
		return d.DNDOff, nil
	case drive.StimulusSetForward:
		return func(ctx context.Context, r drive.Request) error {
			return d.SetForward(ctx, drive.Forward{Request: r, Target: c.target(s.Target), Mode: s.Mode})
		}, nil
	case drive.StimulusCancelForward:
		return d.CancelForward, nil
	}
	return c.callAction(s)
}

func (c *Cast) callAction(s Stimulus) (func(context.Context, drive.Request) error, error) {
	d := c.env.Driver
	switch s.Do {
	case drive.StimulusOffHook:
		return func(ctx context.Context, r drive.Request) error {
			conn, err := d.OffHook(ctx, r)
			if s.Call != "" {
				c.calls[s.Call] = conn
			}
			return err
		}, nil
	case drive.StimulusOnHook:
		return d.OnHook, nil
	case drive.StimulusMuteOn:
		return func(ctx context.Context, r drive.Request) error {
			return d.MuteOn(ctx, drive.Mute{Request: r, ConnID: c.calls[s.Call], Role: s.Role})
		}, nil
	case drive.StimulusMuteOff:
		return func(ctx context.Context, r drive.Request) error {
			return d.MuteOff(ctx, drive.Mute{Request: r, ConnID: c.calls[s.Call], Role: s.Role})
		}, nil
	case drive.StimulusOutOfService:
		return d.OutOfService, nil
	case drive.StimulusBackInService:
		return d.BackInService, nil
	}
	return nil, fmt.Errorf("do %q: expected one of %v", s.Do, drive.Stimuli())
}
