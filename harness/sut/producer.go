package sut

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/voice-agentstate/conformance/harness/drive"
)

// Producer is the reference producer. It implements drive.Driver and is safe for concurrent use.
type Producer struct {
	cfg   cfg
	fault faultSpec // the zero faultSpec when there is none
	pub   Publisher

	mu      sync.Mutex
	lines   map[place]*line
	seats   map[place]string // the DN each agent is logged in on, by tenant and agent
	calls   uint64           // calls started, for ConnIDs
	ownRefs int64            // ReferenceIDs of the producer's own, for referenceid-not-echoed
}

var _ drive.Driver = (*Producer)(nil)

// place names a DN or an agent within its tenant.
type place struct{ tenant, name string }

// line is the state of one DN.
type line struct {
	tenant, dn   string
	outOfService bool
	outageKey    string // the key's agent part of the EventDNOutOfService that began the outage
	agent, queue string // the agent logged in, and the queue of its login
	last         string // the agent last logged in, which keys the events that carry no AgentID
	dnd          bool
	forwards     map[drive.ForwardMode]string // standing forwarding, by mode, to its target
	call         *call                        // the handset's call; nil when on hook
	keptMute     muteState                    // the mute the DN's next call starts with: muteUnset, but for mute-kept-after-hangup
}

// call is the call of a DN's handset.
type call struct {
	conn string
	mute muteState
}

type muteState uint8

const (
	muteUnset muteState = iota // no mute request yet: an observer joined muted, others did not
	muteOn
	muteOff
)

// muted says whether the DN's party is muted, seen from its role.
func (c *call) muted(role drive.Role) bool {
	if c.mute == muteUnset {
		return role == drive.RoleObserver
	}
	return c.mute == muteOn
}

// New returns a reference producer that publishes through pub.
func New(pub Publisher, opts ...Opt) (*Producer, error) {
	if pub == nil {
		return nil, errors.New("new producer: the publisher is nil")
	}
	c := defaultCfg()
	for _, o := range opts {
		o.apply(&c)
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("new producer: %w", err)
	}
	p := &Producer{cfg: c, pub: pub, lines: map[place]*line{}, seats: map[place]string{}}
	p.fault, _ = lookupFault(c.fault)
	if _, ok := pub.(Scatterer); !ok && p.fault.Name == FaultAgentOnTwoPartitions {
		return nil, fmt.Errorf("new producer: fault %s needs a Publisher that picks partitions itself (a sut.Scatterer, such as broker.Publisher); %T is not one", FaultAgentOnTwoPartitions, pub)
	}
	return p, nil
}

// act answers one request: it validates it, then, under the lock, lets do change the DN's state
// and return the events to publish, and publishes them. A refusal publishes nothing.
func (p *Producer) act(ctx context.Context, s drive.Stimulus, r drive.Request, invalid error, do func(*line) ([]message, error)) error {
	if invalid != nil {
		return fmt.Errorf("%s: %w", s, invalid)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", s, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	msgs, err := do(p.line(r))
	if err == nil {
		err = p.publish(ctx, cause{s, r}, msgs)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s, err)
	}
	return nil
}

func (p *Producer) line(r drive.Request) *line {
	k := place{r.Tenant, r.DN}
	l := p.lines[k]
	if l == nil {
		l = &line{tenant: r.Tenant, dn: r.DN, forwards: map[drive.ForwardMode]string{}}
		p.lines[k] = l
	}
	return l
}

// guard refuses a request on an out-of-service DN. A feature request (DND, forwarding, handset,
// mute) gets through under the fault event-during-outage.
func (p *Producer) guard(l *line, feature bool) error {
	if !l.outOfService || (feature && p.fault.Name == FaultEventDuringOutage) {
		return nil
	}
	return fmt.Errorf("DN %s: %w", l.dn, drive.ErrOutOfService)
}

// cause is the request a producer is answering, for the faults that depend on it.
type cause struct {
	stimulus drive.Stimulus
	req      drive.Request
}

// publish encodes and publishes messages in order, after the fault, if any, has altered them. It
// stops at the first error.
func (p *Producer) publish(ctx context.Context, in cause, msgs []message) error {
	if p.fault.Name == FaultSilent {
		return nil
	}
	send := p.pub.Publish
	if p.fault.Name == FaultAgentOnTwoPartitions {
		send = p.pub.(Scatterer).PublishScattered
	}
	for _, m := range msgs {
		if p.fault.alter != nil {
			p.fault.alter(p, in, &m)
		}
		value, err := json.Marshal(m.attrs)
		if err != nil {
			return fmt.Errorf("encode %s: %w", m.attrs["id"], err)
		}
		if err := send(ctx, m.tenant+":"+m.agent, value); err != nil {
			return fmt.Errorf("publish %s: %w", m.attrs["id"], err)
		}
	}
	return nil
}
