package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/gen"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/schemas"
)

// The differential tests of the fast path: whenever it accepts a message, jsonschema/v5 must find
// nothing in it, route it to the same event, and attr.Of must read the same attributes of
// encoding/json's document. The fast path is free to decline anything; the tests also make sure
// it does not decline the messages it exists for.

// agree holds the fast path to v5 on one message and says whether the fast path accepted it.
func agree(t testing.TB, set *contract.Set, raw []byte) bool {
	t.Helper()
	ev, attrs, ok := set.FastPath(raw)
	if !ok {
		if res := set.Check(raw); res.Fast {
			t.Fatalf("Check took the fast path on a message the fast path declined: %q", raw)
		}
		return false
	}
	v5 := set.ValidateV5(raw)
	if !v5.Decoded() || len(v5.Findings) > 0 {
		t.Fatalf("the fast path accepted a message in which jsonschema/v5 finds %v:\n%s", v5.Findings, raw)
	}
	if v5.Event != ev {
		t.Fatalf("the fast path routed to %q, v5 to %q:\n%s", ev, v5.Event, raw)
	}
	if want := attr.Of(v5.Doc); want != attrs {
		t.Fatalf("the fast path read %+v, attr.Of reads %+v:\n%s", attrs, want, raw)
	}
	if res := set.Check(raw); !res.Fast || res.Event != ev || res.Attrs != attrs || res.Doc != nil || len(res.Findings) > 0 {
		t.Fatalf("Check = %+v, want the fast path's verdict", res)
	}
	if res := set.Validate(raw); !res.Fast || res.Doc == nil || len(res.Findings) > 0 {
		t.Fatalf("Validate = %+v, want the fast verdict with the document", res)
	}
	return true
}

// corpus is every message of the repository's fixtures, with where it comes from.
type message struct {
	where string
	raw   []byte
}

func fixtureMessages(t testing.TB) (valid, other []message) {
	t.Helper()
	for _, fx := range loadEventFixtures(t) {
		valid = append(valid, message{fx.Event + " minimal", fx.Minimal}, message{fx.Event + " full", fx.Full})
		for _, inv := range fx.Invalid {
			other = append(other, message{fx.Event + " " + inv.Name, inv.Message})
		}
	}
	var files []string
	for _, glob := range []string{"streams/*.jsonl", "sequences/*.jsonl", "hostile/*.jsonl"} {
		m, _ := filepath.Glob("../../fixtures/" + glob)
		files = append(files, m...)
	}
	if len(files) < 40 {
		t.Fatalf("want the fixtures' JSON Lines files, found %d", len(files))
	}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		rd := record.NewReader(f, file)
		for {
			rec, err := rd.Next()
			if err != nil {
				break
			}
			if rec.Problem == nil {
				other = append(other, message{rec.Place.String(), bytes.Clone(rec.Value)})
			}
		}
		f.Close()
	}
	return valid, other
}

func TestFastPathAgreesWithV5OnEveryFixture(t *testing.T) {
	set := testkit.Builtin(t)
	if gaps := set.FastPathGaps(); len(gaps) > 0 {
		t.Fatalf("every built-in event should have a fast path; without one: %v", gaps)
	}
	valid, other := fixtureMessages(t)
	for _, m := range valid {
		if !agree(t, set, m.raw) {
			t.Errorf("%s: the fast path declines a valid fixture:\n%s", m.where, m.raw)
		}
	}
	accepted := 0
	for _, m := range other {
		if agree(t, set, m.raw) {
			accepted++
		}
	}
	t.Logf("fast path: %d valid fixtures, and %d of %d other fixture messages accepted", len(valid), accepted, len(other))
	if accepted == 0 {
		t.Error("the fast path accepted none of the stream fixtures, whose lawful lines are valid")
	}
}

func TestFastPathAgreesWithV5OnGeneratedStreams(t *testing.T) {
	set := testkit.Builtin(t)
	for seed := uint64(1); seed <= 3; seed++ {
		msgs, err := gen.Stream(gen.Options{Seed: seed, Events: 5000, Agents: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if !agree(t, set, m.Value) {
				t.Fatalf("seed %d: the fast path declines a generated lawful message:\n%s", seed, m.Value)
			}
			if r := reordered(t, m.Value); !agree(t, set, r) {
				t.Fatalf("seed %d: the fast path declines a lawful message with its members reordered:\n%s", seed, r)
			}
		}
	}
}

// reordered writes a message's top-level members in reverse order, so that id comes last.
func reordered(t testing.TB, raw []byte) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var members []string
	for dec.More() {
		name, _ := dec.Token()
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		k, _ := json.Marshal(name)
		members = append([]string{string(k) + ": " + string(v)}, members...)
	}
	return []byte("{ " + strings.Join(members, " ,\n") + " }")
}

// mutants are the single-byte deletions and substitutions of a message: near misses of every
// kind (broken syntax, escapes, fractions, duplicate or unknown names, wrong types and values).
func mutants(raw []byte) [][]byte {
	subs := []byte{'"', '\\', '{', '}', '[', ']', ',', ':', '0', '9', '-', '.', 'e', ' ', 'x', 'I', 0, 0x7f, 0xc3, 0xff}
	var out [][]byte
	for i := range raw {
		out = append(out, append(bytes.Clone(raw[:i]), raw[i+1:]...))
		for _, c := range subs {
			if raw[i] != c {
				m := bytes.Clone(raw)
				m[i] = c
				out = append(out, m)
			}
		}
	}
	return out
}

func TestFastPathAgreesWithV5OnNearMisses(t *testing.T) {
	set := testkit.Builtin(t)
	valid, _ := fixtureMessages(t)
	extra := [][]byte{
		[]byte(`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"Extensions":{"ReasonCode":"x","k":{"n":{"m":1}}},"Reasons":{"a":"b","c":2}}`),
		[]byte(`{"id":"EventMuteOff","ConnID":"00000000000000aF","ThisDN":"é5001","ThisDNRole":"RoleObserver","ReferenceID":-0}`),
		[]byte(`{"id":"EventDNDOn","ThisDN":"5001","Server":"s","time":{"seconds":1764035100,"useconds":999999}}`),
		[]byte(`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"Reasons":{"a":1,"b":{"a":2,"b":3}}}`),
		[]byte(`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"Reasons":{"a":1,"a":2}}`),
		[]byte(`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"AgentID":"1001"}`),
		[]byte(`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"Extensions":{"k":{"n":1,"n":2}}}`),
	}
	n, accepted := 0, 0
	for _, raw := range append(compact(valid), extra...) {
		for _, m := range mutants(raw) {
			n++
			if agree(t, set, m) {
				accepted++
			}
		}
	}
	t.Logf("%d near misses, %d accepted by the fast path (and by v5)", n, accepted)
	if accepted == 0 {
		t.Error("the fast path accepted none of the near misses, though changing a digit or a letter of a value often leaves a message valid")
	}
}

// TestFastPathDeclinesWhatItDoesNotImplement: valid messages outside the fast path's subset of
// JSON go to v5, which accepts them; the fast path never guesses.
func TestFastPathDeclinesWhatItDoesNotImplement(t *testing.T) {
	set := testkit.Builtin(t)
	const head = `{"id":"EventOffHook","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0}`
	deep := strings.Repeat("[", 10_001) + strings.Repeat("]", 10_001)
	for name, raw := range map[string]string{
		"an escaped string":      head + `,"CallHistory":{"k":"a\u0062c"}}`,
		"an escaped member name": head + `,"C\u0061llHistory":{}}`,
		"a fraction":             head + `,"CallHistory":{"n":1.5}}`,
		"an exponent":            head + `,"CallHistory":{"n":1e3}}`,
		"a 19-digit integer":     head + `,"CallHistory":{"n":1234567890123456789}}`,
		"arrays 33 deep":         head + `,"CallHistory":{"a":` + strings.Repeat("[", 33) + strings.Repeat("]", 33) + `}}`,
		"17 free members":        head + `,"CallHistory":{` + freeMembers(17) + `}}`,
	} {
		if _, _, ok := set.FastPath([]byte(raw)); ok {
			t.Errorf("%s: the fast path accepted it", name)
		}
		if res := set.Check([]byte(raw)); len(res.Findings) > 0 || !res.Decoded() {
			t.Errorf("%s: valid, yet v5 finds %v", name, res.Findings)
		}
	}
	// A byte order mark is not JSON to encoding/json: v5's decode finding, never a fast pass.
	bom := []byte("\ufeff" + head + "}")
	if agree(t, set, bom) {
		t.Error("the fast path accepted a byte order mark")
	}
	if res := set.Check(bom); len(res.Findings) != 1 || res.Findings[0].Rule != contract.RuleDecode {
		t.Errorf("a byte order mark: v5 finds %v, want one %s", res.Findings, contract.RuleDecode)
	}
	// Nesting deeper than encoding/json reads is an error there; the fast path must not accept it.
	raw := []byte(head + `,"CallHistory":{"a":` + deep + `}}`)
	if agree(t, set, raw) {
		t.Error("the fast path accepted 10,001 nested arrays")
	}
}

func freeMembers(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"m%d":%d`, i, i)
	}
	return b.String()
}

// compact re-marshals the valid fixtures onto one line each, as producers write them.
func compact(ms []message) [][]byte {
	var out [][]byte
	for _, m := range ms {
		var b bytes.Buffer
		if json.Compact(&b, m.raw) == nil {
			out = append(out, b.Bytes())
		}
	}
	return out
}

// TestFastPathFollowsTheSchemasDir: the fast path is compiled from the schemas in use, so a
// custom set changes what it accepts, and a keyword it does not implement turns it off for the
// events that use it (their messages are all judged by v5) instead of being ignored.
func TestFastPathFollowsTheSchemasDir(t *testing.T) {
	const defs = schemas.Defs
	edits := []struct {
		name string
		file string
		path []string // where in the file the body goes; a nil body deletes it
		body any
		gap  bool // the events using it lose their fast path
		// accepts is a message the fast path must accept with these schemas ("": none required)
		accepts string
	}{
		{"integer agent IDs", defs, []string{"$defs", "AgentID"}, map[string]any{"type": []string{"string", "integer"}, "minLength": 2, "maximum": 99999}, false, ""},
		{"free ThisDN", defs, []string{"$defs", "DN"}, true, false, ""},
		{"ConnID const", defs, []string{"$defs", "ConnID"}, map[string]any{"const": "00000000000000aF"}, false, ""},
		{"format", defs, []string{"$defs", "DN"}, map[string]any{"type": "string", "format": "email"}, true, ""},
		{"oneOf", defs, []string{"$defs", "AgentID"}, map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}, true, ""},
		{"maxProperties", defs, []string{"$defs", "time"}, map[string]any{"type": "object", "maxProperties": 2}, true, ""},
		{"numeric enum", defs, []string{"$defs", "ReferenceID"}, map[string]any{"enum": []any{1, 2}}, true, ""},
		{"fractional minimum", defs, []string{"$defs", "UInt"}, map[string]any{"type": "integer", "minimum": 0.5}, true, ""},
		{"false schema", defs, []string{"$defs", "CallHistory"}, false, true, ""},
		{"free ReferenceID", defs, []string{"$defs", "ReferenceID"}, true, false, ""},
		// One event departs from the shared definitions: its members are judged once its id is known.
		{"one event's ThisDN is an integer", "EventDNDOn.schema.json", []string{"properties", "ThisDN"}, map[string]any{"type": "integer"}, false,
			`{"id":"EventDNDOn","ThisDN":5001,"Server":1,"time":{"seconds":1764035100,"useconds":0}}`},
		{"one event's schema wants an array", "EventDNDOn.schema.json", []string{"type"}, "array", false, ""},
		{"one event takes any attribute", "EventDNDOn.schema.json", []string{"additionalProperties"}, nil, false,
			`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"Extra":{"a":[1]},"Other":"y"}`},
		{"one event takes string attributes", "EventDNDOn.schema.json", []string{"additionalProperties"}, map[string]any{"type": "string"}, false,
			`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"Extra":"x","Other":"y"}`},
	}
	valid, other := fixtureMessages(t)
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			set := loadEdited(t, e.file, func(doc map[string]any) {
				at := doc
				for _, k := range e.path[:len(e.path)-1] {
					at = at[k].(map[string]any)
				}
				if last := e.path[len(e.path)-1]; e.body == nil {
					delete(at, last)
				} else {
					at[last] = e.body
				}
			})
			gaps := set.FastPathGaps()
			if e.gap != (len(gaps) > 0) {
				t.Fatalf("gaps = %v, want some: %v", gaps, e.gap)
			}
			if e.accepts != "" && !agree(t, set, []byte(e.accepts)) {
				t.Errorf("the fast path declines %s", e.accepts)
			}
			for ev, why := range gaps {
				if !strings.Contains(why, "left to jsonschema/v5") && !strings.Contains(why, "never passes") {
					t.Errorf("%s: the reason does not say what is left to v5: %s", ev, why)
				}
			}
			accepted := 0
			for _, m := range append(valid, other...) {
				if agree(t, set, m.raw) {
					accepted++
				}
			}
			if !e.gap && accepted == 0 {
				t.Error("no event lost its fast path, yet it accepted none of the fixtures")
			}
			for _, raw := range []string{
				`{"id":"EventAgentLogin","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"AgentID":12}`,
				`{"id":"EventAgentLogin","Server":1,"ThisDN":{"x":[1,true,null]},"time":{"seconds":1764035100,"useconds":0}}`,
				`{"id":"EventMuteOff","ConnID":"00000000000000aF","ThisDN":"5001","ThisDNRole":"RoleObserver","ReferenceID":2}`,
				`{"id":"EventMuteOff","ConnID":"00000000000000aF","ThisDN":"5001","ThisDNRole":"RoleObserver","ReferenceID":null}`,
				`{"id":"EventMuteOff","ConnID":"00000000000000aF","ThisDN":"5001","ThisDNRole":"RoleObserver","ReferenceID":{"a":[],"b":{}}}`,
				`{"id":"EventDNDOn","ThisDN":5001,"Server":1,"time":{"seconds":1764035100,"useconds":0}}`,
				`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"Extra":"x","Other":"y"}`,
				`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"AgentID":"1001","Extra":7}`,
				`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"AgentID":"1001"}`,
				`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0},"Extra":"x","Extra":"y"}`,
			} {
				for _, m := range append(mutants([]byte(raw)), []byte(raw)) {
					agree(t, set, m)
				}
			}
		})
	}
}

// FuzzFastPath holds the fast path to jsonschema/v5 on arbitrary bytes: whatever it accepts, v5
// must find nothing in and must read alike.
func FuzzFastPath(f *testing.F) {
	valid, other := fixtureMessages(f)
	for _, m := range append(valid, other...) {
		f.Add(m.raw)
	}
	msgs, err := gen.Stream(gen.Options{Seed: 9, Events: 200, Agents: 5})
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range msgs {
		f.Add(m.Value)
	}
	set := testkit.Builtin(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		agree(t, set, raw)
	})
}

func ExampleSet_FastPathGaps() {
	set, _ := contract.Builtin()
	fmt.Println(len(set.FastPathGaps()))
	// Output: 0
}

// TestFastPathStepsAsideForSetsWithTooManyNames: the fast path keeps a bit per top-level name of
// the set; a set with more than 64 leaves every event to v5, and says so.
func TestFastPathStepsAsideForSetsWithTooManyNames(t *testing.T) {
	set := loadEdited(t, "EventDNDOn.schema.json", func(doc map[string]any) {
		props := doc["properties"].(map[string]any)
		for i := range 50 {
			props[fmt.Sprintf("Extra%d", i)] = map[string]any{"type": "string"}
		}
	})
	gaps := set.FastPathGaps()
	if len(gaps) != len(contract.Events) || !strings.Contains(gaps["EventAgentLogin"], "more than 64 top-level attribute names") {
		t.Fatalf("gaps = %v", gaps)
	}
	valid, _ := fixtureMessages(t)
	for _, m := range valid {
		if agree(t, set, m.raw) {
			t.Fatalf("%s: the fast path accepted it", m.where)
		}
		if res := set.Check(m.raw); len(res.Findings) != 0 || !res.Decoded() {
			t.Errorf("%s: v5 judges %v", m.where, res.Findings)
		}
	}
}

// loadEdited loads the built-in schemas with one file changed by edit.
func loadEdited(t *testing.T, file string, edit func(doc map[string]any)) *contract.Set {
	t.Helper()
	dir := writeSchemas(t, func(name string, b []byte) []byte {
		if name != file {
			return b
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		edit(doc)
		out, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return out
	})
	set, err := contract.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return set
}
