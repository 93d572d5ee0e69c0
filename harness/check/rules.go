package check

import (
	"slices"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// The IDs of the sequence rules. What each rule asks, and the spec's sentence or the facts
// (fact:ID, fixtures/spec/facts.md) it rests on, are said once: in its entry in the catalogue
// below (Rules), which the README's table of sequence rules is held to.
const (
	// RuleLogoutAfterLogin is the ID of the catalogue entry agent.logout-after-login.
	RuleLogoutAfterLogin = "agent.logout-after-login"
	// RuleStateWhileLoggedOut is the ID of the catalogue entry agent.state-while-logged-out.
	RuleStateWhileLoggedOut = "agent.state-while-logged-out"
	// RuleWorkModeCategory is the ID of the catalogue entry agent.work-mode-category.
	RuleWorkModeCategory = "agent.work-mode-category"
	// RuleMuteOffReferenceID is the ID of the catalogue entry mute.off-reference-id.
	RuleMuteOffReferenceID = "mute.off-reference-id"
	// RuleMuteOffAfterOn is the ID of the catalogue entry mute.off-after-on.
	RuleMuteOffAfterOn = "mute.off-after-on"
	// RuleBackAfterOut is the ID of the catalogue entry dn.back-after-out.
	RuleBackAfterOut = "dn.back-after-out"
	// RuleEventDuringOutage is the ID of the catalogue entry dn.event-during-outage.
	RuleEventDuringOutage = "dn.event-during-outage"
	// RuleDNDOffAfterOn is the ID of the catalogue entry dnd.off-after-on.
	RuleDNDOffAfterOn = "dnd.off-after-on"
	// RuleForwardCancelAfterSet is the ID of the catalogue entry forward.cancel-after-set.
	RuleForwardCancelAfterSet = "forward.cancel-after-set"
	// RuleHookOnAfterOff is the ID of the catalogue entry hook.on-after-off.
	RuleHookOnAfterOff = "hook.on-after-off"
	// RuleOneAgent is the ID of the catalogue entry dn.one-agent.
	RuleOneAgent = "dn.one-agent"
	// RuleKeyFormat is the ID of the catalogue entry key.format.
	RuleKeyFormat = "key.format"
	// RuleTimeMonotonic is the ID of the catalogue entry time.monotonic.
	RuleTimeMonotonic = "time.monotonic"
)

// Rule is one invariant of the catalogue.
type Rule struct {
	ID       string           // stable, e.g. "agent.logout-after-login"
	Severity finding.Severity // Violation fails the run; Warning reports what is only suspicious
	Summary  string           // what the rule asks, in one sentence
	Spec     string           // where the rule comes from: the spec's sentence, or the facts (fact:ID) of fixtures/spec/facts.md
	_        struct{}
}

var catalogue = []Rule{
	{
		ID: RuleLogoutAfterLogin, Severity: finding.Violation,
		Summary: "EventAgentLogout comes only after a login of the agent on the DN since its last logout; a repeated EventAgentLogin is legal.",
		Spec:    "A logout presupposes a login since the last logout (fact:login-first, fact:logout-final); a login may repeat (fact:login-repeats; spec, EventAgentLogin: \"Multiple agent logins are allowed for the same DN and agent ID combination\").",
	},
	{
		ID: RuleStateWhileLoggedOut, Severity: finding.Violation,
		Summary: "EventAgentReady and EventAgentNotReady come only while the agent is logged in on the DN; after a logout only a new login may follow.",
		Spec:    "Ready and not-ready presuppose a login since the last logout; platforms refuse them for a logged-out agent (fact:login-first).",
	},
	{
		ID: RuleWorkModeCategory, Severity: finding.Warning,
		Summary: "EventAgentReady carries a ready work mode and EventAgentNotReady a not-ready one; AgentWorkModeUnknown fits both.",
		Spec:    "Each work mode but Unknown is either a ready or a not-ready one (fact:work-mode-categories).",
	},
	{
		ID: RuleMuteOffReferenceID, Severity: finding.Violation,
		Summary: "EventMuteOff carries the ReferenceID of the TSetMuteOff request that caused it.",
		Spec:    "The ReferenceID attribute is set to indicate the corresponding TSetMuteOff() function. (spec, EventMuteOff; fact:mute-off-reference)",
	},
	{
		ID: RuleMuteOffAfterOn, Severity: finding.Warning,
		Summary: "EventMuteOff follows an EventMuteOn of the DN on the same call, unless ThisDNRole is RoleObserver; an EventOnHook ends the call and its mute state.",
		Spec:    "An observer joins a call muted (fact:observer-joins-muted); the end of a call ends its mute with no EventMuteOff (fact:call-end-unmutes).",
	},
	{
		ID: RuleBackAfterOut, Severity: finding.Violation,
		Summary: "EventDNBackInService comes only after an EventDNOutOfService of the DN; a repeated EventDNOutOfService is legal.",
		Spec:    "This event is generated when a DN, which has been out of service and for which the EventDNOutOfService was previously distributed, returns to service. (spec, EventDNBackInService; fact:outage-pair)",
	},
	{
		ID: RuleEventDuringOutage, Severity: finding.Violation,
		Summary: "While a DN is out of service only EventAgentLogin, EventAgentNotReady, EventAgentLogout, EventOnHook and a repeated EventDNOutOfService come for it.",
		Spec:    "Between EventDNOutOfService and EventDNBackInService, the client is not able to perform any requests, and no events should be expected during this outage. (spec, EventDNBackInService; the exceptions are fact:outage-quiet and fact:outage-pair)",
	},
	{
		ID: RuleDNDOffAfterOn, Severity: finding.Warning,
		Summary: "EventDNDOff follows an EventDNDOn of the DN.",
		Spec:    "Do-not-disturb and the hook are per-DN on/off states; a repeat is suspicious but not proven wrong (fact:on-off-pairs).",
	},
	{
		ID: RuleForwardCancelAfterSet, Severity: finding.Warning,
		Summary: "EventForwardCancel comes while some EventForwardSet of the DN stands; it carries no mode, so it is questioned only when none is known to stand.",
		Spec:    "Forwarding is a per-DN on/off state (fact:on-off-pairs), set mode by mode, so several EventForwardSet may stand at once (fact:forward-per-mode).",
	},
	{
		ID: RuleHookOnAfterOff, Severity: finding.Warning,
		Summary: "EventOnHook follows an EventOffHook of the DN.",
		Spec:    "Do-not-disturb and the hook are per-DN on/off states; a repeat is suspicious but not proven wrong (fact:on-off-pairs).",
	},
	{
		ID: RuleOneAgent, Severity: finding.Warning,
		Summary: "An agent logs in on a DN only when no other agent is known logged in on it.",
		Spec:    "A DN has at most one agent logged in (fact:one-agent-per-dn).",
	},
	{
		ID: RuleKeyFormat, Severity: finding.Violation,
		Summary: "The Kafka key is {tenant_id}:{agent_id}: it has the ':' separator, its agent part is the payload's AgentID and its tenant part the payload's CustomerID, when the payload has them. A record with no key (a null key from observe, or \"key\": null in a kcat envelope) breaks it: Kafka's partitioner then scatters an agent's events over partitions, out of order. Plain JSON Lines, and envelopes without a key member, say nothing of the key and are not judged by it.",
		Spec:    "Records are keyed {tenant_id}:{agent_id} (fact:key-template), which keeps an agent's events in one partition (fact:partition-order).",
	},
	{
		ID: RuleTimeMonotonic, Severity: finding.Warning,
		Summary: "time does not go backwards from one event to the next of the same key in a partition (of the same DN in a capture without keys).",
		Spec:    "The structure specifies event generation time that is expressed in elapsed seconds and microseconds since 00:00 GMT, January 1, 1970 (zero hour). (spec, time); an agent's events are in one partition, in order (fact:partition-order).",
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
