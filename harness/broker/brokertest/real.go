package brokertest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/voice-agentstate/conformance/harness/broker"
)

// RealKafkaVar names the file, written by harness/scripts/kafka.sh up, that describes a real
// Kafka broker: NAME=VALUE lines, KAFKA_PLAINTEXT among them. make test-kafka sets it.
const RealKafkaVar = "AGENTSTATE_REAL_KAFKA"

// Real returns a topic of the test's own, with the given partitions, on the real Kafka broker
// RealKafkaVar describes (its plaintext listener), deleted when the test ends. It skips the test
// when RealKafkaVar is not set, and fails it when the file is unreadable or the broker does not
// answer.
func Real(t testing.TB, partitions int32) broker.Broker {
	t.Helper()
	path := os.Getenv(RealKafkaVar)
	if path == "" {
		t.Skipf("%s is not set: this needs a real Kafka broker; run make test-kafka, which starts one (harness/scripts/kafka.sh) and sets it", RealKafkaVar)
	}
	vars, err := ReadVars(path)
	if err != nil || vars["KAFKA_PLAINTEXT"] == "" {
		t.Fatalf("%s=%s: %v; expected the file harness/scripts/kafka.sh up writes, with KAFKA_PLAINTEXT", RealKafkaVar, path, err)
	}
	cfg := broker.Config{Provider: broker.External, Bootstrap: broker.SplitList(vars["KAFKA_PLAINTEXT"]), Topic: UniqueTopic(t),
		Partitions: partitions, AllowCreate: true, DialTimeout: 10 * time.Second}
	b, err := broker.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("create topic %s on real Kafka: %v", cfg.Topic, err)
	}
	t.Cleanup(func() { deleteTopic(t, b) })
	if got := b.Info().Partitions; got != int(partitions) {
		t.Fatalf("topic %s was created with %d partitions, want %d", cfg.Topic, got, partitions)
	}
	AwaitLeaders(t, b, int(partitions))
	return b
}

// Each runs test once over an embedded broker and once over a real one (Real: skipped unless
// RealKafkaVar is set), as subtests named embedded and real, each with a topic of partitions.
func Each(t *testing.T, partitions int32, test func(t *testing.T, b broker.Broker)) {
	t.Helper()
	t.Run("embedded", func(t *testing.T) { test(t, Embedded(t, partitions)) })
	t.Run("real", func(t *testing.T) { test(t, Real(t, partitions)) })
}

var unsafeNameChars = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// UniqueTopic names a topic (or a group) after the test, with a random suffix, so that tests need
// no order.
func UniqueTopic(t testing.TB) string {
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	return "agentstate-it." + unsafeNameChars.ReplaceAllString(t.Name(), "_") + "." + hex.EncodeToString(suffix)
}

// ReadVars reads the file RealKafkaVar names: NAME=VALUE lines, skipping blank lines and # comments.
func ReadVars(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: expected NAME=VALUE, found %q", n, line)
		}
		vars[name] = value
	}
	return vars, sc.Err()
}

// AwaitLeaders waits, at most ten seconds (a watchdog), until every partition of the topic has a
// leader: real Kafka answers CreateTopics before its brokers learn of the topic.
func AwaitLeaders(t testing.TB, b broker.Broker, partitions int) {
	t.Helper()
	cl, err := broker.NewClient(b)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm, topic := kadm.NewClient(cl), b.Info().Topic
	deadline := time.Now().Add(10 * time.Second)
	for {
		topics, err := adm.ListTopics(context.Background(), topic)
		led := 0
		if err == nil && topics[topic].Err == nil {
			for _, p := range topics[topic].Partitions {
				if p.Err == nil && p.Leader >= 0 {
					led++
				}
			}
		}
		if led == partitions {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("topic %s: %d of %d partitions have a leader 10s after creation (last error %v)", topic, led, partitions, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// deleteTopic deletes a test's topic and closes the broker; a failure is logged, since the
// broker and its data are thrown away after the run anyway.
func deleteTopic(t testing.TB, b broker.Broker) {
	defer b.Close()
	cl, err := broker.NewClient(b)
	if err == nil {
		defer cl.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err = kadm.NewClient(cl).DeleteTopic(ctx, b.Info().Topic)
	}
	if err != nil {
		t.Logf("delete topic %s: %v", b.Info().Topic, err)
	}
}
