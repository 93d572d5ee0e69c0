package diff

import (
	"fmt"
	"sort"
	"strings"
)

// stimulus compares the events two runs credited to one stimulus: which are removed or added
// (paired by id, the k-th of an id with the k-th), whether the paired ones keep their order,
// and, for each pair, the key and every attribute. loose is the group of events no stimulus
// was credited with: their order and values say nothing, so only their ids are compared.
func (c *comparison) stimulus(b, k stepRun, loose bool) {
	e := k.entry
	if len(k.events) == 0 && len(b.events) > 0 {
		e = b.entry
	}
	d := Difference{Flow: e.Flow, Step: e.Step, Stimulus: describe(e)}
	pairs, removed, added := pairEvents(b.events, k.events)
	for _, i := range removed {
		c.removed(d, b.events[i], b.events, k.events)
	}
	for _, j := range added {
		c.added(d, k.events[j], b.events, k.events)
	}
	if loose {
		return
	}
	c.order(d, b.events, k.events, pairs)
	for _, p := range pairs {
		c.event(d, b.events[p[0]], k.events[p[1]])
	}
}

// pairEvents pairs the k-th event of each id in b with the k-th of that id in c, in b's order.
func pairEvents(b, c []normEvent) (pairs [][2]int, removed, added []int) {
	used := make([]bool, len(c))
	for i, ev := range b {
		j := nextOf(c, used, idOf(ev))
		if j < 0 {
			removed = append(removed, i)
			continue
		}
		used[j] = true
		pairs = append(pairs, [2]int{i, j})
	}
	for j := range c {
		if !used[j] {
			added = append(added, j)
		}
	}
	return pairs, removed, added
}

func nextOf(evs []normEvent, used []bool, id string) int {
	for j, ev := range evs {
		if !used[j] && idOf(ev) == id {
			return j
		}
	}
	return -1
}

func (c *comparison) removed(d Difference, ev normEvent, b, k []normEvent) {
	d.Rule, d.Event, d.Baseline, d.Candidate = RuleEventRemoved, idOf(ev), ids(b), ids(k)
	d.Message = fmt.Sprintf("the stimulus no longer produces %s (the baseline's did): a consumer waiting for it waits forever; restore it, or announce its removal to every consumer team", idOf(ev))
	c.add(d)
}

func (c *comparison) added(d Difference, ev normEvent, b, k []normEvent) {
	d.Rule, d.Event, d.Baseline, d.Candidate, d.Line = RuleEventAdded, idOf(ev), ids(b), ids(k), ev.line
	d.Message = fmt.Sprintf("the stimulus now also produces %s (the baseline's did not): check that consumers ignore or handle it", idOf(ev))
	if ev.bad != "" {
		d.Rule = RuleUndecodable
		d.Message = fmt.Sprintf("the stimulus now produces a record consumers cannot decode (%s): fix what the producer publishes", ev.bad)
	}
	c.add(d)
}

// order reports once when the events both runs produced come in another order.
func (c *comparison) order(d Difference, b, k []normEvent, pairs [][2]int) {
	sorted := make([][2]int, len(pairs))
	copy(sorted, pairs)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i][1] < sorted[j][1] })
	for i := range sorted {
		if sorted[i][0] != pairs[i][0] {
			d.Rule = RuleEventReordered
			d.Baseline, d.Candidate = idsAt(b, pairs, 0), idsAt(k, sorted, 1)
			d.Message = "the stimulus's events come in another order: consumers that follow the order (a state machine per agent or DN) go wrong; restore the baseline's order"
			c.add(d)
			return
		}
	}
}

func idsAt(evs []normEvent, pairs [][2]int, side int) string {
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = idOf(evs[p[side]])
	}
	return strings.Join(out, ", ")
}

// event compares one pair of events: key, then each attribute path. A path the event type's
// comparison already reported is not reported again per stimulus, nor are the members of an
// object reported missing or extra as a whole.
func (c *comparison) event(d Difference, b, k normEvent) {
	d.Event, d.Line = idOf(b), k.line
	if b.key != k.key {
		c.changed(d, "(key)", attr{typ: "string", value: b.key}, attr{typ: "string", value: k.key})
	}
	var gone []string
	for _, path := range sortedKeys(b.attrs, k.attrs) {
		if c.reported(d.Event, path) || under(path, gone) {
			continue
		}
		ba, inB := b.attrs[path]
		ka, inK := k.attrs[path]
		switch {
		case inB && !inK:
			gone = append(gone, path)
			c.presence(d, RuleAttrMissing, path, "present: "+words(ba), "absent", "the stimulus's "+d.Event+" no longer carries "+path+": restore it")
		case !inB && inK:
			gone = append(gone, path)
			c.presence(d, RuleAttrExtra, path, "absent", "present: "+words(ka), "the stimulus's "+d.Event+" now carries "+path+": check that consumers accept it")
		case ba != ka:
			c.changed(d, path, ba, ka)
		}
	}
}

// reported says whether the event type's comparison reported the path, or an object holding it.
func (c *comparison) reported(event, path string) bool {
	for p := path; ; {
		if c.typeLevel[event+"\x00"+p] {
			return true
		}
		i := strings.LastIndex(p, "/")
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

func (c *comparison) presence(d Difference, rule, path, base, cand, msg string) {
	d.Rule, d.Attribute, d.Baseline, d.Candidate, d.Message = rule, path, base, cand, msg
	c.add(d)
}

func (c *comparison) changed(d Difference, path string, b, k attr) {
	if b.typ == "object" && k.typ == "object" {
		return
	}
	d.Rule, d.Attribute, d.Baseline, d.Candidate = RuleValueChanged, path, words(b), words(k)
	d.Message = fmt.Sprintf("the stimulus's %s carries another %s than the baseline's (in the flow's names, with times and fresh numbers set aside): consumers that rely on it go wrong; restore it, or announce the change", d.Event, path)
	c.add(d)
}

func words(a attr) string {
	if a.typ == "object" {
		return "an object"
	}
	return a.typ + " " + a.value
}

// under says whether path is a member of one of the objects parents.
func under(path string, parents []string) bool {
	for _, p := range parents {
		if strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}
