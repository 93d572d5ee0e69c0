package broker

import (
	"fmt"
	"net"
	"strconv"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// EmbeddedBroker is an in-process Kafka broker (franz-go's kfake) on a loopback port, with the
// topic created. Tests reach its Cluster to inject faults with ControlKey.
type EmbeddedBroker struct {
	cluster *kfake.Cluster
	info    Info
	closed  closeOnce
}

// StartEmbedded starts the embedded broker; extra kfake options (TLS, SASL users) come after the
// harness's own. The topic is created with cfg.Partitions partitions.
func StartEmbedded(cfg Config, extra ...kfake.Opt) (*EmbeddedBroker, error) {
	if cfg.Topic == "" {
		cfg.Topic = DefaultTopic
	}
	if cfg.Partitions < 1 {
		cfg.Partitions = 3
	}
	host, port, err := splitListen(cfg.Listen)
	if err != nil {
		return nil, err
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(1), kfake.Ports(port), kfake.SeedTopics(cfg.Partitions, cfg.Topic),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, net.JoinHostPort(host, strconv.Itoa(port)))
		}),
	}
	c, err := kfake.NewCluster(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("start embedded broker on %s: %w", net.JoinHostPort(host, strconv.Itoa(port)), err)
	}
	return &EmbeddedBroker{cluster: c, info: Info{
		Provider: Embedded, Bootstrap: c.ListenAddrs(), Topic: cfg.Topic, Partitions: int(cfg.Partitions),
		KafkaVersion: "kfake (Kafka protocol, in-process)",
	}}, nil
}

func splitListen(listen string) (string, int, error) {
	if listen == "" {
		return "127.0.0.1", 0, nil
	}
	host, p, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("listen address %q: expected host:port, e.g. 127.0.0.1:9092", listen)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("listen address %q: port must be a number from 0 to 65535", listen)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return host, port, nil
}

// Info describes the broker.
func (b *EmbeddedBroker) Info() Info { return b.info }

// ClientOpts reach the broker's listen address.
func (b *EmbeddedBroker) ClientOpts() []kgo.Opt {
	return []kgo.Opt{kgo.SeedBrokers(b.info.Bootstrap...)}
}

// Cluster is the kfake cluster itself, for fault injection.
func (b *EmbeddedBroker) Cluster() *kfake.Cluster { return b.cluster }

// Close stops the broker. It is idempotent and nil-safe.
func (b *EmbeddedBroker) Close() error {
	if b == nil {
		return nil
	}
	return b.closed.do(func() error { b.cluster.Close(); return nil })
}
