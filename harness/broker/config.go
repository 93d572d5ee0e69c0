package broker

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config says which broker to use and how to reach it. FromEnv fills it from AGENTSTATE_*
// variables; flags may then override fields.
type Config struct {
	Provider    string        // embedded (default), container or external
	Bootstrap   []string      // external: seed brokers, host:port
	Topic       string        // default voice-agentstate
	Partitions  int32         // embedded, or a topic the harness creates: default 3
	AllowCreate bool          // external: create the topic when missing (default: fail)
	Listen      string        // embedded: host:port to listen on (default 127.0.0.1 on a free port)
	Image       string        // container: image (default DefaultImage)
	Network     string        // container: bridge (the default, also for ""; mapped ports) or host (loopback ports from Ports)
	Ports       string        // container, host networking: the range its ports are taken from (default DefaultPorts)
	DialTimeout time.Duration // how long to wait for the cluster to answer: default 30s
	TLS         TLS
	SASL        SASL
}

// TLS configures TLS to an external cluster. CA, Cert and Key are PEM file paths.
type TLS struct {
	Enabled    bool
	CA         string // CA bundle to trust instead of the system's
	Cert, Key  string // client certificate, for mutual TLS
	ServerName string // overrides the name checked in the server's certificate
}

// SASL configures SASL authentication to an external cluster.
type SASL struct {
	Mechanism string // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	User      string
	Password  Secret
}

// Secret is a credential. It prints as [redacted] through fmt, %v, %+v, %#v and JSON, so that it
// never reaches a log, an error or a report by accident.
type Secret string

// String returns a placeholder, never the secret.
func (Secret) String() string { return "[redacted]" }

// GoString returns a placeholder, never the secret.
func (Secret) GoString() string { return "[redacted]" }

// MarshalText returns a placeholder, never the secret.
func (Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// Reveal returns the secret itself, for the one place that must send it.
func (s Secret) Reveal() string { return string(s) }

// DefaultImage is the container image of the container provider: the official Apache Kafka
// image, of the Kafka version the harness is tested against (harness/scripts/kafka.sh), started
// through its interface (KAFKA_* variables, /etc/kafka/docker/run). It is pulled from the user's
// registry; where none is reachable, make kafka-image builds LocalImage, the same interface.
const DefaultImage = "apache/kafka:4.4.0"

// LocalImage is the image make kafka-image builds from Debian's packages and Maven Central.
const LocalImage = "agentstate-kafka:4.4.0"

// DefaultPorts is the range of loopback ports containers on the host's network listen on.
const DefaultPorts = "39090-39199"

// Container networks, as AGENTSTATE_CONTAINER_NETWORK names them.
const (
	BridgeNetwork = "bridge" // the default: the broker's port mapped to a port of the host
	HostNetwork   = "host"   // the host's network: each broker on its own 127.0.0.1 ports
)

func defaultConfig() Config {
	return Config{Provider: Embedded, Topic: DefaultTopic, Partitions: 3, Image: DefaultImage,
		Network: BridgeNetwork, Ports: DefaultPorts, DialTimeout: 30 * time.Second}
}

// FromEnv reads a Config from AGENTSTATE_* variables: BROKER, BOOTSTRAP, TOPIC, PARTITIONS,
// ALLOW_CREATE_TOPIC, LISTEN, KAFKA_IMAGE, CONTAINER_NETWORK, CONTAINER_PORTS, CONNECT_TIMEOUT, TLS, TLS_CA, TLS_CERT, TLS_KEY,
// TLS_SERVER_NAME, SASL_MECHANISM, SASL_USER, and SASL_PASSWORD or SASL_PASSWORD_FILE.
func FromEnv(getenv func(string) string) (Config, error) {
	c := defaultConfig()
	env := func(name string) string { return strings.TrimSpace(getenv("AGENTSTATE_" + name)) }
	if v := env("BROKER"); v != "" {
		c.Provider = v
	}
	if v := env("BOOTSTRAP"); v != "" {
		c.Bootstrap = SplitList(v)
	}
	if v := env("TOPIC"); v != "" {
		c.Topic = v
	}
	c.Listen = env("LISTEN")
	if v := env("KAFKA_IMAGE"); v != "" {
		c.Image = v
	}
	if v := env("CONTAINER_NETWORK"); v != "" {
		c.Network = v
	}
	if v := env("CONTAINER_PORTS"); v != "" {
		c.Ports = v
	}
	c.TLS = TLS{CA: env("TLS_CA"), Cert: env("TLS_CERT"), Key: env("TLS_KEY"), ServerName: env("TLS_SERVER_NAME")}
	c.SASL = SASL{Mechanism: strings.ToUpper(env("SASL_MECHANISM")), User: env("SASL_USER"), Password: Secret(getenv("AGENTSTATE_SASL_PASSWORD"))}
	var err error
	if c.Partitions, err = envInt(env, "PARTITIONS", c.Partitions); err != nil {
		return c, err
	}
	if c.AllowCreate, err = envBool(env, "ALLOW_CREATE_TOPIC"); err != nil {
		return c, err
	}
	if c.TLS.Enabled, err = envBool(env, "TLS"); err != nil {
		return c, err
	}
	if v := env("CONNECT_TIMEOUT"); v != "" {
		if c.DialTimeout, err = time.ParseDuration(v); err != nil {
			return c, fmt.Errorf("AGENTSTATE_CONNECT_TIMEOUT=%q: expected a duration such as 30s", v)
		}
	}
	if file := env("SASL_PASSWORD_FILE"); file != "" {
		if err := c.SASL.ReadPasswordFile(file); err != nil {
			return c, err
		}
	}
	return c, nil
}

// ReadPasswordFile sets the password from the first line of a file.
func (s *SASL) ReadPasswordFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read SASL password file: %w", err)
	}
	s.Password = Secret(strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r"))
	return nil
}

// SplitList splits a comma-separated list, dropping empty items.
func SplitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func envInt(env func(string) string, name string, def int32) (int32, error) {
	v := env(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 1 {
		return def, fmt.Errorf("AGENTSTATE_%s=%q: expected a whole number of at least 1", name, v)
	}
	return int32(n), nil
}

func envBool(env func(string) string, name string) (bool, error) {
	switch strings.ToLower(env(name)) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("AGENTSTATE_%s=%q: expected true or false", name, env(name))
}

func (c Config) validate() error {
	switch c.Provider {
	case Embedded, Container:
	case External:
		if len(c.Bootstrap) == 0 {
			return fmt.Errorf("external broker: no bootstrap address; set AGENTSTATE_BOOTSTRAP (or --bootstrap) to host:port[,host:port...]")
		}
	default:
		return fmt.Errorf("broker %q: expected embedded, container or external (AGENTSTATE_BROKER)", c.Provider)
	}
	if c.Provider == Container && c.Network != "" && c.Network != BridgeNetwork && c.Network != HostNetwork {
		return fmt.Errorf("container network %q: expected bridge or host (AGENTSTATE_CONTAINER_NETWORK)", c.Network)
	}
	if c.Topic == "" {
		return fmt.Errorf("broker: empty topic name")
	}
	if c.Partitions < 1 {
		return fmt.Errorf("broker: %d partitions: expected at least 1", c.Partitions)
	}
	if c.DialTimeout <= 0 {
		return fmt.Errorf("broker: connect timeout %s: expected a positive duration", c.DialTimeout)
	}
	switch c.SASL.Mechanism {
	case "", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
	default:
		return fmt.Errorf("SASL mechanism %q: expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", c.SASL.Mechanism)
	}
	if c.SASL.Mechanism != "" && (c.SASL.User == "" || c.SASL.Password == "") {
		return fmt.Errorf("SASL %s: a user and a password are needed (AGENTSTATE_SASL_USER, AGENTSTATE_SASL_PASSWORD or AGENTSTATE_SASL_PASSWORD_FILE)", c.SASL.Mechanism)
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		return fmt.Errorf("TLS client certificate: give both the certificate and its key (AGENTSTATE_TLS_CERT, AGENTSTATE_TLS_KEY)")
	}
	return nil
}
