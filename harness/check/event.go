package check

import (
	"fmt"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/events"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// Event is what the checker needs of one message: its id and the attributes the rules read of it,
// as package contract returns them (attr.Of reads them from a decoded document).
type Event struct {
	ID    string        // the event's id, e.g. "EventAgentLogin"
	Attrs attr.Values   // what the rules read of the message
	Place finding.Place // file and line, and the Kafka key, partition and offset when known
	_     struct{}
}

// kind is one of the 14 events of the contract; zero is none of them.
type kind uint8

const (
	evLogin kind = iota + 1
	evLogout
	evReady
	evNotReady
	evOutOfService
	evBackInService
	evDNDOn
	evDNDOff
	evForwardSet
	evForwardCancel
	evOffHook
	evOnHook
	evMuteOn
	evMuteOff
)

var kindNames = [...]string{
	evLogin: events.AgentLogin, evLogout: events.AgentLogout, evReady: events.AgentReady,
	evNotReady: events.AgentNotReady, evOutOfService: events.DNOutOfService,
	evBackInService: events.DNBackInService, evDNDOn: events.DNDOn, evDNDOff: events.DNDOff,
	evForwardSet: events.ForwardSet, evForwardCancel: events.ForwardCancel, evOffHook: events.OffHook,
	evOnHook: events.OnHook, evMuteOn: events.MuteOn, evMuteOff: events.MuteOff,
}

var kinds = func() map[string]kind {
	m := make(map[string]kind, len(kindNames))
	for k, name := range kindNames {
		if name != "" {
			m[name] = kind(k)
		}
	}
	return m
}()

func (k kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// stamp is an event's time in microseconds since the epoch.
type stamp int64

func (s stamp) String() string { return fmt.Sprintf("%d.%06d", s/1_000_000, s%1_000_000) }

// event is what the rules read of one message, extracted once. A string attribute that is absent
// or not a non-empty string reads as "", so that a schema-invalid message is judged on what it
// does carry and never on a guess.
type event struct {
	kind    kind
	dn      string // ThisDN; "" skips the rules that follow a DN
	agent   string // AgentID; "" when absent: the event is about the DN's unnamed agent
	agentOK bool   // AgentID is absent or a non-empty string; false skips the agent rules
	tenant  string // CustomerID, read when the event has a key
	mode    string // AgentWorkMode of EventAgentReady and EventAgentNotReady
	role    string // ThisDNRole of EventMuteOff
	conn    string // ConnID of EventMuteOn, EventMuteOff and EventOnHook
	connOK  bool   // ConnID is absent or a non-empty string
	hasRef  bool   // EventMuteOff's ReferenceID is present and not null
	time    stamp
	timed   bool // time is a valid {"seconds", "useconds"} object
	place   finding.Place
	at      mark
}

func parse(k kind, ev Event, file uint32) event {
	a := &ev.Attrs
	e := event{kind: k, place: ev.Place}
	e.at = mark{event: k, file: file, line: ev.Place.Line, offset: ev.Place.Offset}
	e.dn = a.ThisDN.Value
	e.agent, e.agentOK = a.AgentID.Value, !a.AgentID.Bad
	e.time, e.timed = stamp(a.Time), a.Timed
	// The rest is read only for the events whose rules use it.
	if ev.Place.HasKey {
		e.tenant = a.CustomerID.Value
	}
	switch k {
	case evReady, evNotReady:
		e.mode = a.AgentWorkMode.Value
	case evMuteOn, evOnHook:
		e.conn, e.connOK = a.ConnID.Value, !a.ConnID.Bad
	case evMuteOff:
		e.conn, e.connOK = a.ConnID.Value, !a.ConnID.Bad
		e.role = a.ThisDNRole.Value
		e.hasRef = a.ReferenceID
	}
	return e
}
