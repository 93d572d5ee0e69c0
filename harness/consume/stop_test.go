package consume_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/report"
)

// bulky returns n records of about 4 KiB each for one partition, so that reading them takes
// several fetches (franz-go asks for at most 1 MiB of a partition per fetch).
func bulky(partition int32, n int) []brokertest.Record {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]brokertest.Record, n)
	for i := range out {
		buf := make([]byte, 2048)
		for j := range buf {
			buf[j] = byte(rng.Uint32())
		}
		pad := hex.EncodeToString(buf) // incompressible, so the producer's compression keeps the size
		out[i] = brokertest.Record{Partition: partition, Key: []byte("t1:1001"), Value: []byte(fmt.Sprintf(`{"id":"EventDNDOn","n":%d,"pad":%q}`, i, pad))}
	}
	return out
}

// TestQuietStopDuringAStallCatchesUp freezes the whole broker for longer than the quiet time
// after the first fetch: a quiet stop must then catch up with the end offsets listed at the stop,
// not pass on the first fetch's records.
func TestQuietStopDuringAStallCatchesUp(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b, bulky(0, 600)...)
	fired := brokertest.StallAfterFirstFetch(b, 1500*time.Millisecond)
	_, wait := collect(t, b, consume.Options{Quiet: 300 * time.Millisecond})
	res, got, err := wait()
	if fired.Load() == 0 {
		t.Fatal("the stall never fired; the test proves nothing")
	}
	if err != nil || res.Records != 600 || len(got) != 600 || len(res.Incomplete) != 0 {
		t.Fatalf("err %v, records %d of 600, incomplete %v, stopped %q", err, res.Records, res.Incomplete, res.Stopped)
	}
}

// TestDurationStopCatchesUpWithWhatWasProducedBeforeIt ends --duration while the broker is
// frozen: the run is responsible for what was produced before its stop, so it lists the end
// offsets then and judges every record up to them.
func TestDurationStopCatchesUpWithWhatWasProducedBeforeIt(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b, bulky(0, 600)...)
	fired := brokertest.StallAfterFirstFetch(b, 1500*time.Millisecond)
	_, wait := collect(t, b, consume.Options{Duration: 500 * time.Millisecond})
	res, _, err := wait()
	if fired.Load() == 0 {
		t.Fatal("the stall never fired; the test proves nothing")
	}
	if err != nil || res.Records != 600 || res.Ends[0] != 600 || !strings.HasPrefix(res.Stopped, "duration 500ms elapsed") {
		t.Fatalf("err %v, records %d of 600, responsible to %v, stopped %q", err, res.Records, res.Ends, res.Stopped)
	}
}

// TestQuietStopAcrossABrokerRestartCatchesUp stops the broker after the first fetch and starts
// it again, with the same data on the same port, after longer than the quiet time: the quiet
// stop waits for the broker to list its end offsets, then judges every record.
func TestQuietStopAcrossABrokerRestartCatchesUp(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := broker.Config{Listen: l.Addr().String(), Partitions: 1}
	l.Close()
	b, err := broker.StartEmbedded(cfg, kfake.DataDir(dir), kfake.SyncWrites())
	if err != nil {
		t.Fatal(err)
	}
	brokertest.Produce(t, b, bulky(0, 600)...)
	n, wait := collect(t, b, consume.Options{Quiet: 300 * time.Millisecond})
	waitFor(t, "the first fetch", func() bool { return n.Load() > 0 })
	b.Close()
	time.Sleep(time.Second) // longer than the quiet time: the watchdog of this test, not an assertion
	b2, err := broker.StartEmbedded(cfg, kfake.DataDir(dir), kfake.SyncWrites())
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	res, _, err := wait()
	if err != nil || res.Records != 600 || len(res.Incomplete) != 0 {
		t.Fatalf("err %v, records %d of 600, incomplete %v, stopped %q", err, res.Records, res.Incomplete, res.Stopped)
	}
}

// TestQuietStopBehindTheEndIsIncomplete makes every fetch after the first fail: the topic looks
// quiet, but the partition is behind the end offset the broker lists, so the run is incomplete.
func TestQuietStopBehindTheEndIsIncomplete(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b, bulky(0, 600)...)
	brokertest.FailFetches(b, 1)
	_, wait := collect(t, b, consume.Options{Quiet: 200 * time.Millisecond, Idle: 500 * time.Millisecond})
	res, _, err := wait()
	if err != nil || res.Records >= 600 {
		t.Fatalf("err %v, records %d", err, res.Records)
	}
	want := fmt.Sprintf("partition 0 at offset %d of 600", res.Records)
	if len(res.Incomplete) != 1 || res.Incomplete[0] != want {
		t.Fatalf("incomplete %v, want [%s]; stopped %q", res.Incomplete, want, res.Stopped)
	}
}

// TestQuietStopWithoutAnAnswerIsAnError freezes the broker for longer than the consumer waits
// for the end offsets at a quiet stop: that is an I/O error, never a verdict.
func TestQuietStopWithoutAnAnswerIsAnError(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b, bulky(0, 600)...)
	brokertest.StallAfterFirstFetch(b, 3*time.Second)
	_, wait := collect(t, b, consume.Options{Quiet: 200 * time.Millisecond, Idle: 500 * time.Millisecond})
	res, _, err := wait()
	if err == nil || !strings.Contains(err.Error(), "at the stop, within 500ms") {
		t.Fatalf("err %v, records %d, stopped %q", err, res.Records, res.Stopped)
	}
}

// TestRecordsDeletedAheadAreGaps deletes records after the start was listed and before they were
// read: the offsets never judged are gaps of the responsible range, including a partition whose
// records are all gone.
func TestRecordsDeletedAheadAreGaps(t *testing.T) {
	b := brokertest.Embedded(t, 2)
	brokertest.Produce(t, b, append(records(0, 0, 100), records(1, 100, 10)...)...)
	brokertest.DeleteAtFirstFetch(t, b, map[int32]int64{0: 40, 1: 10})
	_, wait := collect(t, b, consume.Options{Quiet: 300 * time.Millisecond})
	res, _, err := wait()
	if err != nil || res.Records != 60 {
		t.Fatalf("err %v, records %d, stopped %q", err, res.Records, res.Stopped)
	}
	if g := res.Partitions[0].Gaps; len(g) != 1 || g[0] != (report.Gap{From: 0, To: 39}) {
		t.Errorf("partition 0 gaps %+v", g)
	}
	if a := res.Partitions[1]; a == nil || len(a.Gaps) != 1 || a.Gaps[0] != (report.Gap{From: 0, To: 9}) {
		t.Errorf("partition 1 accounting %+v", a)
	}
	if len(res.Incomplete) != 0 {
		t.Errorf("incomplete %v: a range deleted is a gap, not a partition behind", res.Incomplete)
	}
	fs := consume.Findings(res, false)
	if len(fs) != 2 || fs[0].Rule != consume.RuleGap || !strings.Contains(fs[0].Message, "partition 0: offsets 0 to 39") {
		t.Errorf("findings %v", fs)
	}
}

// TestTransactionMarkersAreCountedNotJudged commits a transaction and aborts another: their
// markers take offsets of their own, which are counted as control records, never judged and
// never a gap; the aborted records are judged, as a read_uncommitted consumer sees them.
func TestTransactionMarkersAreCountedNotJudged(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	cl, err := broker.NewClient(b, kgo.TransactionalID("agentstate-test"), kgo.DefaultProduceTopic(b.Info().Topic), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for txn := 0; txn < 2; txn++ {
		if err := cl.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if err := cl.ProduceSync(ctx, &kgo.Record{Partition: 0, Value: []byte(`{"id":"EventDNDOn"}`)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := cl.EndTransaction(ctx, kgo.TransactionEndTry(txn == 0)); err != nil {
			t.Fatal(err)
		}
	}
	_, wait := collect(t, b, consume.Options{UntilEnd: true, Idle: 2 * time.Second})
	res, got, err := wait()
	a := res.Partitions[0]
	if err != nil || len(got) != 6 || a == nil || a.Count != 6 || a.Control != 2 || len(a.Gaps) != 0 || len(res.Incomplete) != 0 {
		t.Fatalf("err %v, judged %d, accounting %+v, incomplete %v, stopped %q", err, len(got), a, res.Incomplete, res.Stopped)
	}
	if len(a.Segments) != 1 || a.Segments[0] != (report.Gap{From: 0, To: 7}) || res.Ends[0] != 8 {
		t.Errorf("segments %+v, responsible to %v", a.Segments, res.Ends)
	}
}
