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

// MaxLine is the longest value the reader accepts: a line of JSON Lines, newline excluded, or
// the value a kcat envelope holds once decoded. A longer one is reported and skipped.
const MaxLine = 1 << 20

// MaxEnvelope is the longest line the reader reads in a kcat capture. JSON escapes a control
// byte in six (\u0001), so the envelope of a value of MaxLine bytes takes up to 6 MiB; the rest
// is room for the key, headers and coordinates. A longer line is reported as too long and drained
// without being held in memory.
const MaxEnvelope = 8 << 20

// Rule IDs of the problems the reader reports.
const (
	RuleTooLong   = "decode.too-long"
	RuleUTF8      = "decode.utf8"
	RuleEnvelope  = "decode.envelope"
	RuleTombstone = "record.tombstone"
	RuleBOM       = "decode.bom"
)

// Rules lists the rule IDs of the problems the reader reports.
func Rules() []string { return []string{RuleTooLong, RuleUTF8, RuleEnvelope, RuleTombstone, RuleBOM} }

// bom is the UTF-8 byte-order mark some editors put at the start of a text file.
var bom = []byte("\xEF\xBB\xBF")

// Record is one line of input, or one record consumed from Kafka.
type Record struct {
	Place   finding.Place
	Topic   string           // the Kafka topic, when the record came with Kafka coordinates
	Value   []byte           // the event payload; valid until the next call to Next
	Problem *finding.Finding // set when the line yields no payload to check
	Note    *finding.Finding // a warning about how the line was read (a byte-order mark); the value is judged all the same
}

// Format is how the lines of a capture are read.
type Format int

const (
	// FormatAuto reads a file as its first record shows: kcat envelopes when it is one, JSON
	// Lines otherwise. The first non-blank line that tells decides: an envelope (even one too
	// long to hold, or not UTF-8, whose coordinates can be read), or any other UTF-8 line.
	FormatAuto Format = iota
	// FormatJSONL reads every line as the value it is, whatever it looks like.
	FormatJSONL
	// FormatKcat reads every line as a kcat -J envelope; a line that is not one is a problem.
	FormatKcat
)

// ParseFormat reads "auto", "jsonl" or "kcat".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "auto", "":
		return FormatAuto, nil
	case "jsonl":
		return FormatJSONL, nil
	case "kcat":
		return FormatKcat, nil
	}
	return FormatAuto, fmt.Errorf("parse input format: %q: expected auto, jsonl or kcat", s)
}

// String returns the name ParseFormat reads.
func (f Format) String() string {
	switch f {
	case FormatJSONL:
		return "jsonl"
	case FormatKcat:
		return "kcat"
	}
	return "auto"
}

// Reader reads records from JSON Lines. Empty lines are skipped; every other line yields exactly
// one Record.
type Reader struct {
	br      *bufio.Reader
	file    string
	line    int
	buf     []byte
	head    []byte // the start of the last line that was too long, to find its envelope's coordinates in
	format  Format // FormatAuto until the first record decides
	decided int    // the line that decided the format; 0 when it was given
}

// NewReader reads lines from r, naming them after file in every Place, in the format the first
// record shows (FormatAuto).
func NewReader(r io.Reader, file string) *Reader { return NewReaderFormat(r, file, FormatAuto) }

// NewReaderFormat reads lines from r in the given format.
func NewReaderFormat(r io.Reader, file string, format Format) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), file: file, format: format}
}

// Next returns the next non-empty line as a Record, or io.EOF after the last one. Other errors
// come from the underlying reader. A byte-order mark at the start of the file is removed, and
// noted.
func (r *Reader) Next() (Record, error) {
	for {
		line, tooLong, err := r.readLine()
		if err != nil && !(errors.Is(err, io.EOF) && (len(line) > 0 || tooLong)) {
			return Record{}, err
		}
		r.line++
		place := finding.Place{File: r.file, Line: r.line}
		var note *finding.Finding
		if r.line == 1 && bytes.HasPrefix(line, bom) {
			line, note = line[len(bom):], bomNote(place)
		}
		blank := len(bytes.TrimSpace(line)) == 0
		if tooLong {
			return r.overlong(place), nil
		}
		if blank && len(line) > MaxLine {
			return problem(place, RuleTooLong, r.tooLong()), nil
		}
		if blank && note == nil {
			if errors.Is(err, io.EOF) {
				return Record{}, io.EOF
			}
			continue
		}
		rec := r.parse(place, line)
		rec.Note = note
		return rec, nil
	}
}

func bomNote(place finding.Place) *finding.Finding {
	return &finding.Finding{
		Rule: RuleBOM, Severity: finding.Warning, Place: place,
		Expected: "JSON text without a byte-order mark", Found: "the UTF-8 byte-order mark EF BB BF at the start of the file",
		Message: "the file starts with a UTF-8 byte-order mark, which JSON text must not have (RFC 8259, section 8.1); the line is judged without it: save the file without a BOM",
	}
}

// headBytes is how much of a line too long to hold is kept, to read its envelope's coordinates.
const headBytes = 64 << 10

// overlong is the record of a line too long to hold. When it starts as a kcat envelope (kcat
// and the harness write the coordinates and the key before the payload), the problem is placed
// at its Kafka coordinates, as FromKafka places a value too long, and the format is decided.
func (r *Reader) overlong(place finding.Place) Record {
	head := r.head
	if r.line == 1 {
		head = bytes.TrimPrefix(head, bom)
	}
	env, ok := leadingEnvelope(head)
	if r.format == FormatJSONL || !ok {
		return problem(place, RuleTooLong, r.tooLong())
	}
	if r.format == FormatAuto {
		r.format, r.decided = FormatKcat, r.line
	}
	return env.problemAt(place, RuleTooLong, fmt.Sprintf("kcat envelope line is longer than %d bytes, the limit of a line holding one, so its value is longer than %d bytes (or its key and headers are huge); an event is a few hundred bytes: check what the producer publishes", MaxEnvelope, MaxLine))
}

// problemAt is a problem of the line holding the envelope, placed at the envelope's Kafka
// coordinates and key (a key_b64 that is not base64 is the problem instead).
func (e envelope) problemAt(place finding.Place, rule, msg string) Record {
	rec := e.judge(place)
	if rec.Problem == nil || rec.Problem.Rule != RuleEnvelope {
		rec = problem(rec.Place, rule, msg)
	}
	if e.Topic != nil {
		rec.Topic = *e.Topic
	}
	return rec
}

// leadingEnvelope reads the members of a kcat envelope that come before its payload, from the
// start of a line: ok when it has its coordinates and reaches the payload.
func leadingEnvelope(head []byte) (e envelope, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(head))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return envelope{}, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return envelope{}, false
		}
		name, _ := t.(string)
		if name == "payload" || name == "payload_b64" {
			e.Payload = json.RawMessage("null")
			return e, e.Partition != nil && e.Offset != nil
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return envelope{}, false
		}
		if err := e.member(name, v); err != nil {
			return envelope{}, false
		}
	}
	return envelope{}, false
}

// member sets one member of the envelope read on its own.
func (e *envelope) member(name string, v json.RawMessage) error {
	switch name {
	case "topic":
		return json.Unmarshal(v, &e.Topic)
	case "partition":
		return json.Unmarshal(v, &e.Partition)
	case "offset":
		return json.Unmarshal(v, &e.Offset)
	case "key":
		return json.Unmarshal(v, &e.Key)
	case "key_b64":
		return json.Unmarshal(v, &e.KeyB64)
	case "id":
		return errors.New("an event, not an envelope")
	}
	return nil
}

// tooLong is the message of a line over the format's limit.
func (r *Reader) tooLong() string {
	const event = "an event is a few hundred bytes: check that the file holds one event per line"
	if r.format == FormatJSONL {
		return fmt.Sprintf("line is longer than %d bytes; %s", MaxLine, event)
	}
	return fmt.Sprintf("line is longer than %d bytes, and than %d, the limit of a line holding a kcat envelope; %s", MaxLine, MaxEnvelope, event)
}

// limit is the longest line the reader holds in the current format.
func (r *Reader) limit() int {
	if r.format == FormatJSONL {
		return MaxLine
	}
	return MaxEnvelope
}

// readLine reads one line without its line ending. A line over the format's limit is drained and
// reported as too long, never kept whole.
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	limit := r.limit()
	r.head = r.head[:0]
	chunk, err := r.br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		// The whole line is in the reader's buffer: no copy (it is valid until the next read).
		line = bytes.TrimSuffix(bytes.TrimSuffix(chunk, []byte("\n")), []byte("\r"))
		return line, len(line) > limit, err
	}
	r.buf = append(r.buf[:0], chunk...)
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(r.buf)+len(chunk) > limit+2 {
			if !tooLong {
				r.head = append(r.head, r.buf[:min(len(r.buf), headBytes)]...)
			}
			tooLong = true
			r.buf = r.buf[:0]
		} else if !tooLong {
			r.buf = append(r.buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(r.buf, []byte("\n")), []byte("\r"))
		if len(line) > limit && !tooLong {
			r.head = append(r.head, line[:headBytes]...)
			tooLong = true
		}
		return line, tooLong, err
	}
}

// parse reads one line in the file's format, deciding it from this line when it is not yet
// known. A line that cannot tell (not UTF-8, or blank) leaves the format undecided.
func (r *Reader) parse(place finding.Place, line []byte) Record {
	switch r.format {
	case FormatJSONL:
		return plain(place, line)
	case FormatKcat:
		return r.kcat(place, line)
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return plain(place, line)
	}
	if !utf8.Valid(line) {
		if _, ok := leadingEnvelope(line); ok {
			r.format, r.decided = FormatKcat, r.line
			return r.kcat(place, line)
		}
		return plain(place, line)
	}
	r.decided = r.line
	if env, ok := asEnvelope(line); ok {
		r.format = FormatKcat
		return env.record(place)
	}
	r.format = FormatJSONL
	return plain(place, line)
}

// notUTF8Envelope is the problem of a kcat line that is not UTF-8, as kcat -J prints a value (or
// a key) that is not: placed at its envelope's coordinates when they can be read.
func notUTF8Envelope(place finding.Place, line []byte) Record {
	const msg = "line is not valid UTF-8 (kcat -J prints a record value or key that is not UTF-8 as raw bytes); JSON text must be UTF-8: check the producer's encoding"
	env, ok := leadingEnvelope(line)
	if !ok {
		return problem(place, RuleUTF8, msg)
	}
	return env.problemAt(place, RuleUTF8, msg)
}

// plain is a line of JSON Lines: the value it holds.
func plain(place finding.Place, line []byte) Record {
	if len(line) > MaxLine {
		return problem(place, RuleTooLong, fmt.Sprintf("line is longer than %d bytes; an event is a few hundred bytes: check that the file holds one event per line", MaxLine))
	}
	if !utf8.Valid(line) {
		return problem(place, RuleUTF8, "line is not valid UTF-8; JSON text must be UTF-8: check the producer's encoding")
	}
	return Record{Place: place, Value: line}
}

// kcat is a line of a kcat capture, which must be an envelope.
func (r *Reader) kcat(place finding.Place, line []byte) Record {
	if !utf8.Valid(line) {
		return notUTF8Envelope(place, line)
	}
	if env, ok := asEnvelope(line); ok {
		return env.record(place)
	}
	why := "--input kcat says every line is one"
	if r.decided > 0 {
		why = fmt.Sprintf("this file's first record (line %d) was one, so every line must be", r.decided)
	}
	if len(line) > MaxLine {
		return problem(place, RuleTooLong, fmt.Sprintf("line is longer than %d bytes and is not a kcat -J envelope, and %s", MaxLine, why))
	}
	return problem(place, RuleEnvelope, "line is not a kcat -J envelope ({\"topic\",\"partition\",\"offset\",\"key\",\"payload\"}), and "+why+
		": a capture holds one kind of line; capture again with kcat -J, or pass --input jsonl to judge every line as an event")
}

// envelope is the shape kcat -J prints for each consumed message. The harness's own captures
// may carry payload_b64 and key_b64 instead of payload and key, for bytes that are not UTF-8.
type envelope struct {
	Topic      *string         `json:"topic"`
	Partition  *int32          `json:"partition"`
	Offset     *int64          `json:"offset"`
	Key        json.RawMessage `json:"key"` // nil: no key member; "null": a null key
	KeyB64     *string         `json:"key_b64"`
	Payload    json.RawMessage `json:"payload"`
	PayloadB64 *string         `json:"payload_b64"`
}

// asEnvelope says whether line is a kcat envelope: an object with a payload member and Kafka
// coordinates, and no id of its own.
func asEnvelope(line []byte) (envelope, bool) {
	if !bytes.Contains(line, []byte(`payload`)) { // a prefilter: "p" is rarer than a quote
		return envelope{}, false
	}
	var probe struct {
		envelope
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &probe); err != nil || probe.ID != nil || probe.Payload == nil && probe.PayloadB64 == nil {
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

// record gives the envelope's value, held to the limits a record from Kafka is (FromKafka): a
// tombstone, then a value over MaxLine, then one that is not UTF-8 are problems, in that order.
func (e envelope) record(place finding.Place) Record {
	rec := e.judge(place)
	if e.Topic != nil {
		rec.Topic = *e.Topic
	}
	return rec
}

func (e envelope) judge(place finding.Place) Record {
	if e.Partition != nil && e.Offset != nil {
		place.Partition, place.Offset, place.HasOffset = *e.Partition, *e.Offset, true
	}
	switch {
	case e.KeyB64 != nil:
		k, err := base64.StdEncoding.DecodeString(*e.KeyB64)
		if err != nil {
			return problem(place, RuleEnvelope, "envelope key_b64 is not valid base64: "+err.Error())
		}
		place.Key, place.HasKey = string(k), true
	default:
		if err := e.key(&place); err != nil {
			return problem(place, RuleEnvelope, err.Error())
		}
	}
	value, rec, ok := e.value(place)
	if !ok {
		return rec
	}
	if len(value) > MaxLine {
		return problem(place, RuleTooLong, fmt.Sprintf("record value is longer than %d bytes; an event is a few hundred bytes: check what the producer publishes", MaxLine))
	}
	if !utf8.Valid(value) {
		return problem(place, RuleUTF8, "record value is not valid UTF-8; JSON text must be UTF-8: check the producer's encoding")
	}
	return Record{Place: place, Value: value}
}

// value decodes the envelope's payload; ok is false, with the problem in rec, when there is none.
func (e envelope) value(place finding.Place) (value []byte, rec Record, ok bool) {
	payload := bytes.TrimSpace(e.Payload)
	switch {
	case e.PayloadB64 != nil:
		b, err := base64.StdEncoding.DecodeString(*e.PayloadB64)
		if err != nil {
			return nil, problem(place, RuleEnvelope, "envelope payload_b64 is not valid base64: "+err.Error()), false
		}
		return b, Record{}, true
	case bytes.Equal(payload, []byte("null")):
		return nil, problem(place, RuleTombstone, "record has no value (a tombstone); every record on voice-agentstate must carry an event"), false
	case len(payload) > 0 && payload[0] == '"':
		var s string
		if err := json.Unmarshal(payload, &s); err != nil {
			return nil, problem(place, RuleEnvelope, "kcat envelope payload is not a valid JSON string: "+err.Error()), false
		}
		return []byte(s), Record{}, true
	default:
		return payload, Record{}, true
	}
}

func problem(place finding.Place, rule, msg string) Record {
	return Record{Place: place, Problem: &finding.Finding{
		Rule: rule, Severity: finding.Violation, Message: msg, Place: place,
	}}
}
