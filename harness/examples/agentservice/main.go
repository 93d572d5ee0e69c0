// Command agentservice is an example producer of the voice-agentstate topic, written as a producer
// team outside this repository would write one: it imports nothing of the conformance harness,
// only franz-go and the standard library. It keeps its own agent and DN state, publishes the 14
// events of the contract as JSON with the key {tenant}:{agent}, and serves the suite's adapter
// protocol (harness/drive/adapter-protocol.md) so that the conformance suite can drive it.
//
//	agentservice serve --bootstrap 127.0.0.1:9092 [--topic voice-agentstate] [--listen 127.0.0.1:8080] [--url-file PATH]
//	agentservice forward http://127.0.0.1:8080
//
// serve runs the service and its HTTP adapter (POST /v1/stimulus). forward is its exec adapter:
// the suite runs it once per stimulus (AGENTSTATE_SUT=exec), with the request on standard input;
// it posts the request to the service and prints the answer.
//
// Where the contract leaves a choice, the example takes the lawful one the reference producer
// (harness/sut) does not take, so that a green run shows the suite accepts both: events without
// an AgentID are keyed {tenant}: (judge the stream with AGENTSTATE_SERVICE_KEY=tenant); an
// out-of-service of a DN already out of service is refused with invalid-state; an outage logs the
// DN's agent out with EventAgentLogout alone, without an EventAgentNotReady first.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage:
  agentservice serve --bootstrap HOST:PORT[,HOST:PORT] [--topic voice-agentstate] [--listen 127.0.0.1:8080] [--url-file PATH]
  agentservice forward URL   (the exec adapter: a request on stdin, the answer on stdout)`

// run is the command: 0 when it ended well, 1 when it failed, 2 for a usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stderr)
	case "forward":
		return forward(ctx, args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "agentservice: unknown command %q\n%s\n", args[0], usage)
	return 2
}
