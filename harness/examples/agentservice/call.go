package main

import "fmt"

// Call requests: the simulated handset and mute. A DN has at most one call: off-hook on a DN off
// hook is refused, so on-hook always names the call to end.

// connBase makes ConnIDs of 16 hex digits.
const connBase = 0x00a1000000000000

func (s *service) offHook(l *line) ([]event, string, error) {
	if l.outOfService {
		return nil, "", refuse(codeOutOfService, "DN %s is out of service", l.dn)
	}
	if l.call != nil {
		return nil, "", refuse(codeInvalidState, "DN %s is already off hook", l.dn)
	}
	s.calls++
	l.call = &call{conn: fmt.Sprintf("%016x", connBase+s.calls)}
	ev := s.stamped("EventOffHook", l)
	ev.attrs["ConnID"] = l.call.conn
	return []event{ev}, l.call.conn, nil
}

func (s *service) callRequest(l *line, r request) ([]event, error) {
	if l.outOfService {
		return nil, refuse(codeOutOfService, "DN %s is out of service", l.dn)
	}
	if r.Stimulus == "on-hook" {
		if l.call == nil {
			return nil, refuse(codeInvalidState, "DN %s is already on hook", l.dn)
		}
		return []event{s.hangUp(l)}, nil
	}
	return s.mute(l, r, r.Stimulus == "mute-on")
}

// hangUp ends the DN's call, and with it its mute state (no EventMuteOff).
func (s *service) hangUp(l *line) event {
	ev := s.stamped("EventOnHook", l)
	ev.attrs["ConnID"] = l.call.conn
	l.call = nil
	return ev
}

// mute mutes or unmutes the DN's party. The request names the party's role: a supervisor's DN
// (RoleObserver) joins a call muted, so its first mute-off needs no mute-on.
func (s *service) mute(l *line, r request, on bool) ([]event, error) {
	if !roles[r.ThisDNRole] {
		return nil, refuse(codeInvalidRequest, "ThisDNRole %q is no T-Library role", r.ThisDNRole)
	}
	if l.call == nil || l.call.conn != r.ConnID {
		return nil, refuse(codeInvalidConnID, "DN %s has no call %s", l.dn, r.ConnID)
	}
	muted := r.ThisDNRole == "RoleObserver"
	if l.call.muted != nil {
		muted = *l.call.muted
	}
	if muted == on {
		return nil, refuse(codeInvalidState, "DN %s is already %s on call %s", l.dn, r.Stimulus, r.ConnID)
	}
	l.call.muted = &on
	id := "EventMuteOff"
	if on {
		id = "EventMuteOn"
	}
	return []event{muteEvent(id, l, r)}, nil
}
