package drive

import "slices"

// Stimulus names one method of Driver. The names are those of the adapter protocol and of error
// messages.
type Stimulus string

// The stimuli, one per Driver method.
const (
	StimulusLogin         Stimulus = "login"
	StimulusLogout        Stimulus = "logout"
	StimulusReady         Stimulus = "ready"
	StimulusNotReady      Stimulus = "not-ready"
	StimulusDNDOn         Stimulus = "dnd-on"
	StimulusDNDOff        Stimulus = "dnd-off"
	StimulusSetForward    Stimulus = "set-forward"
	StimulusCancelForward Stimulus = "cancel-forward"
	StimulusOffHook       Stimulus = "off-hook"
	StimulusOnHook        Stimulus = "on-hook"
	StimulusMuteOn        Stimulus = "mute-on"
	StimulusMuteOff       Stimulus = "mute-off"
	StimulusOutOfService  Stimulus = "out-of-service"
	StimulusBackInService Stimulus = "back-in-service"
)

var stimuli = []Stimulus{
	StimulusLogin, StimulusLogout, StimulusReady, StimulusNotReady, StimulusDNDOn, StimulusDNDOff,
	StimulusSetForward, StimulusCancelForward, StimulusOffHook, StimulusOnHook, StimulusMuteOn,
	StimulusMuteOff, StimulusOutOfService, StimulusBackInService,
}

// Stimuli lists every stimulus, in the order of Driver's methods.
func Stimuli() []Stimulus { return slices.Clone(stimuli) }

// WorkMode is an agent work mode, by its T-Library name (the JSON value of AgentWorkMode).
type WorkMode string

// The work modes of T-Library's TAgentWorkMode.
const (
	WorkModeUnknown  WorkMode = "AgentWorkModeUnknown"
	ManualIn         WorkMode = "AgentManualIn"
	AutoIn           WorkMode = "AgentAutoIn"
	LegalGuard       WorkMode = "AgentLegalGuard"
	AfterCallWork    WorkMode = "AgentAfterCallWork"
	AuxWork          WorkMode = "AgentAuxWork"
	NoCallDisconnect WorkMode = "AgentNoCallDisconnect"
	WalkAway         WorkMode = "AgentWalkAway"
	ReturnBack       WorkMode = "AgentReturnBack"
)

var (
	readyModes    = []WorkMode{ManualIn, AutoIn, ReturnBack}
	notReadyModes = []WorkMode{LegalGuard, AfterCallWork, AuxWork, NoCallDisconnect, WalkAway}
)

// Valid says whether m is one of the nine T-Library work modes.
func (m WorkMode) Valid() bool { return m == WorkModeUnknown || m.ForReady() || m.ForNotReady() }

// ForReady says whether m is a ready mode (ManualIn, AutoIn, ReturnBack).
func (m WorkMode) ForReady() bool { return slices.Contains(readyModes, m) }

// ForNotReady says whether m is a not-ready mode (AfterCallWork, AuxWork, LegalGuard,
// NoCallDisconnect, WalkAway).
func (m WorkMode) ForNotReady() bool { return slices.Contains(notReadyModes, m) }

// Role is the role of a DN on a call, by its T-Library name (the JSON value of ThisDNRole).
type Role string

// The roles of T-Library's TDNRole.
const (
	RoleUnknown          Role = "RoleUnknown"
	RoleOrigination      Role = "RoleOrigination"
	RoleDestination      Role = "RoleDestination"
	RoleConferenceMember Role = "RoleConferenceMember"
	RoleNewParty         Role = "RoleNewParty"
	RoleAddedBy          Role = "RoleAddedBy"
	RoleDeletedBy        Role = "RoleDeletedBy"
	RoleTransferredBy    Role = "RoleTransferredBy"
	RoleDeletedParty     Role = "RoleDeletedParty"
	RoleConferencedBy    Role = "RoleConferencedBy"
	RoleObserver         Role = "RoleObserver"
)

var roles = []Role{
	RoleUnknown, RoleOrigination, RoleDestination, RoleConferenceMember, RoleNewParty, RoleAddedBy,
	RoleDeletedBy, RoleTransferredBy, RoleDeletedParty, RoleConferencedBy, RoleObserver,
}

// Valid says whether r is one of the eleven T-Library roles.
func (r Role) Valid() bool { return slices.Contains(roles, r) }

// ForwardMode is a forwarding mode, by the name EventForwardSet carries in InfoStatus.
type ForwardMode string

// The two forwarding modes of EventForwardSet.
const (
	CallForwarding ForwardMode = "CallForwardingStatus"
	SendAllCalls   ForwardMode = "SendAllCallsStatus"
)

// Valid says whether f is CallForwarding or SendAllCalls.
func (f ForwardMode) Valid() bool { return f == CallForwarding || f == SendAllCalls }
