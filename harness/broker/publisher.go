package broker

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Publisher produces keyed records to the broker's topic, one at a time and synchronously, with
// franz-go's default partitioner (murmur2 of the key, as the Java client), so that one key's
// records land in one partition in order, as a real producer's do.
type Publisher struct {
	cl    *kgo.Client
	topic string
}

// NewPublisher returns a publisher to b's topic. Close it when done.
func NewPublisher(b Broker, extra ...kgo.Opt) (*Publisher, error) {
	cl, err := NewClient(b, append([]kgo.Opt{kgo.DefaultProduceTopic(b.Info().Topic), kgo.RequiredAcks(kgo.AllISRAcks())}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &Publisher{cl: cl, topic: b.Info().Topic}, nil
}

// Publish produces one record and waits for the broker's acknowledgement. An error may still
// mean the record landed: Kafka cannot tell a lost acknowledgement from a lost record.
func (p *Publisher) Publish(ctx context.Context, key string, value []byte) error {
	if err := p.cl.ProduceSync(ctx, &kgo.Record{Key: []byte(key), Value: value}).FirstErr(); err != nil {
		return fmt.Errorf("publish to %s (key %q): %w", p.topic, key, err)
	}
	return nil
}

// Close flushes nothing (every Publish waited) and closes the client. It is nil-safe.
func (p *Publisher) Close() {
	if p != nil {
		p.cl.Close()
	}
}
