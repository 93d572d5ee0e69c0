// Package attr defines the one form in which an event crosses from the contract to the sequence
// rules: the attributes package check reads of a message. Package contract returns them for every
// event it decodes, read from the document or, on its fast path, from the raw bytes; package check
// takes nothing else, so it never decodes a message and never depends on the contract.
package attr

import (
	"encoding/json"
	"math"
)

// Values is what the sequence rules (package check) read of one message. Of reads it from a
// decoded document; the contract's fast path reads it from the raw bytes, and must read exactly
// what Of would, which its differential tests prove.
type Values struct {
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

// Of reads the attributes the rules use from a message decoded by encoding/json.
func Of(doc map[string]any) Values {
	var a Values
	a.ThisDN = text(doc, slotNames[SlotThisDN])
	a.AgentID = text(doc, slotNames[SlotAgentID])
	a.CustomerID = text(doc, slotNames[SlotCustomerID])
	a.AgentWorkMode = text(doc, slotNames[SlotAgentWorkMode])
	a.ThisDNRole = text(doc, slotNames[SlotThisDNRole])
	a.ConnID = text(doc, slotNames[SlotConnID])
	ref, ok := doc[slotNames[SlotReferenceID]]
	a.ReferenceID = ok && ref != nil
	a.Time, a.Timed = parseStamp(doc[slotNames[SlotTime]])
	return a
}

// Stamp returns the time of an event in microseconds since the epoch from its seconds and
// useconds, and whether they are in range; Of reads time with it.
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

// The slots of the top-level members Values is read from, so that a reader of raw bytes (the
// contract's fast path) can note where each is without a list of its own.
const (
	SlotThisDN = iota
	SlotAgentID
	SlotCustomerID
	SlotAgentWorkMode
	SlotThisDNRole
	SlotConnID
	SlotReferenceID
	SlotTime
	NSlots // how many slots there are
)

// slotNames are the member names of the slots, in slot order: the names Of reads.
var slotNames = [NSlots]string{
	SlotThisDN: "ThisDN", SlotAgentID: "AgentID", SlotCustomerID: "CustomerID",
	SlotAgentWorkMode: "AgentWorkMode", SlotThisDNRole: "ThisDNRole", SlotConnID: "ConnID",
	SlotReferenceID: "ReferenceID", SlotTime: "time",
}

// Slot returns the slot of a top-level member name, or -1 when Values does not read it.
func Slot(name string) int {
	for k, n := range slotNames {
		if n == name {
			return k
		}
	}
	return -1
}

// SlotName returns the member name of a slot.
func SlotName(slot int) string { return slotNames[slot] }
