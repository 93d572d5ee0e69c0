package sut

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// Publisher sends one event to the voice-agentstate topic, under the key {tenant_id}:{agent_id}.
// The Producer calls it in the order the events happen, one at a time. A Kafka-backed Publisher
// must keep that order for messages of one key.
type Publisher interface {
	Publish(ctx context.Context, key string, value []byte) error
}

// Message is one published event.
type Message struct {
	Key   string
	Value []byte // the event as JSON
	_     struct{}
}

// Memory is a Publisher that keeps every message in memory, in the order published. Its zero
// value is ready to use, and it is safe for concurrent use.
type Memory struct {
	mu   sync.Mutex
	msgs []Message
}

// Publish records a copy of the message, unless ctx has ended.
func (m *Memory) Publish(ctx context.Context, key string, value []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish to memory: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, Message{Key: key, Value: slices.Clone(value)})
	return nil
}

// Messages returns the messages published so far, in order.
func (m *Memory) Messages() []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.msgs)
}
