package diff_test

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/diff"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite each fixture's expected.json from what the comparison gives (then review the diff)")

const fixtures = "../../fixtures/diff"

// expected is a capture pair's expected differences, each as "class rule event attribute",
// in the comparison's order, both ways.
type expected struct {
	Description       string   `json:"description"`
	BaselineCandidate []string `json:"baseline_vs_candidate"`
	CandidateBaseline []string `json:"candidate_vs_baseline"`
	BreakingForward   bool     `json:"breaking_baseline_vs_candidate"`
	BreakingBackward  bool     `json:"breaking_candidate_vs_baseline"`
}

// TestFixturePairs diffs every capture pair of fixtures/diff both ways (baseline against
// candidate, and candidate against baseline) and checks the differences and the verdicts
// against expected.json.
func TestFixturePairs(t *testing.T) {
	set, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	opts := diff.Options{Enums: diff.EnumsOf(set)}
	cases, err := os.ReadDir(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			dir := filepath.Join(fixtures, c.Name())
			base, cand := load(t, filepath.Join(dir, "baseline")), load(t, filepath.Join(dir, "candidate"))
			fwd, back := compare(t, base, cand, opts), compare(t, cand, base, opts)
			got := expected{BaselineCandidate: lines(fwd), CandidateBaseline: lines(back), BreakingForward: fwd.Breaking(), BreakingBackward: back.Breaking()}
			want := readExpected(t, filepath.Join(dir, "expected.json"), got)
			got.Description = want.Description
			if !reflect.DeepEqual(got, want) {
				t.Errorf("\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func lines(r diff.Result) []string {
	out := []string{}
	for _, d := range r.Differences {
		out = append(out, string(d.Class)+" "+d.Rule+" "+d.Event+" "+d.Attribute)
	}
	return out
}

func load(t *testing.T, dir string) *diff.Run {
	t.Helper()
	r, err := diff.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func compare(t *testing.T, a, b *diff.Run, opts diff.Options) diff.Result {
	t.Helper()
	r, err := diff.Compare(a, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func readExpected(t *testing.T, path string, got expected) expected {
	t.Helper()
	return testkit.Golden(t, path, got, *update, func(want expected, got *expected) { got.Description = want.Description })
}
