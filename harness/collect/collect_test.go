package collect_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/collect"
	"github.com/voice-agentstate/conformance/harness/verify"
)

func event(id, dn string, sec int) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"Server":1,"ThisDN":%q,"time":{"seconds":%d,"useconds":0},"CustomerID":"t1"}`, id, dn, sec))
}

func TestCollectorSeesOnlyWhatCameAfterItStartedAndJudgesIt(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	pub, err := broker.NewPublisher(b)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pub.Publish(ctx, "t1:", event("EventDNDOff", "5009", 1700000000)); err != nil {
		t.Fatal(err)
	}
	var capture bytes.Buffer
	c, err := collect.Start(ctx, b, collect.Options{Verify: verify.Options{Initial: check.Clean}, Capture: &capture})
	if err != nil {
		t.Fatal(err)
	}
	mark := c.Mark()
	for i, id := range []string{"EventDNDOn", "EventDNDOff", "EventDNDOff"} {
		if err := pub.Publish(ctx, "t1:", event(id, "5001", 1700000001+i)); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := c.Wait(ctx, mark, func(evs []collect.Event) bool { return len(evs) == 3 })
	if err != nil || evs[0].ID != "EventDNDOn" || evs[0].Str("ThisDN") != "5001" || evs[0].Key != "t1:" || len(evs[0].Findings) != 0 {
		t.Fatalf("wait: %v %+v", err, evs)
	}
	rep, err := c.Stop(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The older DNDOff on DN 5009 was never collected; the second DNDOff of DN 5001 is unpaired.
	if rep.Events != 3 || len(rep.Violations) != 0 || len(rep.Warnings) != 1 || rep.Warnings[0].Rule != "dnd.off-after-on" {
		t.Errorf("report: events %d, violations %v, warnings %v", rep.Events, rep.Violations, rep.Warnings)
	}
	if n := strings.Count(capture.String(), "\n"); n != 3 || rep.Broker == nil {
		t.Errorf("capture holds %d lines; broker %v", n, rep.Broker)
	}
}

func TestWaitGivesUpWithWhatItSaw(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	ctx := context.Background()
	c, err := collect.Start(ctx, b, collect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	evs, err := c.Wait(short, 0, func(evs []collect.Event) bool { return len(evs) > 0 })
	if err == nil || len(evs) != 0 {
		t.Fatalf("want a timeout with nothing seen, got %v %v", evs, err)
	}
	rep, err := c.Stop(ctx)
	if err != nil || rep.Passed() || rep.Violations[0].Rule != "stream.empty" {
		t.Errorf("an empty run: %v %v", err, rep.Violations)
	}
}

// TestCollectorStopFindsRecordsDeletedAhead deletes records the collector had not read yet: its
// stop holds it to the range it was responsible for, so the offsets never read are consume.gap.
func TestCollectorStopFindsRecordsDeletedAhead(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := collect.Start(ctx, b, collect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	release := brokertest.FailFetches(b, 0)
	pub, err := broker.NewPublisher(b)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	for i := 0; i < 10; i++ {
		if err := pub.Publish(ctx, "t1:", event("EventDNDOn", "5001", 1700000000+i)); err != nil {
			t.Fatal(err)
		}
	}
	brokertest.DeleteRecords(t, b, map[int32]int64{0: 4})
	release()
	rep, err := c.Stop(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != 6 || len(rep.Violations) != 1 || rep.Violations[0].Rule != "consume.gap" || !strings.Contains(rep.Violations[0].Message, "partition 0: offsets 0 to 3") {
		t.Errorf("events %d, violations %v", rep.Events, rep.Violations)
	}
}

// TestDrainReadsPastTransactionMarkers publishes in a committed transaction: the commit marker
// takes the last offset, and Drain must count it as read rather than wait for a record there.
func TestDrainReadsPastTransactionMarkers(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := collect.Start(ctx, b, collect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := broker.NewClient(b, kgo.TransactionalID("collect-test"), kgo.DefaultProduceTopic(b.Info().Topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Key: []byte("t1:"), Value: event("EventDNDOn", "5001", 1700000000)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	drainCtx, cancelDrain := context.WithTimeout(ctx, 5*time.Second) // a watchdog
	defer cancelDrain()
	if err := c.Drain(drainCtx); err != nil {
		t.Fatalf("drain: %v", err)
	}
	rep, err := c.Stop(ctx)
	if err != nil || rep.Events != 1 || len(rep.Violations) != 0 || rep.Consumed.Partitions[0].Control != 1 {
		t.Errorf("stop: %v, events %d, violations %v, accounting %+v", err, rep.Events, rep.Violations, rep.Consumed.Partitions[0])
	}
}
