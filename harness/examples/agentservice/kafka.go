package main

import (
	"context"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaPublisher produces each event synchronously with acks from all in-sync replicas, keyed, with
// franz-go's default partitioner (murmur2 of the key, as the Java client): one agent's events land
// in one partition, in order. It never creates the topic.
type kafkaPublisher struct{ cl *kgo.Client }

func newKafkaPublisher(bootstrap, topic string) (*kafkaPublisher, error) {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(strings.Split(bootstrap, ",")...),
		kgo.DefaultProduceTopic(topic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
	)
	if err != nil {
		return nil, err
	}
	return &kafkaPublisher{cl: cl}, nil
}

func (p *kafkaPublisher) publish(ctx context.Context, key string, value []byte) error {
	return p.cl.ProduceSync(ctx, &kgo.Record{Key: []byte(key), Value: value}).FirstErr()
}

func (p *kafkaPublisher) close() { p.cl.Close() }
