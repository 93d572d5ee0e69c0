package htmlreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/record"
)

// Defaults of a Stream's bounds: a page stays small enough to open, however long the run.
const (
	// DefaultMaxEvents is how many events a Stream keeps to draw; the rest are counted.
	DefaultMaxEvents = 3000
	// DefaultMaxLanes is how many timelines (DNs and agents) a page draws; the rest are counted.
	DefaultMaxLanes = 60
	// valueClip is how many bytes of a record a page shows.
	valueClip = 400
)

// Event is one record a Stream kept: where it was read, its id, the DN and the agent it
// concerns, and its text (clipped).
type Event struct {
	N     int // the record's place in the stream, from 0; its anchor on the page is ev-N
	ID    string
	DN    string
	Agent string
	Place finding.Place
	Value string // the record as read, at most valueClip bytes
	_     struct{}
}

// Stream gathers the records of a run for the page: the first MaxEvents events for the
// timelines and the record excerpts, and, for every event however many, the attributes each
// event id carried, for the coverage matrix. Nothing read is dropped from its counts.
type Stream struct {
	// MaxEvents bounds the events kept to draw; 0 means DefaultMaxEvents.
	MaxEvents int

	mu          sync.Mutex
	events      []Event
	total       int                        // records added
	undecodable int                        // of those, records that yielded no JSON object
	seen        map[string]int             // events per id
	attrs       map[string]map[string]bool // top-level attribute names per id
	byPos       map[position]int           // index into events by partition and offset
	byLine      map[fileLine]int           // index into events by file and line
}

type position struct {
	partition int32
	offset    int64
}

type fileLine struct {
	file string
	line int
}

// NewStream returns an empty stream with the default bounds.
func NewStream() *Stream {
	return &Stream{seen: map[string]int{}, attrs: map[string]map[string]bool{}, byPos: map[position]int{}, byLine: map[fileLine]int{}}
}

// Add takes one record as read. It copies what it keeps, so rec.Value may be reused after. It
// is safe for concurrent use, and a nil stream takes nothing.
func (s *Stream) Add(rec record.Record) {
	if s == nil {
		return // a run that draws nothing
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.total
	s.total++
	doc, ok := decode(rec.Value)
	if rec.Problem != nil || !ok {
		s.undecodable++
	}
	id := text(doc["id"])
	if ok {
		s.count(id, doc)
	}
	if len(s.events) >= s.max() {
		return
	}
	ev := Event{N: n, ID: id, DN: text(doc["ThisDN"]), Agent: text(doc["AgentID"]), Place: rec.Place, Value: clip(rec.Value)}
	if rec.Problem != nil && len(rec.Value) == 0 {
		ev.Value = rec.Problem.Message
	}
	s.index(ev)
}

func (s *Stream) max() int {
	if s.MaxEvents > 0 {
		return s.MaxEvents
	}
	return DefaultMaxEvents
}

func (s *Stream) count(id string, doc map[string]any) {
	if id == "" {
		id = "(no id)"
	}
	s.seen[id]++
	if s.attrs[id] == nil {
		s.attrs[id] = map[string]bool{}
	}
	for name := range doc {
		s.attrs[id][name] = true
	}
}

func (s *Stream) index(ev Event) {
	i := len(s.events)
	s.events = append(s.events, ev)
	if ev.Place.HasOffset {
		p := position{ev.Place.Partition, ev.Place.Offset}
		if _, dup := s.byPos[p]; !dup {
			s.byPos[p] = i
		}
	}
	if ev.Place.Line > 0 {
		s.byLine[fileLine{ev.Place.File, ev.Place.Line}] = i
	}
}

// ReadFile adds every record of a capture, read in the given format (kcat envelopes or JSON
// Lines, or as its first record shows).
func (s *Stream) ReadFile(path string, format record.Format) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read capture: %w", err)
	}
	defer f.Close()
	return s.Read(f, path, format)
}

// Read adds every record of r, placed in the file named name (as verify named it, so that
// findings find their records).
func (s *Stream) Read(r io.Reader, name string, format record.Format) error {
	rd := record.NewReaderFormat(r, name, format)
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read capture %s: %w", name, err)
		}
		s.Add(rec)
	}
}

// Total is how many records were added, kept or not.
func (s *Stream) Total() int { return s.total }

// Kept is how many records the stream kept to draw: at most MaxEvents.
func (s *Stream) Kept() int { return len(s.events) }

// at finds the kept event read at a place: by file and line, else by partition and offset.
func (s *Stream) at(p *finding.Place) (int, bool) {
	if s == nil || p == nil {
		return 0, false
	}
	if p.Line > 0 {
		if i, ok := s.byLine[fileLine{p.File, p.Line}]; ok {
			return i, true
		}
	}
	if p.HasOffset {
		i, ok := s.byPos[position{p.Partition, p.Offset}]
		return i, ok
	}
	return 0, false
}

// AtOffset finds the kept event at a Kafka partition and offset (a stimulus log's position).
func (s *Stream) AtOffset(partition int32, offset int64) (Event, bool) {
	if s == nil {
		return Event{}, false
	}
	i, ok := s.byPos[position{partition, offset}]
	if !ok {
		return Event{}, false
	}
	return s.events[i], true
}

func decode(value []byte) (map[string]any, bool) {
	d := json.NewDecoder(bytes.NewReader(value))
	d.UseNumber()
	var doc map[string]any
	if err := d.Decode(&doc); err != nil || doc == nil {
		return nil, false
	}
	return doc, true
}

// text is an attribute's value as a lane's name: a string as it is, anything else as JSON.
func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func clip(b []byte) string {
	if len(b) > valueClip {
		return string(b[:valueClip]) + "…"
	}
	return string(b)
}
