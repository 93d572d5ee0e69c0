package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/voice-agentstate/conformance/harness/broker"
)

const brokerUsage = `Usage: agentstate broker [flags]

Runs the embedded Kafka broker (in-process, no Docker, no Java) with the voice-agentstate topic,
until interrupted: point your service at it, and watch it with 'agentstate observe'. Records
live in memory and are gone when it stops.

Example:
  agentstate broker --listen 127.0.0.1:9092 &
  agentstate observe --bootstrap 127.0.0.1:9092 --from earliest

Flags:
`

func runBroker(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := broker.FromEnv(getenv)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	fs := newFlagSet("broker", brokerUsage, stderr)
	listen := envOr(getenv, "AGENTSTATE_LISTEN", "127.0.0.1:9092")
	fs.StringVar(&cfg.Listen, "listen", listen, "host:port to listen on; port 0 picks a free one [AGENTSTATE_LISTEN]")
	partitions := int(cfg.Partitions)
	fs.IntVar(&partitions, "partitions", partitions, "partitions of the topic [AGENTSTATE_PARTITIONS]")
	fs.StringVar(&cfg.Topic, "topic", cfg.Topic, "topic to create [AGENTSTATE_TOPIC]")
	if code, failed := parseFailed(fs.Parse(args), stderr); failed {
		return code
	}
	if partitions < 1 || fs.NArg() > 0 {
		complain(stderr, "broker: --partitions must be at least 1, and no arguments are taken")
		return exitUsage
	}
	cfg.Partitions = int32(partitions)
	b, err := broker.StartEmbedded(cfg)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	defer b.Close()
	fmt.Fprintf(stdout, "agentstate: embedded broker listening on %s, topic %s (%d partitions); stop with Ctrl-C\n",
		strings.Join(b.Info().Bootstrap, ","), b.Info().Topic, b.Info().Partitions)
	fmt.Fprintf(stdout, "AGENTSTATE_BOOTSTRAP=%s\n", strings.Join(b.Info().Bootstrap, ","))
	<-ctx.Done()
	fmt.Fprintln(stdout, "agentstate: embedded broker stopped")
	return exitPass
}
