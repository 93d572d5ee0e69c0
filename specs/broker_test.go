package specs_test

import (
	"context"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/record"
)

// containerAsked says whether a run asked for container mode: AGENTSTATE_BROKER=container, or a
// label filter that names the container label and selects the container spec.
func containerAsked(provider, filter string) bool {
	if provider == broker.Container {
		return true
	}
	if !strings.Contains(filter, "container") {
		return false
	}
	selects, err := types.ParseLabelFilter(filter)
	return err == nil && selects([]string{"broker", "container"})
}

func kgoRecord(topic, key, value string) *kgo.Record {
	return &kgo.Record{Topic: topic, Key: []byte(key), Value: []byte(value)}
}

// roundTrip produces one event through the broker and consumes it back until the end offsets.
func roundTrip(b broker.Broker) {
	cl, err := broker.NewClient(b)
	must(err, "")
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	must(cl.ProduceSync(ctx, kgoRecord(b.Info().Topic, "t1:1001", `{"id":"EventDNDOn"}`)).FirstErr(), "")
	var got []record.Record
	res, err := consume.Run(ctx, b, consume.Options{UntilEnd: true}, func(r record.Record) { got = append(got, r) })
	must(err, "")
	Expect(res.Records).To(Equal(1))
	Expect(got[0].Place.Key).To(Equal("t1:1001"))
}

var _ = Describe("Broker modes", Label("broker"), func() {
	It("runs an embedded broker with the topic in place", Label("embedded"), func() {
		b, err := broker.Start(context.Background(), broker.Config{Provider: broker.Embedded, Topic: broker.DefaultTopic, Partitions: 3, DialTimeout: 10 * time.Second})
		must(err, "")
		DeferCleanup(b.Close)
		Expect(b.Info().Partitions).To(Equal(3))
		roundTrip(b)
	})

	It("reaches an external cluster that has the topic", Label("external"), func() {
		remote, err := broker.StartEmbedded(broker.Config{Partitions: 2})
		must(err, "")
		DeferCleanup(remote.Close)
		b, err := broker.Start(context.Background(), broker.Config{Provider: broker.External, Bootstrap: remote.Info().Bootstrap, Topic: broker.DefaultTopic, Partitions: 3, DialTimeout: 10 * time.Second})
		must(err, "")
		Expect(b.Info().Partitions).To(Equal(2))
		roundTrip(b)
	})

	// The container spec is in the tree only when container mode is asked for, so that a run on
	// the embedded default never touches Docker, whatever is installed (a daemon that cannot pull
	// would otherwise fail the run for nothing the producer did).
	if containerAsked(os.Getenv("AGENTSTATE_BROKER"), GinkgoLabelFilter()) {
		It("runs a Kafka container", Label("container"), func() {
			must(cfgErr, "settings")
			bc := cfg.Broker // the settings the suite read once, with this spec's own topic shape
			bc.Provider, bc.Partitions, bc.DialTimeout = broker.Container, 3, time.Minute
			b, err := broker.Start(context.Background(), bc)
			if b != nil {
				DeferCleanup(b.Close)
			}
			must(err, "")
			roundTrip(b)
		})
	}
})
