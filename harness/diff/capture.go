package diff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/voice-agentstate/conformance/harness/record"
)

// Event is one record of a capture, decoded.
type Event struct {
	Pos    Position
	Line   int // the capture's line
	Key    string
	HasKey bool
	ID     string         // "" for a record that is no JSON object with an id
	Doc    map[string]any // nil for a record that is no JSON object
	Err    string         // why the record yields no event, for one that is not
}

// Capture is the records of one capture file, by position.
type Capture struct {
	File   string
	Events []Event // in file order, each position once
	// Redelivered counts records seen again at a position already read (at-least-once
	// delivery); they are not compared twice.
	Redelivered int
	byPos       map[Position]int
}

// ReadCapture reads a capture the suite wrote (kcat envelopes, which carry each record's
// partition and offset). A line without Kafka coordinates is an error: the stimulus log names
// events by position.
func ReadCapture(path string) (*Capture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read capture: %w", err)
	}
	defer f.Close()
	c := &Capture{File: path, byPos: map[Position]int{}}
	rd := record.NewReaderFormat(f, path, record.FormatKcat)
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read capture %s: %w", path, err)
		}
		if err := c.add(rec); err != nil {
			return nil, err
		}
	}
}

func (c *Capture) add(rec record.Record) error {
	if !rec.Place.HasOffset {
		msg := "no partition and offset"
		if rec.Problem != nil {
			msg = rec.Problem.Message
		}
		return fmt.Errorf("read capture %s: %s: expected a kcat envelope with partition and offset, as the suite writes capture.jsonl", rec.Place, msg)
	}
	pos := Position{Partition: rec.Place.Partition, Offset: rec.Place.Offset}
	if _, seen := c.byPos[pos]; seen {
		c.Redelivered++
		return nil
	}
	ev := Event{Pos: pos, Line: rec.Place.Line, Key: rec.Place.Key, HasKey: rec.Place.HasKey}
	if rec.Problem != nil {
		ev.Err = rec.Problem.Message
	} else {
		ev.Doc, ev.ID, ev.Err = decode(rec.Value)
	}
	c.byPos[pos] = len(c.Events)
	c.Events = append(c.Events, ev)
	return nil
}

func decode(value []byte) (map[string]any, string, string) {
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil || doc == nil {
		return nil, "", "the value is no JSON object"
	}
	id, _ := doc["id"].(string)
	return doc, id, ""
}

// At returns the event at a position.
func (c *Capture) At(p Position) (Event, bool) {
	i, ok := c.byPos[p]
	if !ok {
		return Event{}, false
	}
	return c.Events[i], true
}
