package broker

import (
	"context"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Publisher produces keyed records to the broker's topic, one at a time and synchronously, with
// franz-go's default partitioner (murmur2 of the key, as the Java client), so that one key's
// records land in one partition in order, as a real producer's do.
type Publisher struct {
	cl    *kgo.Client
	topic string
	b     Broker
	extra []kgo.Opt

	mu        sync.Mutex
	scattered *kgo.Client // round-robin over the partitions, made on first use by PublishScattered
}

// NewPublisher returns a publisher to b's topic. Close it when done.
func NewPublisher(b Broker, extra ...kgo.Opt) (*Publisher, error) {
	cl, err := NewClient(b, append([]kgo.Opt{kgo.DefaultProduceTopic(b.Info().Topic), kgo.RequiredAcks(kgo.AllISRAcks())}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &Publisher{cl: cl, topic: b.Info().Topic, b: b, extra: extra}, nil
}

// Publish produces one record and waits for the broker's acknowledgement. An error may still
// mean the record landed: Kafka cannot tell a lost acknowledgement from a lost record.
func (p *Publisher) Publish(ctx context.Context, key string, value []byte) error {
	if err := p.cl.ProduceSync(ctx, &kgo.Record{Key: []byte(key), Value: value}).FirstErr(); err != nil {
		return fmt.Errorf("publish to %s (key %q): %w", p.topic, key, err)
	}
	return nil
}

// PublishScattered produces one record as Publish does, but to the next partition round-robin
// whatever its key, as a producer with a random or round-robin partitioner does: it breaks "one
// key, one partition", for the reference producer's fault agent-on-two-partitions.
func (p *Publisher) PublishScattered(ctx context.Context, key string, value []byte) error {
	cl, err := p.scatterer()
	if err != nil {
		return err
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Key: []byte(key), Value: value}).FirstErr(); err != nil {
		return fmt.Errorf("publish to %s round-robin (key %q): %w", p.topic, key, err)
	}
	return nil
}

func (p *Publisher) scatterer() (*kgo.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.scattered != nil {
		return p.scattered, nil
	}
	opts := append([]kgo.Opt{kgo.DefaultProduceTopic(p.topic), kgo.RequiredAcks(kgo.AllISRAcks())}, p.extra...)
	cl, err := NewClient(p.b, append(opts, kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))...)
	if err != nil {
		return nil, fmt.Errorf("start round-robin publisher: %w", err)
	}
	p.scattered = cl
	return cl, nil
}

// Close flushes nothing (every Publish waited) and closes the clients. It is nil-safe.
func (p *Publisher) Close() {
	if p == nil {
		return
	}
	p.cl.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.scattered != nil {
		p.scattered.Close()
	}
}
