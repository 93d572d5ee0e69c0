// Command genstream writes a generated lawful voice-agentstate stream as JSON Lines, for
// benchmarks and load tests: go run ./harness/cmd/genstream -events 100000 -seed 1 > stream.jsonl
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/voice-agentstate/conformance/harness/gen"
)

func main() {
	events := flag.Int("events", 100_000, "how many events")
	agents := flag.Int("agents", 1000, "agents, each with a DN of its own")
	seed := flag.Uint64("seed", 1, "the same seed gives the same stream")
	flag.Parse()
	msgs, err := gen.Stream(gen.Options{Seed: *seed, Events: *events, Agents: *agents})
	if err != nil {
		fmt.Fprintln(os.Stderr, "genstream:", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	for _, m := range msgs {
		w.Write(m.Value)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "genstream:", err)
		os.Exit(2)
	}
}
