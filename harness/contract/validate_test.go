package contract_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
	"github.com/voice-agentstate/conformance/schemas"
)

func TestMessagesThatAreNotEventsOfTheContract(t *testing.T) {
	set := testkit.Builtin(t)
	for _, c := range []struct {
		name, msg, rule string
		sev             finding.Severity
		decoded         bool
	}{
		{"malformed", `{"id":"EventAgentLogin",`, contract.RuleDecode, finding.Violation, false},
		{"trailing data", `{"id":"EventDNDOn"} {}`, contract.RuleDecode, finding.Violation, false},
		{"top-level array", `[{"id":"EventDNDOn"}]`, contract.RuleNotObject, finding.Violation, false},
		{"top-level number", `42`, contract.RuleNotObject, finding.Violation, false},
		{"top-level string", `"EventDNDOn"`, contract.RuleNotObject, finding.Violation, false},
		{"deep nesting", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), contract.RuleDecode, finding.Violation, false},
		{"no id", `{"ThisDN":"5001"}`, contract.RuleMissingID, finding.Violation, true},
		{"numeric id", `{"id":7}`, contract.RuleUnknownID, finding.Violation, true},
		{"unknown id", `{"id":"EventAgentBusy","ThisDN":"5001"}`, contract.RuleUnknownID, finding.Violation, true},
		{"number too large for math/big (crashed jsonschema/v5)", `{"id":"EventAgentReady","time":{"seconds":1e1000001}}`, contract.RuleNumber, finding.Violation, true},
		{"number with an exponent past float64 (slow in math/big)", `{"id":"EventAgentReady","time":{"seconds":1e999999}}`, contract.RuleNumber, finding.Violation, true},
		{"number of 65 digits", `{"id":"EventAgentReady","ReferenceID":` + strings.Repeat("9", 65) + `}`, contract.RuleNumber, finding.Violation, true},
		{"duplicate member, nested", `{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"seconds":1764035101,"useconds":0}}`, contract.RuleDuplicateKey, finding.Violation, true},
		{"documented but uncovered id", `{"id":"EventQueueLogout","ThisDN":"5001"}`, contract.RuleNotCovered, finding.Warning, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := set.Validate([]byte(c.msg))
			if res.Decoded() != c.decoded {
				t.Errorf("decoded = %v, want %v", res.Decoded(), c.decoded)
			}
			if len(res.Findings) != 1 || res.Findings[0].Rule != c.rule || res.Findings[0].Severity != c.sev {
				t.Fatalf("want one %s %s, got %v", c.sev, c.rule, res.Findings)
			}
		})
	}
}

// TestFindingWording pins the sentences users read, since CI logs and their scripts depend on them.
func TestFindingWording(t *testing.T) {
	set := testkit.Builtin(t)
	for _, c := range []struct{ msg, want string }{
		{`{"id":"EventAgentReady","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0}}`,
			"EventAgentReady: mandatory attribute AgentWorkMode is missing"},
		{`{"id":"EventDNDOn","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":1000000}}`,
			"EventDNDOn: attribute time.useconds: expected a number <= 999999, found 1000000"},
		{`{"id":"EventDNDOn","Server":1,"ThisDN":"5001","time":{"seconds":1764035100}}`,
			"EventDNDOn: attribute time lacks its mandatory member useconds"},
		{`{"id":"EventDNDOn","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"ReferenceID":"12"}`,
			`EventDNDOn: attribute ReferenceID: expected integer, found string "12"`},
		{`{"id":"EventAgentLogin","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"AgentId":"1001"}`,
			"EventAgentLogin: attribute AgentId is not part of the contract (did you mean AgentID?)"},
		{`{"id":"EventAgentLogin","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"Agent ID":"1001"}`,
			"EventAgentLogin: attribute Agent ID is not part of the contract (did you mean AgentID?)"},
		{`{"id":"EventMuteOn","ThisDN":"5001","ThisDNRole":"RoleDestination","ConnID":"12"}`,
			"EventMuteOn: attribute ConnID: expected a string matching ^[0-9a-fA-F]{16}$, found \"12\""},
		{`{"id":"EventAgentReady","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"AgentWorkMode":"Ready"}`,
			`EventAgentReady: attribute AgentWorkMode: expected one of "AgentWorkModeUnknown", "AgentManualIn", "AgentAutoIn", "AgentLegalGuard", "AgentAfterCallWork", "AgentAuxWork", "AgentNoCallDisconnect", "AgentWalkAway", "AgentReturnBack", found "Ready"`},
		{`{"id":"EventOffHook","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"CallState":"Ok"}`,
			`EventOffHook: attribute CallState: expected one of "CallStateOk", "CallStateTransferred", "CallStateConferenced", "CallStateGeneralError", "CallStateSystemError", "CallStateRemoteRelease", "CallStateBusy", "CallStateNoAnswer", "CallStateSitDetected", … (34 values in all), found "Ok"`},
	} {
		res := set.Validate([]byte(c.msg))
		if len(res.Findings) != 1 || res.Findings[0].Message != c.want {
			t.Errorf("message %s:\n got  %v\n want %q", c.msg, res.Findings, c.want)
		}
	}
}

// writeSchemas copies the built-in schemas to a temporary directory, letting edit change them.
func writeSchemas(t *testing.T, edit func(name string, b []byte) []byte) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := schemas.FS.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := schemas.FS.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if b = edit(e.Name(), b); b != nil {
			if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// TestSchemasDirReplacesTheBuiltInSet shows a team with an integer work-mode encoding getting
// its own verdicts from its own schema directory.
func TestSchemasDirReplacesTheBuiltInSet(t *testing.T) {
	dir := writeSchemas(t, func(name string, b []byte) []byte {
		if name != schemas.Defs {
			return b
		}
		var defs map[string]any
		if err := json.Unmarshal(b, &defs); err != nil {
			t.Fatal(err)
		}
		defs["$defs"].(map[string]any)["AgentWorkMode"] = map[string]any{"type": "integer", "minimum": 0, "maximum": 7}
		out, _ := json.Marshal(defs)
		return out
	})
	set, err := contract.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.Source() != dir {
		t.Errorf("source = %q, want %q", set.Source(), dir)
	}
	msg := []byte(`{"id":"EventAgentReady","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"AgentWorkMode":1}`)
	if res := set.Validate(msg); len(res.Findings) != 0 {
		t.Errorf("custom schemas: want no finding, got %v", res.Findings)
	}
	if res := testkit.Builtin(t).Validate(msg); len(res.Findings) != 1 || res.Findings[0].Rule != "schema.enum" {
		t.Errorf("built-in schemas: want one schema.enum, got %v", res.Findings)
	}
}

func TestSchemasDirErrorsSayWhatIsWrong(t *testing.T) {
	for _, c := range []struct {
		name string
		dir  func(t *testing.T) string
		want string
	}{
		{"not found", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }, "no such file"},
		{"empty", func(t *testing.T) string { return t.TempDir() }, "no *.json files found"},
		{"an event missing", func(t *testing.T) string {
			return writeSchemas(t, func(name string, b []byte) []byte {
				if name == "EventMuteOff.schema.json" || name == schemas.Topic {
					return nil
				}
				return b
			})
		}, "no schema for EventMuteOff"},
		{"an event twice", func(t *testing.T) string {
			dir := writeSchemas(t, func(_ string, b []byte) []byte { return b })
			b, _ := schemas.FS.ReadFile("EventMuteOff.schema.json")
			b = []byte(strings.Replace(string(b), "EventMuteOff.schema.json", "copy.schema.json", 1))
			os.WriteFile(filepath.Join(dir, "copy.schema.json"), b, 0o600)
			return dir
		}, "describe EventMuteOff"},
		{"a reference outside the set", func(t *testing.T) string {
			return writeSchemas(t, func(name string, b []byte) []byte {
				if name == schemas.Defs {
					return nil
				}
				return b
			})
		}, "is not in the schema set"},
		{"not a schema", func(t *testing.T) string {
			return writeSchemas(t, func(name string, b []byte) []byte {
				if name == "EventDNDOn.schema.json" {
					return []byte(`{"type": 5}`)
				}
				return b
			})
		}, "compile EventDNDOn.schema.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := contract.LoadDir(c.dir(t))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
		})
	}
}

// TestTopicSchemaDispatchesOnID proves the topic-level schema, kept for users in other languages,
// routes to the event schemas as the Go router does.
func TestTopicSchemaDispatchesOnID(t *testing.T) {
	set := testkit.Builtin(t)
	for _, fx := range loadEventFixtures(t) {
		if err := set.ValidateTopic(fx.Full); err != nil {
			t.Errorf("%s full: topic schema rejects it: %v", fx.Event, err)
		}
		for _, c := range fx.Invalid {
			if c.Want[0].Severity == finding.Warning.String() {
				continue
			}
			if err := set.ValidateTopic(c.Message); err == nil {
				t.Errorf("%s / %s: topic schema accepts it", fx.Event, c.Name)
			}
		}
	}
	if err := set.ValidateTopic([]byte(`{"id":"EventQueueLogout"}`)); err != nil {
		t.Errorf("uncovered event: %v", err)
	}
	if err := set.ValidateTopic([]byte(`{"id":"EventAgentBusy"}`)); err == nil {
		t.Error("unknown event accepted")
	}
}
