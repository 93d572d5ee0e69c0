package consume_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/record"
)

func records(partition int32, from, n int) []brokertest.Record {
	out := make([]brokertest.Record, n)
	for i := range out {
		out[i] = brokertest.Record{Partition: partition, Key: []byte("t1:1001"), Value: []byte(fmt.Sprintf(`{"id":"EventDNDOn","n":%d}`, from+i))}
	}
	return out
}

// collect runs a consumption in the background and returns a way to wait for its result.
func collect(t *testing.T, b broker.Broker, opts consume.Options) (*atomic.Int64, func() (consume.Result, []record.Record, error)) {
	t.Helper()
	var n atomic.Int64
	var mu sync.Mutex
	var got []record.Record
	type out struct {
		res consume.Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := consume.Run(context.Background(), b, opts, func(r record.Record) {
			mu.Lock()
			got = append(got, r)
			mu.Unlock()
			n.Add(1)
		})
		done <- out{res, err}
	}()
	return &n, func() (consume.Result, []record.Record, error) {
		select {
		case o := <-done:
			return o.res, got, o.err
		case <-time.After(60 * time.Second):
			t.Fatal("consumption did not end")
			return consume.Result{}, nil, nil
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestUntilEndReadsEveryPartitionInOrder(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	brokertest.Produce(t, b, append(append(records(0, 0, 5), records(1, 5, 7)...), records(2, 12, 1)...)...)
	_, wait := collect(t, b, consume.Options{UntilEnd: true})
	res, got, err := wait()
	if err != nil || res.Records != 13 || len(got) != 13 {
		t.Fatalf("err %v, records %d", err, res.Records)
	}
	last := map[int32]int64{0: -1, 1: -1, 2: -1}
	for _, r := range got {
		if r.Place.Offset != last[r.Place.Partition]+1 {
			t.Fatalf("partition %d: offset %d after %d", r.Place.Partition, r.Place.Offset, last[r.Place.Partition])
		}
		last[r.Place.Partition] = r.Place.Offset
	}
	if p := res.Partitions[1]; p.First != 0 || p.Last != 6 || p.Count != 7 || len(p.Gaps) != 0 || p.Redelivered != 0 {
		t.Errorf("partition 1 accounting %+v", p)
	}
}

func TestRecordedOffsetsLeaveOlderTrafficOut(t *testing.T) {
	b := brokertest.Embedded(t, 2)
	brokertest.Produce(t, b, append(records(0, 0, 4), records(1, 4, 3)...)...)
	_, wait := collect(t, b, consume.Options{UntilEnd: true, Offsets: map[int32]int64{0: 4, 1: 3}})
	brokertest.Produce(t, b, records(1, 7, 2)...)
	res, got, err := wait()
	// The end offsets are listed when consumption starts, so the 2 newer records may or may not be
	// in; the 7 older ones never are.
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if r.Place.Partition == 0 || r.Place.Offset < 3 {
			t.Fatalf("older record read: %+v", r.Place)
		}
	}
	if res.Records != len(got) {
		t.Errorf("result counts %d, sink got %d", res.Records, len(got))
	}
}

// TestBrokerRestartOnTheSamePortLosesAndDoublesNothing closes the broker mid-run and starts it
// again on the same port with the same data: the consumer reconnects and every record is judged
// exactly once.
func TestBrokerRestartOnTheSamePortLosesAndDoublesNothing(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := broker.Config{Listen: addr, Partitions: 2}
	b, err := broker.StartEmbedded(cfg, kfake.DataDir(dir), kfake.SyncWrites())
	if err != nil {
		t.Fatal(err)
	}
	brokertest.Produce(t, b, append(records(0, 0, 5), records(1, 5, 5)...)...)
	n, wait := collect(t, b, consume.Options{MaxEvents: 20})
	waitFor(t, "the first 10 records", func() bool { return n.Load() == 10 })
	b.Close()
	b2, err := broker.StartEmbedded(cfg, kfake.DataDir(dir), kfake.SyncWrites())
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	brokertest.Produce(t, b2, append(records(0, 10, 5), records(1, 15, 5)...)...)
	res, got, err := wait()
	if err != nil || res.Records != 20 || len(got) != 20 {
		t.Fatalf("err %v, records %d", err, res.Records)
	}
	for p := int32(0); p < 2; p++ {
		if a := res.Partitions[p]; a.First != 0 || a.Last != 9 || a.Count != 10 || len(a.Gaps) != 0 {
			t.Errorf("partition %d accounting %+v", p, a)
		}
	}
}

// TestFetchErrorsAreRetriedWithExactAccounting makes the broker answer fetches with a retriable
// error for a while; the consumer must ride it out and still count each record once.
func TestFetchErrorsAreRetriedWithExactAccounting(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b, records(0, 0, 30)...)
	var failed atomic.Int64
	b.Cluster().ControlKey(int16(kmsg.Fetch), func(req kmsg.Request) (kmsg.Response, error, bool) {
		b.Cluster().KeepControl()
		if failed.Add(1) > 3 {
			return nil, nil, false
		}
		return brokertest.NotLeader(req.(*kmsg.FetchRequest)), nil, true
	})
	_, wait := collect(t, b, consume.Options{UntilEnd: true})
	res, _, err := wait()
	if err != nil || res.Records != 30 || res.Partitions[0].Count != 30 || res.Partitions[0].Last != 29 {
		t.Fatalf("err %v, result %+v %+v", err, res, res.Partitions[0])
	}
	if failed.Load() < 3 {
		t.Fatalf("the fault fired %d times; the test proves nothing", failed.Load())
	}
}

func TestParseStart(t *testing.T) {
	for in, want := range map[string]string{"": "earliest", "earliest": "earliest", "latest": "latest", "2026-11-25T10:00:00Z": "2026-11-25T10:00:00Z"} {
		s, err := consume.ParseStart(in)
		if err != nil || s.String() != want {
			t.Errorf("%q: %v %v", in, s, err)
		}
	}
	if _, err := consume.ParseStart("yesterday"); err == nil {
		t.Error("yesterday accepted")
	}
}

// TestLeaderChangeMidRunLosesAndDoublesNothing moves every partition's leadership to another
// broker of a three-broker cluster while the consumer reads.
func TestLeaderChangeMidRunLosesAndDoublesNothing(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.SeedTopics(2, broker.DefaultTopic))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b, err := broker.Start(context.Background(), broker.Config{Provider: broker.External, Bootstrap: c.ListenAddrs(), Topic: broker.DefaultTopic, Partitions: 2, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	brokertest.Produce(t, b, append(records(0, 0, 10), records(1, 10, 10)...)...)
	n, wait := collect(t, b, consume.Options{MaxEvents: 40})
	waitFor(t, "the first 20 records", func() bool { return n.Load() == 20 })
	for p := int32(0); p < 2; p++ {
		next := (c.LeaderFor(broker.DefaultTopic, p) + 1) % 3
		if err := c.MoveTopicPartition(broker.DefaultTopic, p, next); err != nil {
			t.Fatal(err)
		}
	}
	brokertest.Produce(t, b, append(records(0, 20, 10), records(1, 30, 10)...)...)
	res, _, err := wait()
	if err != nil || res.Records != 40 {
		t.Fatalf("err %v, records %d", err, res.Records)
	}
	for p := int32(0); p < 2; p++ {
		// A leader change may make the client re-read from an earlier offset: those records are
		// re-deliveries, skipped and counted as such, never judged twice.
		if a := res.Partitions[p]; a.Count != 20 || a.Last != 19 || len(a.Gaps) != 0 || len(a.DataLoss) != 0 || len(a.Segments) != 1 {
			t.Errorf("partition %d accounting %+v", p, a)
		}
	}
}

// TestSlowBrokerStillGivesExactAccounting delays the broker's first fetch answers; the consumer
// waits them out and counts each record once.
func TestSlowBrokerStillGivesExactAccounting(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b, records(0, 0, 25)...)
	var slowed atomic.Int64
	b.Cluster().ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		b.Cluster().KeepControl()
		if slowed.Add(1) <= 3 {
			time.Sleep(300 * time.Millisecond)
		}
		return nil, nil, false
	})
	_, wait := collect(t, b, consume.Options{UntilEnd: true})
	res, _, err := wait()
	if err != nil || res.Records != 25 || res.Partitions[0].Count != 25 || slowed.Load() < 1 {
		t.Fatalf("err %v, records %d, slowed fetches %d", err, res.Records, slowed.Load())
	}
}

// TestGroupStartWaitsForTheCoordinator: on a cluster that has just started, the group coordinator
// answers COORDINATOR_NOT_AVAILABLE for a while (real Kafka does, until __consumer_offsets is
// ready); a group member asks again instead of failing, and reads the topic.
func TestGroupStartWaitsForTheCoordinator(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b, records(0, 0, 5)...)
	var refused atomic.Int64
	b.Cluster().ControlKey(int16(kmsg.FindCoordinator), func(req kmsg.Request) (kmsg.Response, error, bool) {
		b.Cluster().KeepControl()
		if refused.Add(1) > 3 {
			return nil, nil, false
		}
		fc := req.(*kmsg.FindCoordinatorRequest)
		resp := fc.ResponseKind().(*kmsg.FindCoordinatorResponse)
		resp.ErrorCode = kerr.CoordinatorNotAvailable.Code
		for _, k := range fc.CoordinatorKeys {
			c := kmsg.NewFindCoordinatorResponseCoordinator()
			c.Key, c.ErrorCode, c.NodeID = k, kerr.CoordinatorNotAvailable.Code, -1
			resp.Coordinators = append(resp.Coordinators, c)
		}
		return resp, nil, true
	})
	_, wait := collect(t, b, consume.Options{Group: "fresh", UntilEnd: true})
	res, got, err := wait()
	if err != nil || len(got) != 5 {
		t.Fatalf("consumed %d of 5 records, err %v (stopped: %s)", len(got), err, res.Stopped)
	}
	if refused.Load() < 3 {
		t.Fatalf("the coordinator refused %d times; the test wants 3 refusals first", refused.Load())
	}
}
