package finding_test

import (
	"encoding/json"
	"strings"
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

// TestPrintableKeepsEverythingOnOneLine: text from a record can never start a line of its own,
// nor carry a terminal escape; printable text is left as it is.
func TestPrintableKeepsEverythingOnOneLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"EventDNDOn", "EventDNDOn"},
		{"Grüße, 東京 ✓", "Grüße, 東京 ✓"},
		{"x\n::error title=injected::boom", `x\n::error title=injected::boom`},
		{"a\r\nb\tc", `a\r\nb\tc`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"line\u2028sep\u0085nel", `line\u2028sep\u0085nel`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"nul \x00", `nul \x00`},
		{"::error title=injected::plain", `\x3a:error title=injected::plain`},
		{"   ::warning::x", `   \x3a:warning::x`},
		{"a ::error:: in the middle", "a ::error:: in the middle"},
	} {
		if got := finding.Printable(c.in); got != c.want {
			t.Errorf("Printable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestFindingStringIsOneLine: a finding's text, built from a hostile id, key and file name,
// stays one line.
func TestFindingStringIsOneLine(t *testing.T) {
	f := finding.Finding{Rule: "event.unknown-id", Severity: finding.Violation, Message: "x\n::error title=injected::boom is not an event",
		Place: finding.Place{File: "a\n::error title=file::x.jsonl", Line: 1, Key: "t1:\n::error::", HasKey: true}}
	if got := f.String(); strings.ContainsAny(got, "\n\r") {
		t.Errorf("finding prints more than one line: %q", got)
	}
}
