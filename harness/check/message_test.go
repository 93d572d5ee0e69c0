package check

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// line returns an event read at a line of a capture without Kafka coordinates; attrs are name,
// value pairs, and a C4 event gets Server and a time of 1700000000 plus the line.
func line(n int, id string, attrs ...any) Event {
	doc := map[string]any{"id": id}
	if !noC4(id) {
		doc["Server"] = json.Number("1")
		doc["time"] = map[string]any{"seconds": json.Number(strconv.Itoa(1_700_000_000 + n)), "useconds": json.Number("0")}
	}
	for i := 0; i+1 < len(attrs); i += 2 {
		doc[attrs[i].(string)] = attrs[i+1]
	}
	return Event{ID: id, Attrs: attr.Of(doc), Place: finding.Place{Line: n}}
}

// kafkaAt returns an event read from Kafka: partition p, offset n, the key given.
func kafkaAt(p int32, n int64, key string, ev Event) Event {
	ev.Place = finding.Place{Line: int(n) + 1, Key: key, HasKey: true, Partition: p, Offset: n, HasOffset: true}
	return ev
}

func ctx(p finding.Place) *finding.Place { return &p }

// TestFindingsExplainThemselves asserts every field of the finding of one case per rule family.
func TestFindingsExplainThemselves(t *testing.T) {
	tests := []struct {
		name    string
		initial InitialState
		events  []Event
		want    finding.Finding
	}{
		{
			name: "second logout names the first", initial: Unknown,
			events: []Event{
				line(8, "EventAgentLogin", "ThisDN", "5001", "AgentID", "1001"),
				line(9, "EventAgentLogout", "ThisDN", "5001", "AgentID", "1001"),
				line(10, "EventAgentLogout", "ThisDN", "5001", "AgentID", "1001"),
			},
			want: finding.Finding{
				Rule: RuleLogoutAfterLogin, Severity: finding.Violation, Event: "EventAgentLogout",
				Expected: "a login since the agent's last logout", Found: "agent already logged out",
				Message: "EventAgentLogout: agent 1001 on DN 5001 is already logged out (EventAgentLogout at line 9)",
				Place:   finding.Place{Line: 10}, Context: ctx(finding.Place{Line: 9}),
			},
		},
		{
			name: "first logout after a clean start", initial: Clean,
			events: []Event{line(1, "EventAgentLogout", "ThisDN", "5001", "AgentID", "1001")},
			want: finding.Finding{
				Rule: RuleLogoutAfterLogin, Severity: finding.Violation, Event: "EventAgentLogout",
				Expected: "a login since the agent's last logout", Found: "agent already logged out",
				Message: "EventAgentLogout: agent 1001 on DN 5001 is already logged out (no standing EventAgentLogin; the run assumes a clean start)",
				Place:   finding.Place{Line: 1},
			},
		},
		{
			name: "ready during an outage keyed by the agent on the DN", initial: Unknown,
			events: []Event{
				kafkaAt(3, 40, "t1:1001", line(0, "EventDNOutOfService", "ThisDN", "5001")),
				kafkaAt(3, 41, "t1:1001", line(0, "EventAgentReady", "ThisDN", "5001", "AgentID", "1001", "AgentWorkMode", "AgentManualIn")),
			},
			want: finding.Finding{
				Rule: RuleEventDuringOutage, Severity: finding.Violation, Event: "EventAgentReady",
				Expected: "no EventAgentReady until EventDNBackInService", Found: "DN out of service",
				Message: "EventAgentReady: DN 5001 is out of service (EventDNOutOfService at line 41 (partition 3, offset 40)); until EventDNBackInService only agent login, not-ready and logout, and on-hook may come for it",
				Place:   finding.Place{Line: 42, Key: "t1:1001", HasKey: true, Partition: 3, Offset: 41, HasOffset: true},
				Context: ctx(finding.Place{Line: 41, Partition: 3, Offset: 40, HasOffset: true}),
			},
		},
		{
			name: "a second agent on a DN", initial: Unknown,
			events: []Event{
				line(1, "EventAgentLogin", "ThisDN", "5001", "AgentID", "1001"),
				line(2, "EventAgentLogin", "ThisDN", "5001", "AgentID", "1002"),
			},
			want: finding.Finding{
				Rule: RuleOneAgent, Severity: finding.Warning, Event: "EventAgentLogin", Pointer: "/AgentID",
				Expected: "an EventAgentLogout of agent 1001 first", Found: "agent 1001 logged in on DN 5001",
				Message: "EventAgentLogin: agent 1002 logs in on DN 5001 where agent 1001 is logged in (EventAgentLogin at line 1), with no logout of agent 1001 between",
				Place:   finding.Place{Line: 2}, Context: ctx(finding.Place{Line: 1}),
			},
		},
		{
			name: "key names another agent", initial: Unknown,
			events: []Event{kafkaAt(0, 5, "t1:1002", line(0, "EventAgentLogin", "ThisDN", "5001", "AgentID", "1001", "CustomerID", "t1"))},
			want: finding.Finding{
				Rule: RuleKeyFormat, Severity: finding.Violation, Event: "EventAgentLogin", Pointer: "/AgentID",
				Expected: `agent part "1001" (the AgentID)`, Found: `agent part "1002"`,
				Message: `EventAgentLogin: key "t1:1002" names agent "1002", but AgentID is "1001"`,
				Place:   finding.Place{Line: 6, Key: "t1:1002", HasKey: true, Offset: 5, HasOffset: true},
			},
		},
		{
			name: "time goes back for a key", initial: Unknown,
			events: []Event{
				kafkaAt(1, 0, "t1:1001", line(5, "EventAgentLogin", "ThisDN", "5001", "AgentID", "1001")),
				kafkaAt(1, 1, "t1:1001", line(3, "EventAgentReady", "ThisDN", "5001", "AgentID", "1001", "AgentWorkMode", "AgentAutoIn")),
			},
			want: finding.Finding{
				Rule: RuleTimeMonotonic, Severity: finding.Warning, Event: "EventAgentReady", Pointer: "/time",
				Expected: "a time at or after 1700000005.000000", Found: "1700000003.000000",
				Message: `EventAgentReady: time 1700000003.000000 is before 1700000005.000000 of the previous event with key "t1:1001" (EventAgentLogin at line 1 (partition 1, offset 0))`,
				Place:   finding.Place{Line: 2, Key: "t1:1001", HasKey: true, Partition: 1, Offset: 1, HasOffset: true},
				Context: ctx(finding.Place{Line: 1, Partition: 1, Offset: 0, HasOffset: true}),
			},
		},
		{
			name: "mute-off without ReferenceID", initial: Unknown,
			events: []Event{line(4, "EventMuteOff", "ThisDN", "5001", "ConnID", "007102385535e00e", "ThisDNRole", "RoleObserver")},
			want: finding.Finding{
				Rule: RuleMuteOffReferenceID, Severity: finding.Violation, Event: "EventMuteOff", Pointer: "/ReferenceID",
				Expected: "the ReferenceID of the TSetMuteOff request", Found: "no ReferenceID",
				Message: "EventMuteOff: ReferenceID is missing; it names the TSetMuteOff request that unmuted DN 5001 on call 007102385535e00e",
				Place:   finding.Place{Line: 4},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := runAll(New(WithInitialState(tt.initial)), tt.events)
			if len(found) != 1 {
				t.Fatalf("%d findings, want 1:\n%s", len(found), render(found))
			}
			if !reflect.DeepEqual(found[0], tt.want) {
				t.Errorf("got  %#v\nwant %#v", found[0], tt.want)
			}
		})
	}
}
