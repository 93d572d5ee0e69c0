// Package diff compares two captures of the conformance suite driven with the same stimuli (the
// suite's run against the released build and against the candidate) and says what changed in
// the events consumers see: per stimulus, events added, removed or reordered and values that
// changed; per event type, attributes that appeared or disappeared, JSON types and enum values
// never seen before, and attributes that went from always to sometimes present. Each difference
// is classified breaking, notable or same.
package diff

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// LogFile is the name of the stimulus log the suite writes beside capture.jsonl.
const LogFile = "stimuli.jsonl"

// Entry is one line of the stimulus log: one stimulus the suite performed, and where in the
// capture the events it credited to that stimulus are.
type Entry struct {
	Flow     string `json:"flow"`     // the scenario or spec the stimulus belongs to
	Instance int    `json:"instance"` // which run of the flow in this suite run, from 1 (a flow may run several times, even at once)
	Step     int    `json:"step"`     // the stimulus's place in its flow, from 1
	Do       string `json:"do"`       // the stimulus, as scenario files name it (login, off-hook, ...)
	// Stimulus is the suite's wording of the stimulus, with the run's numbers.
	Stimulus    string `json:"stimulus"`
	ReferenceID int64  `json:"reference_id"`
	Tenant      string `json:"tenant"`
	DN          string `json:"dn"`
	Agent       string `json:"agent,omitempty"`
	// Names maps each of the run's fresh values (agents, DNs, calls' ConnIDs) known when the
	// stimulus was made to its name in the flow ("agent A", "DN D", "call C"), so that two runs
	// compare by name, not by number.
	Names map[string]string `json:"names"`
	// Events are the capture positions of the events the suite saw on the stimulus's DNs after
	// it, in the order it saw them.
	Events []Position `json:"events"`
	// Error is what the system under test answered when it refused or failed the stimulus; "".
	Error string `json:"error,omitempty"`
}

// Position is where a record is in the capture.
type Position struct {
	Partition int32 `json:"partition"`
	Offset    int64 `json:"offset"`
}

// LogWriter appends entries to a stimulus log, one JSON object a line. It is safe for
// concurrent use: flows may run at once.
type LogWriter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

// NewLogWriter writes entries to w.
func NewLogWriter(w io.Writer) *LogWriter { return &LogWriter{w: w} }

// Write appends one entry. The first error is kept and returned by every later call.
func (l *LogWriter) Write(e Entry) error {
	if l == nil {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("write stimulus log: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		if _, err := l.w.Write(append(b, '\n')); err != nil {
			l.err = fmt.Errorf("write stimulus log: %w", err)
		}
	}
	return l.err
}

// Err returns the first error a Write met.
func (l *LogWriter) Err() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// ReadLog reads a stimulus log. Every line must be an entry; a line that is not is an error
// naming the file and line.
func ReadLog(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read stimulus log: %w", err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("read stimulus log %s:%d: %w", path, line, err)
		}
		if e.Flow == "" || e.Step < 1 || e.Instance < 1 {
			return nil, fmt.Errorf("read stimulus log %s:%d: an entry needs a flow, an instance and a step from 1", path, line)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read stimulus log %s: %w", path, err)
	}
	return out, nil
}

// LogBeside is the stimulus log of a capture: stimuli.jsonl in the capture's directory. A
// directory given instead of a capture stands for the capture.jsonl in it.
func LogBeside(capture string) (capturePath, logPath string, err error) {
	st, err := os.Stat(capture)
	if err != nil {
		return "", "", fmt.Errorf("open capture: %w", err)
	}
	if st.IsDir() {
		capture = filepath.Join(capture, "capture.jsonl")
	}
	logPath = filepath.Join(filepath.Dir(capture), LogFile)
	if _, err := os.Stat(logPath); errors.Is(err, os.ErrNotExist) {
		return capture, logPath, fmt.Errorf("open stimulus log: %s has no %s beside it: the suite writes one beside capture.jsonl in its report directory; keep both as the baseline", capture, LogFile)
	}
	return capture, logPath, nil
}
