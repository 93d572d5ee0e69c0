package schemadiff

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/contract"
)

// accepts is the rules' own reading of whether s accepts v, over the keywords they reason
// about; it decides only whether an enum value of one set fits the other, and every witness is
// judged again by jsonschema/v5.
func accepts(s *jsonschema.Schema, v any) bool {
	s = deref(s)
	if beyond(s) != "" || s.Always != nil && !*s.Always {
		return false
	}
	if vals, ok := finite(s); ok && !in(vals, v) {
		return false
	}
	t := contract.JSONType(v)
	if !allows(s, t) {
		return false
	}
	switch t {
	case "string":
		return acceptsString(s, v.(string))
	case "integer", "number":
		r, ok := new(big.Rat).SetString(fmt.Sprint(v))
		return ok && (s.Minimum == nil || r.Cmp(s.Minimum) >= 0) && (s.Maximum == nil || r.Cmp(s.Maximum) <= 0)
	case "object":
		return acceptsObject(s, v.(map[string]any))
	}
	return true
}

func acceptsString(s *jsonschema.Schema, v string) bool {
	n := len([]rune(v))
	return (s.MinLength < 0 || n >= s.MinLength) && (s.MaxLength < 0 || n <= s.MaxLength) && (s.Pattern == nil || s.Pattern.MatchString(v))
}

func acceptsObject(s *jsonschema.Schema, m map[string]any) bool {
	for _, r := range s.Required {
		if _, ok := m[r]; !ok {
			return false
		}
	}
	for k, x := range m {
		p, ok := s.Properties[k]
		if !ok {
			add, open := additional(s)
			if !open {
				return false
			}
			p = add
		}
		if !accepts(p, x) {
			return false
		}
	}
	return true
}

func in(vals []any, v any) bool {
	for _, x := range vals {
		if show(x) == show(v) {
			return true
		}
	}
	return false
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func words(s *jsonschema.Schema) string {
	if vals, ok := finite(s); ok {
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = show(v)
		}
		return "one of " + strings.Join(parts, ", ")
	}
	return "any " + strings.Join(types(s), " or ")
}

// stringCandidates are strings tried as witnesses where a pattern or an enum changed.
var stringCandidates = []string{"x", "X", "0", "1", "1001", "5001", "t1", "0123456789abcdef", "0123456789ABCDEF", "00000000000000zz",
	"witness", "Witness Value", "AgentReady", "-1", " ", "", strings.Repeat("x", 300)}

// samples are values s may accept, to try as witnesses: its enum, or some of each type.
func samples(s *jsonschema.Schema) []any {
	s = deref(s)
	if vals, ok := finite(s); ok {
		return vals
	}
	var out []any
	for _, t := range types(s) {
		out = append(out, typed(s, t)...)
	}
	return out
}

// typed are values of one JSON type that s may otherwise accept.
func typed(s *jsonschema.Schema, t string) []any {
	switch t {
	case "string":
		return stringSamples(s)
	case "integer":
		return numbers(s, []any{0, 1, 7, 1001, -1})
	case "number":
		return numbers(s, []any{1.5, 0, -2.5})
	case "boolean":
		return []any{true, false}
	case "null":
		return []any{nil}
	case "object":
		return []any{objectSample(s), map[string]any{}}
	case "array":
		return []any{[]any{}}
	}
	return nil
}

func stringSamples(s *jsonschema.Schema) []any {
	var out []any
	for _, c := range stringCandidates {
		if acceptsString(s, c) {
			out = append(out, c)
		}
	}
	return append(out, lengths(s, max(s.MinLength, 1), max(s.MinLength, 1))...)
}

func lengths(s *jsonschema.Schema, from, to int) []any {
	var out []any
	for n := from; n <= to && n < from+4; n++ {
		out = append(out, strings.Repeat("x", n), strings.Repeat("0", n), strings.Repeat("a", n))
	}
	return out
}

func numbers(s *jsonschema.Schema, base []any) []any {
	out := base
	for _, r := range []*big.Rat{s.Minimum, s.Maximum} {
		if r != nil && r.IsInt() {
			out = append(out, r.Num().Int64())
		}
	}
	return out
}

// around are numbers just past bound (dir -1: below it, +1: above), and a's own bound.
func around(a *jsonschema.Schema, bound *big.Rat, dir int64) []any {
	var out []any
	if bound.IsInt() {
		out = append(out, bound.Num().Int64()+dir)
	}
	f, _ := bound.Float64()
	out = append(out, f+float64(dir)*0.5)
	for _, r := range []*big.Rat{a.Minimum, a.Maximum} {
		if r != nil && r.IsInt() {
			out = append(out, r.Num().Int64())
		}
	}
	return out
}

// objectSample is an object with a sample of each required attribute, the first that fits.
func objectSample(s *jsonschema.Schema) map[string]any {
	out := map[string]any{}
	for _, r := range s.Required {
		p, ok := s.Properties[r]
		if !ok {
			continue
		}
		for _, v := range samples(p) {
			if accepts(p, v) {
				out[r] = v
				break
			}
		}
	}
	return out
}
