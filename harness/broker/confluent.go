package broker

import (
	"context"
	"fmt"

	"github.com/testcontainers/testcontainers-go/modules/kafka"
)

// startConfluent runs a confluent-local image through testcontainers-go's Kafka module, which
// starts the broker with Confluent's scripts (/etc/confluent/docker) and sets the advertised
// listener after start. Untested here: those images are on no registry this project reaches, and
// their jars are not on Maven Central.
func startConfluent(ctx context.Context, cfg Config) (Broker, error) {
	ctr, err := kafka.Run(ctx, cfg.Image, kafka.WithClusterID("agentstate"))
	b := &containerBroker{}
	if ctr != nil {
		b.ctrs = append(b.ctrs, ctr)
	}
	if err != nil {
		return b, fmt.Errorf("run kafka container %s: %w", cfg.Image, err)
	}
	seeds, err := ctr.Brokers(ctx)
	if err != nil {
		return b, fmt.Errorf("run kafka container %s: %w", cfg.Image, err)
	}
	return b, b.ready(ctx, cfg, seeds)
}
