package check

import (
	"fmt"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// Call rules: the handset and mute. Mute is per DN and call (ConnID). An EventOnHook ends the call
// it names, or every call of the DN when it names none, and so the mute state of those calls.

const roleObserver = "RoleObserver"

func (m model) hook(s state, e *event) (state, []finding.Finding) {
	if e.kind == evOffHook {
		return m.set(s, topicHook, "", handsetOff, e.at), nil
	}
	var found []finding.Finding
	if st, at := m.status(s, topicHook, ""); st == handsetOn {
		found = append(found, m.report(RuleHookOnAfterOff, e, at, explanation{
			expected: "an EventOffHook first", found: "handset already on hook",
			message: fmt.Sprintf("%s: DN %s is already on hook (%s)", e.kind, e.dn, m.earlier(at, "no standing EventOffHook")),
		}))
	}
	switch {
	case !e.connOK:
		// A ConnID that is not a string names no call that can be told apart: keep what is known.
	case e.conn != "":
		s = s.drop(is(topicMute, e.conn), m.pool)
	default:
		s = s.drop(about(topicMute), m.pool)
	}
	return m.set(s, topicHook, "", handsetOn, e.at), found
}

func (m model) mute(s state, e *event) (state, []finding.Finding) {
	if e.conn == "" {
		return s, nil
	}
	if e.kind == evMuteOn {
		return m.set(s, topicMute, e.conn, muted, e.at), nil
	}
	var found []finding.Finding
	// An observer joins muted; a missing role cannot be told from one.
	if st, at := m.status(s, topicMute, e.conn); st == unmuted && e.role != "" && e.role != roleObserver {
		found = append(found, m.report(RuleMuteOffAfterOn, e, at, explanation{
			expected: "an EventMuteOn of the DN on this call first (or ThisDNRole RoleObserver)", found: "not muted",
			message: fmt.Sprintf("%s: DN %s is not muted on call %s (%s)", e.kind, e.dn, e.conn, m.earlier(at, "no standing EventMuteOn")),
		}))
	}
	return m.set(s, topicMute, e.conn, unmuted, e.at), found
}

// muteReference asks EventMuteOff for the ReferenceID of its TSetMuteOff request.
func (m model) muteReference(e *event) []finding.Finding {
	if e.kind != evMuteOff || e.hasRef {
		return nil
	}
	return []finding.Finding{m.report(RuleMuteOffReferenceID, e, mark{}, explanation{
		pointer: "/ReferenceID", expected: "the ReferenceID of the TSetMuteOff request", found: "no ReferenceID",
		message: fmt.Sprintf("%s: ReferenceID is missing; it names the TSetMuteOff request that unmuted DN %s on call %s",
			e.kind, orUnknown(e.dn), orUnknown(e.conn)),
	})}
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}
