// Package brokertest starts brokers and produces records for tests, registering cleanup itself so
// that a call site is one line.
package brokertest

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/broker"
)

// Embedded starts an embedded broker with the topic in the given number of partitions, closed
// when the test ends. Extra kfake options (TLS, SASL users) are passed on.
func Embedded(t testing.TB, partitions int32, extra ...kfake.Opt) *broker.EmbeddedBroker {
	t.Helper()
	b, err := broker.StartEmbedded(broker.Config{Partitions: partitions}, extra...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// Record is one record to produce: its partition, key (nil for none) and value (nil for a
// tombstone).
type Record struct {
	Partition int32
	Key       []byte
	Value     []byte
	Headers   []kgo.RecordHeader
}

// Produce writes records to the broker's topic in order, each to its partition, and fails the
// test if any is not acknowledged within ten seconds.
func Produce(t testing.TB, b broker.Broker, recs ...Record) {
	t.Helper()
	cl, err := broker.NewClient(b, kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.DefaultProduceTopic(b.Info().Topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	batch := make([]*kgo.Record, 0, len(recs))
	for _, r := range recs {
		batch = append(batch, &kgo.Record{Partition: r.Partition, Key: r.Key, Value: r.Value, Headers: r.Headers})
	}
	if err := cl.ProduceSync(ctx, batch...).FirstErr(); err != nil {
		t.Fatalf("produce %d records: %v", len(recs), err)
	}
}
