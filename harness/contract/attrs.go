package contract

import (
	"encoding/json"
	"math"
)

// Attrs is what the sequence rules (package check) read of one message. AttrsOf reads it from a
// decoded document; the fast path reads it from the raw bytes, and must read exactly what AttrsOf
// would, which its differential tests prove.
type Attrs struct {
	ThisDN, AgentID, CustomerID, AgentWorkMode, ThisDNRole, ConnID Text

	ReferenceID bool  // ReferenceID is present and not null
	Time        int64 // time in microseconds since the epoch, when Timed
	Timed       bool  // time is an object whose integer seconds and useconds are in range
	_           struct{}
}

// Text is a string attribute as the rules read it: Value is "" when the attribute is absent or
// is not a non-empty string, and Bad says it is present but not a non-empty string.
type Text struct {
	Value string
	Bad   bool
}

// AttrsOf reads the attributes the rules use from a message decoded by encoding/json.
func AttrsOf(doc map[string]any) Attrs {
	var a Attrs
	a.ThisDN = text(doc, "ThisDN")
	a.AgentID = text(doc, "AgentID")
	a.CustomerID = text(doc, "CustomerID")
	a.AgentWorkMode = text(doc, "AgentWorkMode")
	a.ThisDNRole = text(doc, "ThisDNRole")
	a.ConnID = text(doc, "ConnID")
	ref, ok := doc["ReferenceID"]
	a.ReferenceID = ok && ref != nil
	a.Time, a.Timed = parseStamp(doc["time"])
	return a
}

// Stamp returns the time of an event in microseconds since the epoch from its seconds and
// useconds, and whether they are in range; AttrsOf reads time with it.
func Stamp(sec, usec int64) (int64, bool) {
	if sec < 0 || sec > maxSeconds || usec < 0 || usec > 999_999 {
		return 0, false
	}
	return sec*1_000_000 + usec, true
}

func text(doc map[string]any, name string) Text {
	v, present := doc[name]
	if !present {
		return Text{}
	}
	s, isString := v.(string)
	if !isString || s == "" {
		return Text{Bad: true}
	}
	return Text{Value: s}
}

func parseStamp(v any) (int64, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return 0, false
	}
	sec, ok1 := integer(m["seconds"])
	usec, ok2 := integer(m["useconds"])
	if !ok1 || !ok2 {
		return 0, false
	}
	return Stamp(sec, usec)
}

// maxSeconds keeps seconds*1e6+useconds inside an int64.
const maxSeconds = math.MaxInt64/1_000_000 - 1

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
