package sut

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/voice-agentstate/conformance/harness/drive"
)

// Fault is a way the reference producer can break exactly one part of the contract, to prove
// that the suite catches a producer that does. Each shows in the published stream of drivetest.Tour:
// as events altered, added or, for silent-logout-on-outage, missing.
type Fault struct {
	Name    string // as WithFault and AGENTSTATE_FAULT take it
	Summary string // what it breaks, in one line
	Rule    string // the suite's rule that catches it; "" when no rule of the suite does yet
	_       struct{}
}

// The fault names. They are part of the user interface.
const (
	FaultMuteOffWithoutRef  = "muteoff-without-referenceid"
	FaultLogoutWithoutLogin = "logout-without-login"
	FaultReadyWithoutMode   = "ready-without-workmode"
	FaultMissingTime        = "missing-time"
	FaultThisDNNumber       = "wrong-type-thisdn"
	FaultBackWithoutOut     = "backinservice-without-outofservice"
	FaultEventDuringOutage  = "event-during-outage"
	FaultWrongKey           = "wrong-key"
	FaultRefNotEchoed       = "referenceid-not-echoed"
	FaultAgentIDMissing     = "agentid-missing"
	FaultSilent             = "silent"
	FaultUnknownWorkMode    = "unknown-workmode"
	FaultMuteOnWithoutConn  = "muteon-without-connid"
	// FaultTimeInMilliseconds: time.seconds holds milliseconds since the epoch.
	FaultTimeInMilliseconds = "time-in-milliseconds"
	// FaultRefOnPhysical: the events of physical stimuli echo the ReferenceID the harness gave
	// the stimulus for its log.
	FaultRefOnPhysical = "referenceid-on-physical-event"
	// FaultAgentOnTwoPartitions: events are spread round-robin over the partitions, whatever the
	// key, so one agent's events land on several.
	FaultAgentOnTwoPartitions = "agent-on-two-partitions"
	// FaultCustomerIDNotKeyTenant: CustomerID is not the tenant id the key starts with.
	FaultCustomerIDNotKeyTenant = "customerid-not-key-tenant"
	// FaultMuteOffOnHangUp: the hang-up of a muted call publishes an EventMuteOff.
	FaultMuteOffOnHangUp = "muteoff-on-hangup"
	// FaultMuteKept: a muted call's mute outlives it.
	FaultMuteKept = "mute-kept-after-hangup"
	// FaultSilentLogout: an outage logs the agent out without its events.
	FaultSilentLogout = "silent-logout-on-outage"
)

// faultSpec is a fault and, for one that alters messages, how, knowing the request answered. The
// faults of behaviour (logout-without-login, backinservice-without-outofservice,
// event-during-outage, silent, muteoff-on-hangup, mute-kept-after-hangup, silent-logout-on-outage)
// are decided where the producer answers requests, and agent-on-two-partitions where it publishes.
type faultSpec struct {
	Fault
	alter func(p *Producer, in cause, m *message)
}

// ownRefBase starts the ReferenceIDs of referenceid-not-echoed far above any the harness issues,
// so that drive.RefIDs.Issued tells them apart.
const ownRefBase = 1_000_000_000

// unknownWorkMode is the value unknown-workmode writes: an agent state where a work mode belongs.
const unknownWorkMode = "AgentReady"

var faults = []faultSpec{
	{Fault{Name: FaultMuteOffWithoutRef, Rule: "mute.off-reference-id",
		Summary: "EventMuteOff lacks the ReferenceID of the TSetMuteOff request that caused it"},
		func(_ *Producer, _ cause, m *message) { m.drop(evMuteOff, "ReferenceID") }},
	{Fault{Name: FaultLogoutWithoutLogin, Rule: "agent.logout-after-login",
		Summary: "a logout of an agent not logged in on the DN (e.g. a second logout) publishes EventAgentLogout instead of being refused"}, nil},
	{Fault{Name: FaultReadyWithoutMode, Rule: "schema.required",
		Summary: "EventAgentReady lacks its mandatory AgentWorkMode"},
		func(_ *Producer, _ cause, m *message) { m.drop(evReady, "AgentWorkMode") }},
	{Fault{Name: FaultMissingTime, Rule: "schema.required",
		Summary: "every event lacks its mandatory time"},
		func(_ *Producer, _ cause, m *message) { delete(m.attrs, "time") }},
	{Fault{Name: FaultThisDNNumber, Rule: "schema.type",
		Summary: "ThisDN is a JSON number instead of a string"},
		func(_ *Producer, _ cause, m *message) { m.attrs["ThisDN"] = dnNumber(m.attrs["ThisDN"].(string)) }},
	{Fault{Name: FaultBackWithoutOut, Rule: "dn.back-after-out",
		Summary: "back-in-service of a DN in service publishes EventDNBackInService with no EventDNOutOfService before it"}, nil},
	{Fault{Name: FaultEventDuringOutage, Rule: "dn.event-during-outage",
		Summary: "DND, forwarding, handset and mute keep working on an out-of-service DN and publish their events during the outage"}, nil},
	{Fault{Name: FaultWrongKey, Rule: "key.format",
		Summary: "the key's agent part is the DN instead of the AgentID ({tenant_id}:{ThisDN})"},
		func(_ *Producer, _ cause, m *message) { m.agent = m.attrs["ThisDN"].(string) }},
	{Fault{Name: FaultRefNotEchoed,
		Summary: "events caused by a request carry a ReferenceID of the producer's own (from 1000000001) instead of the request's"},
		func(p *Producer, _ cause, m *message) { p.replaceRef(m) }},
	{Fault{Name: FaultAgentIDMissing,
		Summary: "agent events lack AgentID, although the agent logged in through the producer and the key names it"},
		func(_ *Producer, _ cause, m *message) { delete(m.attrs, "AgentID") }},
	{Fault{Name: FaultSilent, Rule: "stream.empty",
		Summary: "performs every request but publishes nothing"}, nil},
	{Fault{Name: FaultUnknownWorkMode, Rule: "schema.enum",
		Summary: `AgentWorkMode is "AgentReady", which is no T-Library work mode`},
		func(_ *Producer, _ cause, m *message) { m.replace("AgentWorkMode", unknownWorkMode) }},
	{Fault{Name: FaultMuteOnWithoutConn, Rule: "schema.required",
		Summary: "EventMuteOn lacks its mandatory ConnID"},
		func(_ *Producer, _ cause, m *message) { m.drop(evMuteOn, "ConnID") }},
	{Fault{Name: FaultTimeInMilliseconds, Rule: "schema.maximum",
		Summary: "time.seconds holds milliseconds since the epoch (about 1.8e12), as a producer that writes a Java or JavaScript clock's millis does"},
		func(_ *Producer, _ cause, m *message) { m.inMilliseconds() }},
	{Fault{Name: FaultRefOnPhysical, Rule: "step.reference-id",
		Summary: "the events of a physical stimulus (off-hook, on-hook, out-of-service, back-in-service) carry the ReferenceID the harness gave the stimulus for its log, as if a client request had caused them"},
		func(_ *Producer, in cause, m *message) { m.claim(in) }},
	{Fault{Name: FaultAgentOnTwoPartitions, Rule: "step.partition",
		Summary: "events go round-robin over the topic's partitions whatever their key, so one agent's events land on several"}, nil},
	{Fault{Name: FaultCustomerIDNotKeyTenant, Rule: "step.customer-id",
		Summary: `CustomerID is the tenant's name ("tenant-t1") instead of the tenant id that starts the key`},
		func(_ *Producer, _ cause, m *message) { m.replace("CustomerID", "tenant-"+m.tenant) }},
	{Fault{Name: FaultMuteOffOnHangUp, Rule: "mute.off-reference-id",
		Summary: "the hang-up of a muted call publishes an EventMuteOff, with no ReferenceID, before its EventOnHook (a call's end ends its mute without one)"}, nil},
	{Fault{Name: FaultMuteKept,
		Summary: "the mute of a call that hangs up is kept: the DN's next call starts muted, so its mute-on is refused as already muted"}, nil},
	{Fault{Name: FaultSilentLogout,
		Summary: "an outage logs the DN's agent out without publishing EventAgentNotReady or EventAgentLogout"}, nil},
}

// Faults lists every fault, in a stable order.
func Faults() []Fault {
	out := make([]Fault, len(faults))
	for i, f := range faults {
		out[i] = f.Fault
	}
	return out
}

// ParseFault returns the fault of a name. An unknown name is a *drive.UsageError that lists the
// valid ones.
func ParseFault(name string) (Fault, error) {
	f, ok := lookupFault(name)
	if !ok {
		return Fault{}, &drive.UsageError{Setting: "fault", Found: name, Expected: "one of " + faultNames()}
	}
	return f.Fault, nil
}

func lookupFault(name string) (faultSpec, bool) {
	i := slices.IndexFunc(faults, func(f faultSpec) bool { return f.Name == name })
	if i < 0 {
		return faultSpec{}, false
	}
	return faults[i], true
}

func faultNames() string {
	names := make([]string, len(faults))
	for i, f := range faults {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// drop deletes an attribute from events of one id.
func (m *message) drop(id, attr string) {
	if m.attrs["id"] == id {
		delete(m.attrs, attr)
	}
}

// replace changes an attribute where the event has it.
func (m *message) replace(attr string, value any) {
	if _, ok := m.attrs[attr]; ok {
		m.attrs[attr] = value
	}
}

// inMilliseconds writes time.seconds in milliseconds, where the event has a time.
func (m *message) inMilliseconds() {
	if t, ok := m.attrs["time"].(map[string]any); ok {
		t["seconds"] = t["seconds"].(int64)*1000 + int64(t["useconds"].(int)/1000)
	}
}

// physical lists the stimuli of the phone set and the switch, which no client request causes.
var physical = []drive.Stimulus{drive.StimulusOffHook, drive.StimulusOnHook, drive.StimulusOutOfService, drive.StimulusBackInService}

// claim gives an event of a physical stimulus the ReferenceID of the stimulus's request.
func (m *message) claim(in cause) {
	if _, has := m.attrs["ReferenceID"]; !has && slices.Contains(physical, in.stimulus) {
		m.attrs["ReferenceID"] = in.req.ReferenceID
	}
}

func (p *Producer) replaceRef(m *message) {
	if _, ok := m.attrs["ReferenceID"]; ok {
		p.ownRefs++
		m.attrs["ReferenceID"] = ownRefBase + p.ownRefs
	}
}

// dnNumber renders a DN as a JSON number: its value when it is all digits (leading zeros dropped,
// as a number would), else 0.
func dnNumber(dn string) json.Number {
	n, err := strconv.ParseUint(dn, 10, 64)
	if err != nil {
		return "0"
	}
	return json.Number(strconv.FormatUint(n, 10))
}
