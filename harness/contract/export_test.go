package contract

import (
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/contract/internal/fast"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// FastPath exposes the fast path's own verdict to the differential tests.
func (s *Set) FastPath(raw []byte) (event string, attrs attr.Values, ok bool) {
	return s.fast.Accept(raw, nil)
}

// WithFastPath replaces a checker's fast path, so that a test can prove that the cross-check
// catches one that lies.
func (c *Checker) WithFastPath(accept func(raw []byte) (string, attr.Values, bool)) *Checker {
	c.accept = func(raw []byte, _ *fast.Strings) (string, attr.Values, bool) { return accept(raw) }
	return c
}

// JudgeWith exposes the judging of a routed message to tests that bring their own schema, such
// as the cases of the JSON-Schema-Test-Suite: the findings the harness reports when doc, decoded
// with UseNumber, is validated against sch.
func (s *Set) JudgeWith(sch *jsonschema.Schema, doc any) []finding.Finding {
	return s.judgeWith(sch, "", doc)
}
