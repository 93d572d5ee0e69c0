package check_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

// The small sets fuzzed events are built from. They include the fixtures' values, so that the
// fixtures of fixtures/sequences can be encoded as seeds.
var (
	fuzzIDs    = append(slices.Clone(contract.Events), "EventQueueLogout")
	fuzzDNs    = []string{"5001", "5002", "5003"}
	fuzzAgents = []string{"1001", "1002"}
	fuzzConns  = []string{"007102385535e00e", "007102385535e00f"}
	fuzzKeys   = []string{"t1:1001", "t1:1002", "t1:", "t1", "t2:1001"}
	fuzzModes  = []string{"AgentManualIn", "AgentAfterCallWork", "AgentWorkModeUnknown", "AgentReady"}
)

const (
	fuzzPartitions = 3
	fuzzEventSize  = 8 // bytes of fuzz input per event
)

// FuzzStep steps arbitrary sequences of events, built from the fuzz input, through two fresh
// checkers: it must never panic, must give identical findings both times, must hold no more than
// two facts (one about a DN, one clock) per event stepped, and never more than the small sets the
// events are built from allow.
func FuzzStep(f *testing.F) {
	files, _ := filepath.Glob("../../fixtures/sequences/*.jsonl")
	for _, file := range files {
		f.Add(encodeFixture(f, file))
	}
	f.Add([]byte{0})
	f.Add(bytes.Repeat([]byte{0x80}, 64)) // nil documents
	f.Fuzz(func(t *testing.T, in []byte) {
		testkit.Watchdog(t, 5*time.Second)
		initial := check.Unknown
		if len(in) > 0 && in[0]&1 == 1 {
			initial = check.Clean
		}
		evs := fuzzEvents(in)
		first, tracked := stepAll(t, initial, evs)
		second, _ := stepAll(t, initial, evs)
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("the same %d events gave different findings:\n%v\n%v", len(evs), first, second)
		}
		if limit := trackedLimit(); tracked > limit {
			t.Fatalf("Tracked() = %d, more than the %d the sets allow", tracked, limit)
		}
	})
}

// TestFuzzStepSeedsBreakRules makes sure the encoding of the fixtures keeps what they break, so
// that the fuzzer starts from streams that reach the rules rather than from noise.
func TestFuzzStepSeedsBreakRules(t *testing.T) {
	files, _ := filepath.Glob("../../fixtures/sequences/*.break.jsonl")
	rules := map[string]bool{}
	for _, file := range files {
		in := encodeFixture(t, file)
		initial := check.Unknown
		if in[0]&1 == 1 {
			initial = check.Clean
		}
		found, _ := stepAll(t, initial, fuzzEvents(in))
		for _, fs := range found {
			for _, fd := range fs {
				rules[fd.Rule] = true
			}
		}
	}
	if len(rules) < 10 {
		t.Errorf("the encoded break fixtures raise only %d rules: %v", len(rules), rules)
	}
}

// stepAll steps evs through a fresh checker and returns the findings of each step and the last
// Tracked(); it fails when one step grew Tracked() by more than two.
func stepAll(t testing.TB, initial check.InitialState, evs []check.Event) ([][]finding.Finding, int) {
	c := check.New(check.WithInitialState(initial))
	out := make([][]finding.Finding, 0, len(evs))
	before := 0
	for i, ev := range evs {
		found := c.Step(ev)
		for _, fd := range found {
			if fd.Rule == "" || fd.Message == "" || fd.Place != ev.Place {
				t.Fatalf("event %d: incomplete finding %+v", i+1, fd)
			}
		}
		out = append(out, found)
		now := c.Tracked()
		if now > before+2 || now > 2*(i+1) {
			t.Fatalf("event %d (%s): Tracked() went from %d to %d", i+1, ev.ID, before, now)
		}
		before = now
	}
	return out, before
}

// trackedLimit is the most facts the sets allow: per scope (the plain one and each partition),
// per DN a seat per agent name (and the unnamed agent), service, DND, forwarding, hook and a mute
// per call, plus a clock per key and per DN.
func trackedLimit() int {
	perDN := len(fuzzAgents) + 1 + 4 + len(fuzzConns)
	return (fuzzPartitions + 1) * (len(fuzzDNs)*perDN + len(fuzzKeys) + len(fuzzDNs))
}

// fuzzEvents builds events from in, fuzzEventSize bytes each:
//
//	0 id (one of the 14, or one outside the contract)
//	1 ThisDN: one of fuzzDNs, absent, or a number
//	2 AgentID: one of fuzzAgents, absent, "", or a number
//	3 ConnID: one of fuzzConns, absent, or a number
//	4 flags: ReferenceID, time, Kafka offset, key, CustomerID, RoleObserver, AgentWorkMode, no attributes
//	5 partition (low 2 bits) and key (the rest)
//	6 time, seconds after a base, signed so that time can go back
//	7 AgentWorkMode and useconds
func fuzzEvents(in []byte) []check.Event {
	var evs []check.Event
	offsets := map[int32]int64{}
	for i := 0; i+fuzzEventSize <= len(in); i += fuzzEventSize {
		b := in[i : i+fuzzEventSize]
		ev := check.Event{ID: fuzzIDs[int(b[0])%len(fuzzIDs)], Place: finding.Place{File: "fuzz.jsonl", Line: len(evs) + 1}}
		flags := b[4]
		if flags&0x04 != 0 {
			p := int32(b[5]&3) % fuzzPartitions
			ev.Place.Partition, ev.Place.Offset, ev.Place.HasOffset = p, offsets[p], true
			offsets[p]++
		}
		if flags&0x08 != 0 {
			ev.Place.Key, ev.Place.HasKey = fuzzKeys[int(b[5]>>2)%len(fuzzKeys)], true
		}
		if flags&0x80 == 0 {
			ev.Attrs = attr.Of(fuzzDoc(ev.ID, b))
		}
		evs = append(evs, ev)
	}
	return evs
}

func fuzzDoc(id string, b []byte) map[string]any {
	doc := map[string]any{"id": id, "Server": json.Number("1")}
	pick(doc, "ThisDN", b[1], fuzzDNs, json.Number("5001"))
	pick(doc, "AgentID", b[2], append(slices.Clone(fuzzAgents), ""), json.Number("1001"))
	pick(doc, "ConnID", b[3], fuzzConns, json.Number("7"))
	flags := b[4]
	if flags&0x01 != 0 {
		doc["ReferenceID"] = json.Number("17")
	}
	if flags&0x02 != 0 {
		sec := 1_700_000_000 + int64(int8(b[6]))
		doc["time"] = map[string]any{"seconds": json.Number(strconv.FormatInt(sec, 10)), "useconds": json.Number(strconv.Itoa(int(b[7] >> 2)))}
	}
	if flags&0x10 != 0 {
		doc["CustomerID"] = "t1"
	}
	doc["ThisDNRole"] = "RoleDestination"
	if flags&0x20 != 0 {
		doc["ThisDNRole"] = "RoleObserver"
	}
	if flags&0x40 != 0 {
		doc["AgentWorkMode"] = fuzzModes[int(b[7]&3)]
	}
	return doc
}

// pick sets doc[name] to one of set, or leaves it absent, or sets it to the wrong type.
func pick(doc map[string]any, name string, b byte, set []string, wrong any) {
	switch i := int(b) % (len(set) + 2); {
	case i < len(set):
		doc[name] = set[i]
	case i == len(set)+1:
		doc[name] = wrong
	}
}

// encodeFixture encodes the events of a fixture stream (JSON Lines or kcat envelopes) as fuzz
// input, as closely as the sets allow.
func encodeFixture(f testing.TB, file string) []byte {
	fh, err := os.Open(file)
	if err != nil {
		f.Fatal(err)
	}
	defer fh.Close()
	var out []byte
	if strings.Contains(file, ".clean.") {
		out = append(out, 1)
	} else {
		out = append(out, 0)
	}
	out = append(out, make([]byte, fuzzEventSize-1)...) // the first event carries the initial state
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var env struct {
			Partition *int32  `json:"partition"`
			Key       *string `json:"key"`
			Payload   *string `json:"payload"`
		}
		line := sc.Bytes()
		if json.Unmarshal(line, &env) != nil {
			continue
		}
		b := make([]byte, fuzzEventSize)
		if env.Payload != nil {
			line = []byte(*env.Payload)
		}
		if env.Partition != nil {
			b[4] |= 0x04
			b[5] = byte(*env.Partition & 3)
		}
		if env.Key != nil {
			b[4] |= 0x08
			b[5] |= byte(max(slices.Index(fuzzKeys, *env.Key), 0) << 2)
		}
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if dec.Decode(&doc) != nil {
			continue
		}
		encodeDoc(doc, b)
		out = append(out, b...)
	}
	return out
}

func encodeDoc(doc map[string]any, b []byte) {
	id, _ := doc["id"].(string)
	b[0] = byte(max(slices.Index(fuzzIDs, id), 0))
	b[1] = unpick(doc, "ThisDN", fuzzDNs)
	b[2] = unpick(doc, "AgentID", append(slices.Clone(fuzzAgents), ""))
	b[3] = unpick(doc, "ConnID", fuzzConns)
	if _, ok := doc["ReferenceID"]; ok {
		b[4] |= 0x01
	}
	if tm, ok := doc["time"].(map[string]any); ok {
		b[4] |= 0x02
		if n, ok := tm["seconds"].(json.Number); ok {
			sec, _ := n.Int64()
			b[6] = byte(int8(max(min(sec-1_700_000_000, 127), -128)))
		}
	}
	if _, ok := doc["CustomerID"]; ok {
		b[4] |= 0x10
	}
	if doc["ThisDNRole"] == "RoleObserver" {
		b[4] |= 0x20
	}
	if mode, ok := doc["AgentWorkMode"].(string); ok {
		b[4] |= 0x40
		b[7] = byte(max(slices.Index(fuzzModes, mode), 0))
	}
}

func unpick(doc map[string]any, name string, set []string) byte {
	v, present := doc[name]
	if !present {
		return byte(len(set))
	}
	if s, ok := v.(string); ok && slices.Contains(set, s) {
		return byte(slices.Index(set, s))
	}
	return byte(len(set) + 1)
}
