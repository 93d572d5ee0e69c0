package check

import (
	"slices"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// RuleLogoutAfterLogin asks for a login of the agent on the DN since its last logout before an
// EventAgentLogout. facts.md: "Ready / NotReady / Logout presuppose a login since the last
// logout."
const RuleLogoutAfterLogin = "agent.logout-after-login"

// RuleStateWhileLoggedOut forbids EventAgentReady and EventAgentNotReady for an agent logged out
// of the DN. facts.md: "Ready / NotReady / Logout presuppose a login since the last logout.
// Platforms reject Ready/NotReady while logged out."
const RuleStateWhileLoggedOut = "agent.state-while-logged-out"

// RuleWorkModeCategory asks EventAgentReady for a ready work mode and EventAgentNotReady for a
// not-ready one. facts.md: "Work-mode categories: ready modes are ManualIn, AutoIn, ReturnBack;
// not-ready modes are AfterCallWork, AuxWork, LegalGuard, NoCallDisconnect, WalkAway; Unknown fits
// both."
const RuleWorkModeCategory = "agent.work-mode-category"

// RuleMuteOffReferenceID asks every EventMuteOff for a ReferenceID. Spec, EventMuteOff: "The
// ReferenceID attribute is set to indicate the corresponding TSetMuteOff() function."
const RuleMuteOffReferenceID = "mute.off-reference-id"

// RuleMuteOffAfterOn asks for an EventMuteOn of the DN on the call before its EventMuteOff, except
// for an observer. facts.md: "A supervisor (RoleObserver) joins a monitored call already muted, so
// a MuteOff with no prior MuteOn is legal for an observer; a call ending also ends mute without an
// EventMuteOff."
const RuleMuteOffAfterOn = "mute.off-after-on"

// RuleBackAfterOut asks for an EventDNOutOfService of the DN before its EventDNBackInService.
// Spec, EventDNBackInService: "This event is generated when a DN, which has been out of service
// and for which the EventDNOutOfService was previously distributed, returns to service."
const RuleBackAfterOut = "dn.back-after-out"

// RuleEventDuringOutage forbids events for an out-of-service DN other than agent login,
// not-ready, logout, on-hook and a repeated EventDNOutOfService. Spec, EventDNBackInService:
// "Between EventDNOutOfService and EventDNBackInService, the client is not able to perform any
// requests, and no events should be expected during this outage."
const RuleEventDuringOutage = "dn.event-during-outage"

// RuleDNDOffAfterOn asks for an EventDNDOn before an EventDNDOff. facts.md: "DND, forwarding and
// hook state are per-DN on/off pairs; a redundant repeat is suspicious but not proven wrong."
const RuleDNDOffAfterOn = "dnd.off-after-on"

// RuleForwardCancelAfterSet asks for a standing EventForwardSet before an EventForwardCancel.
// facts.md: "Forwarding is set per mode, so several EventForwardSet may stand at once."
const RuleForwardCancelAfterSet = "forward.cancel-after-set"

// RuleHookOnAfterOff asks for an EventOffHook before an EventOnHook. facts.md: "DND, forwarding
// and hook state are per-DN on/off pairs; a redundant repeat is suspicious but not proven wrong."
const RuleHookOnAfterOff = "hook.on-after-off"

// RuleOneAgent warns of a second agent logging in on a DN where another is logged in. facts.md:
// "One agent per DN at a time: a login of agent B on a DN where A is logged in is rejected or
// first logs A out."
const RuleOneAgent = "dn.one-agent"

// RuleKeyFormat asks the Kafka key to follow the documented template. facts.md: "Message key
// template `{tenant_id}:{agent_id}`."
const RuleKeyFormat = "key.format"

// RuleTimeMonotonic warns when time goes backwards for one key in one partition. facts.md: "all
// events of one agent of one tenant are in one partition, in order"; spec: "time: The structure
// specifies event generation time".
const RuleTimeMonotonic = "time.monotonic"

// Rule is one invariant of the catalogue.
type Rule struct {
	ID       string           // stable, e.g. "agent.logout-after-login"
	Severity finding.Severity // Violation fails the run; Warning reports what is only suspicious
	Summary  string           // what the rule asks, in one sentence
	Spec     string           // the sentence of the spec or of facts.md the rule comes from
	_        struct{}
}

var catalogue = []Rule{
	{
		ID: RuleLogoutAfterLogin, Severity: finding.Violation,
		Summary: "EventAgentLogout comes only after a login of the agent on the DN since its last logout; a repeated EventAgentLogin is legal.",
		Spec:    "Ready / NotReady / Logout presuppose a login since the last logout. (facts.md; spec, EventAgentLogin: \"Multiple agent logins are allowed for the same DN and agent ID combination\")",
	},
	{
		ID: RuleStateWhileLoggedOut, Severity: finding.Violation,
		Summary: "EventAgentReady and EventAgentNotReady come only while the agent is logged in on the DN; after a logout only a new login may follow.",
		Spec:    "Ready / NotReady / Logout presuppose a login since the last logout. Platforms reject Ready/NotReady while logged out. (facts.md)",
	},
	{
		ID: RuleWorkModeCategory, Severity: finding.Warning,
		Summary: "EventAgentReady carries a ready work mode and EventAgentNotReady a not-ready one; AgentWorkModeUnknown fits both.",
		Spec:    "Work-mode categories: ready modes are ManualIn, AutoIn, ReturnBack; not-ready modes are AfterCallWork, AuxWork, LegalGuard, NoCallDisconnect, WalkAway; Unknown fits both. (facts.md)",
	},
	{
		ID: RuleMuteOffReferenceID, Severity: finding.Violation,
		Summary: "EventMuteOff carries the ReferenceID of the TSetMuteOff request that caused it.",
		Spec:    "The ReferenceID attribute is set to indicate the corresponding TSetMuteOff() function. (spec, EventMuteOff)",
	},
	{
		ID: RuleMuteOffAfterOn, Severity: finding.Warning,
		Summary: "EventMuteOff follows an EventMuteOn of the DN on the same call, unless ThisDNRole is RoleObserver; an EventOnHook ends the call and its mute state.",
		Spec:    "A supervisor (RoleObserver) joins a monitored call already muted, so a MuteOff with no prior MuteOn is legal for an observer; a call ending also ends mute without an EventMuteOff. (facts.md)",
	},
	{
		ID: RuleBackAfterOut, Severity: finding.Violation,
		Summary: "EventDNBackInService comes only after an EventDNOutOfService of the DN; a repeated EventDNOutOfService is legal.",
		Spec:    "This event is generated when a DN, which has been out of service and for which the EventDNOutOfService was previously distributed, returns to service. (spec, EventDNBackInService)",
	},
	{
		ID: RuleEventDuringOutage, Severity: finding.Violation,
		Summary: "While a DN is out of service only EventAgentLogin, EventAgentNotReady, EventAgentLogout, EventOnHook and a repeated EventDNOutOfService come for it.",
		Spec:    "Between EventDNOutOfService and EventDNBackInService, the client is not able to perform any requests, and no events should be expected during this outage. (spec, EventDNBackInService; agent login and the events that report the outage's consequences are the documented exceptions)",
	},
	{
		ID: RuleDNDOffAfterOn, Severity: finding.Warning,
		Summary: "EventDNDOff follows an EventDNDOn of the DN.",
		Spec:    "DND, forwarding and hook state are per-DN on/off pairs; a redundant repeat is suspicious but not proven wrong. (facts.md)",
	},
	{
		ID: RuleForwardCancelAfterSet, Severity: finding.Warning,
		Summary: "EventForwardCancel comes while some EventForwardSet of the DN stands; it carries no mode, so it is questioned only when none is known to stand.",
		Spec:    "Forwarding is set per mode, so several EventForwardSet may stand at once. (facts.md)",
	},
	{
		ID: RuleHookOnAfterOff, Severity: finding.Warning,
		Summary: "EventOnHook follows an EventOffHook of the DN.",
		Spec:    "DND, forwarding and hook state are per-DN on/off pairs; a redundant repeat is suspicious but not proven wrong. (facts.md)",
	},
	{
		ID: RuleOneAgent, Severity: finding.Warning,
		Summary: "An agent logs in on a DN only when no other agent is known logged in on it.",
		Spec:    "One agent per DN at a time: a login of agent B on a DN where A is logged in is rejected or first logs A out. (facts.md, from GenEM)",
	},
	{
		ID: RuleKeyFormat, Severity: finding.Violation,
		Summary: "The Kafka key is {tenant_id}:{agent_id}: it has the ':' separator, its agent part is the payload's AgentID and its tenant part the payload's CustomerID, when the payload has them. A record with no key (a null key from observe, or \"key\": null in a kcat envelope) breaks it: Kafka's partitioner then scatters an agent's events over partitions, out of order. Plain JSON Lines, and envelopes without a key member, say nothing of the key and are not judged by it.",
		Spec:    "Message key template {tenant_id}:{agent_id}. (facts.md, documented)",
	},
	{
		ID: RuleTimeMonotonic, Severity: finding.Warning,
		Summary: "time does not go backwards from one event to the next of the same key in a partition (of the same DN in a capture without keys).",
		Spec:    "The structure specifies event generation time that is expressed in elapsed seconds and microseconds since 00:00 GMT, January 1, 1970 (zero hour). (spec, time); all events of one agent of one tenant are in one partition, in order. (facts.md)",
	},
}

var severities = func() map[string]finding.Severity {
	m := make(map[string]finding.Severity, len(catalogue))
	for _, r := range catalogue {
		m[r.ID] = r.Severity
	}
	return m
}()

// Rules lists the invariant catalogue in a stable order.
func Rules() []Rule { return slices.Clone(catalogue) }
