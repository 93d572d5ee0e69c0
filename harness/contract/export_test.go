package contract

import (
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// FastPath exposes the fast path's own verdict to the differential tests.
func (s *Set) FastPath(raw []byte) (event string, attrs Attrs, ok bool) { return s.fast(raw, nil) }

// JudgeWith exposes the judging of a routed message to tests that bring their own schema, such
// as the cases of the JSON-Schema-Test-Suite: the findings the harness reports when doc, decoded
// with UseNumber, is validated against sch.
func (s *Set) JudgeWith(sch *jsonschema.Schema, doc any) []finding.Finding {
	return s.judgeWith(sch, "", doc)
}
