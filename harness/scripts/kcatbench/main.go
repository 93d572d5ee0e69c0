// Command kcatbench fills a topic of a real Kafka with a generated lawful stream, keyed as the
// reference producer keys it, for harness/scripts/observe-vs-kcat.sh (make bench-kcat):
//
//	go run ./harness/scripts/kcatbench -bootstrap 127.0.0.1:29092 -topic bench -events 500000
//
// It creates the topic (PARTITIONS partitions, replication 1) and fails if it exists already, so
// that a measurement never reads records of an earlier run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/gen"
)

func main() {
	bootstrap := flag.String("bootstrap", "127.0.0.1:9092", "seed brokers, host:port[,host:port...]")
	topic := flag.String("topic", "", "topic to create and fill (required)")
	partitions := flag.Int("partitions", 3, "partitions of the new topic")
	events := flag.Int("events", 500_000, "how many events")
	agents := flag.Int("agents", 1000, "agents, each with a DN of its own")
	seed := flag.Uint64("seed", 1, "the same seed gives the same stream")
	flag.Parse()
	if *topic == "" {
		fmt.Fprintln(os.Stderr, "kcatbench: -topic is required")
		os.Exit(2)
	}
	if err := run(*bootstrap, *topic, int32(*partitions), gen.Options{Seed: *seed, Events: *events, Agents: *agents}); err != nil {
		fmt.Fprintln(os.Stderr, "kcatbench:", err)
		os.Exit(2)
	}
}

// run creates the topic and produces the generated stream to it, every record keyed.
func run(bootstrap, topic string, partitions int32, opts gen.Options) error {
	msgs, err := gen.Stream(opts)
	if err != nil {
		return fmt.Errorf("generate stream: %w", err)
	}
	client, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(bootstrap, ",")...),
		kgo.DefaultProduceTopic(topic), kgo.ProducerLinger(5*time.Millisecond))
	if err != nil {
		return fmt.Errorf("create client: %w", err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := createTopic(ctx, client, topic, partitions); err != nil {
		return err
	}
	return produce(ctx, client, msgs)
}

// createTopic creates the topic, failing if it exists.
func createTopic(ctx context.Context, client *kgo.Client, topic string, partitions int32) error {
	resp, err := kadm.NewClient(client).CreateTopic(ctx, partitions, 1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		return fmt.Errorf("create topic %s: %w (choose a new -topic: a measurement must not read an earlier run's records)", topic, err)
	}
	return nil
}

// produce sends every message, keyed, and waits until the broker has acknowledged each.
func produce(ctx context.Context, client *kgo.Client, msgs []gen.Message) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for _, m := range msgs {
		wg.Add(1)
		client.Produce(ctx, &kgo.Record{Key: []byte(m.Key), Value: m.Value}, func(_ *kgo.Record, err error) {
			defer wg.Done()
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if first != nil {
		return fmt.Errorf("produce records: %w", first)
	}
	return nil
}
