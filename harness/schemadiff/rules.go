// Package schemadiff says whether two sets of the contract's event schemas are compatible, the
// way Schema Registry's modes name it: backward (the new schemas accept every message the old
// ones accepted), forward (the old accept every message the new ones accept) and full (both),
// per event. Structural rules over the keywords the schemas use find each way one set may
// reject what the other accepts; each such incompatibility is proved by a witness message that
// jsonschema/v5 accepts under one set and rejects under the other. Compatibility is claimed
// only where the rules prove it; where they cannot (a keyword beyond them, a changed pattern
// with no witness found) the verdict is unknown, never compatible.
package schemadiff

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// issue is one way schema a may accept a value that schema b rejects, at a place of the
// message, with the changes to a message that may show it.
type issue struct {
	kind    string   // Kind* below
	path    []string // where in the message, as attribute names from the top
	old     string   // what a allows, in words
	new     string   // what b allows, in words
	del     bool     // the witness deletes the attribute at path
	values  []any    // else: values to put at path, one of which may be the witness
	unknown bool     // the rules cannot tell (a keyword beyond them): no witness is looked for
}

// Kinds of incompatibility.
const (
	KindRequired   = "new required attribute"
	KindType       = "narrowed type"
	KindEnum       = "narrowed enum"
	KindRemoved    = "removed attribute under additionalProperties: false"
	KindClosed     = "additionalProperties now false"
	KindPattern    = "tighter or changed pattern"
	KindLength     = "tighter length"
	KindRange      = "tighter range"
	KindConstraint = "new constraint"
	KindKeyword    = "keyword beyond the structural rules"
)

// Kinds lists the kinds of incompatibility the structural rules find.
func Kinds() []string {
	return []string{KindRequired, KindType, KindEnum, KindRemoved, KindClosed, KindPattern, KindLength, KindRange, KindConstraint, KindKeyword}
}

// includer decides, keyword by keyword, whether every value a accepts b accepts.
type includer struct {
	busy map[[2]*jsonschema.Schema]bool // pairs being compared: recursive schemas hold by co-induction
}

// any_ is the schema that accepts everything (true, or an attribute absent from properties
// where additionalProperties allows anything).
var any_ = &jsonschema.Schema{MinLength: -1, MaxLength: -1, MinItems: -1, MaxItems: -1, MinProperties: -1, MaxProperties: -1, MaxContains: -1}

func (c *includer) includes(a, b *jsonschema.Schema, path []string) []issue {
	a, b = deref(a), deref(b)
	if k := [2]*jsonschema.Schema{a, b}; c.busy[k] {
		return nil
	} else {
		c.busy[k] = true
		defer delete(c.busy, k)
	}
	if kw := beyond(a) + beyond(b); kw != "" {
		return []issue{{kind: KindKeyword, path: path, old: beyond(a), new: beyond(b), unknown: true}}
	}
	if b.Always != nil && !*b.Always {
		return []issue{{kind: KindConstraint, path: path, old: "a value", new: "false (nothing)", values: samples(a)}}
	}
	if values, ok := finite(a); ok {
		return c.finiteIn(values, b, path)
	}
	if _, ok := finite(b); ok {
		return []issue{{kind: KindEnum, path: path, old: words(a), new: words(b), values: samples(a)}}
	}
	var out []issue
	out = append(out, typeIssues(a, b, path)...)
	if allows(a, "string") && allows(b, "string") {
		out = append(out, stringIssues(a, b, path)...)
	}
	if allows(a, "number") && allows(b, "number") || allows(a, "integer") && allows(b, "integer") {
		out = append(out, rangeIssues(a, b, path)...)
	}
	if allows(a, "object") && allows(b, "object") {
		out = append(out, c.objectIssues(a, b, path)...)
	}
	return out
}

// deref follows a $ref that has no constraint beside it (annotations only).
func deref(s *jsonschema.Schema) *jsonschema.Schema {
	if s == nil {
		return any_
	}
	for s.Ref != nil && plainRef(s) {
		s = s.Ref
	}
	return s
}

func plainRef(s *jsonschema.Schema) bool {
	return s.Types == nil && s.Enum == nil && s.Constant == nil && s.Properties == nil && s.Required == nil &&
		s.AdditionalProperties == nil && s.Pattern == nil && s.MinLength < 0 && s.MaxLength < 0 && s.Minimum == nil && s.Maximum == nil && others(s) == ""
}

// beyond names the keywords of s the rules do not reason about ("" for none).
func beyond(s *jsonschema.Schema) string {
	if s.Ref != nil && !plainRef(s) {
		return strings.TrimPrefix(others(s)+", $ref beside other keywords", ", ")
	}
	return others(s)
}

// others names the keywords beyond the rules other than $ref.
func others(s *jsonschema.Schema) string {
	var kw []string
	add := func(set bool, name string) {
		if set {
			kw = append(kw, name)
		}
	}
	add(s.Not != nil || s.AllOf != nil || s.AnyOf != nil || s.OneOf != nil || s.If != nil, "not/allOf/anyOf/oneOf/if")
	add(s.PatternProperties != nil || s.PropertyNames != nil || s.Dependencies != nil || s.DependentRequired != nil || s.DependentSchemas != nil || s.UnevaluatedProperties != nil, "patternProperties/propertyNames/dependencies/unevaluatedProperties")
	add(s.MinProperties >= 0 || s.MaxProperties >= 0, "minProperties/maxProperties")
	add(s.Items != nil || s.Items2020 != nil || s.PrefixItems != nil || s.Contains != nil || s.AdditionalItems != nil || s.MinItems >= 0 || s.MaxItems >= 0 || s.UniqueItems || s.UnevaluatedItems != nil, "array keywords")
	add(s.ExclusiveMinimum != nil || s.ExclusiveMaximum != nil || s.MultipleOf != nil, "exclusiveMinimum/exclusiveMaximum/multipleOf")
	add(s.Format != "" || s.ContentEncoding != "" || s.ContentMediaType != "" || s.DynamicRef != nil || s.RecursiveRef != nil, "format/content/dynamic references")
	return strings.Join(kw, ", ")
}

// finite returns the values of an enum or const.
func finite(s *jsonschema.Schema) ([]any, bool) {
	switch {
	case s.Constant != nil:
		return s.Constant[:1], true
	case s.Enum != nil:
		return s.Enum, true
	}
	return nil, false
}

// finiteIn checks each value a allows against b: a value b rejects is a witness of its own.
func (c *includer) finiteIn(values []any, b *jsonschema.Schema, path []string) []issue {
	var out []issue
	for _, v := range values {
		if !accepts(b, v) {
			out = append(out, issue{kind: KindEnum, path: path, old: fmt.Sprintf("the value %s", show(v)), new: words(b), values: []any{v}})
		}
	}
	return out
}

var allTypes = []string{"string", "integer", "number", "boolean", "null", "object", "array"}

func types(s *jsonschema.Schema) []string {
	if s.Types == nil {
		return allTypes
	}
	return s.Types
}

// allows says whether s allows values of a JSON type (an integer is a number).
func allows(s *jsonschema.Schema, t string) bool {
	for _, x := range types(s) {
		if x == t || t == "integer" && x == "number" {
			return true
		}
	}
	return false
}

func typeIssues(a, b *jsonschema.Schema, path []string) []issue {
	var out []issue
	for _, t := range types(a) {
		if !allows(b, t) {
			out = append(out, issue{kind: KindType, path: path, old: strings.Join(types(a), " or "), new: strings.Join(types(b), " or "), values: typed(a, t)})
		}
	}
	if allows(a, "number") && !allows(b, "number") && allows(b, "integer") {
		out = append(out, issue{kind: KindType, path: path, old: "number", new: "integer", values: []any{1.5}})
	}
	return out
}

func stringIssues(a, b *jsonschema.Schema, path []string) []issue {
	var out []issue
	if b.MinLength > max(a.MinLength, 0) {
		out = append(out, issue{kind: KindLength, path: path, old: fmt.Sprintf("minLength %d", max(a.MinLength, 0)), new: fmt.Sprintf("minLength %d", b.MinLength), values: lengths(a, max(a.MinLength, 0), b.MinLength-1)})
	}
	if b.MaxLength >= 0 && (a.MaxLength < 0 || a.MaxLength > b.MaxLength) {
		out = append(out, issue{kind: KindLength, path: path, old: fmt.Sprintf("maxLength %d", a.MaxLength), new: fmt.Sprintf("maxLength %d", b.MaxLength), values: lengths(a, b.MaxLength+1, b.MaxLength+1)})
	}
	if b.Pattern != nil && (a.Pattern == nil || a.Pattern.String() != b.Pattern.String()) {
		out = append(out, issue{kind: KindPattern, path: path, old: patternWords(a), new: patternWords(b), values: stringSamples(a)})
	}
	return out
}

func patternWords(s *jsonschema.Schema) string {
	if s.Pattern == nil {
		return "no pattern"
	}
	return "pattern " + s.Pattern.String()
}

func rangeIssues(a, b *jsonschema.Schema, path []string) []issue {
	var out []issue
	if b.Minimum != nil && (a.Minimum == nil || a.Minimum.Cmp(b.Minimum) < 0) {
		out = append(out, issue{kind: KindRange, path: path, old: "minimum " + rat(a.Minimum), new: "minimum " + rat(b.Minimum), values: around(a, b.Minimum, -1)})
	}
	if b.Maximum != nil && (a.Maximum == nil || a.Maximum.Cmp(b.Maximum) > 0) {
		out = append(out, issue{kind: KindRange, path: path, old: "maximum " + rat(a.Maximum), new: "maximum " + rat(b.Maximum), values: around(a, b.Maximum, 1)})
	}
	return out
}

func rat(r *big.Rat) string {
	if r == nil {
		return "none"
	}
	return r.RatString()
}

// objectIssues compares required, properties and additionalProperties.
func (c *includer) objectIssues(a, b *jsonschema.Schema, path []string) []issue {
	var out []issue
	for _, r := range b.Required {
		if !contains(a.Required, r) {
			out = append(out, issue{kind: KindRequired, path: append(clone(path), r), old: "optional", new: "required", del: true})
		}
	}
	for _, name := range propertyNames(a, b) {
		at := append(clone(path), name)
		pa, aHas := a.Properties[name]
		pb, bHas := b.Properties[name]
		switch {
		case aHas && bHas:
			out = append(out, c.includes(pa, pb, at)...)
		case aHas:
			out = append(out, c.toAdditional(pa, b, at)...)
		default:
			if add, ok := additional(a); ok {
				out = append(out, c.includes(add, pb, at)...)
			}
		}
	}
	aAdd, aOpen := additional(a)
	if bAdd, bOpen := additional(b); aOpen && !bOpen {
		out = append(out, issue{kind: KindClosed, path: append(clone(path), "WitnessAttribute"), old: "other attributes allowed", new: "additionalProperties: false", values: samples(deref(aAdd))})
	} else if aOpen {
		out = append(out, c.includes(aAdd, bAdd, append(clone(path), "WitnessAttribute"))...)
	}
	return out
}

// toAdditional checks an attribute a declares against what b allows of attributes it does not.
func (c *includer) toAdditional(pa *jsonschema.Schema, b *jsonschema.Schema, at []string) []issue {
	add, open := additional(b)
	if !open {
		return []issue{{kind: KindRemoved, path: at, old: "declared", new: "not declared, and additionalProperties is false", values: samples(deref(pa))}}
	}
	return c.includes(pa, add, at)
}

// additional is the schema of attributes not in properties, and whether any is allowed.
func additional(s *jsonschema.Schema) (*jsonschema.Schema, bool) {
	switch v := s.AdditionalProperties.(type) {
	case bool:
		return any_, v
	case *jsonschema.Schema:
		return v, true
	}
	return any_, true
}

func propertyNames(a, b *jsonschema.Schema) []string {
	seen := map[string]bool{}
	for n := range a.Properties {
		seen[n] = true
	}
	for n := range b.Properties {
		seen[n] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func clone(p []string) []string { return append([]string(nil), p...) }
