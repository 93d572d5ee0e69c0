package verify_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// BenchmarkJudge measures the whole per-record pipeline of verify and observe: validate against
// the schemas, then step the sequence checker, over the lawful day of fixtures/streams (kcat
// envelopes over three partitions) replayed again and again.
func BenchmarkJudge(b *testing.B) {
	raw, err := os.ReadFile("../../fixtures/streams/valid-day.kcat.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	var recs []record.Record
	rd := record.NewReader(bytes.NewReader(raw), "day")
	for {
		r, err := rd.Next()
		if err != nil {
			break
		}
		r.Value = append([]byte(nil), r.Value...)
		recs = append(recs, r)
	}
	p, err := verify.New(verify.Options{Initial: check.Unknown})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Judge(recs[i%len(recs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
