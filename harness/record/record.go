// Package record reads captured voice-agentstate traffic: JSON Lines of events, or of kcat's -J
// envelopes, one record per line. It accounts for every line: each one becomes a Record, with a
// Problem when it could not yield a payload.
package record

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// MaxLine is the longest line the reader accepts, newline excluded. A longer line is reported and
// skipped without being held in memory.
const MaxLine = 1 << 20

// Rule IDs of the problems the reader reports.
const (
	RuleTooLong   = "decode.too-long"
	RuleUTF8      = "decode.utf8"
	RuleEnvelope  = "decode.envelope"
	RuleTombstone = "record.tombstone"
)

// Record is one line of input, or one record consumed from Kafka.
type Record struct {
	Place   finding.Place
	Value   []byte           // the event payload; valid until the next call to Next
	Problem *finding.Finding // set when the line yields no payload to check
}

// Reader reads records from JSON Lines. Empty lines are skipped; every other line yields exactly
// one Record.
type Reader struct {
	br   *bufio.Reader
	file string
	line int
	buf  []byte
}

// NewReader reads lines from r, naming them after file in every Place.
func NewReader(r io.Reader, file string) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), file: file}
}

// Next returns the next non-empty line as a Record, or io.EOF after the last one. Other errors
// come from the underlying reader.
func (r *Reader) Next() (Record, error) {
	for {
		line, tooLong, err := r.readLine()
		if err != nil && !(errors.Is(err, io.EOF) && (len(line) > 0 || tooLong)) {
			return Record{}, err
		}
		r.line++
		place := finding.Place{File: r.file, Line: r.line}
		if tooLong {
			return problem(place, RuleTooLong, fmt.Sprintf("line is longer than %d bytes; an event is a few hundred bytes: check that the file holds one event per line", MaxLine)), nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			if errors.Is(err, io.EOF) {
				return Record{}, io.EOF
			}
			continue
		}
		return parseLine(place, line), nil
	}
}

// readLine reads one line without its line ending. A line over MaxLine is drained and reported as
// too long, never kept whole.
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	chunk, err := r.br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		// The whole line is in the reader's buffer: no copy (it is valid until the next read).
		line = bytes.TrimSuffix(bytes.TrimSuffix(chunk, []byte("\n")), []byte("\r"))
		return line, len(line) > MaxLine, err
	}
	r.buf = append(r.buf[:0], chunk...)
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(r.buf)+len(chunk) > MaxLine+2 {
			tooLong = true
			r.buf = r.buf[:0]
		} else if !tooLong {
			r.buf = append(r.buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(r.buf, []byte("\n")), []byte("\r"))
		if len(line) > MaxLine {
			tooLong = true
		}
		return line, tooLong, err
	}
}

func parseLine(place finding.Place, line []byte) Record {
	if !utf8.Valid(line) {
		return problem(place, RuleUTF8, "line is not valid UTF-8; JSON text must be UTF-8: check the producer's encoding")
	}
	if env, ok := asEnvelope(line); ok {
		return env.record(place)
	}
	return Record{Place: place, Value: line}
}

// envelope is the shape kcat -J prints for each consumed message.
type envelope struct {
	Topic      *string         `json:"topic"`
	Partition  *int32          `json:"partition"`
	Offset     *int64          `json:"offset"`
	Key        json.RawMessage `json:"key"` // nil: no key member; "null": a null key
	Payload    json.RawMessage `json:"payload"`
	PayloadB64 *string         `json:"payload_b64"`
}

// asEnvelope says whether line is a kcat envelope: an object with a payload member and Kafka
// coordinates, and no id of its own. The harness's own captures may carry payload_b64 instead,
// for a value that is not UTF-8.
func asEnvelope(line []byte) (envelope, bool) {
	if !bytes.Contains(line, []byte(`payload"`)) { // a prefilter: "p" is rarer than a quote
		return envelope{}, false
	}
	var probe struct {
		envelope
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &probe); err != nil || probe.ID != nil || probe.Payload == nil {
		return envelope{}, false
	}
	if probe.Topic == nil && probe.Partition == nil && probe.Offset == nil {
		return envelope{}, false
	}
	return probe.envelope, true
}

// key sets the place's key from the envelope's key member: a string is the key, null a record
// without a key (KeyNull), and no member leaves the key unknown.
func (e envelope) key(place *finding.Place) error {
	key := bytes.TrimSpace(e.Key)
	switch {
	case len(key) == 0:
		return nil
	case bytes.Equal(key, []byte("null")):
		place.KeyNull = true
		return nil
	}
	var s string
	if err := json.Unmarshal(key, &s); err != nil {
		return fmt.Errorf("kcat envelope key is neither a JSON string nor null: %w", err)
	}
	place.Key, place.HasKey = s, true
	return nil
}

func (e envelope) record(place finding.Place) Record {
	if e.Partition != nil && e.Offset != nil {
		place.Partition, place.Offset, place.HasOffset = *e.Partition, *e.Offset, true
	}
	if err := e.key(&place); err != nil {
		return problem(place, RuleEnvelope, err.Error())
	}
	payload := bytes.TrimSpace(e.Payload)
	switch {
	case e.PayloadB64 != nil:
		b, err := base64.StdEncoding.DecodeString(*e.PayloadB64)
		if err != nil {
			return problem(place, RuleEnvelope, "envelope payload_b64 is not valid base64: "+err.Error())
		}
		if !utf8.Valid(b) {
			return problem(place, RuleUTF8, "record value is not valid UTF-8; JSON text must be UTF-8: check the producer's encoding")
		}
		return Record{Place: place, Value: b}
	case bytes.Equal(payload, []byte("null")):
		return problem(place, RuleTombstone, "record has no value (a tombstone); every record on voice-agentstate must carry an event")
	case len(payload) > 0 && payload[0] == '"':
		var s string
		if err := json.Unmarshal(payload, &s); err != nil {
			return problem(place, RuleEnvelope, "kcat envelope payload is not a valid JSON string: "+err.Error())
		}
		if !utf8.ValidString(s) {
			return problem(place, RuleUTF8, "kcat envelope payload is not valid UTF-8; JSON text must be UTF-8: check the producer's encoding")
		}
		return Record{Place: place, Value: []byte(s)}
	default:
		return Record{Place: place, Value: payload}
	}
}

func problem(place finding.Place, rule, msg string) Record {
	return Record{Place: place, Problem: &finding.Finding{
		Rule: rule, Severity: finding.Violation, Message: msg, Place: place,
	}}
}
