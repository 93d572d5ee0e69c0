package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/gen"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// runWith verifies one input with the given options and returns the report as JSON, without
// the account of how the schemas were applied (which differs between the paths by design).
func runWith(t testing.TB, in []byte, opts verify.Options) (string, *report.Report) {
	t.Helper()
	rep, err := verify.Run(context.Background(), []verify.Input{{Name: "in", R: bytes.NewReader(in)}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	judged := rep.Judged
	rep.Judged = nil
	b, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	rep.Judged = judged
	return string(b), rep
}

// sameVerdicts holds every way of running the pipeline to one report: one worker or several,
// the fast path or jsonschema/v5 alone, cross-checking every record or none.
func sameVerdicts(t testing.TB, in []byte, initial check.InitialState) {
	t.Helper()
	want, base := runWith(t, in, verify.Options{Initial: initial, Workers: 1, V5Only: true})
	for _, o := range []verify.Options{
		{Workers: 1},
		{Workers: 4},
		{Workers: 3, CrossCheck: 1},
		{Workers: 2, CrossCheck: -1, Strict: false},
	} {
		o.Initial = initial
		got, rep := runWith(t, in, o)
		if got != want {
			t.Fatalf("options %+v: the report differs from jsonschema/v5 alone on one worker:\n%s\nwant:\n%s", o, got, want)
		}
		if j := rep.Judged; j.Disagreements != 0 || j.Fast+j.V5 != base.Judged.V5 {
			t.Fatalf("options %+v: judged %+v, want every one of %d events judged once", o, *j, base.Judged.V5)
		}
	}
}

func TestEveryWayOfRunningGivesTheSameReport(t *testing.T) {
	var files []string
	for _, glob := range []string{"streams/*.jsonl", "sequences/*.jsonl", "hostile/*.jsonl"} {
		m, _ := filepath.Glob("../../fixtures/" + glob)
		files = append(files, m...)
	}
	if len(files) < 40 {
		t.Fatalf("want the fixtures' JSON Lines files, found %d", len(files))
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			sameVerdicts(t, b, check.Unknown)
			sameVerdicts(t, b, check.Clean)
		})
	}
}

// TestEveryWayOfRunningGivesTheSameReportOnDamagedStreams damages a generated lawful stream of
// several batches (lines dropped, swapped, cut short, changed) so that schema and sequence
// findings fall on batch boundaries and in between.
func TestEveryWayOfRunningGivesTheSameReportOnDamagedStreams(t *testing.T) {
	msgs, err := gen.Stream(gen.Options{Seed: 3, Events: 3000, Agents: 40})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	var lines [][]byte
	for _, m := range msgs {
		lines = append(lines, bytes.Clone(m.Value))
	}
	for range 150 {
		i := rng.IntN(len(lines))
		switch rng.IntN(4) {
		case 0:
			lines = append(lines[:i], lines[i+1:]...)
		case 1:
			j := rng.IntN(len(lines))
			lines[i], lines[j] = lines[j], lines[i]
		case 2:
			lines[i] = lines[i][:rng.IntN(len(lines[i]))]
		default:
			lines[i][rng.IntN(len(lines[i]))] = "\"{}:,0x-\\"[rng.IntN(9)]
		}
	}
	in := append(bytes.Join(lines, []byte("\n")), '\n')
	sameVerdicts(t, in, check.Clean)
	sameVerdicts(t, in, check.Unknown)
}

// TestParallelRunCountsWhatItReadBeforeAnError: a read error mid-stream returns the error, and
// the report still counts every record read before it.
func TestParallelRunCountsWhatItReadBeforeAnError(t *testing.T) {
	msgs, err := gen.Stream(gen.Options{Seed: 1, Events: 1000, Agents: 10})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, m := range msgs {
		b.Write(m.Value)
		b.WriteByte('\n')
	}
	for _, workers := range []int{1, 3} {
		cut := &failingReader{r: bytes.NewReader(b.Bytes()), after: b.Len() / 2}
		rep, err := verify.Run(context.Background(), []verify.Input{{Name: "in", R: cut}}, verify.Options{Workers: workers})
		if !errors.Is(err, errBroken) {
			t.Fatalf("workers %d: err = %v, want the read error", workers, err)
		}
		if want := bytes.Count(b.Bytes()[:b.Len()/2], []byte("\n")); rep.Lines != want && rep.Lines != want+1 {
			t.Errorf("workers %d: counted %d records, read %d whole lines before the error", workers, rep.Lines, want)
		}
	}
}

var errBroken = errors.New("disk on fire")

type failingReader struct {
	r     *bytes.Reader
	after int
	read  int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.read >= f.after {
		return 0, errBroken
	}
	p = p[:min(len(p), f.after-f.read)]
	n, err := f.r.Read(p)
	f.read += n
	return n, err
}

// TestTheCrossCheckSampleDoesNotDependOnWorkers: the records jsonschema/v5 judges again are
// chosen by their index in the stream, so the account of how the schemas were applied is the
// same on any number of workers.
func TestTheCrossCheckSampleDoesNotDependOnWorkers(t *testing.T) {
	msgs, err := gen.Stream(gen.Options{Seed: 3, Events: 5_000, Agents: 50})
	if err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	for _, m := range msgs {
		in.Write(m.Value)
		in.WriteByte('\n')
	}
	var want *report.Judged
	for _, workers := range []int{1, 2, 4} {
		_, rep := runWith(t, in.Bytes(), verify.Options{Initial: check.Clean, Workers: workers, CrossCheck: 7})
		j := *rep.Judged
		if j.CrossChecked == 0 || j.CrossChecked > (len(msgs)+6)/7 {
			t.Fatalf("%d workers: %d cross-checked of %d records, want one in 7 of the fast verdicts", workers, j.CrossChecked, len(msgs))
		}
		if want == nil {
			want = &j
		} else if fmt.Sprint(j) != fmt.Sprint(*want) {
			t.Errorf("%d workers: judged %+v, one worker %+v", workers, j, *want)
		}
	}
}
