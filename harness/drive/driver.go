package drive

import "context"

// Driver performs stimuli on the system under test. Each method returns once the system has
// performed the stimulus or refused it; the events it caused may reach the topic later. A Driver
// is safe for concurrent use unless its documentation says otherwise.
type Driver interface {
	// Login logs an agent in on a DN (TAgentLogin). It is allowed on an out-of-service DN.
	Login(ctx context.Context, r Login) error
	// Logout logs an agent out of a DN (TAgentLogout).
	Logout(ctx context.Context, r Logout) error
	// Ready makes a logged-in agent ready (TAgentSetReady).
	Ready(ctx context.Context, r Ready) error
	// NotReady makes a logged-in agent not ready (TAgentSetNotReady).
	NotReady(ctx context.Context, r NotReady) error
	// DNDOn turns do-not-disturb on for a DN (TSetDNDOn).
	DNDOn(ctx context.Context, r Request) error
	// DNDOff turns do-not-disturb off for a DN (TSetDNDOff).
	DNDOff(ctx context.Context, r Request) error
	// SetForward turns call forwarding on for a DN in one mode (TSetCallForward).
	SetForward(ctx context.Context, r Forward) error
	// CancelForward turns every call forwarding of a DN off (TCancelCallForward).
	CancelForward(ctx context.Context, r Request) error
	// OffHook lifts the DN's simulated handset and returns the ConnID of the call it starts. It
	// is a physical event: the events it causes carry no ReferenceID.
	OffHook(ctx context.Context, r Request) (connID string, err error)
	// OnHook puts the DN's simulated handset down, ending its call. A physical event, like
	// OffHook.
	OnHook(ctx context.Context, r Request) error
	// MuteOn mutes the DN's party on a call (TSetMuteOn).
	MuteOn(ctx context.Context, r Mute) error
	// MuteOff unmutes the DN's party on a call (TSetMuteOff).
	MuteOff(ctx context.Context, r Mute) error
	// OutOfService takes a DN out of service, as unplugging its phone would. A physical event:
	// EventDNOutOfService carries no ReferenceID.
	OutOfService(ctx context.Context, r Request) error
	// BackInService brings an out-of-service DN back, as plugging its phone in again would.
	BackInService(ctx context.Context, r Request) error
}

// Request is what every stimulus carries: the tenant, the DN, and the ReferenceID the harness
// chose for it. Events caused by a client request echo the ReferenceID; events of physical
// stimuli (hook, service) carry none, but the request still has one, for the harness's log.
type Request struct {
	Tenant      string // CustomerID: the tenant; it must not hold ':', which separates the key's parts
	DN          string // ThisDN
	ReferenceID int64  // from RefIDs; at least 1
}

// Login is the request of Driver.Login.
type Login struct {
	Request
	Agent    string   // AgentID
	Queue    string   // ThisQueue, the ACD group; optional
	WorkMode WorkMode // AgentWorkMode; optional ("" gives none)
}

// Logout is the request of Driver.Logout.
type Logout struct {
	Request
	Agent string // AgentID
}

// Ready is the request of Driver.Ready.
type Ready struct {
	Request
	Agent    string   // AgentID
	WorkMode WorkMode // a ready mode or AgentWorkModeUnknown; "" means AgentWorkModeUnknown
}

// NotReady is the request of Driver.NotReady.
type NotReady struct {
	Request
	Agent    string            // AgentID
	WorkMode WorkMode          // a not-ready mode or AgentWorkModeUnknown; optional
	Reasons  map[string]string // Reasons, e.g. {"Reason": "Break"}; optional
}

// Forward is the request of Driver.SetForward.
type Forward struct {
	Request
	Target string      // OtherDN, where calls go
	Mode   ForwardMode // InfoStatus: CallForwarding or SendAllCalls
}

// Mute is the request of Driver.MuteOn and Driver.MuteOff.
type Mute struct {
	Request
	ConnID string // the call, as OffHook returned it
	Role   Role   // ThisDNRole, the DN's role on the call; RoleObserver simulates a supervisor
}
