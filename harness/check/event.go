package check

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// Event is what the checker needs of one message.
type Event struct {
	ID    string         // the event's id, e.g. "EventAgentLogin"
	Doc   map[string]any // the decoded message (encoding/json with UseNumber: numbers are json.Number)
	Place finding.Place  // file and line, and the Kafka key, partition and offset when known
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
	evLogin: "EventAgentLogin", evLogout: "EventAgentLogout", evReady: "EventAgentReady",
	evNotReady: "EventAgentNotReady", evOutOfService: "EventDNOutOfService",
	evBackInService: "EventDNBackInService", evDNDOn: "EventDNDOn", evDNDOff: "EventDNDOff",
	evForwardSet: "EventForwardSet", evForwardCancel: "EventForwardCancel", evOffHook: "EventOffHook",
	evOnHook: "EventOnHook", evMuteOn: "EventMuteOn", evMuteOff: "EventMuteOff",
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

// maxSeconds keeps seconds*1e6+useconds inside an int64.
const maxSeconds = math.MaxInt64/1_000_000 - 1

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
	pinned  bool // the event's partition cannot depend on which agent is on the DN (see pinned)
	place   finding.Place
	at      mark
}

func parse(k kind, ev Event, file uint32) event {
	d := ev.Doc
	e := event{kind: k, place: ev.Place, pinned: pinned(ev.Place)}
	e.at = mark{event: k, file: file, line: ev.Place.Line, offset: ev.Place.Offset}
	e.dn, _ = text(d, "ThisDN")
	e.agent, e.agentOK = text(d, "AgentID")
	e.time, e.timed = parseStamp(d["time"])
	// The rest is read only for the events whose rules use it.
	if ev.Place.HasKey {
		e.tenant, _ = text(d, "CustomerID")
	}
	switch k {
	case evReady, evNotReady:
		e.mode, _ = text(d, "AgentWorkMode")
	case evMuteOn, evOnHook:
		e.conn, e.connOK = text(d, "ConnID")
	case evMuteOff:
		e.conn, e.connOK = text(d, "ConnID")
		e.role, _ = text(d, "ThisDNRole")
		ref, ok := d["ReferenceID"]
		e.hasRef = ok && ref != nil
	}
	return e
}

// text returns a string attribute; ok is false when it is present but not a non-empty string.
func text(doc map[string]any, name string) (s string, ok bool) {
	v, present := doc[name]
	if !present {
		return "", true
	}
	s, isString := v.(string)
	if !isString || s == "" {
		return "", false
	}
	return s, true
}

func parseStamp(v any) (stamp, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return 0, false
	}
	sec, ok1 := integer(m["seconds"])
	usec, ok2 := integer(m["useconds"])
	if !ok1 || !ok2 || sec < 0 || sec > maxSeconds || usec < 0 || usec > 999_999 {
		return 0, false
	}
	return stamp(sec*1_000_000 + usec), true
}

// integer reads a JSON integer, decoded with UseNumber or not.
func integer(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, false
		}
		return int64(n), true
	case int:
		return int64(n), true
	case int64:
		return n, true
	}
	return 0, false
}

// pinned says whether an EventDNOutOfService or EventDNBackInService can be trusted to share a
// partition with the other service events of its DN. Their key is undocumented: a key that names
// an agent may change with the agent on the DN (the outage itself logs agents out), and a record
// without a known key may be spread over partitions. Events read without Kafka coordinates are in
// one order, so always pinned.
func pinned(p finding.Place) bool {
	if !p.HasOffset {
		return true
	}
	if !p.HasKey {
		return false
	}
	_, agent, found := strings.Cut(p.Key, ":")
	return !found || agent == ""
}
