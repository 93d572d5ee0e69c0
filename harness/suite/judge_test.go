package suite

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/collect"
)

// TestATimeInWholeSecondsIsOnTime: a producer that stamps its events with seconds alone
// (useconds 0), or rounds them up, is not a clock fault, even with no tolerance at all.
func TestATimeInWholeSecondsIsOnTime(t *testing.T) {
	began := time.Unix(1796164359, 757040930)
	o := Outcome{Began: began, Ended: began.Add(time.Millisecond)}
	for _, sec := range []int64{1796164359, 1796164360} {
		ev := collect.Event{ID: "EventDNDOn", Doc: map[string]any{"time": map[string]any{"seconds": json.Number(strconv.FormatInt(sec, 10)), "useconds": json.Number("0")}}}
		if s := (judge{}).timeOf(o, ev); s != "" {
			t.Errorf("seconds %d: %s", sec, s)
		}
	}
	late := collect.Event{ID: "EventDNDOn", Doc: map[string]any{"time": map[string]any{"seconds": json.Number("1796164361"), "useconds": json.Number("0")}}}
	if s := (judge{}).timeOf(o, late); s == "" {
		t.Error("a time a second after the window's last second passed")
	}
}

// TestAPhysicalEventMayCarryReferenceIDZero: 0 names no request (the suite never issues it), so
// a physical event stamped with it claims none; any other ReferenceID on it does.
func TestAPhysicalEventMayCarryReferenceIDZero(t *testing.T) {
	o := Outcome{Step: Step{Physical: true, ReferenceID: 8}}
	for ref, lawful := range map[string]bool{"0": true, "8": false, "3": false} {
		ev := collect.Event{ID: "EventOffHook", Doc: map[string]any{"ReferenceID": json.Number(ref)}}
		if got := (judge{}).referenceOf(o, ev) == ""; got != lawful {
			t.Errorf("an off-hook's event with ReferenceID %s: lawful %v, want %v", ref, got, lawful)
		}
	}
}
