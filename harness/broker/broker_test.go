package broker_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/record"
)

const secret = "s3cr3t-Pa55word"

func external(b broker.Broker) broker.Config {
	return broker.Config{Provider: broker.External, Bootstrap: b.Info().Bootstrap, Topic: broker.DefaultTopic, Partitions: 3, DialTimeout: 5 * time.Second}
}

// roundTrip produces one record through the given broker and reads it back.
func roundTrip(t *testing.T, b broker.Broker) {
	t.Helper()
	brokertest.Produce(t, b, brokertest.Record{Partition: 1, Key: []byte("t1:1001"), Value: []byte(`{"id":"EventDNDOn"}`)})
	var got []record.Record
	res, err := consume.Run(context.Background(), b, consume.Options{UntilEnd: true}, func(r record.Record) { got = append(got, r) })
	if err != nil || len(got) != 1 || res.Partitions[1].Count != 1 || got[0].Place.Key != "t1:1001" {
		t.Fatalf("round trip: err %v, records %d, result %+v", err, len(got), res)
	}
}

// TestExternalClusterOverTLSAndSASL reaches an embedded broker started as if it were a remote
// cluster requiring TLS and each SASL mechanism.
func TestExternalClusterOverTLSAndSASL(t *testing.T) {
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mech, func(t *testing.T) {
			srvTLS, caFile := brokertest.TLS(t)
			remote := brokertest.Embedded(t, 3, kfake.TLS(srvTLS), kfake.EnableSASL(), kfake.Superuser(mech, "probe", secret))
			cfg := external(remote)
			cfg.TLS = broker.TLS{Enabled: true, CA: caFile}
			cfg.SASL = broker.SASL{Mechanism: mech, User: "probe", Password: broker.Secret(secret)}
			b, err := broker.Start(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			info := b.Info()
			if !info.TLS || info.SASL != mech || info.Partitions != 3 || info.KafkaVersion == "" {
				t.Errorf("info %+v", info)
			}
			roundTrip(t, b)
		})
	}
}

func TestExternalClusterRefusals(t *testing.T) {
	srvTLS, caFile := brokertest.TLS(t)
	remote := brokertest.Embedded(t, 3, kfake.TLS(srvTLS), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "probe", secret))
	for _, c := range []struct {
		name string
		edit func(*broker.Config)
		want string
	}{
		{"wrong password", func(c *broker.Config) {
			c.TLS = broker.TLS{Enabled: true, CA: caFile}
			c.SASL = broker.SASL{Mechanism: "SCRAM-SHA-256", User: "probe", Password: broker.Secret(secret + "-wrong")}
		}, "reach kafka at"},
		{"untrusted certificate", func(c *broker.Config) {
			c.TLS = broker.TLS{Enabled: true}
			c.SASL = broker.SASL{Mechanism: "SCRAM-SHA-256", User: "probe", Password: broker.Secret(secret)}
		}, "reach kafka at"},
		{"missing CA file", func(c *broker.Config) {
			c.TLS = broker.TLS{Enabled: true, CA: "/nonexistent/ca.pem"}
		}, "read TLS CA"},
		{"half a client certificate", func(c *broker.Config) {
			c.TLS = broker.TLS{Enabled: true, Cert: "cert.pem"}
		}, "give both the certificate and its key"},
		{"SASL without password", func(c *broker.Config) {
			c.SASL = broker.SASL{Mechanism: "PLAIN", User: "probe"}
		}, "a user and a password are needed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := external(remote)
			cfg.DialTimeout = 2 * time.Second
			c.edit(&cfg)
			_, err := broker.Start(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error reveals the password: %v", err)
			}
		})
	}
}

func TestUnreachableClusterFailsWithinTheTimeout(t *testing.T) {
	cfg := broker.Config{Provider: broker.External, Bootstrap: []string{"127.0.0.1:1"}, Topic: broker.DefaultTopic, Partitions: 3, DialTimeout: time.Second}
	done := make(chan error, 1)
	go func() { _, err := broker.Start(context.Background(), cfg); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "reach kafka at 127.0.0.1:1 within 1s") {
			t.Fatalf("got %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Start hung on an unreachable cluster")
	}
}

func TestExternalTopicMustExistUnlessCreationIsAllowed(t *testing.T) {
	remote := brokertest.Embedded(t, 3)
	cfg := external(remote)
	cfg.Topic = "voice-agentstate-staging"
	_, err := broker.Start(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "topic voice-agentstate-staging does not exist on "+remote.Info().Bootstrap[0]) {
		t.Fatalf("got %v", err)
	}
	cfg.AllowCreate, cfg.Partitions = true, 5
	b, err := broker.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if b.Info().Partitions != 5 {
		t.Errorf("created topic has %d partitions, want 5", b.Info().Partitions)
	}
}

// TestSecretsNeverPrint covers every way a configuration reaches a log, an error or a report.
func TestSecretsNeverPrint(t *testing.T) {
	cfg, err := broker.FromEnv(func(k string) string {
		return map[string]string{"AGENTSTATE_BROKER": "external", "AGENTSTATE_BOOTSTRAP": "k:9093", "AGENTSTATE_SASL_MECHANISM": "scram-sha-512",
			"AGENTSTATE_SASL_USER": "probe", "AGENTSTATE_SASL_PASSWORD": secret}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SASL.Password.Reveal() != secret || cfg.SASL.Mechanism != "SCRAM-SHA-512" {
		t.Fatalf("config %v", cfg)
	}
	js, _ := json.Marshal(cfg)
	//lint:ignore S1025 what is tested is how fmt's %s verb prints a password, not its String method
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%s", cfg.SASL.Password), string(js)} {
		if strings.Contains(s, secret) {
			t.Errorf("secret printed: %s", s)
		}
		if !strings.Contains(s, "[redacted]") {
			t.Errorf("no placeholder where the secret would be: %s", s)
		}
	}
}

func TestFromEnv(t *testing.T) {
	dir := t.TempDir()
	pw := dir + "/pw"
	if err := writeFile(pw, secret+"\nsecond line ignored\n"); err != nil {
		t.Fatal(err)
	}
	cfg, err := broker.FromEnv(func(k string) string {
		return map[string]string{"AGENTSTATE_BOOTSTRAP": " a:1, b:2 ,", "AGENTSTATE_PARTITIONS": "6", "AGENTSTATE_ALLOW_CREATE_TOPIC": "yes",
			"AGENTSTATE_CONNECT_TIMEOUT": "3s", "AGENTSTATE_SASL_PASSWORD_FILE": pw}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Provider != broker.Embedded || strings.Join(cfg.Bootstrap, "|") != "a:1|b:2" || cfg.Partitions != 6 || !cfg.AllowCreate ||
		cfg.DialTimeout != 3*time.Second || cfg.SASL.Password.Reveal() != secret || cfg.Topic != "voice-agentstate" {
		t.Errorf("config %+v", cfg)
	}
	for k, v := range map[string]string{"AGENTSTATE_PARTITIONS": "0", "AGENTSTATE_TLS": "sometimes", "AGENTSTATE_CONNECT_TIMEOUT": "soon"} {
		if _, err := broker.FromEnv(func(key string) string { return map[string]string{k: v}[key] }); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: want an error naming it, got %v", k, v, err)
		}
	}
	if _, err := broker.Start(context.Background(), broker.Config{Provider: "kafka"}); err == nil || !strings.Contains(err.Error(), "expected embedded, container or external") {
		t.Errorf("unknown provider: %v", err)
	}
}

// TestContainerModeFailsAtOnceWithoutARuntime: asked for explicitly, the container provider never
// falls back to another mode, nor from a DOCKER_HOST that does not answer to the default socket
// or any other daemon (here one that ~/.testcontainers.properties names); it names the address
// it tried and says what to pick instead.
func TestContainerModeFailsAtOnceWithoutARuntime(t *testing.T) {
	elsewhere := brokertest.StartFakeDocker(t)
	home := t.TempDir()
	if err := os.WriteFile(home+"/.testcontainers.properties", []byte("docker.host="+elsewhere.Host+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	nowhere := "unix://" + t.TempDir() + "/no-daemon.sock"
	t.Setenv("DOCKER_HOST", nowhere)
	_, err := broker.Start(context.Background(), broker.Config{Provider: broker.Container, Topic: broker.DefaultTopic, Partitions: 3, DialTimeout: time.Second, Image: broker.DefaultImage})
	if !errors.Is(err, broker.ErrNoContainerRuntime) || !strings.Contains(err.Error(), "DOCKER_HOST="+nowhere) || !strings.Contains(err.Error(), "AGENTSTATE_BROKER=embedded") {
		t.Errorf("got %v", err)
	}
	if got := elsewhere.Requests(); len(got) > 0 {
		t.Errorf("fell back from DOCKER_HOST=%s to another daemon: %v", nowhere, got)
	}
}

// TestContainerModeSaysWhenTheDaemonCannotPull: a daemon that answers but has no registry (an
// air-gapped runner) is an error of its own, at once, naming the image and how to build one here.
func TestContainerModeSaysWhenTheDaemonCannotPull(t *testing.T) {
	docker := brokertest.StartFakeDocker(t)
	t.Setenv("DOCKER_HOST", docker.Host)
	t.Setenv("HOME", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := broker.Start(ctx, broker.Config{Provider: broker.Container, Topic: broker.DefaultTopic, Partitions: 3, DialTimeout: time.Second, Image: "apache/kafka:4.4.0"})
	if b != nil {
		t.Cleanup(func() { b.Close() })
	}
	for _, want := range []string{"apache/kafka:4.4.0", "registry-1.docker.io", "make kafka-image", "AGENTSTATE_KAFKA_IMAGE"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("expected an error naming %q, got %v", want, err)
		}
	}
}

// TestContainerBroker runs a real Kafka container in container mode (make test-container,
// AGENTSTATE_BROKER=container), with the image AGENTSTATE_KAFKA_IMAGE names; never elsewhere.
func TestContainerBroker(t *testing.T) {
	brokertest.RequireContainerMode(t)
	cfg, err := broker.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Partitions, cfg.DialTimeout = 3, time.Minute
	b, err := broker.Start(context.Background(), cfg)
	if b != nil {
		t.Cleanup(func() { b.Close() })
	}
	if err != nil {
		t.Fatal(err)
	}
	if info := b.Info(); info.Provider != broker.Container || info.Partitions != 3 || !strings.Contains(info.KafkaVersion, cfg.Image) {
		t.Errorf("info %+v", info)
	}
	roundTrip(t, b)
}

func TestEmbeddedCloseIsIdempotentAndNilSafe(t *testing.T) {
	b, err := broker.StartEmbedded(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if first, second := b.Close(), b.Close(); first != nil || second != nil {
		t.Errorf("Close failed: %v, then %v", first, second)
	}
	var nilBroker *broker.EmbeddedBroker
	if nilBroker.Close() != nil {
		t.Error("nil Close failed")
	}
	if _, err := broker.StartEmbedded(broker.Config{Listen: "nonsense"}); err == nil || !strings.Contains(err.Error(), "expected host:port") {
		t.Errorf("bad listen address: %v", err)
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o600) }
