// Package jsonlib compares, on the stream agentstate verify is measured on, the contract's
// hand-written fast path with the JSON libraries a Go engineer would reach for. It is a module of
// its own so that the harness does not depend on them. See BENCHMARKS.md, "The fast path and the
// JSON libraries".
//
//	cd harness/scripts/jsonlib-bench && go test -bench . -benchmem -cpu 1
package jsonlib

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"

	"github.com/bytedance/sonic"
	"github.com/minio/simdjson-go"
	"github.com/valyala/fastjson"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/gen"
)

// attrs are the top-level members the sequence rules read (package attr).
var attrs = []string{"ThisDN", "AgentID", "CustomerID", "AgentWorkMode", "ThisDNRole", "ConnID", "ReferenceID", "time"}

// lines is 100,000 generated lawful events of about 170 bytes over 1,000 agents, as
// `go run ./harness/cmd/genstream -seed 1` writes them.
var lines = sync.OnceValue(func() [][]byte {
	recs, err := gen.Stream(gen.Options{Seed: 1, Events: 100_000, Agents: 1000})
	if err != nil {
		panic(err)
	}
	out := make([][]byte, len(recs))
	for i, r := range recs {
		out[i] = r.Value
	}
	return out
})

func each(b *testing.B, judge func([]byte) bool) {
	ls := lines()
	n := 0
	for _, l := range ls {
		n += len(l) + 1
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range ls {
			if !judge(l) {
				b.Fatalf("declined %s", l)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(ls))/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFastPath is the contract's fast path, as verify runs it without the cross-check:
// syntax, every schema keyword of the event, and the attributes the rules read.
func BenchmarkFastPath(b *testing.B) {
	set, err := contract.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	c := set.Checker(contract.CheckOptions{CrossCheck: -1})
	each(b, func(l []byte) bool { return c.Check(l, 2).Fast })
}

// BenchmarkEncodingJSONValid is encoding/json's syntax check alone.
func BenchmarkEncodingJSONValid(b *testing.B) { each(b, json.Valid) }

// BenchmarkFastjson parses each line with valyala/fastjson (full syntax check) and reads the
// attributes: no schema keyword is judged.
func BenchmarkFastjson(b *testing.B) {
	var p fastjson.Parser
	each(b, func(l []byte) bool {
		v, err := p.ParseBytes(l)
		if err != nil {
			return false
		}
		for _, a := range attrs {
			_ = v.Get(a)
		}
		return v.GetStringBytes("id") != nil
	})
}

// BenchmarkSonic checks each line's syntax with bytedance/sonic and reads the attributes from its
// lazy AST: no schema keyword is judged.
func BenchmarkSonic(b *testing.B) {
	each(b, func(l []byte) bool {
		if !sonic.Valid(l) {
			return false
		}
		root, err := sonic.Get(l)
		if err != nil {
			return false
		}
		for _, a := range attrs {
			_ = root.Get(a)
		}
		id, err := root.Get("id").String()
		return err == nil && id != ""
	})
}

// BenchmarkSimdjson parses the stream with minio/simdjson-go's ParseND in blocks of 1,000 lines
// (its natural mode: structural indexing over many lines at once, AVX2) and reads the attributes
// of each object: no schema keyword is judged.
func BenchmarkSimdjson(b *testing.B) {
	if !simdjson.SupportedCPU() {
		b.Skip("simdjson-go needs AVX2 and CLMUL")
	}
	ls := lines()
	var blocks [][]byte
	for i := 0; i < len(ls); i += 1000 {
		blocks = append(blocks, bytes.Join(ls[i:min(i+1000, len(ls))], []byte("\n")))
	}
	n := 0
	for _, blk := range blocks {
		n += len(blk) + 1
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	var pj *simdjson.ParsedJson
	var iter simdjson.Iter
	var obj simdjson.Object
	var elem simdjson.Element
	for b.Loop() {
		for _, blk := range blocks {
			var err error
			if pj, err = simdjson.ParseND(blk, pj); err != nil {
				b.Fatal(err)
			}
			iter = pj.Iter()
			for iter.Advance() == simdjson.TypeRoot {
				typ, tmp, err := iter.Root(nil)
				if err != nil || typ != simdjson.TypeObject {
					b.Fatal(err)
				}
				o, err := tmp.Object(&obj)
				if err != nil {
					b.Fatal(err)
				}
				for _, a := range attrs {
					o.FindKey(a, &elem)
				}
			}
		}
	}
	b.ReportMetric(float64(b.N*len(ls))/b.Elapsed().Seconds(), "events/s")
}
