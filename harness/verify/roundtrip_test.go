package verify_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/gen"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// verdict is what a run says, in the terms live and offline runs share: the counts, and each
// finding by rule, severity, event, pointer and Kafka coordinates (a capture adds a file and a
// line, which a live record has not).
func verdict(rep *report.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "lines %d, events %d, undecodable %d, per event %v, passed %v\n", rep.Lines, rep.Events, rep.Undecodable, rep.PerEvent, rep.Passed())
	line := func(f finding.Finding) string {
		return fmt.Sprintf("%s %s %s %s key %t %q at p%d@%d (%t)", f.Severity, f.Rule, f.Event, f.Pointer, f.Place.HasKey, f.Place.Key, f.Place.Partition, f.Place.Offset, f.Place.HasOffset)
	}
	for _, f := range append(slices.Clone(rep.Violations), rep.Warnings...) {
		b.WriteString(line(f) + "\n")
	}
	return b.String()
}

// recordGen draws one Kafka record's key and value: a lawful event, one with <, > and & or
// U+2028 in it, random bytes (often not UTF-8), a value near the 1 MiB limit whose envelope
// escapes to several times its size, a tombstone or an empty value.
func recordGen(lawful []gen.Message) *rapid.Generator[record.Envelope] {
	return rapid.Custom(func(t *rapid.T) record.Envelope {
		m := lawful[rapid.IntRange(0, len(lawful)-1).Draw(t, "message")]
		e := record.Envelope{Key: []byte(m.Key), Value: m.Value}
		switch rapid.IntRange(0, 9).Draw(t, "kind") {
		case 0, 1, 2:
		case 3:
			note := rapid.StringOf(rapid.SampledFrom([]rune("<>&\"\\\u2028\u2029\x01é a"))).Draw(t, "note")
			e.Value = []byte(`{"id":"EventMuteOff","ThisDN":"4999","ConnID":"007102385535e00e","ThisDNRole":"RoleObserver","ReferenceID":17,"UserData":{"Note":"` + note + `"}}`)
		case 4, 5:
			e.Value = rapid.SliceOf(rapid.Byte()).Draw(t, "bytes")
		case 6:
			n := record.MaxLine + rapid.IntRange(-300, 100).Draw(t, "size")
			fill := rapid.SampledFrom([]string{"\x01", "<", "x", "\xff"}).Draw(t, "fill")
			head := `{"id":"EventMuteOff","ThisDN":"4999","ConnID":"007102385535e00e","ThisDNRole":"RoleObserver","ReferenceID":17,"UserData":{"Note":"`
			e.Value = []byte(head + strings.Repeat(fill, max(0, n-len(head)-3)) + `"}}`)
		case 7:
			e.Value = nil
		case 8:
			e.Value = []byte{}
		case 9:
			e.Key = rapid.SliceOf(rapid.Byte()).Draw(t, "key")
			if rapid.Bool().Draw(t, "no key") {
				e.Key = nil
			}
		}
		return e
	})
}

// TestRecordingReproducesTheLiveVerdict: for any records, what the pipeline says of them as they
// come from Kafka is what verify says of the capture observe --record writes of them.
func TestRecordingReproducesTheLiveVerdict(t *testing.T) {
	lawful, err := gen.Stream(gen.Options{Seed: 14, Events: 200, Agents: 5})
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		liveEqualsRecorded(t, rapid.SliceOfN(recordGen(lawful), 1, 12).Draw(t, "records"))
	})
}

// TestRecordingOfValuesTooLongToHold: a value whose envelope line is over record.MaxEnvelope is
// too long offline as live, at the same Kafka coordinates, and the records after it are judged.
func TestRecordingOfValuesTooLongToHold(t *testing.T) {
	lawful, err := gen.Stream(gen.Options{Seed: 14, Events: 3, Agents: 1})
	if err != nil {
		t.Fatal(err)
	}
	huge := record.Envelope{Key: []byte("t1:\xff"), Value: bytes.Repeat([]byte{1}, 2*record.MaxLine)} // escaped as \u0001: a 12 MiB line
	liveEqualsRecorded(t, []record.Envelope{
		{Key: []byte(lawful[0].Key), Value: lawful[0].Value}, huge, huge,
		{Key: []byte(lawful[1].Key), Value: lawful[1].Value},
	})
}

type fataler interface {
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// liveEqualsRecorded judges records as the pipeline does those consumed from Kafka, at offsets
// of their own over three partitions, and verify of their recording, and fails when the two
// verdicts differ.
func liveEqualsRecorded(t fataler, envs []record.Envelope) {
	live, err := verify.New(verify.Options{CrossCheck: 1})
	if err != nil {
		t.Fatal(err)
	}
	var capture bytes.Buffer
	next := map[int32]int64{}
	for i := range envs {
		e := envs[i]
		e.Topic, e.Partition = "voice-agentstate", int32(i%3)
		e.Offset = next[e.Partition]
		next[e.Partition]++
		live.Judge(record.FromKafka(e))
		if err := record.WriteEnvelope(&capture, e); err != nil {
			t.Fatal(err)
		}
	}
	want := verdict(live.Finish())
	offline, err := verify.Run(context.Background(), []verify.Input{{Name: "capture.jsonl", R: &capture}}, verify.Options{CrossCheck: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := verdict(offline); got != want {
		t.Fatalf("verify of the recording:\n%s\nlive:\n%s", got, want)
	}
}
