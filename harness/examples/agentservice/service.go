package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// publisher sends one event's value under its key and waits for the broker's acknowledgement.
type publisher interface {
	publish(ctx context.Context, key string, value []byte) error
}

// service is the example's agent and DN state. A request is answered under one lock: the state
// changes, then its events are published in order, and only then is the request answered, so the
// topic's order is the order of the changes and everything a request caused is on the topic
// before its answer (which is why AGENTSTATE_SETTLE=0 is exact for this service).
type service struct {
	pub    publisher
	server string           // the Server attribute of every event that has one
	now    func() time.Time // the clock of the time attribute

	mu     sync.Mutex
	lines  map[[2]string]*line // by tenant and DN
	agents map[[2]string]string
	calls  uint64
}

// line is one DN: its service, its agent, its features and its handset's call.
type line struct {
	tenant, dn   string
	outOfService bool
	agent, queue string // the agent logged in, and the queue of its login
	ready        bool
	mode         string // the agent's work mode when ready
	dnd          bool
	forwards     map[string]string // by InfoStatus, the target
	call         *call
}

// call is a DN's call and the mute state of its party.
type call struct {
	conn  string
	muted *bool // nil until a mute request: an observer joins muted, any other party not
}

func newService(pub publisher, server string) *service {
	return &service{pub: pub, server: server, now: time.Now, lines: map[[2]string]*line{}, agents: map[[2]string]string{}}
}

// perform answers one request: the ConnID for off-hook, a *refusal, errUnknownStimulus, or a
// publishing error.
func (s *service) perform(ctx context.Context, r request) (string, error) {
	if err := r.validate(); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.line(r)
	evs, conn, err := s.change(l, r)
	if err != nil {
		return "", err
	}
	for _, ev := range evs {
		if err := s.send(ctx, ev); err != nil {
			return "", err
		}
	}
	return conn, nil
}

func (s *service) line(r request) *line {
	k := [2]string{r.CustomerID, r.ThisDN}
	if s.lines[k] == nil {
		s.lines[k] = &line{tenant: r.CustomerID, dn: r.ThisDN, forwards: map[string]string{}}
	}
	return s.lines[k]
}

// change applies a request to its DN and returns the events that report the change.
func (s *service) change(l *line, r request) ([]event, string, error) {
	switch r.Stimulus {
	case "login", "logout", "ready", "not-ready":
		evs, err := s.agentRequest(l, r)
		return evs, "", err
	case "off-hook":
		return s.offHook(l)
	case "on-hook", "mute-on", "mute-off":
		evs, err := s.callRequest(l, r)
		return evs, "", err
	case "dnd-on", "dnd-off", "set-forward", "cancel-forward", "out-of-service", "back-in-service":
		evs, err := s.dnRequest(l, r)
		return evs, "", err
	}
	return nil, "", fmt.Errorf("%w %q", errUnknownStimulus, r.Stimulus)
}

func (s *service) send(ctx context.Context, ev event) error {
	value, err := json.Marshal(ev.attrs)
	if err != nil {
		return fmt.Errorf("encode %s: %w", ev.attrs["id"], err)
	}
	if err := s.pub.publish(ctx, ev.key, value); err != nil {
		return fmt.Errorf("publish %s (key %q): %w", ev.attrs["id"], ev.key, err)
	}
	return nil
}
