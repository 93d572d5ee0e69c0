package record

import (
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"sync"
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

// WriteEnvelope writes e as one line of a capture, which the Reader gives back as FromKafka
// gives e: the value and the key byte-exact. See AppendEnvelope for the line.
func WriteEnvelope(w io.Writer, e Envelope) error {
	buf := lines.Get().(*[]byte)
	defer lines.Put(buf)
	*buf = AppendEnvelope((*buf)[:0], e)
	if _, err := w.Write(*buf); err != nil {
		return fmt.Errorf("write capture: %w", err)
	}
	return nil
}

// lines keeps WriteEnvelope's buffers.
var lines = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// AppendEnvelope appends to dst e's line of a capture, with its newline, in the shape kcat -J
// prints, with the bytes encoding/json would write for it (TestAppendEnvelopeIsEncodingJSONs
// holds it to that) but written directly: the value is copied once, escaped, never decoded. A
// value or key that is valid UTF-8 is written as the JSON string kcat -J writes, escaped no more
// than JSON needs (no HTML escaping of <, > and &), so that its line is at most about six times
// the value (MaxEnvelope); one that is not is written base64-encoded as payload_b64 or key_b64
// (payload or key null), where kcat would print the raw bytes. A value over MaxLine is written
// whole: the reader reports it as too long, as FromKafka does, while its line fits MaxEnvelope.
func AppendEnvelope(dst []byte, e Envelope) []byte {
	dst = append(dst, `{"topic":`...)
	dst = appendString(dst, []byte(e.Topic))
	dst = append(dst, `,"partition":`...)
	dst = strconv.AppendInt(dst, int64(e.Partition), 10)
	dst = append(dst, `,"offset":`...)
	dst = strconv.AppendInt(dst, e.Offset, 10)
	dst = append(dst, `,"tstype":"create","ts":`...)
	dst = strconv.AppendInt(dst, e.Timestamp.UnixMilli(), 10)
	dst = append(dst, `,"broker":-1,"headers":[`...)
	for i, h := range e.Headers {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, []byte(h.Key))
		dst = append(dst, ',')
		dst = appendString(dst, h.Value)
	}
	dst = append(dst, `],"key":`...)
	dst = appendBytes(dst, e.Key, `,"key_b64":"`)
	dst = append(dst, `,"payload":`...)
	dst = appendBytes(dst, e.Value, `,"payload_b64":"`)
	return append(dst, "}\n"...)
}

// appendBytes appends b as a JSON string when it is valid UTF-8, and otherwise null followed by
// the member b64 holding b base64-encoded (nil b: null alone).
func appendBytes(dst, b []byte, b64 string) []byte {
	switch {
	case b == nil:
		return append(dst, "null"...)
	case utf8.Valid(b):
		return appendString(dst, b)
	}
	dst = append(append(dst, "null"...), b64...)
	return append(base64.StdEncoding.AppendEncode(dst, b), '"')
}

// appendString appends s as encoding/json writes a string with HTML escaping off: quotes,
// backslashes and control characters escaped, invalid UTF-8 as U+FFFD, and U+2028 and U+2029
// escaped for JavaScript.
func appendString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			if r == utf8.RuneError {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(dst, s[start:]...), '"')
}
