package verify_test

import (
	"bytes"
	"context"
	"hash/fnv"
	"testing"

	"pgregory.net/rapid"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/gen"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// lawfulEnvelopes is a lawful stream as Kafka would hold it: each message in its key's
// partition (of three), at the next offset there.
func lawfulEnvelopes(t testing.TB, events int) []record.Envelope {
	msgs, err := gen.Stream(gen.Options{Seed: 5, Events: events, Agents: 6})
	if err != nil {
		t.Fatal(err)
	}
	next := map[int32]int64{}
	out := make([]record.Envelope, len(msgs))
	for i, m := range msgs {
		h := fnv.New32a()
		h.Write([]byte(m.Key))
		p := int32(h.Sum32() % 3)
		out[i] = record.Envelope{Topic: "voice-agentstate", Partition: p, Offset: next[p], Key: []byte(m.Key), Value: m.Value}
		next[p]++
	}
	return out
}

func runEnvelopes(t *rapid.T, envs []record.Envelope) string {
	var capture bytes.Buffer
	for _, e := range envs {
		if err := record.WriteEnvelope(&capture, e); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := verify.Run(context.Background(), []verify.Input{{Name: "capture.jsonl", R: &capture}}, verify.Options{Initial: check.Clean, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lines+rep.Redelivered != len(envs) || rep.Lines != rep.Events+rep.Undecodable {
		t.Fatalf("%d lines: lines %d, events %d, undecodable %d, redelivered %d", len(envs), rep.Lines, rep.Events, rep.Undecodable, rep.Redelivered)
	}
	return verdict(rep)
}

// TestReplaysNeverChangeTheVerdict: a consumer that goes back to offsets it had read (a restart
// before its commit, a rebalance) writes them again in its capture; whatever it replays, and
// wherever, the verdict is that of the capture without the replays, every repeat counted as a
// re-delivery.
func TestReplaysNeverChangeTheVerdict(t *testing.T) {
	lawful := lawfulEnvelopes(t, 120)
	rapid.Check(t, func(t *rapid.T) {
		base := lawful[:rapid.IntRange(1, len(lawful)).Draw(t, "length")]
		want := runEnvelopes(t, base)
		replayed := append([]record.Envelope(nil), base...)
		for range rapid.IntRange(1, 4).Draw(t, "replays") {
			at := rapid.IntRange(1, len(replayed)).Draw(t, "at")
			// Replay, at position at, a run of the records of one partition read before it.
			p := replayed[rapid.IntRange(0, at-1).Draw(t, "partition of")].Partition
			var earlier []record.Envelope
			for _, e := range replayed[:at] {
				if e.Partition == p {
					earlier = append(earlier, e)
				}
			}
			from := rapid.IntRange(0, len(earlier)-1).Draw(t, "from")
			run := earlier[from:rapid.IntRange(from+1, len(earlier)).Draw(t, "to")]
			replayed = append(replayed[:at], append(append([]record.Envelope(nil), run...), replayed[at:]...)...)
		}
		if got := runEnvelopes(t, replayed); got != want {
			t.Fatalf("with replays:\n%s\nwithout:\n%s", got, want)
		}
	})
}
