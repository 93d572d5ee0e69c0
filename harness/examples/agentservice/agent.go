package main

// Agent requests: login, logout, ready, not-ready.

func (s *service) agentRequest(l *line, r request) ([]event, error) {
	if r.AgentID == "" {
		return nil, refuse(codeInvalidRequest, "%s: no AgentID", r.Stimulus)
	}
	if r.Stimulus == "login" {
		return s.login(l, r)
	}
	// Only a login may be requested for an out-of-service DN (spec: TERR_OUT_OF_SERVICE).
	if l.outOfService {
		return nil, refuse(codeOutOfService, "DN %s is out of service", l.dn)
	}
	if l.agent != r.AgentID {
		return nil, refuse(codeNotLoggedIn, "agent %s is not logged in on DN %s", r.AgentID, l.dn)
	}
	switch r.Stimulus {
	case "logout":
		ev := s.agentEvent("EventAgentLogout", l, r.AgentID).echo(r)
		s.unseat(l)
		return []event{ev}, nil
	case "ready":
		return s.setReady(l, r)
	}
	return s.setNotReady(l, r)
}

// login seats the agent. A repeated login on its DN is published again (spec: "Multiple agent
// logins are allowed"); one on a DN held by another agent, or of an agent seated elsewhere, is
// refused. A login leaves the agent not ready, whatever its work mode.
func (s *service) login(l *line, r request) ([]event, error) {
	if !readyModes[r.AgentWorkMode] {
		if err := workMode(r.AgentWorkMode, notReadyModes); err != nil {
			return nil, err
		}
	}
	if l.agent != "" && l.agent != r.AgentID {
		return nil, refuse(codeInvalidState, "DN %s has agent %s logged in", l.dn, l.agent)
	}
	if dn, ok := s.agents[[2]string{l.tenant, r.AgentID}]; ok && dn != l.dn {
		return nil, refuse(codeInvalidState, "agent %s is logged in on DN %s", r.AgentID, dn)
	}
	if l.agent == "" {
		l.ready, l.mode, l.queue = false, "", ""
	}
	if r.ThisQueue != "" {
		l.queue = r.ThisQueue
	}
	l.agent = r.AgentID
	s.agents[[2]string{l.tenant, r.AgentID}] = l.dn
	ev := s.agentEvent("EventAgentLogin", l, r.AgentID).echo(r)
	ev.set("AgentWorkMode", r.AgentWorkMode)
	return []event{ev}, nil
}

func (s *service) unseat(l *line) {
	delete(s.agents, [2]string{l.tenant, l.agent})
	l.agent, l.queue, l.ready, l.mode = "", "", false, ""
}

// setReady makes the agent ready; ready in the mode it is already ready in changes nothing and is
// refused. No work mode is AgentWorkModeUnknown, since EventAgentReady must carry one.
func (s *service) setReady(l *line, r request) ([]event, error) {
	if err := workMode(r.AgentWorkMode, readyModes); err != nil {
		return nil, err
	}
	mode := r.AgentWorkMode
	if mode == "" {
		mode = workModeUnknown
	}
	if l.ready && l.mode == mode {
		return nil, refuse(codeInvalidState, "agent %s is already ready in %s", l.agent, mode)
	}
	l.ready, l.mode = true, mode
	ev := s.agentEvent("EventAgentReady", l, l.agent).echo(r)
	ev.attrs["AgentWorkMode"] = mode
	return []event{ev}, nil
}

// setNotReady makes the agent not ready; a not-ready agent may become not ready again with
// another work mode or reason (fact:not-ready-repeats, fixtures/spec/facts.md).
func (s *service) setNotReady(l *line, r request) ([]event, error) {
	if err := workMode(r.AgentWorkMode, notReadyModes); err != nil {
		return nil, err
	}
	l.ready, l.mode = false, ""
	ev := s.agentEvent("EventAgentNotReady", l, l.agent).echo(r)
	ev.set("AgentWorkMode", r.AgentWorkMode)
	if len(r.Reasons) > 0 {
		reasons := map[string]any{}
		for k, v := range r.Reasons {
			reasons[k] = v
		}
		ev.attrs["Reasons"] = reasons
	}
	return []event{ev}, nil
}
