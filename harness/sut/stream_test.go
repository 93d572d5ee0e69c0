package sut_test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/voice-agentstate/conformance/harness/drive"
)

// lawless checks, from the published stream and the harness's ReferenceIDs alone, what the
// schemas cannot, and returns the first breach. It is a small, independent stand-in for the
// sequence checker: the reference producer must pass it, and each sequence-level fault must fail
// it. The rules:
//   - a key's tenant part is the CustomerID and its agent part the AgentID, when the payload has
//     them; an agent event whose key names an agent carries AgentID ("AgentID must be present if
//     the agent is logged in through Voice Microservices or if the information is available");
//   - a ReferenceID was issued by the harness and is echoed by one event only, never by a hook
//     or service event; every EventMuteOff carries one;
//   - while a DN is out of service only login, not-ready, logout, on-hook and out-of-service come
//     for it; back-in-service comes only during an outage; the service events of one outage keep
//     one key (the checker pairs them only within a partition);
//   - logout, ready and not-ready come only while the agent is logged in on the DN.
func lawless(evs []event, refs *drive.RefIDs) error {
	s := lawState{echoed: map[int64]bool{}, out: map[string]bool{}, keys: map[string]string{}, seated: map[string]bool{}}
	for i, e := range evs {
		if err := s.step(e); err != nil {
			return fmt.Errorf("event %d, %s keyed %q: %w", i, e.id(), e.key, err)
		}
		if err := s.ref(e, refs); err != nil {
			return fmt.Errorf("event %d, %s keyed %q: %w", i, e.id(), e.key, err)
		}
	}
	return nil
}

type lawState struct {
	echoed map[int64]bool
	out    map[string]bool   // tenant/DN out of service
	keys   map[string]string // the key of the outage of each tenant/DN out of service
	seated map[string]bool   // tenant/DN/agent logged in
}

var agentEvents = []string{evLogin, evLogout, evReady, evNotReady}

func (s *lawState) step(e event) error {
	tenant, agent, _ := strings.Cut(e.key, ":")
	dn, seat := tenant+"/"+e.str("ThisDN"), tenant+"/"+e.str("ThisDN")+"/"+e.str("AgentID")
	allowed := []string{evLogin, evNotReady, evLogout, evOnHook, evOutOfService, evBackInService}
	switch {
	case e.has("CustomerID") && e.str("CustomerID") != tenant:
		return fmt.Errorf("the key's tenant is not the CustomerID %q", e.str("CustomerID"))
	case e.has("AgentID") && e.str("AgentID") != agent:
		return fmt.Errorf("the key's agent is not the AgentID %q", e.str("AgentID"))
	case slices.Contains(agentEvents, e.id()) && agent != "" && !e.has("AgentID"):
		return fmt.Errorf("the key names agent %q but the event lacks AgentID", agent)
	case s.out[dn] && !slices.Contains(allowed, e.id()):
		return fmt.Errorf("DN %s is out of service", dn)
	case e.id() == evBackInService && !s.out[dn]:
		return fmt.Errorf("DN %s is in service", dn)
	case (e.id() == evBackInService || e.id() == evOutOfService) && s.out[dn] && e.key != s.keys[dn]:
		return fmt.Errorf("the outage of DN %s began keyed %q", dn, s.keys[dn])
	case slices.Contains(agentEvents[1:], e.id()) && !s.seated[seat]:
		return fmt.Errorf("agent %s is not logged in", seat)
	}
	if e.id() == evOutOfService && !s.out[dn] {
		s.keys[dn] = e.key
	}
	s.out[dn] = e.id() == evOutOfService || (s.out[dn] && e.id() != evBackInService)
	s.seated[seat] = e.id() == evLogin || (s.seated[seat] && e.id() != evLogout)
	return nil
}

func (s *lawState) ref(e event, refs *drive.RefIDs) error {
	r, ok := e.ref()
	unsolicited := slices.Contains([]string{evOffHook, evOnHook, evOutOfService, evBackInService}, e.id())
	switch {
	case !ok && e.id() == evMuteOff:
		return fmt.Errorf("EventMuteOff lacks the ReferenceID of its TSetMuteOff")
	case !ok:
		return nil
	case unsolicited:
		return fmt.Errorf("an unsolicited event carries ReferenceID %d", r)
	case !refs.Issued(r):
		return fmt.Errorf("ReferenceID %d was never sent by the harness", r)
	case s.echoed[r]:
		return fmt.Errorf("ReferenceID %d is echoed a second time", r)
	}
	s.echoed[r] = true
	return nil
}
