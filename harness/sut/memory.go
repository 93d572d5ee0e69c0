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

// Scatterer is a Publisher that can also publish a message to a partition of its own choosing,
// whatever the key, as a producer with a random or round-robin partitioner does; the fault
// agent-on-two-partitions publishes through it.
type Scatterer interface {
	Publisher
	PublishScattered(ctx context.Context, key string, value []byte) error
}

// Message is one published event.
type Message struct {
	Key       string
	Value     []byte // the event as JSON
	Scattered bool   // published by PublishScattered: its partition ignores the key
	_         struct{}
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

// PublishScattered records a copy of the message as Publish does, marked as published whatever
// its key says about partitions.
func (m *Memory) PublishScattered(ctx context.Context, key string, value []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish to memory: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, Message{Key: key, Value: slices.Clone(value), Scattered: true})
	return nil
}

// Messages returns the messages published so far, in order.
func (m *Memory) Messages() []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.msgs)
}
