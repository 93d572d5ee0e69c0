package contract

import (
	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/contract/internal/fast"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// RuleFastPath is the finding of an event the fast path accepted and jsonschema/v5 did not, or
// read differently: a bug in this harness, which v5's verdict overrules.
const RuleFastPath = "harness.fast-path"

// DefaultCrossCheck is how often, by default, a fast verdict is judged again by jsonschema/v5:
// one record in a thousand costs about 4% of the fast path's time.
const DefaultCrossCheck = 1000

// Result is the verdict on one message.
type Result struct {
	Event string         // the id attribute, when it is a string
	Doc   map[string]any // the decoded message; nil when it is not a JSON object, or when the fast path judged it without CheckOptions.Docs
	Attrs attr.Values    // what the sequence rules read of the message, whenever it is a JSON object
	Fast  bool           // the fast path accepted the message (and v5 agreed, when it judged it again): it is valid, with no findings
	// CrossChecked says jsonschema/v5 judged again a message the fast path accepted; Disagreed
	// says it did not agree, in which case the Result is v5's, with a RuleFastPath finding.
	CrossChecked, Disagreed bool
	Findings                []finding.Finding
}

// Decoded says whether the message was a JSON object, that is an event that could be checked.
// A message that was not is an undecodable line.
func (r Result) Decoded() bool { return r.Doc != nil || r.Fast }

// CheckOptions say how a Checker judges. The zero value takes the fast path and judges one fast
// verdict in DefaultCrossCheck again with v5.
type CheckOptions struct {
	// CrossCheck judges again with jsonschema/v5 the messages the fast path accepts at every
	// CrossCheck-th record index (1: all of them), v5's verdict standing. 0 means
	// DefaultCrossCheck; a negative value never cross-checks.
	CrossCheck int
	// V5Only judges every message with jsonschema/v5 alone, never the fast path.
	V5Only bool
	// Docs returns the decoded document of every event, at the cost of the decoding the fast
	// path saves.
	Docs bool
	_    struct{}
}

// A Checker judges the records of one stream against the set on behalf of one goroutine (it is
// not safe for concurrent use: give each goroutine its own). The cross-check samples records by
// their index in the stream, so which records v5 judges again, and so the verdict, never depends
// on how many goroutines share the work.
type Checker struct {
	set    *Set
	every  uint64 // cross-check period; 0: never
	v5Only bool
	docs   bool
	strs   fast.Strings
	// accept is the fast path, replaced in tests to prove that a disagreement is caught.
	accept func(raw []byte, strs *fast.Strings) (string, attr.Values, bool)
}

// Checker returns a checker of the set with the given options.
func (s *Set) Checker(o CheckOptions) *Checker {
	c := &Checker{set: s, v5Only: o.V5Only, docs: o.Docs, accept: s.fast.Accept}
	switch {
	case o.CrossCheck == 0:
		c.every = DefaultCrossCheck
	case o.CrossCheck > 0:
		c.every = uint64(o.CrossCheck)
	}
	return c
}

// Check judges the message at index in its stream (counted from 1). A message the fast path
// accepts comes back with Fast set and its Attrs, and without a document unless
// CheckOptions.Docs; any other is judged by ValidateV5. Findings have no Place: the caller knows
// where the message was read.
func (c *Checker) Check(raw []byte, index uint64) Result {
	if c.v5Only {
		return c.set.ValidateV5(raw)
	}
	ev, attrs, ok := c.accept(raw, &c.strs)
	if !ok {
		return c.set.ValidateV5(raw)
	}
	res := Result{Event: ev, Attrs: attrs, Fast: true}
	if c.every != 0 && index%c.every == 1%c.every {
		return c.crossCheck(raw, res)
	}
	if c.docs {
		if res.Doc, _ = decode(raw); res.Doc == nil {
			return c.set.ValidateV5(raw)
		}
	}
	return res
}

// crossCheck judges again with v5 a message the fast path accepted; where v5 does not agree, its
// verdict stands with a RuleFastPath finding.
func (c *Checker) crossCheck(raw []byte, res Result) Result {
	v5 := c.set.ValidateV5(raw)
	if v5.Decoded() && len(v5.Findings) == 0 && v5.Event == res.Event && v5.Attrs == res.Attrs {
		res.CrossChecked = true
		if c.docs {
			res.Doc = v5.Doc
		}
		return res
	}
	v5.CrossChecked, v5.Disagreed = true, true
	v5.Findings = append(v5.Findings, finding.Finding{
		Rule: RuleFastPath, Severity: finding.Violation, Event: v5.Event,
		Expected: "jsonschema/v5's verdict", Found: "the fast path accepted the " + res.Event + " as valid",
		Message: "the harness's fast path accepted this " + res.Event + ", and jsonschema/v5, which is the judge, does not agree (its findings, if any, are reported alongside); " +
			"this is a bug in the harness: please report it with this record, and use --v5-only meanwhile",
	})
	return v5
}

// Check judges one message alone, as the first record of a stream: a fast verdict on it is
// always judged again by v5.
func (s *Set) Check(raw []byte) Result { return s.Checker(CheckOptions{}).Check(raw, 1) }

// Validate judges one message like Check, and always returns the decoded document of a JSON
// object.
func (s *Set) Validate(raw []byte) Result {
	return s.Checker(CheckOptions{Docs: true}).Check(raw, 1)
}
