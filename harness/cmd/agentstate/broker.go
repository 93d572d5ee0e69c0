package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/voice-agentstate/conformance/harness/broker"
)

const brokerUsage = `Runs the embedded Kafka broker (in-process, no Docker, no Java) with the voice-agentstate topic,
until interrupted: point your service at it, and watch it with 'agentstate observe'. Records
live in memory and are gone when it stops.

Example:
  agentstate broker --listen 127.0.0.1:9092 &
  agentstate observe --bootstrap 127.0.0.1:9092 --from earliest

Each flag is also read from the environment variable named in brackets; a flag given on the
command line wins over its variable.
`

// brokerFlags are the flags of broker.
type brokerFlags struct {
	Listen     string   `name:"listen" default:"127.0.0.1:9092" placeholder:"HOST:PORT" help:"host:port to listen on; port 0 picks a free one"`
	Partitions int32    `name:"partitions" default:"${partitions}" placeholder:"N" help:"partitions of the topic"`
	Topic      string   `name:"topic" default:"${topic}" help:"topic to create"`
	Args       []string `arg:"" optional:"" hidden:""`
}

// brokerVars are the defaults broker's tags name, those of broker.FromEnv.
func brokerVars(partitions int32, topic string) kong.Vars {
	return kong.Vars{"partitions": strconv.Itoa(int(partitions)), "topic": topic}
}

func runBroker(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := broker.FromEnv(getenv)
	if err != nil {
		complain(stderr, err)
		complain(stderr, usageHint("broker"))
		return exitUsage
	}
	var f brokerFlags
	err = command{name: "broker", about: brokerUsage, flags: &f, vars: brokerVars(cfg.Partitions, cfg.Topic)}.parse(args, stdout, getenv)
	if err == nil && (f.Partitions < 1 || len(f.Args) > 0) {
		err = errors.New("broker: --partitions must be at least 1, and no arguments are taken")
	}
	if code, failed := parseFailed(err, "broker", stderr); failed {
		return code
	}
	cfg.Listen, cfg.Partitions, cfg.Topic = f.Listen, f.Partitions, f.Topic
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
