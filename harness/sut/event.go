package sut

import (
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/events"
)

// message is one event before it is encoded: its attributes and its key's parts.
type message struct {
	attrs  map[string]any
	tenant string
	agent  string // the key's agent part
}

// The event names.
const (
	evLogin         = events.AgentLogin
	evLogout        = events.AgentLogout
	evReady         = events.AgentReady
	evNotReady      = events.AgentNotReady
	evOutOfService  = events.DNOutOfService
	evBackInService = events.DNBackInService
	evDNDOn         = events.DNDOn
	evDNDOff        = events.DNDOff
	evForwardSet    = events.ForwardSet
	evForwardCancel = events.ForwardCancel
	evOffHook       = events.OffHook
	evOnHook        = events.OnHook
	evMuteOn        = events.MuteOn
	evMuteOff       = events.MuteOff
)

// stamped starts an event with the mandatory id, Server, ThisDN and time, and the tenant's
// CustomerID, keyed by the agent last logged in on the DN.
func (p *Producer) stamped(id string, l *line) message {
	now := p.cfg.clock()
	return message{
		tenant: l.tenant, agent: l.last,
		attrs: map[string]any{
			"id": id, "Server": p.cfg.server, "ThisDN": l.dn, "CustomerID": l.tenant,
			"time": map[string]any{"seconds": now.Unix(), "useconds": now.Nanosecond() / 1000},
		},
	}
}

// agentEvent starts an agent event: stamped, with the AgentID and the queue of its login, keyed
// by the agent.
func (p *Producer) agentEvent(id string, l *line, agent, queue string) message {
	m := p.stamped(id, l)
	m.agent = agent
	m.attrs["AgentID"] = agent
	m.set("ThisQueue", queue)
	return m
}

// muteEvent starts an EventMuteOn or EventMuteOff, which have neither Server nor time.
func muteEvent(id string, l *line, conn string, role drive.Role) message {
	return message{
		tenant: l.tenant, agent: l.last,
		attrs: map[string]any{"id": id, "ThisDN": l.dn, "CustomerID": l.tenant, "ConnID": conn, "ThisDNRole": string(role)},
	}
}

// serviceEvent makes an EventDNOutOfService or EventDNBackInService, which carry only id and
// ThisDN. All the service events of one outage keep the key of the one that began it, even when
// an agent logged in during the outage: the checker pairs them only within a partition.
func serviceEvent(id string, l *line) message {
	agent := l.last
	if l.outOfService {
		agent = l.outageKey
	}
	return message{tenant: l.tenant, agent: agent, attrs: map[string]any{"id": id, "ThisDN": l.dn}}
}

// echo sets the ReferenceID of the request that caused the event.
func (m message) echo(r drive.Request) message {
	m.attrs["ReferenceID"] = r.ReferenceID
	return m
}

// set sets an optional string attribute, unless it is empty.
func (m message) set(name, value string) {
	if value != "" {
		m.attrs[name] = value
	}
}
