package diff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/contract"
)

// typeStats is what a run's events of one id carried.
type typeStats struct {
	n     int
	paths map[string]*pathStats
}

type pathStats struct {
	present int
	types   map[string]bool
	values  map[string]bool // the normalised values, for an enum attribute
	line    int             // the first line that carried it
}

func collectTypes(evs []normEvent, enums map[string]map[string]bool) map[string]*typeStats {
	out := map[string]*typeStats{}
	for _, ev := range evs {
		if ev.bad != "" {
			continue
		}
		ts := out[idOf(ev)]
		if ts == nil {
			ts = &typeStats{paths: map[string]*pathStats{}}
			out[idOf(ev)] = ts
		}
		ts.n++
		for path, a := range ev.attrs {
			ps := ts.paths[path]
			if ps == nil {
				ps = &pathStats{types: map[string]bool{}, values: map[string]bool{}, line: ev.line}
				ts.paths[path] = ps
			}
			ps.present++
			ps.types[a.typ] = true
			if enums[ev.id][path] && a.typ == "string" {
				ps.values[a.value] = true
			}
		}
	}
	return out
}

// types compares, per event id, what all the events of each run carried.
func (c *comparison) types(base, cand []normEvent) {
	b, k := collectTypes(base, c.opts.Enums), collectTypes(cand, c.opts.Enums)
	for _, id := range sortedKeys(b, k) {
		bt, kt := b[id], k[id]
		switch {
		case kt == nil:
			c.add(Difference{Rule: RuleEventTypeGone, Event: id, Baseline: fmt.Sprintf("%d events", bt.n), Candidate: "none",
				Message: id + " is no longer published at all: consumers of it lose it; restore it, or announce its removal"})
		case bt == nil:
			c.add(Difference{Rule: RuleEventTypeNew, Event: id, Baseline: "none", Candidate: fmt.Sprintf("%d events", kt.n), Line: firstLine(kt),
				Message: id + " is new: check that consumers ignore or handle it"})
		default:
			c.paths(id, bt, kt)
		}
	}
}

func firstLine(ts *typeStats) int {
	line := 0
	for _, ps := range ts.paths {
		if line == 0 || ps.line < line {
			line = ps.line
		}
	}
	return line
}

func (c *comparison) paths(id string, b, k *typeStats) {
	var gone []string
	for _, path := range sortedKeys(b.paths, k.paths) {
		if under(path, gone) {
			continue
		}
		bp, kp := b.paths[path], k.paths[path]
		d := Difference{Event: id, Attribute: path}
		switch {
		case kp == nil:
			gone = append(gone, path)
			c.typeDiff(d, RuleAttrRemoved, presence(bp, b.n), "none of its events", "no "+id+" carries "+path+" any longer: consumers reading it break; restore it")
		case bp == nil:
			gone = append(gone, path)
			d.Line = kp.line
			c.typeDiff(d, RuleAttrAdded, "none of its events", presence(kp, k.n), id+" carries "+path+", new: check that consumers accept it")
		default:
			c.sameAttribute(d, bp, kp, b.n, k.n)
		}
	}
}

func presence(ps *pathStats, n int) string { return fmt.Sprintf("%d of %d events", ps.present, n) }

func (c *comparison) sameAttribute(d Difference, bp, kp *pathStats, bn, kn int) {
	switch {
	case bp.present == bn && kp.present < kn:
		c.typeDiff(d, RuleAttrOptional, presence(bp, bn), presence(kp, kn), d.Event+" carried "+d.Attribute+" always and now only sometimes: consumers that count on it break; restore it on every event")
	case bp.present < bn && kp.present == kn:
		c.add(Difference{Rule: RuleAttrAlways, Event: d.Event, Attribute: d.Attribute, Baseline: presence(bp, bn), Candidate: presence(kp, kn),
			Message: d.Event + " now always carries " + d.Attribute + ", which it carried sometimes"})
	}
	for _, t := range sortedKeys(kp.types, nil) {
		if !bp.types[t] {
			c.typeDiff(d, RuleTypeChanged, strings.Join(sortedKeys(bp.types, nil), " or "), t,
				d.Event+"'s "+d.Attribute+" is now a JSON "+t+", never seen before: consumers decoding it break; restore its type")
		}
	}
	for _, t := range sortedKeys(bp.types, nil) {
		if !kp.types[t] {
			c.add(Difference{Rule: RuleTypeDropped, Event: d.Event, Attribute: d.Attribute, Baseline: t, Candidate: strings.Join(sortedKeys(kp.types, nil), " or "),
				Message: d.Event + "'s " + d.Attribute + " is no longer a JSON " + t})
		}
	}
	c.enumValues(d, bp, kp)
}

func (c *comparison) enumValues(d Difference, bp, kp *pathStats) {
	for _, v := range sortedKeys(kp.values, nil) {
		if !bp.values[v] {
			c.add(Difference{Rule: RuleEnumValue, Event: d.Event, Attribute: d.Attribute, Baseline: strings.Join(sortedKeys(bp.values, nil), ", "), Candidate: v,
				Message: d.Event + "'s " + d.Attribute + " has the value " + v + ", never sent before: check that consumers handle it"})
		}
	}
	for _, v := range sortedKeys(bp.values, nil) {
		if !kp.values[v] {
			c.add(Difference{Rule: RuleEnumDropped, Event: d.Event, Attribute: d.Attribute, Baseline: v, Candidate: strings.Join(sortedKeys(kp.values, nil), ", "),
				Message: d.Event + "'s " + d.Attribute + " no longer has the value " + v})
		}
	}
}

// typeDiff adds a difference of an event type and marks its attribute as reported, so that the
// per-stimulus comparison does not repeat it for every event.
func (c *comparison) typeDiff(d Difference, rule, base, cand, msg string) {
	d.Rule, d.Baseline, d.Candidate, d.Message = rule, base, cand, msg
	c.typeLevel[d.Event+"\x00"+d.Attribute] = true
	c.add(d)
}

func sortedKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// EnumsOf names, per event, the top-level attributes whose schema in the set is an enumeration
// (an enum or const of strings, through $ref), for Options.Enums.
func EnumsOf(set *contract.Set) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, id := range contract.Events {
		sch := resolve(set.Schema(id))
		if sch == nil {
			continue
		}
		out[id] = map[string]bool{}
		for name, p := range sch.Properties {
			if p = resolve(p); p != nil && len(p.Enum) > 0 && name != "id" {
				out[id][name] = true
			}
		}
	}
	return out
}

func resolve(s *jsonschema.Schema) *jsonschema.Schema {
	for s != nil && s.Ref != nil && len(s.Enum) == 0 && s.Properties == nil {
		s = s.Ref
	}
	return s
}
