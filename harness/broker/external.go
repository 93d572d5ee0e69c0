package broker

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"
)

// externalBroker is a cluster the harness does not own: it connects, and closes nothing.
type externalBroker struct {
	info Info
	opts []kgo.Opt
}

func startExternal(ctx context.Context, cfg Config) (Broker, error) {
	sec, err := securityOpts(cfg)
	if err != nil {
		return nil, err
	}
	b := &externalBroker{
		info: Info{Provider: External, Bootstrap: cfg.Bootstrap, Topic: cfg.Topic, TLS: len(sec) > 0 && (cfg.TLS.Enabled || cfg.TLS.CA != "" || cfg.TLS.Cert != ""), SASL: cfg.SASL.Mechanism},
		opts: append([]kgo.Opt{kgo.SeedBrokers(cfg.Bootstrap...)}, sec...),
	}
	if err := prepare(ctx, b.opts, cfg, &b.info); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *externalBroker) Info() Info            { return b.info }
func (b *externalBroker) ClientOpts() []kgo.Opt { return b.opts }
func (b *externalBroker) Close() error          { return nil }
