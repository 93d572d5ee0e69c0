package contract_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/gen"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

// The benchmarks of one message's judgement, per path, over the full and the minimal fixture of
// each of the 14 events in turn (the full one carries every optional attribute: the worst
// realistic case), compacted onto one line as producers write them.

func benchMessages(b *testing.B) [][]byte {
	var msgs [][]byte
	for _, fx := range loadEventFixtures(b) {
		for _, m := range []json.RawMessage{fx.Full, fx.Minimal} {
			var c bytes.Buffer
			if err := json.Compact(&c, m); err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, c.Bytes())
		}
	}
	return msgs
}

func benchJudge(b *testing.B, judge func(*contract.Set, []byte) contract.Result) {
	set := testkit.Builtin(b)
	msgs := benchMessages(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := judge(set, msgs[i%len(msgs)]); len(res.Findings) != 0 || !res.Decoded() {
			b.Fatal(res.Findings)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkValidate is what the matchers and the suite's collector pay: the fast path's verdict,
// then encoding/json's document.
func BenchmarkValidate(b *testing.B) { benchJudge(b, (*contract.Set).Validate) }

// BenchmarkValidateV5 is jsonschema/v5 alone: decode, route, validate, the duplicate-member scan.
func BenchmarkValidateV5(b *testing.B) { benchJudge(b, (*contract.Set).ValidateV5) }

// BenchmarkCheck is what verify and observe pay per event: the fast path, with the default
// cross-check of one record in DefaultCrossCheck.
func BenchmarkCheck(b *testing.B) {
	var c *contract.Checker
	var index uint64
	benchJudge(b, func(s *contract.Set, raw []byte) contract.Result {
		if c == nil {
			c = s.Checker(contract.CheckOptions{})
		}
		index++
		res := c.Check(raw, index)
		if !res.Fast {
			b.Fatalf("the fast path declined %s", raw)
		}
		return res
	})
}

// BenchmarkCheckGenerated is the fast path over a generated lawful stream: realistic events of
// about 170 bytes, written as encoding/json writes maps (sorted keys, so id comes late).
func BenchmarkCheckGenerated(b *testing.B) {
	c := testkit.Builtin(b).Checker(contract.CheckOptions{})
	msgs, err := gen.Stream(gen.Options{Seed: 1, Events: 10_000, Agents: 100})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := c.Check(msgs[i%len(msgs)].Value, uint64(i+1)); !res.Fast {
			b.Fatalf("the fast path declined %s", msgs[i%len(msgs)].Value)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
