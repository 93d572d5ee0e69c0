package consume_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// fullMessages returns the full fixture of every event: realistic messages of 200-400 bytes.
func fullMessages(b *testing.B) [][]byte {
	files, _ := filepath.Glob("../../fixtures/events/*.json")
	var out [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var fx struct{ Full json.RawMessage }
		if err := json.Unmarshal(raw, &fx); err != nil {
			b.Fatal(err)
		}
		out = append(out, fx.Full)
	}
	return out
}

// BenchmarkConsumeAndValidate measures what observe does per record: consume from the embedded
// broker (3 partitions), validate against the schemas and count into the report.
func BenchmarkConsumeAndValidate(b *testing.B) {
	msgs := fullMessages(b)
	br := brokertest.Embedded(b, 3)
	recs := make([]brokertest.Record, b.N)
	for i := range recs {
		recs[i] = brokertest.Record{Partition: int32(i % 3), Key: []byte("t1:1001"), Value: msgs[i%len(msgs)]}
	}
	for i := 0; i < len(recs); i += 10000 {
		brokertest.Produce(b, br, recs[i:min(i+10000, len(recs))]...)
	}
	p, err := verify.New(verify.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	res, err := consume.Run(context.Background(), br, consume.Options{UntilEnd: true}, func(r record.Record) { p.Judge(r) })
	b.StopTimer()
	if err != nil || res.Records != b.N || p.Report().Events != b.N || len(p.Report().Violations) != 0 {
		b.Fatalf("err %v, records %d of %d, violations %d", err, res.Records, b.N, len(p.Report().Violations))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
