package record_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/voice-agentstate/conformance/harness/record"
)

// encodingJSONEnvelope is the line encoding/json writes for an envelope, as WriteEnvelope wrote it
// before it wrote its lines directly: the reference AppendEnvelope is held to.
func encodingJSONEnvelope(t testing.TB, e record.Envelope) []byte {
	t.Helper()
	type jsonEnvelope struct {
		Topic      string  `json:"topic"`
		Partition  int32   `json:"partition"`
		Offset     int64   `json:"offset"`
		TsType     string  `json:"tstype"`
		Ts         int64   `json:"ts"`
		Broker     int     `json:"broker"`
		Headers    []any   `json:"headers"`
		Key        *string `json:"key"`
		KeyB64     string  `json:"key_b64,omitempty"`
		Payload    *string `json:"payload"`
		PayloadB64 string  `json:"payload_b64,omitempty"`
	}
	j := jsonEnvelope{Topic: e.Topic, Partition: e.Partition, Offset: e.Offset, TsType: "create",
		Ts: e.Timestamp.UnixMilli(), Broker: -1, Headers: []any{}}
	for _, h := range e.Headers {
		j.Headers = append(j.Headers, h.Key, string(h.Value))
	}
	text := func(b []byte) (*string, string) {
		switch {
		case b == nil:
			return nil, ""
		case utf8.Valid(b):
			s := string(b)
			return &s, ""
		}
		return nil, base64.StdEncoding.EncodeToString(b)
	}
	j.Key, j.KeyB64 = text(e.Key)
	j.Payload, j.PayloadB64 = text(e.Value)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAppendEnvelopeIsEncodingJSONs: the capture line written directly is, byte for byte, the
// one encoding/json writes, on every kind of string JSON escapes.
func TestAppendEnvelopeIsEncodingJSONs(t *testing.T) {
	for _, e := range []record.Envelope{
		{Topic: "voice-agentstate", Partition: 2, Offset: 41, Key: []byte("t1:1001"), Value: []byte(`{"id":"EventAgentLogin","ThisDN":"5001"}`)},
		{Topic: "t", Key: nil, Value: nil, Timestamp: time.UnixMilli(1764035100123)},
		{Topic: "t", Key: []byte{}, Value: []byte{}},
		{Topic: "t\"\\\n\r\t\b\f\x00\x1f<>&", Key: []byte("k\xff"), Value: []byte("\u2028\u2029\u00e9\U0001F600\x7f")},
		{Topic: "t", Partition: -1, Offset: -2, Value: []byte("\xff\xfe"), Headers: []record.Header{{Key: "h\xff", Value: []byte("v\"")}, {Key: "", Value: nil}}},
	} {
		want := encodingJSONEnvelope(t, e)
		if got := record.AppendEnvelope(nil, e); !bytes.Equal(got, want) {
			t.Errorf("AppendEnvelope(%+v)\n got %s\nwant %s", e, got, want)
		}
	}
}

// FuzzAppendEnvelope holds AppendEnvelope to encoding/json's line on arbitrary keys, values and
// headers.
func FuzzAppendEnvelope(f *testing.F) {
	f.Add("voice-agentstate", []byte("t1:1001"), []byte(`{"id":"EventDNDOn"}`), "h", []byte("\u2028"), int64(1))
	f.Add("", []byte("\xff"), []byte("\x00\"\\"), "\xfe", []byte(nil), int64(-1))
	f.Fuzz(func(t *testing.T, topic string, key, value []byte, hk string, hv []byte, n int64) {
		e := record.Envelope{Topic: topic, Partition: int32(n), Offset: n, Timestamp: time.UnixMilli(n % (1 << 40)), Key: key, Value: value,
			Headers: []record.Header{{Key: hk, Value: hv}}}
		want := encodingJSONEnvelope(t, e)
		if got := record.AppendEnvelope(nil, e); !bytes.Equal(got, want) {
			t.Fatalf("AppendEnvelope\n got %q\nwant %q", got, want)
		}
	})
}

// benchEnvelope is a realistic record: a 170-byte event, keyed by tenant and agent.
var benchEnvelope = record.Envelope{Topic: "voice-agentstate", Partition: 3, Offset: 123456, Timestamp: time.UnixMilli(1764035100123), Key: []byte("t1:100527"),
	Value: []byte(`{"AgentID":"100527","CustomerID":"t1","ReferenceID":1,"Server":1,"ThisDN":"500527","ThisQueue":"7001","id":"EventAgentLogin","time":{"seconds":1764035100,"useconds":1700}}`)}

// BenchmarkWriteEnvelope is what observe --record pays per record to write its capture line.
func BenchmarkWriteEnvelope(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := record.WriteEnvelope(&discard, benchEnvelope); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteEnvelopeEncodingJSON is the same line written by encoding/json, as WriteEnvelope
// wrote it before: the figure the direct encoding is compared with.
func BenchmarkWriteEnvelopeEncodingJSON(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		discard.Write(encodingJSONEnvelope(b, benchEnvelope))
	}
}

type discardWriter struct{}

func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }

var discard discardWriter
