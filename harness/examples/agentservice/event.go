package main

// event is one message before it is encoded: its key and its attributes.
type event struct {
	key   string
	attrs map[string]any
}

// stamped starts an event with the attributes every event but the service and mute events has:
// id, Server, ThisDN, time and the tenant's CustomerID. Events that carry no AgentID are keyed by
// the tenant alone, "{tenant}:", a choice the contract leaves open.
func (s *service) stamped(id string, l *line) event {
	now := s.now()
	return event{key: l.tenant + ":", attrs: map[string]any{
		"id": id, "Server": s.server, "ThisDN": l.dn, "CustomerID": l.tenant,
		"time": map[string]any{"seconds": now.Unix(), "useconds": now.Nanosecond() / 1000},
	}}
}

// agentEvent is an event of an agent: stamped, with its AgentID and the queue of its login, keyed
// {tenant}:{agent}.
func (s *service) agentEvent(id string, l *line, agent string) event {
	ev := s.stamped(id, l)
	ev.key = l.tenant + ":" + agent
	ev.attrs["AgentID"] = agent
	ev.set("ThisQueue", l.queue)
	return ev
}

// serviceEvent is EventDNOutOfService or EventDNBackInService: id and ThisDN, nothing else.
func serviceEvent(id string, l *line) event {
	return event{key: l.tenant + ":", attrs: map[string]any{"id": id, "ThisDN": l.dn}}
}

// muteEvent is EventMuteOn or EventMuteOff, which have neither Server nor time.
func muteEvent(id string, l *line, r request) event {
	return event{key: l.tenant + ":", attrs: map[string]any{
		"id": id, "ThisDN": l.dn, "CustomerID": l.tenant, "ConnID": r.ConnID, "ThisDNRole": r.ThisDNRole,
	}}.echo(r)
}

// echo sets the ReferenceID of the client request that caused the event. Events of the handset
// and of the DN's service are physical: they carry none.
func (ev event) echo(r request) event {
	ev.attrs["ReferenceID"] = r.ReferenceID
	return ev
}

// set sets an optional attribute unless it is empty.
func (ev event) set(name, value string) {
	if value != "" {
		ev.attrs[name] = value
	}
}
