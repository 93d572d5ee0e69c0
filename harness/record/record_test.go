package record_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/voice-agentstate/conformance/harness/record"
)

func readAll(t *testing.T, r io.Reader) []record.Record {
	t.Helper()
	rd := record.NewReader(r, "capture.jsonl")
	var out []record.Record
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		rec.Value = append([]byte(nil), rec.Value...)
		out = append(out, rec)
	}
}

func TestLinesAreNumberedAndEmptyOnesSkipped(t *testing.T) {
	in := "{\"id\":\"a\"}\n\n   \r\n{\"id\":\"b\"}\r\n{\"id\":\"c\"}"
	recs := readAll(t, strings.NewReader(in))
	if len(recs) != 3 {
		t.Fatalf("want 3 records, got %d", len(recs))
	}
	for i, want := range []struct {
		line  int
		value string
	}{{1, `{"id":"a"}`}, {4, `{"id":"b"}`}, {5, `{"id":"c"}`}} {
		if recs[i].Place.Line != want.line || string(recs[i].Value) != want.value || recs[i].Problem != nil {
			t.Errorf("record %d: line %d value %q problem %v; want line %d value %q", i, recs[i].Place.Line, recs[i].Value, recs[i].Problem, want.line, want.value)
		}
		if recs[i].Place.File != "capture.jsonl" {
			t.Errorf("record %d: file %q", i, recs[i].Place.File)
		}
	}
}

func TestBadLinesAreOneProblemEachAndReadingGoesOn(t *testing.T) {
	long := `{"id":"EventDNDOn","pad":"` + strings.Repeat("x", record.MaxLine) + `"}`
	in := strings.Join([]string{
		`{"id":"first"}`,
		long,
		"{\"id\":\"bad \xff utf8\"}",
		`{"topic":"voice-agentstate","partition":1,"offset":9,"key":"t1:1001","payload":null}`,
		`{"topic":"voice-agentstate","partition":1,"offset":10,"key":"t1:1001","payload":"\"unterminated}`,
		`{"id":"last"}`,
	}, "\n")
	recs := readAll(t, iotest.HalfReader(strings.NewReader(in)))
	// The file is JSON Lines (its first line says so): lines 4 and 5 are values that look like
	// kcat envelopes, judged as the values they are (by the pipeline, not here).
	rules := []string{"", record.RuleTooLong, record.RuleUTF8, "", "", ""}
	if len(recs) != len(rules) {
		t.Fatalf("want %d records, got %d", len(rules), len(recs))
	}
	for i, rule := range rules {
		got := ""
		if recs[i].Problem != nil {
			got = recs[i].Problem.Rule
			if recs[i].Problem.Place.Line != i+1 {
				t.Errorf("record %d: problem at line %d", i, recs[i].Problem.Place.Line)
			}
		}
		if got != rule {
			t.Errorf("line %d: problem %q, want %q", i+1, got, rule)
		}
	}
	if string(recs[5].Value) != `{"id":"last"}` {
		t.Errorf("last line read as %q", recs[5].Value)
	}
	if recs[3].Place.HasOffset || !bytes.HasPrefix(recs[3].Value, []byte(`{"topic"`)) {
		t.Errorf("a line of JSON Lines was unwrapped as a kcat envelope: %+v %q", recs[3].Place, recs[3].Value)
	}
}

func TestBadEnvelopesAreOneProblemEach(t *testing.T) {
	in := strings.Join([]string{
		`{"topic":"voice-agentstate","partition":1,"offset":8,"key":"t1:1001","payload":"{\"id\":\"EventDNDOn\"}"}`,
		`{"topic":"voice-agentstate","partition":1,"offset":9,"key":"t1:1001","payload":null}`,
		`{"topic":"voice-agentstate","partition":1,"offset":10,"key":"t1:1001","payload":"\"unterminated}`,
		`{"id":"EventDNDOn","ThisDN":"5001"}`,
		`{"topic":"voice-agentstate","partition":1,"offset":11,"key_b64":"%%%","payload":"{}"}`,
	}, "\n")
	recs := readAll(t, iotest.HalfReader(strings.NewReader(in)))
	rules := []string{"", record.RuleTombstone, record.RuleEnvelope, record.RuleEnvelope, record.RuleEnvelope}
	if len(recs) != len(rules) {
		t.Fatalf("want %d records, got %d", len(rules), len(recs))
	}
	for i, rule := range rules {
		got := ""
		if recs[i].Problem != nil {
			got = recs[i].Problem.Rule
		}
		if got != rule {
			t.Errorf("line %d: problem %q, want %q", i+1, got, rule)
		}
	}
	if p := recs[1].Problem.Place; p.Key != "t1:1001" || p.Offset != 9 || recs[1].Topic != "voice-agentstate" {
		t.Errorf("tombstone place lost its Kafka coordinates: %+v", p)
	}
	if msg := recs[3].Problem.Message; !strings.Contains(msg, "line 1") || !strings.Contains(msg, "--input jsonl") {
		t.Errorf("a plain line in a kcat capture: %q, want it to name the line that decided and --input jsonl", msg)
	}
}

func TestKcatEnvelopeGivesPayloadKeyAndOffset(t *testing.T) {
	in := `{"topic":"voice-agentstate","partition":2,"offset":41,"tstype":"create","ts":1764035100123,"broker":1,"headers":["h","v"],"key":"t1:1001","payload":"{\"id\":\"EventDNDOn\",\"ThisDN\":\"5001\"}"}` + "\n" +
		`{"topic":"voice-agentstate","partition":0,"offset":3,"key":null,"payload":{"id":"EventDNDOff"}}` + "\n" +
		`{"id":"EventDNDOn","payload":"not an envelope: it has an id"}`
	recs := readAll(t, strings.NewReader(in))
	if len(recs) != 3 {
		t.Fatalf("want 3 records, got %d", len(recs))
	}
	p := recs[0].Place
	if !p.HasKey || p.Key != "t1:1001" || !p.HasOffset || p.Partition != 2 || p.Offset != 41 || p.Line != 1 {
		t.Errorf("envelope place: %+v", p)
	}
	if string(recs[0].Value) != `{"id":"EventDNDOn","ThisDN":"5001"}` {
		t.Errorf("envelope payload: %q", recs[0].Value)
	}
	if recs[1].Place.HasKey || !recs[1].Place.HasOffset || string(recs[1].Value) != `{"id":"EventDNDOff"}` {
		t.Errorf("null key, object payload: %+v %q", recs[1].Place, recs[1].Value)
	}
	if recs[2].Problem == nil || recs[2].Problem.Rule != record.RuleEnvelope {
		t.Errorf("an event with a payload attribute in a kcat capture: %+v, want %s", recs[2], record.RuleEnvelope)
	}
}

func TestReadErrorsAreReturned(t *testing.T) {
	rd := record.NewReader(iotest.ErrReader(errors.New("disk on fire")), "x")
	if _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("want the read error, got %v", err)
	}
}

// roundTrip writes e as a capture line and reads it back.
func roundTrip(t *testing.T, e record.Envelope) (record.Record, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := record.WriteEnvelope(&b, e); err != nil {
		t.Fatal(err)
	}
	line := append([]byte(nil), b.Bytes()...)
	recs := readAll(t, &b)
	if len(recs) != 1 {
		t.Fatalf("%d records read back from one envelope", len(recs))
	}
	return recs[0], line
}

// TestWriteEnvelopeKeepsTheValueAsItIs: the capture observe --record writes holds each value
// byte-exact, escaped no more than JSON needs, and the size limit applies to the value, not to
// its envelope, so that verify of the capture says what observe said of the records.
func TestWriteEnvelopeKeepsTheValueAsItIs(t *testing.T) {
	event := func(note string) []byte {
		return []byte(`{"id":"EventMuteOff","ThisDN":"4999","ConnID":"007102385535e00e","ThisDNRole":"RoleObserver","ReferenceID":17,"UserData":{"Note":"` + note + `"}}`)
	}
	for _, c := range []struct {
		name    string
		e       record.Envelope
		rule    string // the problem read back; "" for the value itself
		maxLine int    // the longest line the envelope may take
	}{
		{name: "200 KB of <>&", e: record.Envelope{Key: []byte("t1:"), Value: event(strings.Repeat("<a&b>", 40_000))}, maxLine: 200_000 + 600},
		{name: "a value just under 1 MiB that escapes to 6", e: record.Envelope{Key: []byte("t1:"), Value: event(strings.Repeat(`\u0001`, (record.MaxLine-200)/6))}, maxLine: 7 * record.MaxLine},
		{name: "1 MiB of control bytes", e: record.Envelope{Key: []byte("t1:"), Value: bytes.Repeat([]byte{1}, record.MaxLine)}, maxLine: 7 * record.MaxLine},
		{name: "1 MB not UTF-8", e: record.Envelope{Key: []byte("t1:"), Value: bytes.Repeat([]byte{0xff}, 1_000_000)}, rule: record.RuleUTF8},
		{name: "a value over 1 MiB", e: record.Envelope{Key: []byte("t1:"), Value: event(strings.Repeat("x", record.MaxLine))}, rule: record.RuleTooLong},
		{name: "a value over 8 MiB, too long to hold", e: record.Envelope{Key: []byte("t1:\xff"), Value: event(strings.Repeat("x", 9<<20))}, rule: record.RuleTooLong},
		{name: "a key not UTF-8", e: record.Envelope{Key: []byte("t1:\xff\xfe"), Value: event("")}},
		{name: "U+2028 and U+2029", e: record.Envelope{Value: event("\u2028\u2029")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.e.Topic, c.e.Partition, c.e.Offset = "voice-agentstate", 2, 41
			rec, line := roundTrip(t, c.e)
			if c.maxLine > 0 && len(line) > c.maxLine {
				t.Errorf("envelope of a %d-byte value takes %d bytes, want at most %d", len(c.e.Value), len(line), c.maxLine)
			}
			if bytes.Contains(line, []byte(`\u003c`)) || bytes.Contains(line, []byte(`\u0026`)) {
				t.Errorf("envelope escapes <, > or &: %.200s", line)
			}
			if !rec.Place.HasOffset || rec.Place.Partition != 2 || rec.Place.Offset != 41 {
				t.Errorf("read back at %+v, want partition 2, offset 41", rec.Place)
			}
			if c.e.Key != nil && (!rec.Place.HasKey || rec.Place.Key != string(c.e.Key)) {
				t.Errorf("key read back as %q, want %q", rec.Place.Key, c.e.Key)
			}
			switch {
			case c.rule != "" && (rec.Problem == nil || rec.Problem.Rule != c.rule):
				t.Fatalf("read back %v, want the problem %s", rec.Problem, c.rule)
			case c.rule == "" && rec.Problem != nil:
				t.Fatalf("read back the problem %v, want the value", rec.Problem)
			case c.rule == "" && !bytes.Equal(rec.Value, c.e.Value):
				t.Fatalf("value read back differs: %d bytes, want %d", len(rec.Value), len(c.e.Value))
			}
		})
	}
}

// TestKcatLineNotUTF8KeepsItsCoordinates: kcat -J prints a value that is not UTF-8 as raw bytes;
// the line is decode.utf8, as the record is live, at the envelope's partition, offset and key,
// and it tells a kcat capture as well as an envelope that is UTF-8 would.
func TestKcatLineNotUTF8KeepsItsCoordinates(t *testing.T) {
	in := `{"topic":"voice-agentstate","partition":1,"offset":4,"tstype":"create","ts":1,"broker":1,"headers":[],"key":"t1:1001","payload":"` + "\xff\xfe" + `"}` + "\n" +
		`{"id":"EventDNDOn","ThisDN":"5001"}`
	recs := readAll(t, strings.NewReader(in))
	if len(recs) != 2 {
		t.Fatalf("want 2 records, got %d", len(recs))
	}
	p := recs[0].Problem
	if p == nil || p.Rule != record.RuleUTF8 || !p.Place.HasOffset || p.Place.Partition != 1 || p.Place.Offset != 4 || p.Place.Key != "t1:1001" || recs[0].Topic != "voice-agentstate" {
		t.Errorf("line 1: %+v, want decode.utf8 at partition 1, offset 4", p)
	}
	if recs[1].Problem == nil || recs[1].Problem.Rule != record.RuleEnvelope {
		t.Errorf("line 2 of a kcat capture: %+v, want %s", recs[1], record.RuleEnvelope)
	}
}

// A kcat envelope tells a null key ("key": null) from an empty one, and both from an envelope that
// does not say (no key member); a record consumed from Kafka without a key has a null key.
func TestNullKeyIsToldFromEmptyAndUnknown(t *testing.T) {
	in := `{"topic":"t","partition":0,"offset":1,"key":null,"payload":{"id":"EventDNDOff"}}` + "\n" +
		`{"topic":"t","partition":0,"offset":2,"key":"","payload":{"id":"EventDNDOff"}}` + "\n" +
		`{"topic":"t","partition":0,"offset":3,"payload":{"id":"EventDNDOff"}}`
	recs := readAll(t, strings.NewReader(in))
	if len(recs) != 3 {
		t.Fatalf("want 3 records, got %d", len(recs))
	}
	want := []struct{ hasKey, null bool }{{false, true}, {true, false}, {false, false}}
	for i, w := range want {
		p := recs[i].Place
		if p.HasKey != w.hasKey || p.KeyNull != w.null || p.Key != "" {
			t.Errorf("line %d: HasKey %v, KeyNull %v, Key %q; want HasKey %v, KeyNull %v", i+1, p.HasKey, p.KeyNull, p.Key, w.hasKey, w.null)
		}
	}
	if p := record.FromKafka(record.Envelope{Partition: 1, Offset: 2, Value: []byte(`{}`)}).Place; p.HasKey || !p.KeyNull {
		t.Errorf("a consumed record without a key: HasKey %v, KeyNull %v; want a null key", p.HasKey, p.KeyNull)
	}
	if p := record.FromKafka(record.Envelope{Partition: 1, Offset: 2, Key: []byte{}, Value: []byte(`{}`)}).Place; !p.HasKey || p.KeyNull {
		t.Errorf("a consumed record with an empty key: HasKey %v, KeyNull %v; want an empty key", p.HasKey, p.KeyNull)
	}
}
