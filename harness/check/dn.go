package check

import (
	"fmt"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// DN rules: service, do-not-disturb and forwarding. A DN is in service until an
// EventDNOutOfService, which may repeat, and again after EventDNBackInService. Between the two only
// an agent login and the events that report the outage's consequences may come for it.
//
// A service event is trusted only when it is pinned (see pinned): otherwise its DN's service state
// becomes unknown in its scope, since the matching event may have gone to another partition.

// allowedInOutage says whether an event may come for an out-of-service DN.
func allowedInOutage(k kind) bool {
	switch k {
	case evLogin, evNotReady, evLogout, evOnHook, evOutOfService, evBackInService:
		return true
	}
	return false
}

func (m model) outage(s state, e *event) []finding.Finding {
	if allowedInOutage(e.kind) {
		return nil
	}
	f, ok := s.get(topicService, "")
	if !ok || f.status != outOfService {
		return nil
	}
	return []finding.Finding{m.report(RuleEventDuringOutage, e, &f.at, explanation{
		expected: "no " + e.kind.String() + " until EventDNBackInService", found: "DN out of service",
		message: fmt.Sprintf("%s: DN %s is out of service (%s); until EventDNBackInService only agent login, not-ready and logout, and on-hook may come for it",
			e.kind, e.dn, m.earlier(&f.at, "")),
	})}
}

func (m model) service(s state, e *event) (state, []finding.Finding) {
	switch {
	case !e.pinned:
		return m.set(s, topicService, "", unknown, e.at), nil
	case e.kind == evOutOfService:
		return m.set(s, topicService, "", outOfService, e.at), nil
	}
	var found []finding.Finding
	if st, at := m.status(s, topicService, ""); st == inService {
		found = append(found, m.report(RuleBackAfterOut, e, at, explanation{
			expected: "an EventDNOutOfService first", found: "DN in service",
			message: fmt.Sprintf("%s: DN %s is already in service (%s)", e.kind, e.dn, m.earlier(at, "no standing EventDNOutOfService")),
		}))
	}
	return m.set(s, topicService, "", inService, e.at), found
}

func (m model) dnd(s state, e *event) (state, []finding.Finding) {
	if e.kind == evDNDOn {
		return m.set(s, topicDND, "", on, e.at), nil
	}
	var found []finding.Finding
	if st, at := m.status(s, topicDND, ""); st == off {
		found = append(found, m.report(RuleDNDOffAfterOn, e, at, explanation{
			expected: "an EventDNDOn first", found: "DND already off",
			message: fmt.Sprintf("%s: DND is already off on DN %s (%s)", e.kind, e.dn, m.earlier(at, "no standing EventDNDOn")),
		}))
	}
	return m.set(s, topicDND, "", off, e.at), found
}

// forward counts the EventForwardSet since none was known to stand, up to several: a set may
// renew a mode already set, and a cancel names no mode, so after one cancel of several sets it is
// unknown whether any still stands.
func (m model) forward(s state, e *event) (state, []finding.Finding) {
	st, at := m.status(s, topicForward, "")
	if e.kind == evForwardSet {
		next := fwdSeveral
		if st == fwdNone {
			next = fwdOne
		}
		return m.set(s, topicForward, "", next, e.at), nil
	}
	var found []finding.Finding
	next := unknown
	switch st {
	case fwdNone:
		next = fwdNone
		found = append(found, m.report(RuleForwardCancelAfterSet, e, at, explanation{
			expected: "a standing EventForwardSet", found: "no forwarding set",
			message: fmt.Sprintf("%s: no forwarding is set on DN %s (%s)", e.kind, e.dn, m.earlier(at, "no standing EventForwardSet")),
		}))
	case fwdOne:
		next = fwdNone
	}
	return m.set(s, topicForward, "", next, e.at), found
}
