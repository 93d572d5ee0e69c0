// Package drive makes things happen in the system under test: it logs agents in, sets them ready,
// mutes calls and takes DNs out of service, so that the suite can judge the events the system
// publishes in answer.
//
// A Driver has one method per stimulus. Each mirrors a request a client sends to Voice
// Microservices (TAgentLogin, TAgentSetReady, TSetMuteOff, ...) or a physical event of a phone
// set (off-hook, on-hook, a DN going out of service). Every request names its tenant and carries
// a ReferenceID the harness chose (see RefIDs), so that the events it causes can be correlated
// with it.
//
// Three kinds of Driver exist: the reference producer of package sut, which is correct by the
// contract and drives itself in-process; NewHTTP, which asks a producer team's thin test adapter
// over HTTP to perform each stimulus against their real service; and NewExec, which runs a
// command per stimulus. Both adapters speak the JSON protocol of adapter-protocol.md beside this
// file, and Handler serves that protocol for any Driver.
//
// Outcomes come in three kinds, and a caller must never confuse them:
//
//   - nil: the system performed the stimulus.
//   - a refusal: the system declined, as the contract lets it (errors.Is matches ErrOutOfService,
//     ErrNotLoggedIn, ErrInvalidState, ErrInvalidConnID or ErrInvalidRequest; IsRefusal says so).
//   - an *AdapterError: the harness could not learn what the system did (a timeout, an answer that
//     is not the protocol's). The stimulus may or may not have been performed; never a pass.
package drive
