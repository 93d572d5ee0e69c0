// Package check judges the order of voice-agentstate events. A schema judges one message; check
// judges the stream, and reports orders of events that no real system could produce.
//
// # Model
//
// The checker folds the stream, one event at a time, into what it knows about each DN: the agents
// logged in on it (by AgentID), its service, do-not-disturb, forwarding and handset, and the mute
// state of each of its calls (by ConnID). The transition is a pure function of (state, event) to
// (next state, findings), in the spirit of porcupine's Step but able to say why an event is
// illegal; Checker only holds the states. Each rule has a stable ID, a severity and the sentence
// of the spec it comes from (see Rules), and each finding names the earlier event that set its
// context and where that event was read.
//
// An Event carries only what the rules read of a message, attr.Values, as package contract returns
// it for every event it decodes: check never decodes a message and does not depend on the
// contract. Events whose id is not one of the 14 of the contract are ignored. An attribute that is missing
// or of the wrong type leaves unjudged the rules that need it: a schema-invalid event is judged
// on what it does carry, never on a guess.
//
// # Scopes: partitions, not the consumer's interleaving
//
// Kafka orders events only within a partition. An event read with Kafka coordinates
// (Place.HasOffset) is judged only against the earlier events of its own partition; events read
// without them (plain JSON Lines) share one scope, in line order. The order in which a consumer
// interleaved partitions therefore never raises a finding. The key template
// {tenant_id}:{agent_id} puts every event of an agent in one partition, so the agent rules see
// all they need.
//
// EventDNOutOfService and EventDNBackInService carry no AgentID and their key is undocumented, so
// ServiceKey says how the producer keys them. With ServiceKeyAgent, the default, a service event
// keyed by an agent ("t1:1001") is judged with the later events of the DN of the same key in its
// partition, until that agent next logs in or out on the DN: while it stays logged in, no other
// agent is on the DN and every service event of the DN has its key, so a second
// EventDNBackInService or a ready during the outage is a violation. Once it logs out, another
// agent keyed elsewhere may end or begin an outage, so the DN's service is unknown to the key
// until its next service event. A service event keyed "t1:" (no agent on the DN) is not judged:
// agents may have come and gone in other partitions between two of them. With ServiceKeyTenant
// every service event of a DN is keyed "t1:" and shares a partition, so one keyed "t1:" is judged
// with every later event of the DN in its partition, and one keyed by an agent is not. With
// ServiceKeyUnknown no service event read from Kafka is judged. A service event not judged makes
// the DN's service state unknown in its partition.
//
// # Initial state
//
// With Unknown, the default, the stream may start mid-life: only what the stream itself showed
// can be contradicted. A first EventAgentLogout, EventDNBackInService, EventDNDOff or EventOnHook
// is fine; a second one after a seen one is not. With Clean every agent starts logged out, every
// DN in service with DND off, no forwarding and its handset on hook, and no call is active: a
// first logout, ready or back-in-service is a violation, and an unpaired mute-off, DND-off,
// forward-cancel or on-hook a warning. A forward-cancel carries no forwarding mode, so with
// Unknown no cancel can ever be proven unpaired: other modes may have been set before the stream.
//
// # Agents without AgentID
//
// AgentID is optional on every agent event. An event without it is about the DN's unnamed agent,
// which may be any agent: while an unnamed agent is known logged in on a DN, no named agent of the
// DN is taken for logged out; an unnamed event is taken for that of a logged-out agent only when
// no named agent of the DN is logged in or of unknown state; an unnamed logout makes the logged-in
// named agents of the DN unknown. With one agent per DN at a time, an unnamed ready or not-ready
// while exactly one named agent is logged in on the DN (and none is of unknown state) is that
// agent's, and a named login ends the unnamed agent known logged in: after the logout of the DN's
// only agent, an unnamed ready is that of a logged-out agent.
//
// This holds within a partition. The checker assumes that an agent's events either all carry its
// AgentID, or all leave it out, or are all keyed by the agent: a producer that left AgentID out of
// a login and keyed it "t1:" but named the agent in its later events, keyed "t1:1001", would put
// the login in another partition than the events it explains.
//
// # Memory
//
// State lasts as long as activity. A fact equal to the baseline of the initial state is not
// stored: absence and baseline mean the same. With Clean, an agent that logged out, a DN back in
// service, a call that ended cost nothing, and a DN with nothing known is forgotten (but over
// Kafka with ServiceKeyAgent, where a DN's service is unknown to a key until its first service
// event, the last one is kept until its agent next logs in or out on the DN). With Unknown,
// absence means unknown, so what the stream showed must be kept to tell a second logout or
// back-in-service from a first: one fact of 48 bytes per topic of a DN the stream showed (an
// agent's seat, the service, DND, the handset), kept for every DN the stream ever named, beside
// the DN's entry. A logged-in agent on its DN costs about 220 to 260 bytes in either mode
// (BenchmarkStateBytes). Keeping what Unknown must know is the price of judging a mid-life
// stream; a run that can start clean should say so.
//
// The time rule keeps the last time of each key (of each DN without keys). A DN's clock is
// forgotten with the DN, a key's when the agent it names logs out; the few keys that many DNs
// share keep theirs. The earlier event a fact remembers is kept as its event, file, line and
// offset (its partition is the scope's): a finding's Context has no key.
//
// # Assumptions and limits
//
//   - Order within a partition is the order of production. Several producers writing one DN's
//     events to one partition could race, and the checker would judge the race.
//   - The service events are keyed as ServiceKey says (see above). With ServiceKeyAgent, the
//     login and logout of the agent that keys them carry the same key: a producer that knows the
//     agent well enough to key the DN's events by it keys the agent's own events by it too.
//   - An agent's events all carry its AgentID, or all leave it out, or are all keyed by the agent
//     (see above).
//   - DNs and agent ids are taken to be unique across tenants within one partition: the tenant is
//     optional in payloads (CustomerID) and its place in keys of service events is undocumented.
//   - DND, forwarding, handset and mute are per-DN pairs whose two events may be keyed apart when
//     the agent on the DN changes between them; such pairs raise warnings only.
//   - A key splits at its first ':' (tenant ids are taken to hold none) unless CustomerID or
//     AgentID shows where the separator is. A record known to have no key (Place.KeyNull: a null
//     key from Kafka) breaks key.format; one whose key is not known (HasKey and KeyNull false) is
//     not judged by it.
package check
