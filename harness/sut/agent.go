package sut

import (
	"context"
	"fmt"

	"github.com/voice-agentstate/conformance/harness/drive"
)

// Agent requests: login, logout, ready, not-ready. Spec, EventAgentLogin: "Multiple agent logins
// are allowed for the same DN and agent ID combination"; EventDNOutOfService: "only the following
// Voice Microservices requests can be issued for it: [...] agent login".

// Login implements drive.Driver.
func (p *Producer) Login(ctx context.Context, r drive.Login) error {
	return p.act(ctx, drive.StimulusLogin, r.Request, r.Validate(), func(l *line) ([]message, error) {
		if err := p.seatFree(l, r.Agent); err != nil {
			return nil, err
		}
		p.seat(l, r.Agent, r.Queue)
		m := p.agentEvent(evLogin, l, r.Agent, l.queue).echo(r.Request)
		m.set("AgentWorkMode", string(r.WorkMode))
		return []message{m}, nil
	})
}

// Logout implements drive.Driver.
func (p *Producer) Logout(ctx context.Context, r drive.Logout) error {
	return p.act(ctx, drive.StimulusLogout, r.Request, r.Validate(), func(l *line) ([]message, error) {
		if err := p.guard(l, false); err != nil {
			return nil, err
		}
		if l.agent != r.Agent {
			if p.fault.Name == FaultLogoutWithoutLogin {
				return []message{p.agentEvent(evLogout, l, r.Agent, "").echo(r.Request)}, nil
			}
			return nil, notLoggedIn(l, r.Agent)
		}
		m := p.agentEvent(evLogout, l, r.Agent, l.queue).echo(r.Request)
		p.unseat(l)
		return []message{m}, nil
	})
}

// Ready implements drive.Driver.
func (p *Producer) Ready(ctx context.Context, r drive.Ready) error {
	return p.act(ctx, drive.StimulusReady, r.Request, r.Validate(), func(l *line) ([]message, error) {
		if err := p.working(l, r.Agent); err != nil {
			return nil, err
		}
		mode := r.WorkMode
		if mode == "" {
			mode = drive.WorkModeUnknown
		}
		m := p.agentEvent(evReady, l, r.Agent, l.queue).echo(r.Request)
		m.attrs["AgentWorkMode"] = string(mode)
		return []message{m}, nil
	})
}

// NotReady implements drive.Driver.
func (p *Producer) NotReady(ctx context.Context, r drive.NotReady) error {
	return p.act(ctx, drive.StimulusNotReady, r.Request, r.Validate(), func(l *line) ([]message, error) {
		if err := p.working(l, r.Agent); err != nil {
			return nil, err
		}
		m := p.agentEvent(evNotReady, l, r.Agent, l.queue).echo(r.Request)
		m.set("AgentWorkMode", string(r.WorkMode))
		if len(r.Reasons) > 0 {
			reasons := make(map[string]any, len(r.Reasons))
			for k, v := range r.Reasons {
				reasons[k] = v
			}
			m.attrs["Reasons"] = reasons
		}
		return []message{m}, nil
	})
}

// seatFree refuses a login on a DN where another agent is logged in, or of an agent logged in on
// another DN: a DN has at most one agent logged in (fact:one-agent-per-dn).
func (p *Producer) seatFree(l *line, agent string) error {
	if l.agent != "" && l.agent != agent {
		return fmt.Errorf("DN %s has agent %s logged in: %w", l.dn, l.agent, drive.ErrInvalidState)
	}
	if dn, ok := p.seats[place{l.tenant, agent}]; ok && dn != l.dn {
		return fmt.Errorf("agent %s is logged in on DN %s: %w", agent, dn, drive.ErrInvalidState)
	}
	return nil
}

// seat logs the agent in. A repeated login keeps the queue of the first unless it names one.
func (p *Producer) seat(l *line, agent, queue string) {
	if l.agent == "" || queue != "" {
		l.queue = queue
	}
	l.agent, l.last = agent, agent
	p.seats[place{l.tenant, agent}] = l.dn
}

func (p *Producer) unseat(l *line) {
	delete(p.seats, place{l.tenant, l.agent})
	l.agent, l.queue = "", ""
}

// working refuses a ready or not-ready on an out-of-service DN, or for an agent not logged in on
// the DN.
func (p *Producer) working(l *line, agent string) error {
	if err := p.guard(l, false); err != nil {
		return err
	}
	if l.agent != agent {
		return notLoggedIn(l, agent)
	}
	return nil
}

func notLoggedIn(l *line, agent string) error {
	return fmt.Errorf("agent %s on DN %s: %w", agent, l.dn, drive.ErrNotLoggedIn)
}
