package sut

import (
	"context"
	"fmt"

	"github.com/voice-agentstate/conformance/harness/drive"
)

// Call stimuli: the simulated handset and mute. The handset's events are physical, so they carry
// no ReferenceID (fact:reference-id-echo: an event nobody asked for carries none). Mute events
// echo theirs (spec, EventMuteOff: "The ReferenceID attribute is set to indicate the corresponding
// TSetMuteOff() function").

// connBase makes ConnIDs look like T-Server's, e.g. 0071020000000001.
const connBase = 0x0071020000000000

// OffHook implements drive.Driver.
func (p *Producer) OffHook(ctx context.Context, r drive.Request) (string, error) {
	var conn string
	err := p.act(ctx, drive.StimulusOffHook, r, r.Validate(), func(l *line) ([]message, error) {
		if err := p.guard(l, true); err != nil {
			return nil, err
		}
		if l.call != nil {
			return nil, fmt.Errorf("DN %s is already off hook: %w", l.dn, drive.ErrInvalidState)
		}
		p.calls++
		conn = fmt.Sprintf("%016x", connBase+p.calls)
		l.call = &call{conn: conn, mute: l.keptMute}
		m := p.stamped(evOffHook, l)
		m.attrs["ConnID"] = conn
		return []message{m}, nil
	})
	if err != nil {
		return "", err
	}
	return conn, nil
}

// OnHook implements drive.Driver.
func (p *Producer) OnHook(ctx context.Context, r drive.Request) error {
	return p.act(ctx, drive.StimulusOnHook, r, r.Validate(), func(l *line) ([]message, error) {
		if err := p.guard(l, true); err != nil {
			return nil, err
		}
		if l.call == nil {
			return nil, fmt.Errorf("DN %s is already on hook: %w", l.dn, drive.ErrInvalidState)
		}
		return p.hangUp(l), nil
	})
}

// hangUp ends the DN's call, and with it its mute state, without an EventMuteOff
// (fact:call-end-unmutes), unless a fault says otherwise.
func (p *Producer) hangUp(l *line) []message {
	var out []message
	muted := l.call.mute == muteOn
	if muted && p.fault.Name == FaultMuteOffOnHangUp {
		out = append(out, muteEvent(evMuteOff, l, l.call.conn, drive.RoleUnknown))
	}
	if muted && p.fault.Name == FaultMuteKept {
		l.keptMute = muteOn
	} else {
		l.keptMute = muteUnset
	}
	m := p.stamped(evOnHook, l)
	m.attrs["ConnID"] = l.call.conn
	l.call = nil
	return append(out, m)
}

// MuteOn implements drive.Driver.
func (p *Producer) MuteOn(ctx context.Context, r drive.Mute) error {
	return p.mute(ctx, drive.StimulusMuteOn, r, true)
}

// MuteOff implements drive.Driver.
func (p *Producer) MuteOff(ctx context.Context, r drive.Mute) error {
	return p.mute(ctx, drive.StimulusMuteOff, r, false)
}

func (p *Producer) mute(ctx context.Context, s drive.Stimulus, r drive.Mute, on bool) error {
	return p.act(ctx, s, r.Request, r.Validate(), func(l *line) ([]message, error) {
		if err := p.guard(l, true); err != nil {
			return nil, err
		}
		if l.call == nil || l.call.conn != r.ConnID {
			return nil, fmt.Errorf("DN %s, ConnID %s: %w", l.dn, r.ConnID, drive.ErrInvalidConnID)
		}
		if l.call.muted(r.Role) == on {
			return nil, fmt.Errorf("DN %s is already mute-%s on %s: %w", l.dn, onOff(on), r.ConnID, drive.ErrInvalidState)
		}
		id := evMuteOff
		l.call.mute = muteOff
		if on {
			id, l.call.mute = evMuteOn, muteOn
		}
		return []message{muteEvent(id, l, r.ConnID, r.Role).echo(r.Request)}, nil
	})
}
