package broker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/jsonmessage"
	"github.com/testcontainers/testcontainers-go"
	"github.com/twmb/franz-go/pkg/kgo"
)

// ErrNoContainerRuntime means the container provider was asked for and no container runtime
// answered. It never falls back to another provider, nor to another Docker daemon, by itself.
var ErrNoContainerRuntime = errors.New("no container runtime is reachable")

// containerBroker is a Kafka container (or several) started with testcontainers-go.
type containerBroker struct {
	ctrs   []testcontainers.Container
	info   Info
	opts   []kgo.Opt
	closed closeOnce
}

// ContainerRuntime reports whether a container runtime (Docker or compatible) answers, and if
// not, why. A DOCKER_HOST that is set is the only daemon tried: one that does not answer is an
// error naming it, never a fall-back to the default socket. Without DOCKER_HOST, testcontainers-go
// looks where it looks (~/.testcontainers.properties, the default and the rootless sockets).
func ContainerRuntime(ctx context.Context) (err error) {
	if host := os.Getenv("DOCKER_HOST"); host != "" {
		cli, err := dockerClient(ctx)
		if err != nil {
			return err
		}
		defer cli.Close()
		if _, err := cli.Ping(ctx); err != nil {
			return fmt.Errorf("%w: DOCKER_HOST=%s does not answer: %v; start the daemon there, point DOCKER_HOST at one that runs, or unset it to use the default socket", ErrNoContainerRuntime, host, err)
		}
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrNoContainerRuntime, r)
		}
	}()
	p, err := testcontainers.ProviderDocker.GetProvider()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoContainerRuntime, err)
	}
	defer p.Close()
	if err := p.Health(ctx); err != nil {
		return fmt.Errorf("%w: %v", ErrNoContainerRuntime, err)
	}
	return nil
}

// dockerClient is a Docker API client for DOCKER_HOST when it is set, else for the daemon
// testcontainers-go finds.
func dockerClient(ctx context.Context) (client.APIClient, error) {
	if host := os.Getenv("DOCKER_HOST"); host != "" {
		cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
		if err != nil {
			return nil, fmt.Errorf("%w: DOCKER_HOST=%s: %v", ErrNoContainerRuntime, host, err)
		}
		return cli, nil
	}
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoContainerRuntime, err)
	}
	return cli, nil
}

// ensureImage makes sure the daemon has the image: present, or pulled once now. A daemon that
// cannot pull it (no registry, a registry without it) is an error naming the image and what to
// do, at once, rather than testcontainers-go's pull retries.
func ensureImage(ctx context.Context, ref string) error {
	cli, err := dockerClient(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	if _, err := cli.ImageInspect(ctx, ref); err == nil {
		return nil
	} else if !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("inspect image %s: %w", ref, err)
	}
	if err := pull(ctx, cli, ref); err != nil {
		return fmt.Errorf("pull image %s: %w; the Docker daemon has no copy and no registry it reaches gave one: pull it where a registry is reachable and docker load it here, or build apache/kafka's interface here without a registry (make kafka-image, then AGENTSTATE_KAFKA_IMAGE=%s)", ref, err, LocalImage)
	}
	return nil
}

func pull(ctx context.Context, cli client.APIClient, ref string) error {
	rc, err := cli.ImagePull(ctx, ref, image.PullOptions{})
	if err != nil {
		return err
	}
	defer rc.Close()
	return jsonmessage.DisplayJSONMessagesStream(rc, io.Discard, 0, false, nil)
}

// startContainer starts a single Kafka container: through testcontainers-go's Kafka module for a
// confluent-local image (the only layout the module drives), else through the generic container
// API with apache/kafka's interface (the official images, and agentstate-kafka).
func startContainer(ctx context.Context, cfg Config) (Broker, error) {
	if err := ContainerRuntime(ctx); err != nil {
		return nil, fmt.Errorf("container broker: %w; or pick another mode: AGENTSTATE_BROKER=embedded (in-process, the default) or AGENTSTATE_BROKER=external with AGENTSTATE_BOOTSTRAP", err)
	}
	if err := ensureImage(ctx, cfg.Image); err != nil {
		return nil, fmt.Errorf("container broker: %w", err)
	}
	if confluentLocal(cfg.Image) {
		return startConfluent(ctx, cfg)
	}
	return startApache(ctx, cfg, 1)
}

// confluentLocal says whether an image has the confluent-local layout (/etc/confluent/docker),
// by its name.
func confluentLocal(ref string) bool { return strings.Contains(ref, "confluent-local") }

// ready fills in the broker's info and client options and makes sure its topic exists.
func (b *containerBroker) ready(ctx context.Context, cfg Config, seeds []string) error {
	b.opts = []kgo.Opt{kgo.SeedBrokers(seeds...)}
	b.info = Info{Provider: Container, Bootstrap: seeds, Topic: cfg.Topic}
	cfg.Bootstrap, cfg.AllowCreate = seeds, true
	if err := prepare(ctx, b.opts, cfg, &b.info); err != nil {
		return err
	}
	b.info.KafkaVersion += " (" + cfg.Image + ")"
	return nil
}

func (b *containerBroker) Info() Info            { return b.info }
func (b *containerBroker) ClientOpts() []kgo.Opt { return b.opts }

// Close terminates the containers. It is idempotent and nil-safe.
func (b *containerBroker) Close() error {
	if b == nil {
		return nil
	}
	return b.closed.do(func() error {
		var errs []error
		for _, c := range b.ctrs {
			if err := testcontainers.TerminateContainer(c); err != nil {
				errs = append(errs, fmt.Errorf("terminate kafka container: %w", err))
			}
		}
		return errors.Join(errs...)
	})
}
