// Package finding defines what every check of the harness reports: a rule that was broken, how
// badly, by which event, and where that event was read.
package finding

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Severity says whether a finding fails the run.
type Severity int

const (
	// Warning is reported but does not fail the run, unless the run is strict.
	Warning Severity = iota + 1
	// Violation fails the run.
	Violation
)

// String returns "warning" or "violation".
func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Violation:
		return "violation"
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText renders the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses "warning" or "violation".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "warning":
		*s = Warning
	case "violation":
		*s = Violation
	default:
		return fmt.Errorf("parse severity: %q is neither warning nor violation", b)
	}
	return nil
}

// Place says where an event was read: a file line, and the Kafka coordinates when the event came
// from Kafka or from a kcat envelope.
type Place struct {
	File string
	Line int // 1-based; 0 when the event did not come from a file

	Key       string
	HasKey    bool // Key is known (it may be empty)
	KeyNull   bool // the record is known to have no key: a null key from Kafka, or "key": null in a kcat envelope
	Partition int32
	Offset    int64
	HasOffset bool // Partition and Offset are known
}

// String renders the place as "file:line (key k, partition p, offset o)", leaving out what is
// unknown.
func (p Place) String() string {
	var b strings.Builder
	switch {
	case p.File != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s:%d", p.File, p.Line)
	case p.File != "":
		b.WriteString(p.File)
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d", p.Line)
	}
	var kafka []string
	switch {
	case p.HasKey:
		kafka = append(kafka, "key "+strconv.Quote(p.Key))
	case p.KeyNull:
		kafka = append(kafka, "key null")
	}
	if p.HasOffset {
		kafka = append(kafka, fmt.Sprintf("partition %d, offset %d", p.Partition, p.Offset))
	}
	if len(kafka) > 0 {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString("(" + strings.Join(kafka, ", ") + ")")
	}
	return b.String()
}

// Finding is one broken rule.
type Finding struct {
	Rule     string   // stable rule ID, e.g. "schema.required"
	Severity Severity // after strict mode was applied
	Event    string   // the event's id, when it has one
	Pointer  string   // JSON pointer of the attribute concerned; "" for the whole message
	Expected string   // what the contract asks for, in plain words
	Found    string   // what the message had instead
	Message  string   // one sentence a person can act on
	Place    Place    // where the event was read
	Context  *Place   // where the earlier event that set the context was read, if any
}

// String renders the finding as one line: place, severity, rule and message, made Printable,
// since the message and the place carry text from the record.
func (f Finding) String() string {
	where := f.Place.String()
	if where != "" {
		where += ": "
	}
	return Printable(fmt.Sprintf("%s%s [%s] %s", where, f.Severity, f.Rule, f.Message))
}

type jsonFinding struct {
	File      string   `json:"file,omitempty"`
	Line      int      `json:"line,omitempty"`
	Event     string   `json:"event,omitempty"`
	Rule      string   `json:"rule"`
	Severity  Severity `json:"severity"`
	Message   string   `json:"message"`
	Pointer   string   `json:"pointer,omitempty"`
	Expected  string   `json:"expected,omitempty"`
	Found     string   `json:"found,omitempty"`
	Key       *string  `json:"key,omitempty"`
	Partition *int32   `json:"partition,omitempty"`
	Offset    *int64   `json:"offset,omitempty"`
	Context   *Place   `json:"context,omitempty"`
}

// MarshalJSON writes the finding flat, with key, partition and offset only when they are known.
func (f Finding) MarshalJSON() ([]byte, error) {
	j := jsonFinding{
		File: f.Place.File, Line: f.Place.Line, Event: f.Event, Rule: f.Rule, Severity: f.Severity,
		Message: f.Message, Pointer: f.Pointer, Expected: f.Expected, Found: f.Found, Context: f.Context,
	}
	if f.Place.HasKey {
		j.Key = &f.Place.Key
	}
	if f.Place.HasOffset {
		j.Partition, j.Offset = &f.Place.Partition, &f.Place.Offset
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (f *Finding) UnmarshalJSON(b []byte) error {
	var j jsonFinding
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Finding{
		Rule: j.Rule, Severity: j.Severity, Event: j.Event, Pointer: j.Pointer, Expected: j.Expected,
		Found: j.Found, Message: j.Message, Context: j.Context,
		Place: Place{File: j.File, Line: j.Line},
	}
	if j.Key != nil {
		f.Place.Key, f.Place.HasKey = *j.Key, true
	}
	if j.Partition != nil && j.Offset != nil {
		f.Place.Partition, f.Place.Offset, f.Place.HasOffset = *j.Partition, *j.Offset, true
	}
	return nil
}

type jsonPlace struct {
	File      string  `json:"file,omitempty"`
	Line      int     `json:"line,omitempty"`
	Key       *string `json:"key,omitempty"`
	Partition *int32  `json:"partition,omitempty"`
	Offset    *int64  `json:"offset,omitempty"`
}

// MarshalJSON writes the place with only what is known.
func (p Place) MarshalJSON() ([]byte, error) {
	j := jsonPlace{File: p.File, Line: p.Line}
	if p.HasKey {
		j.Key = &p.Key
	}
	if p.HasOffset {
		j.Partition, j.Offset = &p.Partition, &p.Offset
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (p *Place) UnmarshalJSON(b []byte) error {
	var j jsonPlace
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*p = Place{File: j.File, Line: j.Line}
	if j.Key != nil {
		p.Key, p.HasKey = *j.Key, true
	}
	if j.Partition != nil && j.Offset != nil {
		p.Partition, p.Offset, p.HasOffset = *j.Partition, *j.Offset, true
	}
	return nil
}
