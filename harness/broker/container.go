package broker

import (
	"context"
	"errors"
	"fmt"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/modules/kafka"
	"github.com/twmb/franz-go/pkg/kgo"
)

// ErrNoContainerRuntime means the container provider was asked for and no container runtime
// answered. It never falls back to another provider by itself.
var ErrNoContainerRuntime = errors.New("no container runtime is reachable")

// containerBroker is a Kafka container started with testcontainers-go's Kafka module.
type containerBroker struct {
	ctr    *kafka.KafkaContainer
	info   Info
	opts   []kgo.Opt
	closed closeOnce
}

// ContainerRuntime reports whether a container runtime (Docker or compatible) answers, and if
// not, why.
func ContainerRuntime(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrNoContainerRuntime, r)
		}
	}()
	p, err := testcontainers.ProviderDocker.GetProvider()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoContainerRuntime, err)
	}
	defer p.Close()
	if err := p.Health(ctx); err != nil {
		return fmt.Errorf("%w: %v", ErrNoContainerRuntime, err)
	}
	return nil
}

func startContainer(ctx context.Context, cfg Config) (Broker, error) {
	if err := ContainerRuntime(ctx); err != nil {
		return nil, fmt.Errorf("container broker: %w; start Docker (or a compatible runtime), or pick another mode: AGENTSTATE_BROKER=embedded (in-process, the default) or AGENTSTATE_BROKER=external with AGENTSTATE_BOOTSTRAP", err)
	}
	ctr, err := kafka.Run(ctx, cfg.Image, kafka.WithClusterID("agentstate"))
	b := &containerBroker{ctr: ctr}
	if err != nil {
		return b, fmt.Errorf("run kafka container %s: %w", cfg.Image, err)
	}
	seeds, err := ctr.Brokers(ctx)
	if err != nil {
		return b, fmt.Errorf("run kafka container %s: %w", cfg.Image, err)
	}
	b.opts = []kgo.Opt{kgo.SeedBrokers(seeds...)}
	b.info = Info{Provider: Container, Bootstrap: seeds, Topic: cfg.Topic}
	cfg.Bootstrap, cfg.AllowCreate = seeds, true
	if err := prepare(ctx, b.opts, cfg, &b.info); err != nil {
		return b, err
	}
	b.info.KafkaVersion += " (" + cfg.Image + ")"
	return b, nil
}

func (b *containerBroker) Info() Info            { return b.info }
func (b *containerBroker) ClientOpts() []kgo.Opt { return b.opts }

// Close terminates the container. It is idempotent and nil-safe.
func (b *containerBroker) Close() error {
	if b == nil || b.ctr == nil {
		return nil
	}
	return b.closed.do(func() error { return testcontainers.TerminateContainer(b.ctr) })
}
