package verify_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// nonBlankLines counts the lines a person would call records: those with something other than
// white space on them. It is written apart from the reader, to check the reader's accounting.
func nonBlankLines(b []byte) int {
	n := 0
	for _, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	return n
}

func checkAccounting(t *testing.T, in []byte) {
	var seen []finding.Finding
	rep, err := verify.Run(context.Background(), []verify.Input{{Name: "in", R: bytes.NewReader(in)}}, verify.Options{
		OnFinding: func(f finding.Finding) { seen = append(seen, f) },
	})
	if err != nil {
		t.Fatal(err)
	}
	// A re-delivery (a Kafka coordinate already judged) is read and counted, but not judged, so
	// it is not in Lines.
	if want := nonBlankLines(in); rep.Lines+rep.Redelivered != want {
		t.Fatalf("read %d records and %d re-deliveries from %d non-blank lines", rep.Lines, rep.Redelivered, want)
	}
	if rep.Lines != rep.Events+rep.Undecodable {
		t.Fatalf("lines %d != events %d + undecodable %d", rep.Lines, rep.Events, rep.Undecodable)
	}
	if len(seen) != len(rep.Violations)+len(rep.Warnings) {
		t.Fatalf("%d findings streamed, %d in the report", len(seen), len(rep.Violations)+len(rep.Warnings))
	}
	if rep.Events == 0 && rep.Passed() {
		t.Fatal("a run with no event passed")
	}
	for _, f := range rep.Violations {
		if f.Rule != "stream.empty" && (f.Place.Line < 1 || f.Place.Line > bytes.Count(in, []byte("\n"))+1) {
			t.Fatalf("finding at line %d of a %d-line input: %v", f.Place.Line, bytes.Count(in, []byte("\n"))+1, f)
		}
	}
}

// FuzzRun feeds arbitrary bytes to the offline pipeline: it must never panic, and must account
// for every non-blank line as an event, an undecodable record or a re-delivery.
func FuzzRun(f *testing.F) {
	files, _ := filepath.Glob("../../fixtures/streams/*.jsonl")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 8<<10 {
			continue // large seeds make the fuzzer spend its time minimizing; tests cover them
		}
		f.Add(b)
	}
	f.Add([]byte("{\"id\":\"EventDNDOn\"}\r\n\n \n{"))
	f.Add([]byte(`{"topic":"t","partition":0,"offset":1,"payload":"{\"id\":\"EventDNDOn\"}"}`))
	f.Add([]byte(`{"topic":"t","partition":0,"offset":3,"payload":"{}"}` + "\n" + `{"topic":"t","partition":0,"offset":1,"payload":"{}"}` + "\n" +
		`{"topic":"t","partition":0,"offset":3,"payload":"{}"}` + "\n" + `{"topic":"t","partition":0,"offset":4,"payload":"{}"}`))
	f.Add([]byte("\xEF\xBB\xBF{\"id\":\"EventDNDOn\"}\n\xEF\xBB\xBF\n"))
	f.Fuzz(checkAccounting)
}

func TestOverlongLineIsOneRecord(t *testing.T) {
	in := "{\"id\":\"EventDNDOn\"}\n{\"x\":\"" + strings.Repeat("y", 3<<20) + "\"}\n{\"id\":\"EventDNDOff\"}\n"
	checkAccounting(t, []byte(in))
}
