package check

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/finding"
)

func TestParseInitialState(t *testing.T) {
	tests := []struct {
		in      string
		want    InitialState
		wantErr string
	}{
		{in: "unknown", want: Unknown},
		{in: "clean", want: Clean},
		{in: "Clean", wantErr: `parse initial state: "Clean": expected unknown or clean`},
		{in: "", wantErr: `parse initial state: "": expected unknown or clean`},
		{in: "dirty", wantErr: `parse initial state: "dirty": expected unknown or clean`},
	}
	for _, tt := range tests {
		got, err := ParseInitialState(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
			t.Errorf("ParseInitialState(%q): error %v, want %q", tt.in, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("ParseInitialState(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		case tt.wantErr == "" && got.String() != tt.in:
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tt.in)
		}
	}
}

func TestInitialStateText(t *testing.T) {
	b, err := json.Marshal(struct{ S InitialState }{Clean})
	if err != nil || string(b) != `{"S":"clean"}` {
		t.Fatalf("marshal: %s, %v", b, err)
	}
	var v struct{ S InitialState }
	if err := json.Unmarshal([]byte(`{"S":"unknown"}`), &v); err != nil || v.S != Unknown {
		t.Fatalf("unmarshal: %v, %v", v.S, err)
	}
	if err := json.Unmarshal([]byte(`{"S":"dirty"}`), &v); err == nil {
		t.Fatal("unmarshal of dirty: no error")
	}
	if got := InitialState(7).String(); got != "initial-state(7)" {
		t.Errorf("String of an invalid state = %q", got)
	}
}

func TestNewRejectsAnInvalidInitialState(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "initial state 7") {
			t.Fatalf("recovered %v, want a panic naming initial state 7", r)
		}
	}()
	New(WithInitialState(InitialState(7)))
}

func TestDefaultsAreUnknown(t *testing.T) {
	for name, c := range map[string]*Checker{"New()": New(), "zero Checker": {}} {
		logout := line(1, "EventAgentLogout", "ThisDN", "5001", "AgentID", "1001")
		if found := c.Step(logout); len(found) != 0 {
			t.Errorf("%s: a first logout raised %v", name, found)
		}
		again := kafkaAt(0, 1, "t1:1001", line(2, "EventAgentLogout", "ThisDN", "5001", "AgentID", "1001"))
		if found := runAll(c, []Event{again, again}); len(found) != 1 || found[0].Rule != RuleLogoutAfterLogin {
			t.Errorf("%s: two logouts in a partition raised %v, want one %s", name, found, RuleLogoutAfterLogin)
		}
	}
}

// TestRules holds the catalogue to the IDs, severities and fixtures the contract names.
func TestRules(t *testing.T) {
	want := map[string]finding.Severity{
		"agent.logout-after-login": finding.Violation, "agent.state-while-logged-out": finding.Violation,
		"agent.work-mode-category": finding.Warning, "mute.off-reference-id": finding.Violation,
		"mute.off-after-on": finding.Warning, "dn.back-after-out": finding.Violation,
		"dn.event-during-outage": finding.Violation, "dnd.off-after-on": finding.Warning,
		"forward.cancel-after-set": finding.Warning, "hook.on-after-off": finding.Warning,
		"dn.one-agent": finding.Warning, "key.format": finding.Violation, "time.monotonic": finding.Warning,
	}
	expect := loadExpectations(t)
	rules := Rules()
	if len(rules) != len(want) {
		t.Errorf("%d rules, want %d", len(rules), len(want))
	}
	seen := map[string]bool{}
	for _, r := range rules {
		switch {
		case seen[r.ID]:
			t.Errorf("%s: listed twice", r.ID)
		case want[r.ID] == 0:
			t.Errorf("%s: not a rule of the contract", r.ID)
		case r.Severity != want[r.ID]:
			t.Errorf("%s: severity %v, want %v", r.ID, r.Severity, want[r.ID])
		case r.Spec == "" || r.Summary == "":
			t.Errorf("%s: Spec %q, Summary %q: both must be given", r.ID, r.Spec, r.Summary)
		case !strings.Contains(r.Spec, "(spec, ") && !strings.Contains(r.Spec, "fact:"):
			t.Errorf("%s: Spec %q cites neither the spec nor a fact (fact:ID) of fixtures/spec/facts.md", r.ID, r.Spec)
		}
		seen[r.ID] = true
		breaking, ok := expect[r.ID+".break.jsonl"]
		if !ok || !slices.ContainsFunc(breaking.Findings, func(a at) bool { return a.Rule == r.ID }) {
			t.Errorf("%s: no fixture %s.break.jsonl that breaks it", r.ID, r.ID)
		}
		if _, ok := expect[r.ID+".honour.jsonl"]; !ok {
			t.Errorf("%s: no fixture %s.honour.jsonl that honours it", r.ID, r.ID)
		}
	}
	rules[0].ID = "changed"
	if Rules()[0].ID == "changed" {
		t.Error("Rules returns the catalogue itself, not a copy")
	}
}

func TestParseServiceKey(t *testing.T) {
	for _, in := range []string{"agent", "tenant", "unknown"} {
		k, err := ParseServiceKey(in)
		if err != nil || k.String() != in {
			t.Errorf("ParseServiceKey(%q) = %v, %v", in, k, err)
		}
		var back ServiceKey
		if b, _ := k.MarshalText(); back.UnmarshalText(b) != nil || back != k {
			t.Errorf("%v does not survive MarshalText and UnmarshalText", k)
		}
	}
	if _, err := ParseServiceKey("Agent"); err == nil || err.Error() != `parse service key: "Agent": expected agent, tenant or unknown` {
		t.Errorf("ParseServiceKey(Agent): %v", err)
	}
	if got := ServiceKey(9).String(); got != "service-key(9)" {
		t.Errorf("String of an invalid setting = %q", got)
	}
	if New().cfg.serviceKey != ServiceKeyAgent {
		t.Error("the default service key is not agent")
	}
}

func TestNewRejectsAnInvalidServiceKey(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "service key 9") {
			t.Fatalf("recovered %v, want a panic naming service key 9", r)
		}
	}()
	New(WithServiceKey(ServiceKey(9)))
}
