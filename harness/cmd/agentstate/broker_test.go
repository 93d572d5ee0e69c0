package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

// syncBuffer is a strings.Builder safe to read while the command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestBrokerCommandServesUntilInterrupted starts 'agentstate broker', produces to the address it
// prints, observes the topic, and stops the broker with a cancellation as Ctrl-C would.
func TestBrokerCommandServesUntilInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"broker", "--listen", "127.0.0.1:0", "--partitions", "2"}, strings.NewReader(""), &out, io.Discard, func(string) string { return "" })
	}()
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "AGENTSTATE_BOOTSTRAP="); ok {
				addr = v
			}
		}
	}
	if addr == "" {
		t.Fatalf("broker printed no address:\n%s", out.String())
	}
	b, err := broker.Start(ctx, broker.Config{Provider: broker.External, Bootstrap: []string{addr}, Topic: broker.DefaultTopic, Partitions: 3, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if b.Info().Partitions != 2 {
		t.Errorf("topic has %d partitions, want 2", b.Info().Partitions)
	}
	brokertest.Produce(t, b, brokertest.Record{Partition: 1, Key: []byte("t1:1001"), Value: []byte(`{"id":"EventDNOutOfService","ThisDN":"5001"}`)})
	if r := agentstate(t, "", map[string]string{"AGENTSTATE_BOOTSTRAP": addr}, "observe", "--until-end"); r.code != exitPass {
		t.Errorf("observe against the broker: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	cancel()
	if code := <-done; code != exitPass || !strings.Contains(out.String(), "embedded broker stopped") {
		t.Errorf("broker exit %d\n%s", code, out.String())
	}
}

func TestBrokerCommandUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"broker", "--partitions", "0"}, {"broker", "--listen", "nowhere"}, {"broker", "extra"}} {
		if r := agentstate(t, "", nil, args...); r.code != exitUsage || r.stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
