package specs_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/record"
)

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

	It("runs a Kafka container", Label("container"), func() {
		if err := broker.ContainerRuntime(context.Background()); err != nil {
			Skip("container mode needs a container runtime: " + err.Error())
		}
		b, err := broker.Start(context.Background(), broker.Config{Provider: broker.Container, Topic: broker.DefaultTopic, Partitions: 3, DialTimeout: time.Minute, Image: broker.DefaultImage})
		if b != nil {
			DeferCleanup(b.Close)
		}
		must(err, "")
		roundTrip(b)
	})
})
