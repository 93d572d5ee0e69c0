package broker

import (
	"context"
	"fmt"
	"time"
)

// Cluster is a KRaft cluster of Kafka containers with apache/kafka's interface, each a broker
// and a controller on its own loopback ports (host networking), replicating the topics it creates
// to three brokers (min.insync.replicas 2). Only real brokers show replication, ISR shrink and
// controller failover; tests stop a broker's container in the middle of a run with Stop.
type Cluster struct {
	*containerBroker
}

// StartCluster starts a cluster of n containers of cfg.Image, with cfg.Network host, and makes sure
// its topic exists. On error it returns what it had started, so the caller can Close it.
func StartCluster(ctx context.Context, cfg Config, n int) (*Cluster, error) {
	cfg.Provider = Container
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := ContainerRuntime(ctx); err != nil {
		return nil, fmt.Errorf("container cluster: %w", err)
	}
	if err := ensureImage(ctx, cfg.Image); err != nil {
		return nil, fmt.Errorf("container cluster: %w", err)
	}
	b, err := startApache(ctx, cfg, n)
	return &Cluster{b}, err
}

// Stop stops the container of broker id (1 to n), with SIGTERM and a grace of timeout, then
// SIGKILL; the container stays, stopped, until Close.
func (c *Cluster) Stop(ctx context.Context, id int32, timeout time.Duration) error {
	if id < 1 || int(id) > len(c.ctrs) {
		return fmt.Errorf("stop broker %d: the cluster has brokers 1 to %d", id, len(c.ctrs))
	}
	if err := c.ctrs[id-1].Stop(ctx, &timeout); err != nil {
		return fmt.Errorf("stop broker %d: %w", id, err)
	}
	return nil
}
