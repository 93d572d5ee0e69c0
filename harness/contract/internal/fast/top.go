package fast

import "github.com/voice-agentstate/conformance/harness/attr"

// The one-pass reading of a message's top level. The id that picks the schema may come last
// (encoding/json writes a map's keys in order, so "id" follows every capitalised attribute), so
// the fast path cannot know the schema of the members before it. But the events of the contract
// share their attributes' definitions: ThisDN is a DN in every event that has it. The top table
// maps each top-level name of the set to the node every event declaring it shares, and the scan
// judges such members as it meets them; members whose node differs between events (id itself),
// or that no event declares, are judged once the id is known. Judging a member by a shared node
// that its event does not declare is stricter than needed, which at worst sends a message to v5.

// topTable is the set's top-level names, and for each event which of them it declares.
type topTable struct {
	names   []string
	buckets [nameBuckets][]uint8
	shared  []*fastNode // per name: the node of every event that declares it, or nil
	capOf   []int8      // per name: its capture slot, or -1
	events  map[string]*topEvent
}

// topEvent is one event's view of the top table.
type topEvent struct {
	name     string
	node     *fastNode
	declared uint64      // the names among its properties
	required uint64      // the names it requires
	nodes    []*fastNode // per name: its property's node, when declared
}

// newTopTable builds the table for the events with a fast path, or returns nil when their names
// are too many for a bit each.
func newTopTable(events map[string]*fastNode) *topTable {
	t := &topTable{events: map[string]*topEvent{}}
	index := map[string]int{}
	for _, n := range events {
		if n == nil {
			continue
		}
		for _, name := range n.names {
			if _, ok := index[name]; !ok {
				index[name] = len(t.names)
				t.names = append(t.names, name)
			}
		}
	}
	if len(t.names) > maxNames {
		return nil
	}
	t.shared = make([]*fastNode, len(t.names))
	unshared := make([]bool, len(t.names))
	for id, n := range events {
		if n == nil {
			continue
		}
		te := &topEvent{name: id, node: n, nodes: make([]*fastNode, len(t.names))}
		for k, name := range n.names {
			g := index[name]
			te.required |= (n.required >> k & 1) << g
			if k >= n.nprops {
				continue
			}
			te.declared |= 1 << g
			p := n.props[k]
			te.nodes[g] = p
			if t.shared[g] != nil && t.shared[g] != p {
				unshared[g] = true
			}
			t.shared[g] = p
		}
		t.events[id] = te
	}
	for g, name := range t.names {
		if unshared[g] {
			t.shared[g] = nil
		}
		h := nameHash([]byte(name))
		t.buckets[h] = append(t.buckets[h], uint8(g))
		t.capOf = append(t.capOf, int8(attr.Slot(name)))
	}
	return t
}

func (t *topTable) index(name []byte) int {
	for _, g := range t.buckets[nameHash(name)] {
		if t.names[g] == string(name) {
			return int(g)
		}
	}
	return -1
}

// later is a member judged once the id is known: its name's index (-1: no event declares it),
// and where its name and value are.
type later struct {
	g                       int
	nameStart, nameEnd, val int32
	end                     int32
}

// maxLater bounds the members judged after the id is known.
const maxLater = 8

// fastOnePass is the fast path with the top table: see the comment at the top of this file.
func (t *topTable) fastOnePass(b []byte, strs *Strings) (event string, attrs attr.Values, ok bool) {
	if len(b) > 1<<30 {
		return "", attrs, false
	}
	caps := captures{strs: strs}
	var after [maxLater]later
	nafter := 0
	var seen uint64
	var id []byte
	i := SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return "", attrs, false
	}
	i = SkipSpace(b, i+1)
	for {
		if i >= len(b) || b[i] != '"' {
			return "", attrs, false
		}
		start, end, ok := scanString(b, i)
		if !ok {
			return "", attrs, false
		}
		name := b[start:end]
		i = SkipSpace(b, end+1)
		if i >= len(b) || b[i] != ':' {
			return "", attrs, false
		}
		i = SkipSpace(b, i+1)
		g := t.index(name)
		if g >= 0 {
			if seen&(1<<g) != 0 {
				return "", attrs, false
			}
			seen |= 1 << g
		}
		vstart := i
		var node *fastNode
		if g >= 0 {
			node = t.shared[g]
		}
		if g >= 0 && node != nil {
			i, ok = value(b, i, node, 0)
		} else {
			i, ok = value(b, i, nil, 0)
			if ok && nafter < maxLater {
				after[nafter] = later{g: g, nameStart: int32(start), nameEnd: int32(end), val: int32(vstart), end: int32(i)}
				nafter++
			} else {
				ok = false
			}
		}
		if !ok {
			return "", attrs, false
		}
		if id == nil && string(name) == "id" && b[vstart] == '"' {
			id = b[vstart+1 : i-1]
		}
		slot := -1
		if g >= 0 {
			slot = int(t.capOf[g])
		} else {
			slot = attr.Slot(string(name))
		}
		caps.note(slot, vstart, i)
		var more bool
		if i, more, ok = next(b, i, '}'); !ok {
			return "", attrs, false
		}
		if !more {
			break
		}
	}
	if SkipSpace(b, i) != len(b) || id == nil {
		return "", attrs, false
	}
	ev := t.events[string(id)]
	if ev == nil || !ev.node.allows(tObject) || seen&ev.required != ev.required || !ev.judgeLater(b, after[:nafter], seen) {
		return "", attrs, false
	}
	return ev.name, caps.values(b), true
}

// judgeLater judges, once the event is known, the members the scan could not: those without a
// shared node, and those no event declares. A member with a shared node that this event does not
// declare sends the message to v5: the scan judged it by a node the event may not use.
func (ev *topEvent) judgeLater(b []byte, after []later, seen uint64) bool {
	n := ev.node
	if seen&^ev.declared != 0 {
		return false
	}
	for k, m := range after {
		node := n.addlNode
		if m.g >= 0 {
			node = ev.nodes[m.g]
		} else {
			if n.addl == addlNone {
				return false
			}
			name := b[m.nameStart:m.nameEnd]
			for _, o := range after[:k] {
				if o.g < 0 && string(b[o.nameStart:o.nameEnd]) == string(name) {
					return false // the same undeclared member twice
				}
			}
		}
		end, ok := value(b, int(m.val), node, 0)
		if !ok || end != int(m.end) {
			return false
		}
	}
	return true
}
