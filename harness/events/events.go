// Package events names the events of the voice-agentstate topic, once: the 14 the contract
// covers and the 7 others the spec documents on the topic. Every other package takes the names
// from here (contract.Events is All), so that a name cannot drift between the schemas, the
// sequence checker and the reference producer. It imports nothing, so that every package may.
package events

// The 14 events the contract covers, as their id attributes spell them.
const (
	AgentLogin      = "EventAgentLogin"
	AgentLogout     = "EventAgentLogout"
	AgentReady      = "EventAgentReady"
	AgentNotReady   = "EventAgentNotReady"
	DNOutOfService  = "EventDNOutOfService"
	DNBackInService = "EventDNBackInService"
	DNDOn           = "EventDNDOn"
	DNDOff          = "EventDNDOff"
	ForwardSet      = "EventForwardSet"
	ForwardCancel   = "EventForwardCancel"
	OffHook         = "EventOffHook"
	OnHook          = "EventOnHook"
	MuteOn          = "EventMuteOn"
	MuteOff         = "EventMuteOff"
)

// All lists the 14 events the contract covers, in the spec's order. Callers must not change it.
var All = []string{
	AgentLogin, AgentLogout, AgentReady, AgentNotReady,
	DNOutOfService, DNBackInService, DNDOn, DNDOff,
	ForwardSet, ForwardCancel, OffHook, OnHook,
	MuteOn, MuteOff,
}

// Uncovered lists the other events documented on the voice-agentstate topic, which have no
// published attribute table and so are outside the contract.
var Uncovered = []string{
	"EventQueueLogout", "EventMonitoringNextCall", "EventMonitoringCancelled",
	"EventListenDisconnected", "EventListenReconnected", "EventMessageWaitingOn",
	"EventMessageWaitingOff",
}
