// Package broker gives the harness a Kafka endpoint in one of three ways: an embedded in-process
// broker (kfake, the default: no Docker, no Java), a container started with testcontainers-go, or
// an existing cluster reached over TLS and SASL. Every provider is reached through the same
// franz-go client options, so the rest of the harness never knows which one it talks to.
package broker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/report"
)

// DefaultTopic is the contract's topic.
const DefaultTopic = "voice-agentstate"

// Providers, as AGENTSTATE_BROKER names them.
const (
	Embedded  = "embedded"
	Container = "container"
	External  = "external"
)

// Broker is a running Kafka endpoint with the topic in place.
type Broker interface {
	// Info says which broker this is, for reports. It never holds a secret.
	Info() Info
	// ClientOpts are the franz-go options that reach the broker: seeds, TLS and SASL.
	ClientOpts() []kgo.Opt
	// Close stops what Start started (nothing, for an external cluster). It is idempotent.
	Close() error
}

// Info describes a broker in a report.
type Info = report.Broker

// Start starts or reaches the broker cfg names and makes sure its topic exists. On error it
// returns what it had started, so the caller can Close it.
func Start(ctx context.Context, cfg Config) (Broker, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	switch cfg.Provider {
	case Embedded:
		return StartEmbedded(cfg)
	case Container:
		return startContainer(ctx, cfg)
	default:
		return startExternal(ctx, cfg)
	}
}

// NewClient returns a franz-go client for the broker, with extra options after the broker's own.
func NewClient(b Broker, extra ...kgo.Opt) (*kgo.Client, error) {
	cl, err := kgo.NewClient(append(b.ClientOpts(), extra...)...)
	if err != nil {
		return nil, fmt.Errorf("new kafka client: %w", err)
	}
	return cl, nil
}

// prepare checks that the cluster answers within the dial timeout, makes sure the topic exists
// (creating it only when allowed) and fills in the partition count and Kafka version.
func prepare(ctx context.Context, opts []kgo.Opt, cfg Config, info *Info) error {
	// A short metadata age, so that the topic's metadata is read afresh after it is created
	// rather than served from the client's cache of "unknown topic".
	cl, err := kgo.NewClient(append(opts, kgo.MetadataMinAge(50*time.Millisecond))...)
	if err != nil {
		return fmt.Errorf("reach %s: %w", info.Provider, err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	adm := kadm.NewClient(cl)
	topics, err := adm.ListTopics(ctx, cfg.Topic)
	if err != nil {
		return unreachable(cfg, err)
	}
	td, ok := topics[cfg.Topic]
	if ok && td.Err != nil && !errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("describe topic %s on %s: %w", cfg.Topic, strings.Join(info.Bootstrap, ","), td.Err)
	}
	if !ok || td.Err != nil {
		if !cfg.AllowCreate {
			return fmt.Errorf("topic %s does not exist on %s; create it, or allow the harness to (--allow-create-topic, AGENTSTATE_ALLOW_CREATE_TOPIC=true)", cfg.Topic, strings.Join(info.Bootstrap, ","))
		}
		if _, err := adm.CreateTopic(ctx, cfg.Partitions, -1, nil, cfg.Topic); err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("create topic %s on %s: %w", cfg.Topic, strings.Join(info.Bootstrap, ","), err)
		}
		n, err := awaitLeaders(ctx, adm, cfg.Topic)
		if err != nil {
			return fmt.Errorf("create topic %s on %s: %w", cfg.Topic, strings.Join(info.Bootstrap, ","), err)
		}
		info.Partitions = n
	} else {
		info.Partitions = len(td.Partitions)
	}
	if versions, err := adm.ApiVersions(ctx); err == nil {
		for _, v := range versions.Sorted() {
			if v.Err == nil {
				info.KafkaVersion = v.VersionGuess()
				break
			}
		}
	}
	return nil
}

// awaitLeaders waits until every partition of a topic just created has a leader: a real broker
// spreads a new topic's metadata a moment after CreateTopics returns, and a producer that comes
// too early waits out a metadata refresh. Another observer may have created the topic first
// (TOPIC_ALREADY_EXISTS), so the partition count is read back, not assumed.
func awaitLeaders(ctx context.Context, adm *kadm.Client, topic string) (int, error) {
	for {
		topics, err := adm.ListTopics(ctx, topic)
		if err != nil {
			return 0, err
		}
		if td, ok := topics[topic]; ok && td.Err == nil && len(td.Partitions) > 0 && allLed(td) {
			return len(td.Partitions), nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("wait for partition leaders: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func allLed(td kadm.TopicDetail) bool {
	for _, p := range td.Partitions {
		if p.Leader < 0 || p.Err != nil {
			return false
		}
	}
	return true
}

func unreachable(cfg Config, err error) error {
	return fmt.Errorf("reach kafka at %s within %s: %w; check the address (--bootstrap, AGENTSTATE_BOOTSTRAP), TLS and SASL settings, or raise AGENTSTATE_CONNECT_TIMEOUT",
		strings.Join(cfg.Bootstrap, ","), cfg.DialTimeout, err)
}

// closeOnce makes Close idempotent.
type closeOnce struct {
	done bool
	err  error
}

func (c *closeOnce) do(fn func() error) error {
	if c.done {
		return c.err
	}
	c.done = true
	c.err = fn()
	return c.err
}
