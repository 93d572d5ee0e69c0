package check

import (
	"slices"
	"testing"
)

// TestSequences judges short sequences whose outcome follows from a judgment call of the model,
// each named after the situation it pins down.
func TestSequences(t *testing.T) {
	const dn, conn = "5001", "007102385535e00e"
	login := func(n int, agent string) Event { return line(n, "EventAgentLogin", "ThisDN", dn, "AgentID", agent) }
	logout := func(n int, agent string) Event { return line(n, "EventAgentLogout", "ThisDN", dn, "AgentID", agent) }
	ready := func(n int, agent string) Event {
		if agent == "" {
			return line(n, "EventAgentReady", "ThisDN", dn, "AgentWorkMode", "AgentManualIn")
		}
		return line(n, "EventAgentReady", "ThisDN", dn, "AgentID", agent, "AgentWorkMode", "AgentManualIn")
	}
	unnamed := func(n int, id string) Event { return line(n, id, "ThisDN", dn) }
	tests := []struct {
		name    string
		initial InitialState
		events  []Event
		want    []at
	}{
		{
			name: "after a second agent's login the first is unknown, not logged in", initial: Clean,
			events: []Event{login(1, "1001"), login(2, "1002"), login(3, "1003"), ready(4, "1001")},
			want:   []at{{RuleOneAgent, 2}, {RuleOneAgent, 3}},
		},
		{
			name: "an unnamed event may be that of an agent of unknown state", initial: Clean,
			events: []Event{login(1, "1001"), login(2, "1002"), logout(3, "1002"), ready(4, "")},
			want:   []at{{RuleOneAgent, 2}},
		},
		{
			name: "an unnamed login may be a named agent's", initial: Unknown,
			events: []Event{logout(1, "1001"), unnamed(2, "EventAgentLogin"), ready(3, "1001"), logout(4, "1001")},
		},
		{
			name: "an unnamed logout may be a named agent's", initial: Clean,
			events: []Event{login(1, "1001"), unnamed(2, "EventAgentLogout"), login(3, "1002")},
		},
		{
			name: "unnamed events of one agent are judged among themselves", initial: Unknown,
			events: []Event{unnamed(1, "EventAgentLogin"), unnamed(2, "EventAgentLogout"), unnamed(3, "EventAgentLogout"), ready(4, "")},
			want:   []at{{RuleLogoutAfterLogin, 3}, {RuleStateWhileLoggedOut, 4}},
		},
		{
			name: "a named agent logged in keeps unnamed events lawful", initial: Unknown,
			events: []Event{unnamed(1, "EventAgentLogout"), login(2, "1001"), ready(3, ""), unnamed(4, "EventAgentLogout")},
		},
		{
			name: "an unnamed event of the DN's only agent does not outlive its logout", initial: Clean,
			events: []Event{login(1, "1001"), ready(2, ""), logout(3, "1001"), ready(4, "")},
			want:   []at{{RuleStateWhileLoggedOut, 4}},
		},
		{
			name: "an unnamed agent known before a named login leaves with the named agent", initial: Clean,
			events: []Event{unnamed(1, "EventAgentLogin"), login(2, "1001"), ready(3, ""), logout(4, "1001"), unnamed(5, "EventAgentNotReady")},
			want:   []at{{RuleStateWhileLoggedOut, 5}},
		},
		{
			name: "an unnamed agent seen mid-life leaves with the named agent that logged in after it", initial: Unknown,
			events: []Event{ready(1, ""), login(2, "1001"), logout(3, "1001"), ready(4, "")},
			want:   []at{{RuleStateWhileLoggedOut, 4}},
		},
		{
			name: "with an unknown start an unnamed event after the only named agent's logout is unknown", initial: Unknown,
			events: []Event{login(1, "1001"), ready(2, ""), logout(3, "1001"), ready(4, "")},
		},
		{
			name: "an unnamed event among agents of unknown state is not pinned on one", initial: Clean,
			events: []Event{login(1, "1001"), login(2, "1002"), ready(3, ""), logout(4, "1002"), ready(5, "")},
			want:   []at{{RuleOneAgent, 2}},
		},
		{
			name: "an unnamed login during a named agent's login may be another agent's", initial: Clean,
			events: []Event{login(1, "1001"), unnamed(2, "EventAgentLogin"), logout(3, "1001"), ready(4, "")},
		},
		{
			name: "an on-hook without ConnID ends every call's mute", initial: Clean,
			events: []Event{
				line(1, "EventOffHook", "ThisDN", dn, "ConnID", conn),
				line(2, "EventMuteOn", "ThisDN", dn, "ConnID", conn, "ThisDNRole", "RoleDestination"),
				line(3, "EventOnHook", "ThisDN", dn),
				line(4, "EventMuteOff", "ThisDN", dn, "ConnID", conn, "ThisDNRole", "RoleDestination", "ReferenceID", 1),
			},
			want: []at{{RuleMuteOffAfterOn, 4}},
		},
		{
			name: "an on-hook of another call keeps this call's mute", initial: Clean,
			events: []Event{
				line(1, "EventMuteOn", "ThisDN", dn, "ConnID", conn, "ThisDNRole", "RoleDestination"),
				line(2, "EventOnHook", "ThisDN", dn, "ConnID", "00710238ffffffff"),
				line(3, "EventMuteOff", "ThisDN", dn, "ConnID", conn, "ThisDNRole", "RoleDestination", "ReferenceID", 1),
			},
			want: []at{{RuleHookOnAfterOff, 2}},
		},
		{
			name: "an on-hook whose ConnID is not a string keeps the mute it cannot place", initial: Clean,
			events: []Event{
				line(1, "EventOffHook", "ThisDN", dn),
				line(2, "EventMuteOn", "ThisDN", dn, "ConnID", conn, "ThisDNRole", "RoleDestination"),
				line(3, "EventOnHook", "ThisDN", dn, "ConnID", 7),
				line(4, "EventMuteOff", "ThisDN", dn, "ConnID", conn, "ThisDNRole", "RoleDestination", "ReferenceID", 1),
			},
		},
		{
			name: "a mute-off without a role is not judged against a mute-on", initial: Clean,
			events: []Event{line(1, "EventMuteOff", "ThisDN", dn, "ConnID", conn, "ReferenceID", 1)},
		},
		{
			name: "an agent id that is not a string leaves the agent rules unjudged", initial: Clean,
			events: []Event{line(1, "EventAgentReady", "ThisDN", dn, "AgentID", 1001, "AgentWorkMode", "AgentManualIn")},
		},
		{
			name: "a DN back in service after a repeated outage", initial: Clean,
			events: []Event{
				unnamed(1, "EventDNOutOfService"), unnamed(2, "EventDNOutOfService"), unnamed(3, "EventDNBackInService"),
				unnamed(4, "EventDNBackInService"),
			},
			want: []at{{RuleBackAfterOut, 4}},
		},
		{
			name: "a set after an unknown forward still leaves a cancel unknown", initial: Unknown,
			events: []Event{unnamed(1, "EventForwardSet"), unnamed(2, "EventForwardCancel"), unnamed(3, "EventForwardCancel")},
		},
		{
			name: "a single set cancelled twice", initial: Clean,
			events: []Event{unnamed(1, "EventForwardSet"), unnamed(2, "EventForwardCancel"), unnamed(3, "EventForwardCancel")},
			want:   []at{{RuleForwardCancelAfterSet, 3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := runAll(New(WithInitialState(tt.initial)), tt.events)
			got := make([]at, 0, len(found))
			for _, f := range found {
				got = append(got, at{f.Rule, f.Place.Line})
			}
			if !slices.Equal(got, tt.want) && (len(got) > 0 || len(tt.want) > 0) {
				t.Errorf("got %v, want %v\n%s", got, tt.want, render(found))
			}
		})
	}
}
