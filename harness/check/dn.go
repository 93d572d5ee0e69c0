package check

import (
	"fmt"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// DN rules: service, do-not-disturb and forwarding. A DN is in service until an
// EventDNOutOfService, which may repeat, and again after EventDNBackInService. Between the two only
// an agent login and the events that report the outage's consequences may come for it.
//
// Service events carry no AgentID and their key is undocumented, so over Kafka whether two events
// of a DN are in one order depends on how the producer keys them (ServiceKey, see pairing). A
// service event that cannot be paired makes the DN's service state unknown in its partition.

// pairing is how a scope pairs a DN's service events with its later events.
type pairing uint8

const (
	pairNone  pairing = iota // no service event is paired: its DN's service becomes unknown
	pairAll                  // with every later event of the DN in the scope
	pairByKey                // with the later events of the same key, until its agent logs in or out
)

// pairing says how the scope pairs service events: every event without Kafka coordinates is in one
// order; over Kafka it is the ServiceKey's.
func (m model) pairing() pairing {
	switch {
	case !m.keyed:
		return pairAll
	case m.serviceKey == ServiceKeyTenant:
		return pairAll
	case m.serviceKey == ServiceKeyAgent:
		return pairByKey
	}
	return pairNone
}

// serviceName is the name of the service fact an event sets or is judged against, and whether
// the event's service state can be known: "" when it is paired with every event of the DN, its key
// when only with those of the same key. Under ServiceKeyTenant only a key without an agent part is
// paired, under ServiceKeyAgent only one with an agent part: a key {tenant_id}: then says that no
// agent is on the DN, and agents may have come and gone in other partitions since the last one.
func (m model) serviceName(e *event) (string, bool) {
	switch m.pairing() {
	case pairAll:
		return "", !m.keyed || tenantOnly(e)
	case pairByKey:
		return e.place.Key, e.place.HasKey && !tenantOnly(e)
	}
	return "", false
}

// tenantOnly says whether the event's key is known and names no agent: "t1:", or no ':' at all.
// The key is split as key.format splits it, so a tenant holding ':' reads right.
func tenantOnly(e *event) bool {
	if !e.place.HasKey {
		return false
	}
	_, agent := splitKey(e.place.Key, e.tenant, "")
	return agent == ""
}

// serviceFor returns the DN's service status as it applies to an event, and the mark of the
// service event that set it (the zero mark for the baseline).
func (m model) serviceFor(s state, e *event) (status, mark) {
	f, ok := serviceFact(s)
	if !ok {
		return m.baseline(topicService, ""), mark{}
	}
	if m.pairing() == pairByKey && (!e.place.HasKey || f.name != e.place.Key) {
		return unknown, mark{}
	}
	return f.status, f.at
}

// serviceFact returns the one fact of the DN's service, whatever its name.
func serviceFact(s state) (fact, bool) {
	for _, f := range s {
		if f.topic == topicService {
			return f, true
		}
	}
	return fact{}, false
}

// setService replaces what is known of the DN's service.
func (m model) setService(s state, name string, st status, at mark) state {
	s = s.drop(func(f fact) bool { return f.topic == topicService && f.name != name }, m.pool)
	return m.set(s, topicService, name, st, at)
}

// endTenure forgets a service state paired by key when the key's agent logs in or out on the DN:
// other agents, keyed elsewhere, may have changed it before the login and may change it after the
// logout.
func (m model) endTenure(s state, e *event) state {
	if m.pairing() != pairByKey || !e.place.HasKey || e.kind != evLogin && e.kind != evLogout {
		return s
	}
	if f, ok := serviceFact(s); ok && f.name == e.place.Key {
		return m.setService(s, "", unknown, e.at)
	}
	return s
}

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
	st, at := m.serviceFor(s, e)
	if st != outOfService {
		return nil
	}
	return []finding.Finding{m.report(RuleEventDuringOutage, e, at, explanation{
		expected: "no " + e.kind.String() + " until EventDNBackInService", found: "DN out of service",
		message: fmt.Sprintf("%s: DN %s is out of service (%s); until EventDNBackInService only agent login, not-ready and logout, and on-hook may come for it",
			e.kind, e.dn, m.earlier(at, "")),
	})}
}

func (m model) service(s state, e *event) (state, []finding.Finding) {
	name, paired := m.serviceName(e)
	switch {
	case !paired:
		return m.setService(s, "", unknown, e.at), nil
	case e.kind == evOutOfService:
		return m.setService(s, name, outOfService, e.at), nil
	}
	var found []finding.Finding
	if st, at := m.serviceFor(s, e); st == inService {
		found = append(found, m.report(RuleBackAfterOut, e, at, explanation{
			expected: "an EventDNOutOfService first", found: "DN in service",
			message: fmt.Sprintf("%s: DN %s is already in service (%s)", e.kind, e.dn, m.earlier(at, "no standing EventDNOutOfService")),
		}))
	}
	return m.setService(s, name, inService, e.at), found
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
