package consume_test

import (
	"context"
	"hash/fnv"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/gen"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// fullMessages returns the full fixture of every event: realistic messages of 200-400 bytes.
func fullMessages(b *testing.B) [][]byte {
	all, err := fixtures.LoadEvents()
	if err != nil {
		b.Fatal(err)
	}
	var out [][]byte
	for _, fx := range all {
		out = append(out, fx.Full)
	}
	return out
}

// BenchmarkConsumeAndValidate measures what observe does per record: consume from the embedded
// broker (3 partitions), judge against the schemas on every CPU, and apply to the report and
// the sequence checker in order. The messages are the full fixtures (every optional attribute).
// They are not a lawful sequence, so only schema findings count against the run.
func BenchmarkConsumeAndValidate(b *testing.B) {
	var recs []brokertest.Record
	for i, m := range fullMessages(b) {
		recs = append(recs, brokertest.Record{Partition: int32(i % 3), Key: []byte("t1:1001"), Value: m})
	}
	benchObserve(b, recs, check.Unknown, func(f finding.Finding) bool {
		return !strings.HasPrefix(f.Rule, "agent.") && !strings.HasPrefix(f.Rule, "key.")
	})
}

// BenchmarkObserveGenerated is the same over realistic events of a generated lawful stream.
func BenchmarkObserveGenerated(b *testing.B) {
	stream, err := gen.Stream(gen.Options{Seed: 1, Events: 20_000, Agents: 200})
	if err != nil {
		b.Fatal(err)
	}
	var recs []brokertest.Record
	for _, m := range stream {
		h := fnv.New32a()
		h.Write([]byte(m.Key))
		recs = append(recs, brokertest.Record{Partition: int32(h.Sum32() % 3), Key: []byte(m.Key), Value: m.Value})
	}
	benchObserve(b, recs, check.Clean, func(finding.Finding) bool { return true })
}

// benchObserve produces b.N records, cycling through msgs (untimed), then times observing them
// until the end offsets. counts says which findings fail the run.
func benchObserve(b *testing.B, msgs []brokertest.Record, initial check.InitialState, counts func(finding.Finding) bool) {
	br := brokertest.Embedded(b, 3)
	recs := make([]brokertest.Record, b.N)
	for i := range recs {
		recs[i] = msgs[i%len(msgs)]
	}
	for i := 0; i < len(recs); i += 10000 {
		brokertest.Produce(b, br, recs[i:min(i+10000, len(recs))]...)
	}
	p, err := verify.New(verify.Options{Initial: initial})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	s := p.Stream(0, 100*time.Millisecond)
	res, err := consume.Run(context.Background(), br, consume.Options{UntilEnd: true}, s.Add)
	s.Close()
	b.StopTimer()
	var bad []finding.Finding
	for _, f := range p.Report().Violations {
		if counts(f) {
			bad = append(bad, f)
		}
	}
	if err != nil || res.Records != b.N || p.Report().Events != b.N || len(bad) != 0 {
		b.Fatalf("err %v, records %d of %d, violations %d: %v", err, res.Records, b.N, len(bad), bad)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
