package contract_test

import (
	"encoding/json"
	"testing"
)

// BenchmarkValidate measures decode + route + validate of one message, over the full fixture of
// each of the 14 events in turn (every optional attribute present: the worst realistic case).
func BenchmarkValidate(b *testing.B) {
	set := builtin(b)
	var msgs []json.RawMessage
	for _, fx := range loadEventFixtures(b) {
		msgs = append(msgs, fx.Full, fx.Minimal)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := set.Validate(msgs[i%len(msgs)]); len(res.Findings) != 0 {
			b.Fatal(res.Findings)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
