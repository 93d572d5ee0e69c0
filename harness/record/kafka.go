package record

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// Envelope is one consumed Kafka record, in the shape kcat -J prints, so that a capture written by
// the harness and one taken with kcat read back the same way.
type Envelope struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
	Key       []byte // nil: the record has no key
	Value     []byte // nil: a tombstone
	Headers   []Header
}

// Header is one record header.
type Header struct {
	Key   string
	Value []byte
}

// FromKafka turns a consumed record into a Record to judge, with its Kafka coordinates as its
// Place. A record without a value is a tombstone problem, and one whose value is longer than
// MaxLine a too-long problem, as its line in a capture would be.
func FromKafka(e Envelope) Record {
	place := finding.Place{Partition: e.Partition, Offset: e.Offset, HasOffset: true}
	if e.Key != nil {
		place.Key, place.HasKey = string(e.Key), true
	} else {
		place.KeyNull = true
	}
	if e.Value == nil {
		return withTopic(problem(place, RuleTombstone, "record has no value (a tombstone); every record on voice-agentstate must carry an event"), e.Topic)
	}
	if len(e.Value) > MaxLine {
		return withTopic(problem(place, RuleTooLong, fmt.Sprintf("record value is longer than %d bytes; an event is a few hundred bytes: check what the producer publishes", MaxLine)), e.Topic)
	}
	if !utf8.Valid(e.Value) {
		return withTopic(problem(place, RuleUTF8, "record value is not valid UTF-8; JSON text must be UTF-8: check the producer's encoding"), e.Topic)
	}
	return Record{Place: place, Topic: e.Topic, Value: e.Value}
}

func withTopic(r Record, topic string) Record {
	r.Topic = topic
	return r
}

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

// WriteEnvelope writes e as one line of a capture, which the Reader gives back as FromKafka
// gives e: the value and the key byte-exact. A value or key that is valid UTF-8 is written as
// the JSON string kcat -J writes, escaped no more than JSON needs (no HTML escaping of <, > and
// &), so that its line is at most about six times the value (MaxEnvelope); one that is not is
// written base64-encoded as payload_b64 or key_b64 (payload or key null), where kcat would
// print the raw bytes. A value over MaxLine is written whole: the reader reports it as too
// long, as FromKafka does, while its line fits MaxEnvelope.
func WriteEnvelope(w io.Writer, e Envelope) error {
	j := jsonEnvelope{
		Topic: e.Topic, Partition: e.Partition, Offset: e.Offset, TsType: "create",
		Ts: e.Timestamp.UnixMilli(), Broker: -1, Headers: []any{},
	}
	for _, h := range e.Headers {
		j.Headers = append(j.Headers, h.Key, string(h.Value))
	}
	switch {
	case e.Key == nil:
	case utf8.Valid(e.Key):
		k := string(e.Key)
		j.Key = &k
	default:
		j.KeyB64 = base64.StdEncoding.EncodeToString(e.Key)
	}
	switch {
	case e.Value == nil:
	case utf8.Valid(e.Value):
		v := string(e.Value)
		j.Payload = &v
	default:
		j.PayloadB64 = base64.StdEncoding.EncodeToString(e.Value)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil { // Encode ends the line with a newline
		return fmt.Errorf("write capture: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write capture: %w", err)
	}
	return nil
}
