package record

import (
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
		return problem(place, RuleTombstone, "record has no value (a tombstone); every record on voice-agentstate must carry an event")
	}
	if len(e.Value) > MaxLine {
		return problem(place, RuleTooLong, fmt.Sprintf("record value is longer than %d bytes; an event is a few hundred bytes: check what the producer publishes", MaxLine))
	}
	if !utf8.Valid(e.Value) {
		return problem(place, RuleUTF8, "record value is not valid UTF-8; JSON text must be UTF-8: check the producer's encoding")
	}
	return Record{Place: place, Value: e.Value}
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
	Payload    *string `json:"payload"`
	PayloadB64 string  `json:"payload_b64,omitempty"`
}

// WriteEnvelope writes e as one line of a capture. A value that is not valid UTF-8 is written
// base64-encoded as payload_b64 (payload null), so that re-reading it gives the same bytes and
// the same verdict; kcat would print the raw bytes.
func WriteEnvelope(w io.Writer, e Envelope) error {
	j := jsonEnvelope{
		Topic: e.Topic, Partition: e.Partition, Offset: e.Offset, TsType: "create",
		Ts: e.Timestamp.UnixMilli(), Broker: -1, Headers: []any{},
	}
	for _, h := range e.Headers {
		j.Headers = append(j.Headers, h.Key, string(h.Value))
	}
	if e.Key != nil {
		k := string(e.Key)
		j.Key = &k
	}
	switch {
	case e.Value == nil:
	case utf8.Valid(e.Value):
		v := string(e.Value)
		j.Payload = &v
	default:
		j.PayloadB64 = base64.StdEncoding.EncodeToString(e.Value)
	}
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("write capture: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write capture: %w", err)
	}
	return nil
}
