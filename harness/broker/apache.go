package broker

import (
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// The apache/kafka interface: the image's entry script reads KAFKA_* variables and CLUSTER_ID.
// The container's command waits for the advertised listener, which is known only once the
// container runs (its mapped port, with bridge networking), then starts that script.
const (
	apacheEntry    = "/etc/kafka/docker/run"
	advertisedFile = "/tmp/agentstate-advertised"
	advertisedSet  = "/tmp/agentstate-advertised.done"
	startedLine    = "Kafka Server started"
	bridgePort     = "9092/tcp"
)

// awaitAdvertised is the container's command: it waits for the advertised listener, then becomes
// the image's own entry script.
var awaitAdvertised = fmt.Sprintf(`while [ ! -f %[2]s ]; do sleep 0.1; done; KAFKA_ADVERTISED_LISTENERS=$(cat %[1]s); export KAFKA_ADVERTISED_LISTENERS; exec %[3]s`,
	advertisedFile, advertisedSet, apacheEntry)

// node is one combined broker and controller of a KRaft cluster of containers.
type node struct {
	id       int
	port     int // PLAINTEXT: the host port (host networking) or 9092 in the container (bridge)
	control  int // CONTROLLER
	host     bool
	voters   string
	cluster  string
	replicas int // of the internal topics and of the topics the cluster creates
	heap     string
}

// env is the node's configuration as apache/kafka's documentation names it.
func (n node) env() map[string]string {
	addr := ""
	if n.host {
		addr = "127.0.0.1" // host networking: every byte stays on loopback
	}
	minISR := 1
	if n.replicas >= 3 {
		minISR = 2
	}
	return map[string]string{
		"KAFKA_NODE_ID":                                  strconv.Itoa(n.id),
		"KAFKA_PROCESS_ROLES":                            "broker,controller",
		"KAFKA_LISTENERS":                                fmt.Sprintf("PLAINTEXT://%s:%d,CONTROLLER://%s:%d", addr, n.port, addr, n.control),
		"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP":           "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
		"KAFKA_CONTROLLER_LISTENER_NAMES":                "CONTROLLER",
		"KAFKA_INTER_BROKER_LISTENER_NAME":               "PLAINTEXT",
		"KAFKA_CONTROLLER_QUORUM_VOTERS":                 n.voters,
		"CLUSTER_ID":                                     n.cluster,
		"KAFKA_LOG_DIRS":                                 "/tmp/kraft-combined-logs",
		"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR":         strconv.Itoa(n.replicas),
		"KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": strconv.Itoa(n.replicas),
		"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR":            strconv.Itoa(minISR),
		"KAFKA_DEFAULT_REPLICATION_FACTOR":               strconv.Itoa(n.replicas),
		"KAFKA_MIN_INSYNC_REPLICAS":                      strconv.Itoa(minISR),
		"KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS":         "0",
		"KAFKA_HEAP_OPTS":                                n.heap,
		// The log cleaner's buffer is 128 MiB by default: most of a small heap, for a topic
		// that is never compacted here.
		"KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE": "16777216",
	}
}

// nodes plans a cluster of n: with host networking, two free loopback ports each from cfg.Ports;
// with bridge networking (one node only), the container's own 9092 and 9093.
func nodes(cfg Config, n int) ([]node, error) {
	host := cfg.Network == HostNetwork
	if n > 1 && !host {
		return nil, fmt.Errorf("a cluster of %d Kafka containers needs host networking (AGENTSTATE_CONTAINER_NETWORK=host): each broker on its own loopback ports", n)
	}
	heap := "-Xmx512m -Xms256m"
	if n > 1 {
		heap = "-Xmx384m -Xms128m"
	}
	ports := []int{9092, 9093}
	if host {
		var err error
		if ports, err = freePorts(cfg.Ports, 2*n); err != nil {
			return nil, err
		}
	}
	cluster, voters := clusterID(), make([]string, n)
	out := make([]node, n)
	for i := range out {
		out[i] = node{id: i + 1, port: ports[2*i], control: ports[2*i+1], host: host, cluster: cluster, replicas: min(n, 3), heap: heap}
		voters[i] = fmt.Sprintf("%d@%s:%d", i+1, map[bool]string{true: "127.0.0.1", false: "localhost"}[host], out[i].control)
	}
	for i := range out {
		out[i].voters = strings.Join(voters, ",")
	}
	return out, nil
}

// portAttempts is how often a cluster is started on fresh ports when a broker could not bind
// one: the range of AGENTSTATE_CONTAINER_PORTS may lie in the kernel's ephemeral range, where an
// outgoing connection (of a broker reaching a controller not yet up, say) can take a port
// between the check that it is free and the broker's bind.
const portAttempts = 3

// startApache starts n containers of an image with apache/kafka's interface, each a broker and a
// controller, and waits until every one has said it started; with host networking, a broker that
// found its port taken starts the cluster again on other ports.
func startApache(ctx context.Context, cfg Config, n int) (*containerBroker, error) {
	for attempt := 1; ; attempt++ {
		b, err := startApacheOnce(ctx, cfg, n)
		if err == nil || attempt == portAttempts || cfg.Network != HostNetwork || !strings.Contains(err.Error(), "Address already in use") {
			return b, err
		}
		if cerr := b.Close(); cerr != nil {
			return b, fmt.Errorf("%w; and then: %v", err, cerr)
		}
	}
}

func startApacheOnce(ctx context.Context, cfg Config, n int) (*containerBroker, error) {
	b := &containerBroker{}
	plan, err := nodes(cfg, n)
	if err != nil {
		return b, fmt.Errorf("run kafka containers %s: %w", cfg.Image, err)
	}
	seeds := make([]string, n)
	for i, nd := range plan {
		ctr, err := runNode(ctx, cfg, nd)
		if ctr != nil {
			b.ctrs = append(b.ctrs, ctr)
		}
		if err != nil {
			return b, fmt.Errorf("run kafka container %s (node %d): %w", cfg.Image, nd.id, err)
		}
		if seeds[i], err = advertise(ctx, ctr, nd); err != nil {
			return b, fmt.Errorf("run kafka container %s (node %d): %w", cfg.Image, nd.id, err)
		}
	}
	if err := awaitAll(ctx, b.ctrs, cfg.DialTimeout+time.Minute); err != nil {
		return b, fmt.Errorf("run kafka container %s: %w", cfg.Image, err)
	}
	return b, b.ready(ctx, cfg, seeds)
}

// awaitAll waits for every node at once and returns the first failure: a node that exited (its
// port taken, say) is told at once, not after another node has waited out its quorum.
func awaitAll(ctx context.Context, ctrs []testcontainers.Container, timeout time.Duration) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(ctrs))
	for i, ctr := range ctrs {
		go func() {
			if err := awaitStarted(ctx, ctr, timeout); err != nil {
				errs <- fmt.Errorf("node %d: %w", i+1, err)
				return
			}
			errs <- nil
		}()
	}
	var first error
	for range ctrs {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel()
		}
	}
	return first
}

func runNode(ctx context.Context, cfg Config, nd node) (testcontainers.Container, error) {
	req := testcontainers.ContainerRequest{
		Image:      cfg.Image,
		Env:        nd.env(),
		Entrypoint: []string{"sh", "-c", awaitAdvertised},
		Labels:     map[string]string{"org.voice-agentstate.kafka-node": strconv.Itoa(nd.id)},
	}
	if nd.host {
		req.HostConfigModifier = func(hc *container.HostConfig) { hc.NetworkMode = "host" }
	} else {
		req.ExposedPorts = []string{bridgePort}
	}
	ctr, err := testcontainers.GenericContainer(ctx, testcontainers.GenericContainerRequest{ContainerRequest: req, Started: true})
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "reaper") {
		err = fmt.Errorf("%w; testcontainers-go's reaper (Ryuk) comes from an image of its own: where no registry has it, set TESTCONTAINERS_RYUK_DISABLED=true (the harness terminates what it starts)", err)
	}
	return ctr, err
}

// advertise tells the started container its advertised listener and returns it: the host port
// itself with host networking, else the port Docker mapped 9092 to.
func advertise(ctx context.Context, ctr testcontainers.Container, nd node) (string, error) {
	addr := fmt.Sprintf("127.0.0.1:%d", nd.port)
	if !nd.host {
		h, err := ctr.Host(ctx)
		if err != nil {
			return "", fmt.Errorf("read container host: %w", err)
		}
		p, err := ctr.MappedPort(ctx, bridgePort)
		if err != nil {
			return "", fmt.Errorf("read mapped port: %w", err)
		}
		addr = net.JoinHostPort(h, p.Port())
	}
	if err := ctr.CopyToContainer(ctx, []byte("PLAINTEXT://"+addr), advertisedFile, 0o644); err != nil {
		return "", fmt.Errorf("set advertised listener: %w", err)
	}
	if err := ctr.CopyToContainer(ctx, nil, advertisedSet, 0o644); err != nil {
		return "", fmt.Errorf("set advertised listener: %w", err)
	}
	return addr, nil
}

// awaitStarted waits for the broker's "Kafka Server started" line; failing, it says what the
// container printed last.
func awaitStarted(ctx context.Context, ctr testcontainers.Container, timeout time.Duration) error {
	err := wait.ForLog(startedLine).WithStartupTimeout(timeout).WaitUntilReady(ctx, ctr)
	if err == nil {
		return nil
	}
	return fmt.Errorf("wait for %q in the broker's log: %w; its last lines:\n%s", startedLine, err, lastLines(ctx, ctr, 20))
}

func lastLines(ctx context.Context, ctr testcontainers.Container, n int) string {
	rc, err := ctr.Logs(ctx)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer rc.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		k, err := rc.Read(buf)
		b.Write(buf[:k])
		if err != nil {
			break
		}
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// freePorts returns n loopback ports of a range such as 39090-39199 that nothing listens on,
// from a random place in it, so that two runs side by side rarely try the same ones.
func freePorts(spec string, n int) ([]int, error) {
	if spec == "" {
		spec = DefaultPorts
	}
	lo, hi, err := parsePortRange(spec)
	if err != nil {
		return nil, err
	}
	size := hi - lo + 1
	start := rand.IntN(size)
	var out []int
	for i := 0; i < size && len(out) < n; i++ {
		p := lo + (start+i)%size
		if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p)); err == nil {
			ln.Close()
			out = append(out, p)
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("find %d free loopback ports in %s: found %d; set AGENTSTATE_CONTAINER_PORTS to a freer range", n, spec, len(out))
	}
	return out, nil
}

func parsePortRange(spec string) (lo, hi int, err error) {
	a, b, ok := strings.Cut(spec, "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || lo < 1 || hi > 65535 || lo > hi {
		return 0, 0, fmt.Errorf("AGENTSTATE_CONTAINER_PORTS=%q: expected a range of ports such as 39090-39199", spec)
	}
	return lo, hi, nil
}

// clusterID is a random KRaft cluster id: 16 bytes in base64url, not starting with '-'.
func clusterID() string {
	for {
		var b [16]byte
		_, _ = crand.Read(b[:])
		if id := base64.RawURLEncoding.EncodeToString(b[:]); id[0] != '-' {
			return id
		}
	}
}
