package attr_test

import (
	"encoding/json"
	"testing"

	"github.com/voice-agentstate/conformance/harness/attr"
)

// TestSlotsNameWhatOfReads: the slots the fast path captures by are the members Of reads, one
// each, so that the two readings cannot drift apart by a name.
func TestSlotsNameWhatOfReads(t *testing.T) {
	for k := range attr.NSlots {
		name := attr.SlotName(k)
		if attr.Slot(name) != k {
			t.Errorf("Slot(%q) = %d, want %d", name, attr.Slot(name), k)
		}
		v := any("x")
		if name == "time" {
			v = map[string]any{"seconds": json.Number("1764035100"), "useconds": json.Number("1")}
		}
		if got := attr.Of(map[string]any{name: v}); got == (attr.Values{}) {
			t.Errorf("Of reads nothing of a message holding only %s", name)
		}
	}
	if attr.Slot("Server") != -1 {
		t.Errorf("Slot(Server) = %d, want -1: the rules do not read it", attr.Slot("Server"))
	}
}

// TestOfReadsTextAndTime: a string attribute that is absent reads as nothing, one that is not a
// non-empty string as Bad; time is read only when seconds and useconds are integers in range.
func TestOfReadsTextAndTime(t *testing.T) {
	for _, c := range []struct {
		doc  map[string]any
		want attr.Values
	}{
		{map[string]any{}, attr.Values{}},
		{map[string]any{"ThisDN": ""}, attr.Values{ThisDN: attr.Text{Bad: true}}},
		{map[string]any{"AgentID": json.Number("1001")}, attr.Values{AgentID: attr.Text{Bad: true}}},
		{map[string]any{"ReferenceID": nil}, attr.Values{}},
		{map[string]any{"ReferenceID": json.Number("0")}, attr.Values{ReferenceID: true}},
		{map[string]any{"time": map[string]any{"seconds": json.Number("2"), "useconds": json.Number("3")}}, attr.Values{Time: 2_000_003, Timed: true}},
		{map[string]any{"time": map[string]any{"seconds": json.Number("2"), "useconds": json.Number("1000000")}}, attr.Values{}},
		{map[string]any{"time": map[string]any{"seconds": json.Number("2.5"), "useconds": json.Number("0")}}, attr.Values{}},
	} {
		if got := attr.Of(c.doc); got != c.want {
			t.Errorf("Of(%v) = %+v, want %+v", c.doc, got, c.want)
		}
	}
}
