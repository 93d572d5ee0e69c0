package check

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/record"
)

const fixtureDir = "../../fixtures/sequences"

// expectation is one entry of fixtures/sequences/expect.json.
type expectation struct {
	Initial    string `json:"initial"`
	ServiceKey string `json:"service_key"` // "": the checker's default
	Why        string `json:"why"`
	Findings   []at   `json:"findings"`
}

// at is a finding as a fixture expects it: a rule at a line.
type at struct {
	Rule string `json:"rule"`
	Line int    `json:"line"`
}

func loadExpectations(t *testing.T) map[string]expectation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]expectation
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("read expect.json: %v", err)
	}
	return m
}

// readFixture reads a fixture's records as events, failing the test unless every record is a
// schema-valid event. It reads each twice: as a document, and as the attributes the contract's
// fast path reads without one, as verify and observe do.
func readFixture(t *testing.T, path string) (docs, attrs []Event) {
	t.Helper()
	set, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	rd := record.NewReader(f, filepath.Base(path))
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return docs, attrs
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Problem != nil {
			t.Fatalf("%s", rec.Problem)
		}
		res := set.Validate(rec.Value)
		for _, f := range res.Findings {
			f.Place = rec.Place
			t.Errorf("fixture event is not schema-valid: %s", f)
		}
		docs = append(docs, Event{ID: res.Event, Attrs: attr.Of(res.Doc), Place: rec.Place})
		fast := set.Check(rec.Value)
		if !fast.Fast {
			t.Fatalf("%s: the fast path declines a valid event", rec.Place)
		}
		attrs = append(attrs, Event{ID: fast.Event, Attrs: fast.Attrs, Place: rec.Place})
	}
}

func runAll(c *Checker, events []Event) []finding.Finding {
	var out []finding.Finding
	for _, ev := range events {
		out = append(out, c.Step(ev)...)
	}
	return out
}

func TestFixtures(t *testing.T) {
	want := loadExpectations(t)
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.jsonl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s (%v)", fixtureDir, err)
	}
	seen := map[string]bool{}
	for _, path := range paths {
		name := filepath.Base(path)
		seen[name] = true
		exp, ok := want[name]
		if !ok {
			t.Errorf("%s has no entry in expect.json", name)
			continue
		}
		t.Run(name, func(t *testing.T) { checkFixture(t, path, exp) })
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("expect.json names %s, which is not in %s", name, fixtureDir)
		}
	}
}

func checkFixture(t *testing.T, path string, exp expectation) {
	initial, err := ParseInitialState(exp.Initial)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(path)
	rule, _ := fixtureRule(name)
	isBreak := strings.HasSuffix(name, ".break.jsonl")
	switch {
	case isBreak && !slices.ContainsFunc(exp.Findings, func(a at) bool { return a.Rule == rule }):
		t.Errorf("a breaking fixture of %s expects no finding of %s", name, rule)
	case !isBreak && len(exp.Findings) > 0:
		t.Errorf("an honouring fixture expects findings: %v", exp.Findings)
	}
	opts := []Opt{WithInitialState(initial)}
	if exp.ServiceKey != "" {
		k, err := ParseServiceKey(exp.ServiceKey)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, WithServiceKey(k))
	}
	events, attrs := readFixture(t, path)
	found := runAll(New(opts...), events)
	if again := runAll(New(opts...), attrs); !reflect.DeepEqual(found, again) {
		t.Errorf("stepping the fast path's attributes finds\n%swhere the documents find\n%s", render(again), render(found))
	}
	got := make([]at, 0, len(found))
	for _, f := range found {
		got = append(got, at{Rule: f.Rule, Line: f.Place.Line})
		assertWellFormed(t, f, events)
	}
	if !slices.Equal(got, exp.Findings) {
		t.Errorf("findings (initial state %s): got %v, want %v (%s)\n%s", initial, got, exp.Findings, exp.Why, render(found))
	}
}

// assertWellFormed checks what every finding must say of itself.
func assertWellFormed(t *testing.T, f finding.Finding, events []Event) {
	t.Helper()
	ev := events[f.Place.Line-1]
	switch {
	case f.Severity != severities[f.Rule] || f.Severity == 0:
		t.Errorf("%s: severity %v, the catalogue says %v", f, f.Severity, severities[f.Rule])
	case f.Event != ev.ID:
		t.Errorf("%s: event %q, the line holds %q", f, f.Event, ev.ID)
	case f.Place != ev.Place:
		t.Errorf("%s: place %+v, the event was read at %+v", f, f.Place, ev.Place)
	case !strings.HasPrefix(f.Message, f.Event+": "):
		t.Errorf("%s: message does not start with the event id", f)
	case f.Expected == "" || f.Found == "":
		t.Errorf("%s: expected %q, found %q: both must be said", f, f.Expected, f.Found)
	case f.Context != nil && (f.Context.Line >= f.Place.Line || f.Context.File != f.Place.File):
		t.Errorf("%s: context %v is not an earlier line of the same file", f, f.Context)
	case f.Context != nil && !strings.Contains(f.Message, f.Context.String()):
		t.Errorf("%s: message does not say where the context was read (%s)", f, f.Context)
	}
}

// fixtureRule returns the rule a fixture is about: its name up to the second dot.
func fixtureRule(name string) (string, bool) {
	parts := strings.SplitN(name, ".", 3)
	if len(parts) < 3 {
		return "", false
	}
	rule := parts[0] + "." + parts[1]
	_, ok := severities[rule]
	return rule, ok
}

func render(found []finding.Finding) string {
	var b strings.Builder
	for _, f := range found {
		b.WriteString("\t" + f.String() + "\n")
	}
	return b.String()
}

func TestFixtureNamesNameRules(t *testing.T) {
	for name := range loadExpectations(t) {
		if _, ok := fixtureRule(name); !ok {
			t.Errorf("%s does not start with a rule ID of the catalogue", name)
		}
		if !strings.HasSuffix(name, ".break.jsonl") && !strings.HasSuffix(name, ".honour.jsonl") {
			t.Errorf("%s ends neither in .break.jsonl nor in .honour.jsonl", name)
		}
	}
}
