// Package sut is the reference producer: an in-process system under test that is correct by the
// contract. It is the built-in system of the main job and the suite's self-test, and, with a fault
// (WithFault), the proof that the suite catches a producer that breaks one part of the contract.
//
// # Behaviour
//
// Producer implements drive.Driver. It keeps, per tenant, the state of each DN (the agent logged
// in, service, do-not-disturb, forwarding, the handset's call and its mute state) and answers each
// request with exactly the events the spec describes, or refuses it with a refusal of package
// drive and publishes nothing:
//
//   - login is allowed on an out-of-service DN; a repeated login of the agent on its DN is legal
//     and published again; a login on a DN where another agent is logged in, or of an agent
//     logged in on another DN, is refused (ErrInvalidState).
//   - every other request on an out-of-service DN is refused with ErrOutOfService.
//   - logout, ready and not-ready need the agent logged in on the DN (ErrNotLoggedIn); ready takes
//     a ready work mode, not-ready a not-ready one (ErrInvalidRequest); ready without a work mode
//     publishes AgentWorkModeUnknown, since AgentWorkMode is mandatory on EventAgentReady.
//   - DND on/off, off-hook/on-hook and mute on/off are refused when the DN is already in the
//     requested state (ErrInvalidState); a mute names the DN's call (ErrInvalidConnID). An
//     observer (RoleObserver) joins a call muted, so its first mute-off needs no mute-on. An
//     on-hook ends the call and its mute with EventOnHook alone, no EventMuteOff; the DN's next
//     call starts unmuted.
//   - set-forward stands per mode; cancel-forward cancels every mode and needs one standing.
//   - out-of-service publishes EventDNOutOfService, then EventOnHook for the DN's call, then
//     EventAgentNotReady and EventAgentLogout for its agent. Out-of-service of a DN already out of
//     service publishes EventDNOutOfService again and changes nothing. back-in-service needs an
//     outage (ErrInvalidState).
//
// # Messages
//
// Each event carries the attributes its schema allows: id, ThisDN, and where allowed Server,
// time (from the clock, WithClock), CustomerID (the tenant), AgentID (agent events), ThisQueue
// (the queue of the agent's login) and the stimulus's own attributes. Events caused by a client
// request echo its ReferenceID; events of physical stimuli (hook, service) and the consequences
// of an outage carry none. EventDNOutOfService and EventDNBackInService carry only id and ThisDN,
// and the mute events no Server and no time, as their schemas demand.
//
// The key is {tenant_id}:{agent_id}. Agent events are keyed by their AgentID. Every other event,
// which carries no AgentID (DND, forwarding, handset, mute, service), is keyed by the agent last
// logged in on the DN, or by the tenant alone ("t1:") if no agent ever logged in there; once an
// agent has used a DN its events never go back to "t1:". The service events of one outage keep
// the key of the EventDNOutOfService that began it, even when an agent logs in during the outage:
// the checker pairs an outage with its end only within a partition, and an outage that began
// keyed "t1:" and ended keyed "t1:1001" would leave the partition of "t1:" believing the DN out of
// service (a false violation of the reference, once seen). The sequence checker, with its default
// check.ServiceKeyAgent, judges a service event keyed by an agent with the later events of that
// key, until the agent next logs in or out on the DN; one keyed "t1:" it does not judge over
// Kafka (the suite's steps judge the outages of DNs no agent has used). On/off pairs of a DN whose
// agent changed between the two may be keyed apart, which the checker reports as warnings only.
//
// A request is answered under one lock: the state changes, then its events are published in
// order, so that the topic's order is the order of the state changes. When publishing fails the
// state has changed anyway (the switch did it; its report was lost) and the error is returned.
package sut
