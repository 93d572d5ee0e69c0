package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

// Hostile input (issue 9): records built to crash, hang, swell or fool the gate. Each must give a
// clear finding, or none where the record is lawful, and the run must go on: every record is
// counted (lines == events + undecodable) and the records after a hostile one are still judged.
// The small lines are committed as fixtures/hostile/verify.jsonl, and the kcat envelopes among
// them as fixtures/hostile/verify.kcat.jsonl, for a capture holds one kind of line (go test -run
// TestHostileFixtureIsCurrent -update rewrites them); the large ones are built here.

var update = flag.Bool("update", false, "rewrite fixtures/hostile/verify.jsonl")

const (
	hostileFixture     = "../../../fixtures/hostile/verify.jsonl"
	hostileKcatFixture = "../../../fixtures/hostile/verify.kcat.jsonl"
)

// hostileCase is one hostile line and what the gate must make of it.
type hostileCase struct {
	name  string
	line  []byte
	rules []string // the findings it raises at its own line, sorted; nil when it is lawful
	says  string   // what its first finding's message must say
	event bool     // it is an event checked, not an undecodable line
	large bool     // built at test time only
}

// A lawful event and one that breaks exactly one rule, on a DN of their own, follow every hostile
// line, so that each run shows the gate still judges, and at the right line.
const (
	lawful = `{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0}}`
	broken = `{"id":"EventAgentReady","Server":3,"ThisDN":"5002","time":{"seconds":1764035100,"useconds":0}}` // no AgentWorkMode
)

// dndOn is a lawful EventDNDOn on DN 4999 with extra members spliced in before the closing brace.
func dndOn(extra string) []byte {
	return []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"4999","time":{"seconds":1764035100,"useconds":0}` + extra + `}`)
}

// muteOff is a lawful EventMuteOff of an observer on DN 4999, an event that may carry UserData,
// with extra members spliced in before the closing brace.
func muteOff(extra string) []byte {
	return []byte(`{"id":"EventMuteOff","ThisDN":"4999","ConnID":"007102385535e00e","ThisDNRole":"RoleObserver","ReferenceID":17` + extra + `}`)
}

// isKcat says whether a case is a kcat envelope, to be judged among envelopes.
func (c hostileCase) isKcat() bool { return bytes.HasPrefix(c.line, []byte(`{"topic"`)) }

// atOffset puts the i-th line of a kcat stream at offset i: each line of a capture at an
// offset of its own, so that none is a re-delivery.
func atOffset(line []byte, i int) []byte {
	return bytes.Replace(line, []byte(`"offset":7,`), fmt.Appendf(nil, `"offset":%d,`, i), 1)
}

// kcatValue is a kcat envelope of value at offset 7.
func kcatValue(value string) []byte {
	b, err := json.Marshal(value)
	if err != nil {
		panic(err)
	}
	return kcatLine(`"t1:"`, string(b))
}

// hostileLines is a case followed by the broken and the lawful event, as envelopes from offset
// 3i when the case is one.
func hostileLines(c hostileCase, i int) [3][]byte {
	if !c.isKcat() {
		return [3][]byte{c.line, []byte(broken), []byte(lawful)}
	}
	return [3][]byte{atOffset(c.line, 3*i), atOffset(kcatValue(broken), 3*i+1), atOffset(kcatValue(lawful), 3*i+2)}
}

func kcatLine(key, payload string) []byte {
	return []byte(`{"topic":"voice-agentstate","partition":0,"offset":7,"tstype":"create","ts":1764035100000,"broker":-1,` +
		`"headers":["trace","\u0000\u0001\u00ff"],"key":` + key + `,"payload":` + payload + `}`)
}

func hostileCases() []hostileCase {
	deep := strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000)
	return []hostileCase{
		{name: "truncated JSON", line: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"49`), rules: []string{"decode.json"}, says: "not valid JSON: unexpected EOF"},
		{name: "invalid UTF-8", line: muteOff(`,"UserData":{"Note":"` + "\xff\xfe" + `"}`), rules: []string{"decode.utf8"}, says: "not valid UTF-8"},
		{name: "NUL escaped inside a value", line: muteOff(`,"UserData":{"Note":"a\u0000b"}`), event: true},
		// Lawful as the contract stands: ThisDN need only be a non-empty string.
		{name: "NUL escaped in ThisDN", line: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"4999\u0000","time":{"seconds":1764035100,"useconds":0}}`), event: true},
		{name: "raw NUL inside a string", line: muteOff(`,"UserData":{"Note":"a` + "\x00" + `b"}`), rules: []string{"decode.json"}, says: "invalid character '\\x00' in string literal"},
		{name: "raw NUL bytes", line: []byte("\x00\x00\x00\x00"), rules: []string{"decode.json"}, says: "invalid character '\\x00'"},
		{name: "10 MiB line", line: muteOff(`,"UserData":{"Note":"` + strings.Repeat("x", 10<<20) + `"}`), rules: []string{"decode.too-long"}, says: "longer than 1048576 bytes", large: true},
		{name: "100,000-deep nesting", line: muteOff(`,"UserData":` + deep), rules: []string{"decode.json"}, says: "exceeded max depth", large: true},
		{name: "exponent 1e999999", line: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"4999","time":{"seconds":1e999999,"useconds":0}}`), rules: []string{"decode.number"}, says: "attribute time.seconds: number 1e999999 is too large to read", event: true},
		{name: "400-digit integer", line: dndOn(`,"ReferenceID":` + strings.Repeat("7", 400)), rules: []string{"decode.number"}, says: "attribute ReferenceID: number 777", event: true},
		// Consumers disagree on which of two equal members counts (encoding/json keeps the last),
		// so a duplicate is a violation; the message is still judged on the last value.
		{name: "duplicate id", line: []byte(`{"id":"EventAgentReady","Server":3,"ThisDN":"4999","time":{"seconds":1764035100,"useconds":0},"id":"EventDNDOn"}`), rules: []string{"decode.duplicate-key"}, says: `the message has member "id" more than once`, event: true},
		{name: "duplicate ThisDN of different types", line: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":4999,"time":{"seconds":1764035100,"useconds":0},"ThisDN":"4999"}`), rules: []string{"decode.duplicate-key"}, says: `member "ThisDN" more than once`, event: true},
		{name: "__proto__ and constructor", line: dndOn(`,"__proto__":{"polluted":true},"constructor":{"prototype":{}}`), rules: []string{"schema.unknown-attribute", "schema.unknown-attribute"}, says: "attribute __proto__ is not part of the contract", event: true},
		{name: "__proto__ inside UserData", line: muteOff(`,"UserData":{"__proto__":{"polluted":"yes"},"constructor":"x"}`), event: true},
		{name: "kcat empty payload", line: kcatLine(`"t1:"`, `""`), rules: []string{"decode.json"}, says: "message is empty"},
		{name: "kcat tombstone", line: kcatLine(`"t1:"`, `null`), rules: []string{"record.tombstone"}, says: "tombstone"},
		{name: "kcat non-JSON key", line: kcatLine(`"\u00ff{not json"`, `"{\"id\":\"EventDNDOn\",\"Server\":3,\"ThisDN\":\"4999\",\"time\":{\"seconds\":1764035100,\"useconds\":0}}"`), rules: []string{"key.format"}, says: "lacks the ':'", event: true},
		{name: "kcat binary headers", line: kcatLine(`"t1:"`, `"{\"id\":\"EventDNDOn\",\"Server\":3,\"ThisDN\":\"4999\",\"time\":{\"seconds\":1764035100,\"useconds\":0}}"`), event: true},
	}
}

// hostileStream is every case of one kind (kcat envelopes or not), each followed by the broken
// and the lawful event, with the line numbers at which each finding is expected, and the counts.
func hostileStream(kcat, large bool) (stream []byte, want map[int][]string, lines, events, undecodable int) {
	var b bytes.Buffer
	want = map[int][]string{}
	i := 0
	for _, c := range hostileCases() {
		if c.isKcat() != kcat || c.large && !large {
			continue
		}
		l := hostileLines(c, i)
		fmt.Fprintf(&b, "%s\n%s\n%s\n", l[0], l[1], l[2])
		if c.rules != nil {
			want[3*i+1] = c.rules
		}
		want[3*i+2] = []string{"schema.required"}
		events += 2
		if c.event {
			events++
		} else {
			undecodable++
		}
		i++
	}
	return b.Bytes(), want, 3 * i, events, undecodable
}

func TestHostileFixtureIsCurrent(t *testing.T) {
	for file, kcat := range map[string]bool{hostileFixture: false, hostileKcatFixture: true} {
		want, _, _, _, _ := hostileStream(kcat, false)
		if *update {
			if err := os.WriteFile(file, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s is not what hostileCases gives (%v); run go test -run TestHostileFixtureIsCurrent -update ./harness/cmd/agentstate", file, err)
		}
	}
}

// TestVerifySurvivesEachHostileLine runs verify on each case followed by a lawful event: the
// case's findings, at its line, and nothing else.
func TestVerifySurvivesEachHostileLine(t *testing.T) {
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "hostile.jsonl")
			l := hostileLines(c, 0)
			if err := os.WriteFile(file, append(append(l[0], '\n'), append(l[2], '\n')...), 0o600); err != nil {
				t.Fatal(err)
			}
			rep := filepath.Join(t.TempDir(), "report.json")
			start := time.Now()
			r := agentstate(t, "", nil, "verify", "--report-json", rep, file)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("verify took %s", took)
			}
			wantCode := exitPass
			for _, rule := range c.rules {
				if rule != "schema.unknown-attribute" {
					wantCode = exitFindings
				}
			}
			if r.code != wantCode {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, wantCode, r.stdout, r.stderr)
			}
			got := readReport(t, rep)
			events := 1
			if c.event {
				events = 2
			}
			if got.Lines != 2 || got.Events != events || got.Undecodable != 2-events || got.PerEvent["EventDNDOn"] < 1 {
				t.Errorf("counts: lines %d, events %d, undecodable %d, per event %v; want 2 lines, %d events", got.Lines, got.Events, got.Undecodable, got.PerEvent, events)
			}
			if lines := rulesByLine(got); !slices.Equal(lines[1], c.rules) || len(lines) > min(len(c.rules), 1) {
				t.Errorf("findings by line %v, want %v at line 1 only", lines, c.rules)
			}
			if all := append(got.Violations, got.Warnings...); c.says != "" && (len(all) == 0 || !strings.Contains(all[0].Message, c.says)) {
				t.Errorf("findings %+v, want the first to say %q", all, c.says)
			}
			for _, f := range append(got.Violations, got.Warnings...) {
				if len(f.Message) > 2000 || !strings.Contains(r.stdout, "["+f.Rule+"]") {
					t.Errorf("finding %s is not printed, or its message runs to %d bytes", f.Rule, len(f.Message))
				}
			}
		})
	}
}

// TestVerifyJudgesOnAfterEveryHostileLine runs every case in one stream of its kind (JSON Lines,
// or kcat envelopes), each followed by the broken and the lawful event: every line is counted,
// and the broken event after each case is found at its own line.
func TestVerifyJudgesOnAfterEveryHostileLine(t *testing.T) {
	for _, kcat := range []bool{false, true} {
		stream, want, lines, events, undecodable := hostileStream(kcat, true)
		file := filepath.Join(t.TempDir(), "hostile.jsonl")
		if err := os.WriteFile(file, stream, 0o600); err != nil {
			t.Fatal(err)
		}
		rep := filepath.Join(t.TempDir(), "report.json")
		if r := agentstate(t, "", nil, "verify", "--report-json", rep, file); r.code != exitFindings {
			t.Fatalf("kcat %t: exit %d\n%s", kcat, r.code, r.stderr)
		}
		got := readReport(t, rep)
		if got.Lines != lines || got.Events != events || got.Undecodable != undecodable || got.Lines != got.Events+got.Undecodable {
			t.Errorf("kcat %t: counts: lines %d, events %d, undecodable %d; want %d, %d, %d", kcat, got.Lines, got.Events, got.Undecodable, lines, events, undecodable)
		}
		if n := got.PerEvent["EventAgentReady"]; n != lines/3 {
			t.Errorf("kcat %t: %d EventAgentReady judged, want one after each of the %d cases", kcat, n, lines/3)
		}
		if got := rulesByLine(got); !mapsEqual(got, want) {
			t.Errorf("kcat %t: findings by line:\n got %v\nwant %v", kcat, got, want)
		}
	}
}

// rulesByLine lists a report's findings by line, each line's rules sorted.
func rulesByLine(r jsonReport) map[int][]string {
	out := map[int][]string{}
	for _, f := range append(r.Violations, r.Warnings...) {
		out[f.Place.Line] = append(out[f.Place.Line], f.Rule)
	}
	for _, rules := range out {
		sort.Strings(rules)
	}
	return out
}

func mapsEqual(a, b map[int][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// kafkaCase is one hostile Kafka record and what observe must make of it.
type kafkaCase struct {
	name  string
	rec   brokertest.Record
	rules []string
	says  string
	event bool
}

func hostileRecords() []kafkaCase {
	lawfulValue := []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"4999","time":{"seconds":1764035100,"useconds":0}}`)
	rec := func(key, value []byte, headers ...kgo.RecordHeader) brokertest.Record {
		return brokertest.Record{Key: key, Value: value, Headers: headers}
	}
	var out []kafkaCase
	for _, c := range hostileCases() {
		if c.large || c.isKcat() {
			continue
		}
		out = append(out, kafkaCase{name: c.name, rec: rec([]byte("t1:"), c.line), rules: c.rules, says: c.says, event: c.event})
	}
	return append(out,
		kafkaCase{name: "empty value", rec: rec([]byte("t1:"), []byte{}), rules: []string{"decode.json"}, says: "message is empty"},
		kafkaCase{name: "tombstone", rec: rec([]byte("t1:"), nil), rules: []string{"record.tombstone"}, says: "tombstone"},
		kafkaCase{name: "binary key", rec: rec([]byte("\xff\x00{not json"), lawfulValue), rules: []string{"key.format"}, says: `key "\xff\x00{not json" lacks`, event: true},
		kafkaCase{name: "no key", rec: rec(nil, lawfulValue), rules: []string{"key.format"}, says: "the record has no key; Kafka's partitioner then scatters", event: true},
		kafkaCase{name: "binary headers", rec: rec([]byte("t1:"), lawfulValue,
			kgo.RecordHeader{Key: "trace\xff", Value: []byte{0, 1, 0xff, 0xfe}}, kgo.RecordHeader{Key: "", Value: nil}), event: true},
		kafkaCase{name: "100,000-deep nesting", rec: rec([]byte("t1:"), muteOff(`,"UserData":`+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000))), rules: []string{"decode.json"}, says: "exceeded max depth"},
	)
}

// TestObserveSurvivesHostileRecords produces each hostile record, then the broken and the lawful
// event, to one partition, and observes the topic: the findings at each offset, every record
// counted, and the same verdict when the capture is verified offline.
func TestObserveSurvivesHostileRecords(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	cases := hostileRecords()
	var recs []brokertest.Record
	want := map[int][]string{}
	events, undecodable := 0, 0
	for i, c := range cases {
		recs = append(recs, c.rec,
			brokertest.Record{Key: []byte("t1:"), Value: []byte(broken)},
			brokertest.Record{Key: []byte("t1:"), Value: []byte(lawful)})
		if c.rules != nil {
			want[3*i] = c.rules
		}
		want[3*i+1] = []string{"schema.required"}
		events += 2
		if c.event {
			events++
		} else {
			undecodable++
		}
	}
	brokertest.Produce(t, b, recs...)
	dir := t.TempDir()
	capture, rep := filepath.Join(dir, "capture.jsonl"), filepath.Join(dir, "report.json")
	r := agentstate(t, "", observeEnv(b), "observe", "--until-end", "--record", capture, "--report-json", rep)
	if r.code != exitFindings {
		t.Fatalf("observe: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := readReport(t, rep)
	if got.Lines != len(recs) || got.Events != events || got.Undecodable != undecodable {
		t.Errorf("counts: lines %d, events %d, undecodable %d; want %d, %d, %d", got.Lines, got.Events, got.Undecodable, len(recs), events, undecodable)
	}
	if n := got.PerEvent["EventAgentReady"]; n != len(cases) {
		t.Errorf("%d EventAgentReady judged, want one after each of the %d cases", n, len(cases))
	}
	byOffset, said := map[int][]string{}, map[int]string{}
	for _, f := range append(got.Violations, got.Warnings...) {
		byOffset[int(f.Place.Offset)] = append(byOffset[int(f.Place.Offset)], f.Rule)
		said[int(f.Place.Offset)] += f.Message + "\n"
	}
	for i, c := range cases {
		if !strings.Contains(said[3*i], c.says) {
			t.Errorf("%s (offset %d): findings say %q, want %q", c.name, 3*i, said[3*i], c.says)
		}
	}
	for _, rules := range byOffset {
		sort.Strings(rules)
	}
	if !mapsEqual(byOffset, want) {
		for i, c := range cases {
			if !slices.Equal(byOffset[3*i], want[3*i]) {
				t.Errorf("%s (offset %d): findings %v, want %v", c.name, 3*i, byOffset[3*i], want[3*i])
			}
		}
		t.Errorf("findings by offset:\n got %v\nwant %v", byOffset, want)
	}
	offline := filepath.Join(dir, "offline.json")
	if again := agentstate(t, "", nil, "verify", "--report-json", offline, capture); again.code != exitFindings {
		t.Fatalf("verify of the capture: exit %d\n%s", again.code, again.stderr)
	}
	if live, off := ruleOffsets(got), ruleOffsets(readReport(t, offline)); !slices.Equal(live, off) {
		t.Errorf("live findings %v\noffline findings %v", live, off)
	}
}

// ruleOffsets lists a report's findings by rule, partition and offset, in order. Keys are left
// out: a capture keeps a key that is not UTF-8 as text, with U+FFFD in place of the bad bytes.
func ruleOffsets(r jsonReport) []string {
	var out []string
	for _, f := range append(r.Violations, r.Warnings...) {
		out = append(out, fmt.Sprintf("%s p%d@%d", f.Rule, f.Place.Partition, f.Place.Offset))
	}
	return out
}

// tenMiB is an EventMuteOff whose UserData holds 10 MiB; it compresses to a few kilobytes.
func tenMiB() []byte {
	return muteOff(`,"UserData":{"Note":"` + strings.Repeat("x", 10<<20) + `"}`)
}

// TestEmbeddedBrokerRefusesA10MiBRecord: the embedded broker, like Kafka, takes a record batch up
// to its message.max.bytes (1048588 by default), so a 10 MiB value sent uncompressed is refused.
func TestEmbeddedBrokerRefusesA10MiBRecord(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	err := produceLarge(t, b, tenMiB(), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if !errors.Is(err, kerr.MessageTooLarge) {
		t.Fatalf("produce 10 MiB uncompressed: %v, want MESSAGE_TOO_LARGE", err)
	}
}

// TestObserveRefusesA10MiBRecord: the limit applies to the compressed batch, so a producer that
// compresses gets a 10 MiB value onto the topic with the broker's default settings, as on Kafka.
// observe reports it as too long, as verify reports its line in the capture, and judges on.
func TestObserveRefusesA10MiBRecord(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	if err := produceLarge(t, b, tenMiB()); err != nil {
		t.Fatalf("produce 10 MiB compressed: %v", err)
	}
	brokertest.Produce(t, b, brokertest.Record{Key: []byte("t1:"), Value: []byte(broken)}, brokertest.Record{Key: []byte("t1:"), Value: []byte(lawful)})
	dir := t.TempDir()
	capture, rep := filepath.Join(dir, "capture.jsonl"), filepath.Join(dir, "report.json")
	r := agentstate(t, "", observeEnv(b), "observe", "--until-end", "--record", capture, "--report-json", rep)
	if r.code != exitFindings {
		t.Fatalf("observe: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	offline := filepath.Join(dir, "offline.json")
	if again := agentstate(t, "", nil, "verify", "--report-json", offline, capture); again.code != exitFindings {
		t.Fatalf("verify of the capture: exit %d\n%s", again.code, again.stdout)
	}
	for name, got := range map[string]jsonReport{"observe": readReport(t, rep), "verify of the capture": readReport(t, offline)} {
		if got.Lines != 3 || got.Events != 2 || got.Undecodable != 1 {
			t.Errorf("%s: lines %d, events %d, undecodable %d; want 3, 2, 1", name, got.Lines, got.Events, got.Undecodable)
		}
		if rules := ruleOffsets(got); !slices.Equal(rules, []string{"decode.too-long p0@0", "schema.required p0@1"}) {
			t.Errorf("%s: findings %v", name, rules)
		}
	}
}

// produceLarge produces one record with a client whose own batch limit is above 10 MiB, so that
// the broker, not the client, decides.
func produceLarge(t *testing.T, b broker.Broker, value []byte, opts ...kgo.Opt) error {
	t.Helper()
	cl, err := broker.NewClient(b, append([]kgo.Opt{kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.DefaultProduceTopic(b.Info().Topic),
		kgo.ProducerBatchMaxBytes(32 << 20), kgo.RecordRetries(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return cl.ProduceSync(ctx, &kgo.Record{Key: []byte("t1:"), Value: value}).FirstErr()
}
