package check

import (
	"github.com/voice-agentstate/conformance/harness/finding"
)

// model is the pure transition of one scope: step maps (state of a DN, event) to (next state,
// findings), tick does the same for a clock, and the stateless rules judge the event alone. It
// only reads its fields (but for taking arrays from pool), so the same inputs give the same
// outputs, and it never writes to a state it is given.
type model struct {
	initial    InitialState
	serviceKey ServiceKey // how the producer keys service events (see pairing)
	keyed      bool       // the scope is a Kafka partition; otherwise events are in one total order
	partition  int32
	files      []string // file names by mark.file-1
	pool       *states  // where new states' arrays come from; nil: new ones
}

// step judges an event about the DN whose state is s and returns the DN's next state.
func (m model) step(s state, e *event) (state, []finding.Finding) {
	found := m.outage(s, e)
	var more []finding.Finding
	switch e.kind {
	case evLogin, evLogout, evReady, evNotReady:
		s, more = m.agent(m.endTenure(s, e), e)
	case evOutOfService, evBackInService:
		s, more = m.service(s, e)
	case evDNDOn, evDNDOff:
		s, more = m.dnd(s, e)
	case evForwardSet, evForwardCancel:
		s, more = m.forward(s, e)
	case evOffHook, evOnHook:
		s, more = m.hook(s, e)
	case evMuteOn, evMuteOff:
		s, more = m.mute(s, e)
	}
	return s, append(found, more...)
}

// stateless judges what an event shows on its own.
func (m model) stateless(e *event) []finding.Finding {
	found := m.keyFormat(e)
	found = append(found, m.workMode(e)...)
	return append(found, m.muteReference(e)...)
}

// baseline is the status of a topic that no event has shown yet: off with a clean start, else
// unknown. A DN's service paired by key (see pairing) is unknown to a key until one of its
// service events: other keys may have changed it.
func (m model) baseline(t topic, _ string) status {
	if m.initial != Clean || t == topicService && m.pairing() == pairByKey {
		return unknown
	}
	return off
}

// status returns what is known of a topic and the mark of the event that made it known; the mark
// is the zero mark (no event) when the status is the baseline. Marks are values: a pointer to
// one would cost a heap allocation per event judged.
func (m model) status(s state, t topic, name string) (status, mark) {
	if f, ok := s.get(t, name); ok {
		return f.status, f.at
	}
	return m.baseline(t, name), mark{}
}

// set records a status, or forgets the topic when the status is its baseline: absence and
// baseline mean the same, so a DN back at its baseline costs nothing.
func (m model) set(s state, t topic, name string, st status, at mark) state {
	if st == m.baseline(t, name) {
		return s.drop(is(t, name), m.pool)
	}
	return s.put(fact{topic: t, status: st, at: at, name: name}, m.pool)
}

// place turns a mark back into the place of its event.
func (m model) place(at mark) finding.Place {
	p := finding.Place{Line: at.line}
	if at.file > 0 && int(at.file) <= len(m.files) {
		p.File = m.files[at.file-1]
	}
	if m.keyed {
		p.Partition, p.Offset, p.HasOffset = m.partition, at.offset, true
	}
	return p
}

// earlier names the event that set the context and where it was read, or the clean start when
// there is none (the baseline phrase is then given).
func (m model) earlier(at mark, baseline string) string {
	if at.event == 0 {
		return baseline + "; the run assumes a clean start"
	}
	return at.event.String() + " at " + m.place(at).String()
}

// explanation is what a finding says, besides its rule, event and places.
type explanation struct {
	pointer, expected, found, message string
}

// report builds a finding of rule about e; at is the mark of the earlier event that set the
// context, the zero mark when there is none.
func (m model) report(rule string, e *event, at mark, x explanation) finding.Finding {
	f := finding.Finding{
		Rule: rule, Severity: severities[rule], Event: e.kind.String(), Pointer: x.pointer,
		Expected: x.expected, Found: x.found, Message: x.message, Place: e.place,
	}
	if at.event != 0 {
		p := m.place(at)
		f.Context = &p
	}
	return f
}
