package main

// DN requests: do-not-disturb, forwarding, and the DN's service.

func (s *service) dnRequest(l *line, r request) ([]event, error) {
	switch r.Stimulus {
	case "out-of-service":
		return s.outOfService(l)
	case "back-in-service":
		if !l.outOfService {
			return nil, refuse(codeInvalidState, "DN %s is in service", l.dn)
		}
		l.outOfService = false
		return []event{serviceEvent("EventDNBackInService", l)}, nil
	}
	if l.outOfService {
		return nil, refuse(codeOutOfService, "DN %s is out of service", l.dn)
	}
	switch r.Stimulus {
	case "dnd-on", "dnd-off":
		return s.dnd(l, r, r.Stimulus == "dnd-on")
	case "set-forward":
		return s.setForward(l, r)
	}
	if len(l.forwards) == 0 {
		return nil, refuse(codeInvalidState, "DN %s forwards nothing", l.dn)
	}
	clear(l.forwards)
	return []event{s.stamped("EventForwardCancel", l).echo(r)}, nil
}

func (s *service) dnd(l *line, r request, on bool) ([]event, error) {
	if l.dnd == on {
		return nil, refuse(codeInvalidState, "DND is already %s on DN %s", r.Stimulus[4:], l.dn)
	}
	l.dnd = on
	id := "EventDNDOff"
	if on {
		id = "EventDNDOn"
	}
	return []event{s.stamped(id, l).echo(r)}, nil
}

// setForward sets forwarding in one mode; modes stand side by side.
func (s *service) setForward(l *line, r request) ([]event, error) {
	if r.OtherDN == "" || !forwardModes[r.InfoStatus] {
		return nil, refuse(codeInvalidRequest, "set-forward needs OtherDN and InfoStatus CallForwardingStatus or SendAllCallsStatus, got %q and %q", r.OtherDN, r.InfoStatus)
	}
	if r.OtherDN == l.dn {
		return nil, refuse(codeInvalidRequest, "DN %s cannot forward to itself", l.dn)
	}
	if l.forwards[r.InfoStatus] == r.OtherDN {
		return nil, refuse(codeInvalidState, "DN %s already forwards to %s (%s)", l.dn, r.OtherDN, r.InfoStatus)
	}
	l.forwards[r.InfoStatus] = r.OtherDN
	ev := s.stamped("EventForwardSet", l).echo(r)
	ev.attrs["OtherDN"], ev.attrs["InfoStatus"] = r.OtherDN, r.InfoStatus
	return []event{ev}, nil
}

// outOfService takes the DN out of service. The spec publishes EventDNOutOfService "when an
// out-of-service state is first detected", so a DN already out is refused. The outage ends the
// DN's call and logs its agent out, each reported with its normal event and no ReferenceID: no
// client asked for them.
func (s *service) outOfService(l *line) ([]event, error) {
	if l.outOfService {
		return nil, refuse(codeInvalidState, "DN %s is already out of service", l.dn)
	}
	l.outOfService = true
	evs := []event{serviceEvent("EventDNOutOfService", l)}
	if l.call != nil {
		evs = append(evs, s.hangUp(l))
	}
	if l.agent != "" {
		evs = append(evs, s.agentEvent("EventAgentLogout", l, l.agent))
		s.unseat(l)
	}
	return evs, nil
}
