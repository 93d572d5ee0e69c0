package schemadiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/contract"
)

// Verdict is the answer for one event and one direction, or a whole mode.
type Verdict string

// The verdicts. Unknown is never a pass.
const (
	Compatible   Verdict = "compatible"
	Incompatible Verdict = "incompatible" // with a witness
	Unknown      Verdict = "unknown"      // the rules cannot prove either
)

// Mode is a Schema Registry compatibility mode.
type Mode string

// The modes.
const (
	Backward Mode = "backward" // the new schemas accept every message the old ones accepted
	Forward  Mode = "forward"  // the old schemas accept every message the new ones accept
	Full     Mode = "full"     // both
)

// ParseMode reads backward, forward or full.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Backward, Forward, Full:
		return m, nil
	}
	return "", fmt.Errorf("parse mode: %q: expected backward, forward or full", s)
}

// Finding is one reason an event is not compatible in one direction.
type Finding struct {
	Event     string  `json:"event"`
	Direction Mode    `json:"direction"` // backward or forward
	Verdict   Verdict `json:"verdict"`   // incompatible (Witness proves it) or unknown
	Kind      string  `json:"kind"`
	Attribute string  `json:"attribute"` // a JSON pointer into the message
	Old       string  `json:"old"`       // what the old set allows there
	New       string  `json:"new"`       // what the new set allows there
	// Witness is a message the accepting set's schema accepts and the other's rejects (both
	// judged by jsonschema/v5); none for an unknown.
	Witness json.RawMessage `json:"witness,omitempty"`
	Message string          `json:"message"`
	_       struct{}
}

// EventResult is the verdict on one event in each mode, with the reasons.
type EventResult struct {
	Event    string    `json:"event"`
	Backward Verdict   `json:"backward"`
	Forward  Verdict   `json:"forward"`
	Full     Verdict   `json:"full"`
	Findings []Finding `json:"findings"`
	_        struct{}
}

// Result is the comparison of two schema sets, event by event in the contract's order.
type Result struct {
	Events []EventResult `json:"events"`
	_      struct{}
}

// Verdict is the whole set's verdict in a mode: incompatible if any event is, else unknown if
// any is, else compatible.
func (r Result) Verdict(m Mode) Verdict {
	out := Compatible
	for _, e := range r.Events {
		out = worse(out, e.in(m))
	}
	return out
}

func (e EventResult) in(m Mode) Verdict {
	switch m {
	case Backward:
		return e.Backward
	case Forward:
		return e.Forward
	}
	return e.Full
}

func worse(a, b Verdict) Verdict {
	rank := map[Verdict]int{Compatible: 0, Unknown: 1, Incompatible: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// Examples are messages per event to build witnesses from (such as the minimal and full ones of
// fixtures/events); messages are also generated from the schemas.
type Examples map[string][]map[string]any

// Compare compares two sets, every event both ways.
func Compare(old, new *contract.Set, examples Examples) Result {
	var r Result
	for _, id := range contract.Events {
		a, b := old.Schema(id), new.Schema(id)
		back := direction(id, Backward, a, b, examples[id])
		fwd := direction(id, Forward, b, a, examples[id])
		e := EventResult{Event: id, Backward: verdictOf(back), Forward: verdictOf(fwd), Findings: append(back, fwd...)}
		e.Full = worse(e.Backward, e.Forward)
		if e.Findings == nil {
			e.Findings = []Finding{}
		}
		r.Events = append(r.Events, e)
	}
	return r
}

func verdictOf(fs []Finding) Verdict {
	out := Compatible
	for _, f := range fs {
		out = worse(out, f.Verdict)
	}
	return out
}

// direction finds what a accepts and b may reject, and proves each with a witness, or says
// unknown.
func direction(id string, m Mode, a, b *jsonschema.Schema, examples []map[string]any) []Finding {
	c := &includer{busy: map[[2]*jsonschema.Schema]bool{}}
	bases := basesFor(a, examples)
	var out []Finding
	for _, is := range c.includes(a, b, nil) {
		f := Finding{Event: id, Direction: m, Verdict: Unknown, Kind: is.kind, Attribute: pointer(is.path), Old: is.old, New: is.new}
		if m == Forward {
			f.Old, f.New = is.new, is.old
		}
		if w := witness(is, a, b, bases); w != nil && !is.unknown {
			f.Verdict, f.Witness = Incompatible, w
		}
		f.Message = message(f)
		out = append(out, f)
	}
	return out
}

func message(f Finding) string {
	accepting, other := "old", "new"
	if f.Direction == Forward {
		accepting, other = "new", "old"
	}
	if f.Verdict == Incompatible {
		return fmt.Sprintf("%s %s: %s at %s (old: %s; new: %s): the witness is accepted by the %s schema and rejected by the %s one", f.Direction, f.Verdict, f.Kind, f.Attribute, f.Old, f.New, accepting, other)
	}
	return fmt.Sprintf("%s %s: %s at %s (old: %s; new: %s): the structural rules cannot prove the %s schema accepts all the %s one does, and no witness was found; judge it by hand or keep the keyword unchanged", f.Direction, f.Verdict, f.Kind, f.Attribute, f.Old, f.New, other, accepting)
}

func pointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// basesFor are the messages a accepts to mutate into witnesses: the examples, then a minimal
// and a full message generated from a.
func basesFor(a *jsonschema.Schema, examples []map[string]any) []map[string]any {
	var out []map[string]any
	for _, ex := range examples {
		if valid(a, ex) {
			out = append(out, ex)
		}
	}
	s := deref(a)
	full := objectSample(s)
	for name, p := range s.Properties {
		if _, ok := full[name]; !ok {
			for _, v := range samples(p) {
				if accepts(p, v) {
					full[name] = v
					break
				}
			}
		}
	}
	for _, g := range []map[string]any{objectSample(s), full} {
		if valid(a, g) {
			out = append(out, g)
		}
	}
	return out
}

// witness tries each base with each change of the issue and returns the first message a
// accepts and b rejects, as jsonschema/v5 judges them.
func witness(is issue, a, b *jsonschema.Schema, bases []map[string]any) json.RawMessage {
	if is.unknown {
		return nil
	}
	for _, base := range bases {
		for _, m := range mutations(is, base) {
			if valid(a, m) && !valid(b, m) {
				raw, _ := json.Marshal(m)
				return raw
			}
		}
	}
	return nil
}

func mutations(is issue, base map[string]any) []map[string]any {
	if is.del {
		m := deepCopy(base)
		if !remove(m, is.path) {
			return nil
		}
		return []map[string]any{m}
	}
	var out []map[string]any
	for _, v := range is.values {
		m := deepCopy(base)
		if set(m, is.path, v) {
			out = append(out, m)
		}
	}
	return out
}

func set(m map[string]any, path []string, v any) bool {
	if len(path) == 0 {
		return false
	}
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
	return true
}

func remove(m map[string]any, path []string) bool {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			return false
		}
		m = next
	}
	_, ok := m[path[len(path)-1]]
	delete(m, path[len(path)-1])
	return ok
}

func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&out)
	return out
}

// valid judges a message with jsonschema/v5, as the contract does (numbers as json.Number).
func valid(s *jsonschema.Schema, m map[string]any) bool {
	b, err := json.Marshal(m)
	if err != nil {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return false
	}
	return s.Validate(v) == nil
}
