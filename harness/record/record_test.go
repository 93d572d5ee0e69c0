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
	rules := []string{"", record.RuleTooLong, record.RuleUTF8, record.RuleTombstone, "", ""}
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
	if recs[3].Problem.Place.Key != "t1:1001" || recs[3].Problem.Place.Offset != 9 {
		t.Errorf("tombstone place lost its Kafka coordinates: %+v", recs[3].Problem.Place)
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
	if recs[2].Place.HasOffset || !bytes.HasPrefix(recs[2].Value, []byte(`{"id":"EventDNDOn"`)) {
		t.Errorf("an event with a payload attribute was taken for an envelope: %+v", recs[2])
	}
}

func TestReadErrorsAreReturned(t *testing.T) {
	rd := record.NewReader(iotest.ErrReader(errors.New("disk on fire")), "x")
	if _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("want the read error, got %v", err)
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
