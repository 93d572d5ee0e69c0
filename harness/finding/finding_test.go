package finding_test

import (
	"encoding/json"
	"testing"

	"github.com/voice-agentstate/conformance/harness/finding"
)

func TestPlaceString(t *testing.T) {
	for _, c := range []struct {
		p    finding.Place
		want string
	}{
		{finding.Place{File: "c.jsonl", Line: 12}, "c.jsonl:12"},
		{finding.Place{File: "c.jsonl", Line: 3, Key: "t1:1001", HasKey: true, Partition: 2, Offset: 41, HasOffset: true}, `c.jsonl:3 (key "t1:1001", partition 2, offset 41)`},
		{finding.Place{Key: "", HasKey: true, Partition: 0, Offset: 0, HasOffset: true}, `(key "", partition 0, offset 0)`},
		{finding.Place{}, ""},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

// TestFindingJSONRoundTrip keeps the report format readable back: zero partition and offset and
// an empty key survive, and unknown coordinates stay unknown.
func TestFindingJSONRoundTrip(t *testing.T) {
	for _, f := range []finding.Finding{
		{Rule: "schema.required", Severity: finding.Violation, Event: "EventAgentReady", Pointer: "/AgentWorkMode",
			Message: "m", Place: finding.Place{File: "f", Line: 1, HasKey: true, HasOffset: true}},
		{Rule: "schema.unknown-attribute", Severity: finding.Warning, Message: "m", Place: finding.Place{File: "f", Line: 2},
			Context: &finding.Place{File: "f", Line: 1, Key: "k", HasKey: true}},
	} {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var back finding.Finding
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.String() != f.String() || back.Place != f.Place || (f.Context != nil && *back.Context != *f.Context) {
			t.Errorf("round trip of %s gave %+v", b, back)
		}
	}
	var s finding.Severity
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Error("unknown severity accepted")
	}
}
