package record

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

// FuzzReader feeds arbitrary bytes to the reader: it must never panic, must yield exactly one
// Record per non-blank line (counted here independently of the reader), with 1-based, increasing
// line numbers, each Record carrying a Problem or a Value and never both.
func FuzzReader(f *testing.F) {
	for _, pattern := range []string{"../../fixtures/streams/*.jsonl", "../../fixtures/sequences/*.jsonl"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			if len(b) <= 8<<10 {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("{\"id\":\"EventDNDOn\"}\r\n\n \t\r\n{"))
	f.Add([]byte("\n\n\r\n"))
	f.Add([]byte("\xEF\xBB\xBF\n\xEF\xBB\xBF{}"))
	f.Add([]byte("\xff\xfe\n{\"a\":\"\x00\"}"))
	f.Add([]byte(`{"topic":"t","partition":0,"offset":1,"key":"t1:1","payload":null}` + "\n" +
		`{"topic":"t","partition":0,"offset":2,"payload_b64":"/w=="}` + "\n" +
		`{"topic":"t","partition":0,"offset":3,"payload":"{\"id\":\"EventDNDOn\"}"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		testkit.Watchdog(t, 5*time.Second)
		want := nonBlankLines(in)
		r := NewReader(bytes.NewReader(in), "f")
		got, last := 0, 0
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("record %d: %v", got+1, err)
			}
			got++
			if got > want {
				t.Fatalf("more records than the %d non-blank lines", want)
			}
			if rec.Place.Line < 1 || rec.Place.Line <= last {
				t.Fatalf("record %d at line %d after line %d: lines must be 1-based and increasing", got, rec.Place.Line, last)
			}
			last = rec.Place.Line
			if (rec.Problem == nil) == (rec.Value == nil) {
				t.Fatalf("line %d: Problem %v and Value %q: want exactly one", last, rec.Problem, rec.Value)
			}
			if rec.Problem != nil && (rec.Problem.Rule == "" || rec.Problem.Message == "" || rec.Problem.Place.Line != last) {
				t.Fatalf("line %d: incomplete problem %+v", last, rec.Problem)
			}
			if rec.Note != nil && (rec.Note.Rule != RuleBOM || last != 1 || rec.Note.Place.Line != 1) {
				t.Fatalf("line %d: note %+v; only a byte-order mark on line 1 is noted", last, rec.Note)
			}
			if len(rec.Value) > MaxLine {
				t.Fatalf("line %d: value of %d bytes passed the limit of %d", last, len(rec.Value), MaxLine)
			}
		}
		if got != want {
			t.Fatalf("%d records from %d non-blank lines", got, want)
		}
		if _, err := r.Next(); !errors.Is(err, io.EOF) {
			t.Fatalf("Next after EOF: %v, want io.EOF", err)
		}
	})
}

// nonBlankLines counts the lines holding more than white space, as the reader's contract words
// it: lines end at '\n', a line of white space only is blank, and a line over MaxLine is reported
// whatever it holds.
func nonBlankLines(in []byte) int {
	n := 0
	for _, line := range bytes.Split(in, []byte("\n")) {
		if len(bytes.TrimSuffix(line, []byte("\r"))) > MaxLine || len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	return n
}
