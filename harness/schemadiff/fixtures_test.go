package schemadiff_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
	"github.com/voice-agentstate/conformance/harness/schemadiff"
)

var update = flag.Bool("update", false, "rewrite each fixture's expected.json from what the comparison gives (then review the diff)")

// pairsDir holds the schema-set pairs; a path, not the embedded tree, so that -update can rewrite them.
const pairsDir = "../../fixtures/schemas-diff"

// expected is a fixture pair's expected result: the verdict of each mode, and each finding by
// event, direction, verdict, kind and attribute.
type expected struct {
	Description string   `json:"description"`
	Backward    string   `json:"backward"`
	Forward     string   `json:"forward"`
	Full        string   `json:"full"`
	Findings    []string `json:"findings"`
}

// TestFixturePairs compares every pair of fixtures/schemas-diff both ways (old against new, and
// new against old, where backward and forward trade places) and checks the verdicts and the
// findings against expected.json; every incompatibility must carry a witness that jsonschema/v5
// accepts under one set and rejects under the other.
func TestFixturePairs(t *testing.T) {
	cases, err := os.ReadDir(pairsDir)
	if err != nil {
		t.Fatal(err)
	}
	examples := loadExamples(t)
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			dir := filepath.Join(pairsDir, c.Name())
			oldSet, newSet := loadSet(t, filepath.Join(dir, "old")), loadSet(t, filepath.Join(dir, "new"))
			got := summarise(schemadiff.Compare(oldSet, newSet, examples), false)
			checkWitnesses(t, schemadiff.Compare(oldSet, newSet, examples), oldSet, newSet)
			want := readExpected(t, filepath.Join(dir, "expected.json"), got)
			if !reflect.DeepEqual(got.comparable(), want.comparable()) {
				t.Errorf("old against new:\n got %+v\nwant %+v", got, want)
			}
			swapped := summarise(schemadiff.Compare(newSet, oldSet, examples), true)
			if !reflect.DeepEqual(swapped.comparable(), want.comparable()) {
				t.Errorf("new against old (backward and forward swapped back):\n got %+v\nwant %+v", swapped, want)
			}
		})
	}
}

func (e expected) comparable() expected {
	e.Description = ""
	return e
}

func summarise(r schemadiff.Result, swapped bool) expected {
	e := expected{Backward: string(r.Verdict(schemadiff.Backward)), Forward: string(r.Verdict(schemadiff.Forward)), Full: string(r.Verdict(schemadiff.Full)), Findings: []string{}}
	if swapped {
		e.Backward, e.Forward = e.Forward, e.Backward
	}
	for _, ev := range r.Events {
		for _, f := range ev.Findings {
			dir := f.Direction
			if swapped {
				dir = map[schemadiff.Mode]schemadiff.Mode{schemadiff.Backward: schemadiff.Forward, schemadiff.Forward: schemadiff.Backward}[dir]
			}
			e.Findings = append(e.Findings, f.Event+" "+string(dir)+" "+string(f.Verdict)+" "+f.Attribute+": "+f.Kind)
		}
	}
	sort.Strings(e.Findings)
	return e
}

// checkWitnesses judges every witness again, through the contract's own validator: accepted by
// the set the direction says accepts it, rejected by the other.
func checkWitnesses(t *testing.T, r schemadiff.Result, oldSet, newSet *contract.Set) {
	t.Helper()
	for _, ev := range r.Events {
		for _, f := range ev.Findings {
			if f.Verdict != schemadiff.Incompatible {
				if f.Witness != nil {
					t.Errorf("%s: an unknown finding carries a witness", f.Message)
				}
				continue
			}
			accepting, other := oldSet, newSet
			if f.Direction == schemadiff.Forward {
				accepting, other = newSet, oldSet
			}
			if !validV5(accepting, f.Event, f.Witness) {
				t.Errorf("%s: witness %s is not accepted where it must be", f.Message, f.Witness)
			}
			if validV5(other, f.Event, f.Witness) {
				t.Errorf("%s: witness %s is not rejected where it must be", f.Message, f.Witness)
			}
		}
	}
}

// validV5 says whether jsonschema/v5 accepts the message under the set's schema of the event.
// (The contract's own validator reports an undeclared attribute as a warning; the schema, with
// additionalProperties false, rejects it, and compatibility is the schema's.)
func validV5(set *contract.Set, event string, raw []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return false
	}
	return set.Schema(event).Validate(doc) == nil
}

func readExpected(t *testing.T, path string, got expected) expected {
	t.Helper()
	return testkit.Golden(t, path, got, *update, func(want expected, got *expected) { got.Description = want.Description })
}

// loadSet is the built-in schemas with the fixture's files laid over them.
func loadSet(t *testing.T, overlay string) *contract.Set {
	t.Helper()
	dir := t.TempDir()
	for _, src := range []string{"../../schemas", overlay} {
		files, _ := filepath.Glob(filepath.Join(src, "*.schema.json"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o640); err != nil {
				t.Fatal(err)
			}
		}
	}
	set, err := contract.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// loadExamples reads the minimal and full message of each event from fixtures/events.
func loadExamples(t *testing.T) schemadiff.Examples {
	t.Helper()
	out := schemadiff.Examples{}
	for _, id := range contract.Events {
		fx, err := fixtures.LoadEvent(id)
		if err != nil {
			t.Fatal(err)
		}
		var minimal, full map[string]any
		if err := errors.Join(json.Unmarshal(fx.Minimal, &minimal), json.Unmarshal(fx.Full, &full)); err != nil {
			t.Fatalf("fixture of %s: %v", id, err)
		}
		out[id] = []map[string]any{minimal, full}
	}
	return out
}
