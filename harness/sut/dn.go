package sut

import (
	"context"
	"fmt"

	"github.com/voice-agentstate/conformance/harness/drive"
)

// DN requests: do-not-disturb, forwarding, and service. Spec, EventDNOutOfService: "When a DN goes
// out of service, Voice Microservices notify the user about the termination of active calls or
// change an agent state (not ready/logout) using normal events."

// DNDOn implements drive.Driver.
func (p *Producer) DNDOn(ctx context.Context, r drive.Request) error {
	return p.dnd(ctx, drive.StimulusDNDOn, r, true)
}

// DNDOff implements drive.Driver.
func (p *Producer) DNDOff(ctx context.Context, r drive.Request) error {
	return p.dnd(ctx, drive.StimulusDNDOff, r, false)
}

func (p *Producer) dnd(ctx context.Context, s drive.Stimulus, r drive.Request, on bool) error {
	return p.act(ctx, s, r, r.Validate(), func(l *line) ([]message, error) {
		if err := p.guard(l, true); err != nil {
			return nil, err
		}
		if l.dnd == on {
			return nil, fmt.Errorf("DND on DN %s is already %s: %w", l.dn, onOff(on), drive.ErrInvalidState)
		}
		l.dnd = on
		id := evDNDOff
		if on {
			id = evDNDOn
		}
		return []message{p.stamped(id, l).echo(r)}, nil
	})
}

// SetForward implements drive.Driver. Forwarding stands per mode; setting a mode again to another
// target replaces it.
func (p *Producer) SetForward(ctx context.Context, r drive.Forward) error {
	return p.act(ctx, drive.StimulusSetForward, r.Request, r.Validate(), func(l *line) ([]message, error) {
		if err := p.guard(l, true); err != nil {
			return nil, err
		}
		if l.forwards[r.Mode] == r.Target {
			return nil, fmt.Errorf("DN %s already forwards to %s (%s): %w", l.dn, r.Target, r.Mode, drive.ErrInvalidState)
		}
		l.forwards[r.Mode] = r.Target
		m := p.stamped(evForwardSet, l).echo(r.Request)
		m.attrs["OtherDN"], m.attrs["InfoStatus"] = r.Target, string(r.Mode)
		return []message{m}, nil
	})
}

// CancelForward implements drive.Driver. It cancels every mode; EventForwardCancel names none.
func (p *Producer) CancelForward(ctx context.Context, r drive.Request) error {
	return p.act(ctx, drive.StimulusCancelForward, r, r.Validate(), func(l *line) ([]message, error) {
		if err := p.guard(l, true); err != nil {
			return nil, err
		}
		if len(l.forwards) == 0 {
			return nil, fmt.Errorf("DN %s forwards nothing: %w", l.dn, drive.ErrInvalidState)
		}
		clear(l.forwards)
		return []message{p.stamped(evForwardCancel, l).echo(r)}, nil
	})
}

// OutOfService implements drive.Driver. A DN already out of service reports the outage again and
// changes nothing (spec: "generated when an out-of-service state is first detected or when a new
// client registers on a DN known to be out of service").
func (p *Producer) OutOfService(ctx context.Context, r drive.Request) error {
	return p.act(ctx, drive.StimulusOutOfService, r, r.Validate(), func(l *line) ([]message, error) {
		if l.outOfService {
			return []message{serviceEvent(evOutOfService, l)}, nil
		}
		l.outOfService, l.outageKey = true, l.last
		return append([]message{serviceEvent(evOutOfService, l)}, p.consequences(l)...), nil
	})
}

// consequences ends the DN's call and logs its agent out, reporting each with its normal events.
// They carry no ReferenceID: no client asked for them.
func (p *Producer) consequences(l *line) []message {
	var out []message
	if l.call != nil {
		out = append(out, p.hangUp(l)...)
	}
	if l.agent != "" && p.fault.Name != FaultSilentLogout {
		out = append(out, p.agentEvent(evNotReady, l, l.agent, l.queue), p.agentEvent(evLogout, l, l.agent, l.queue))
	}
	if l.agent != "" {
		p.unseat(l)
	}
	return out
}

// BackInService implements drive.Driver.
func (p *Producer) BackInService(ctx context.Context, r drive.Request) error {
	return p.act(ctx, drive.StimulusBackInService, r, r.Validate(), func(l *line) ([]message, error) {
		if !l.outOfService && p.fault.Name != FaultBackWithoutOut {
			return nil, fmt.Errorf("DN %s is in service: %w", l.dn, drive.ErrInvalidState)
		}
		m := serviceEvent(evBackInService, l)
		l.outOfService, l.outageKey = false, ""
		return []message{m}, nil
	})
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
