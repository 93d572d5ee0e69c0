// Package fast is the contract's fast path: it decides that a message is valid without
// jsonschema/v5, for the common case, at a few per cent of v5's cost. It is compiled at load
// time from the schemas v5 compiled, so it follows --schemas DIR, and it can only say "valid" or
// "don't know": every message it does not accept, for whatever reason, goes to v5, which is the
// only source of findings. An event whose schema uses a keyword the fast path does not implement
// has no fast path at all.
//
// Its verdict on a message it accepts must be v5's (no findings at all) and the attributes it
// reads must be what attr.Of reads of encoding/json's document: the contract's differential tests
// prove both on every fixture and on generated streams, and FuzzFastPath under go test -fuzz. It
// is internal to package contract, whose Set judges a sample of its verdicts again with v5 (by
// record index), so that no caller gets a fast verdict outside that net.
package fast

import (
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/attr"
)

// Path is the fast path of a set of event schemas. A nil Path accepts nothing.
type Path struct {
	top *topTable
}

// Compile compiles the fast path of the events named in order, whose schemas v5 compiled. gaps
// names each event that has none, with the reason: its messages are all left to v5.
func Compile(order []string, events map[string]*jsonschema.Schema) (p *Path, gaps map[string]string) {
	gaps = map[string]string{}
	nodes := map[string]*fastNode{} // nil for an event without a fast path
	c := newFastCompiler()
	for _, id := range order {
		n, err := c.event(events[id])
		if err != nil {
			gaps[id], n = err.Error(), nil
		}
		nodes[id] = n
	}
	top := newTopTable(nodes)
	if top == nil {
		for id, n := range nodes {
			if n != nil {
				gaps[id] = fmt.Sprintf("the set's events have more than %d top-level attribute names between them; left to jsonschema/v5", maxNames)
			}
		}
		return nil, gaps
	}
	return &Path{top: top}, gaps
}

// Accept judges a message on the fast path: ok means the message is valid with no finding at
// all, as v5 would judge it, routed to event, and v is what attr.Of would read of it. !ok says
// nothing about the message. strs keeps the strings it reads (nil: none kept).
func (p *Path) Accept(raw []byte, strs *Strings) (event string, v attr.Values, ok bool) {
	if p == nil {
		return "", v, false
	}
	return p.top.fastOnePass(raw, strs)
}
