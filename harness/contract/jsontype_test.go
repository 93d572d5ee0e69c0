package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/voice-agentstate/conformance/harness/contract"
)

// TestJSONTypeCountsAsJSONSchemaDoes: an integer is a number whose fraction is zero, however it
// is written (1.0, 1e3, beyond int64), as draft 2020-12 counts it; the diff of runs, the diff
// of schema sets and the contract's words all read types through it.
func TestJSONTypeCountsAsJSONSchemaDoes(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{json.Number("1"), "integer"}, {json.Number("1.0"), "integer"}, {json.Number("1e3"), "integer"},
		{json.Number("123456789012345678901234567890"), "integer"}, {json.Number("1.5"), "number"},
		{json.Number("1e-3"), "number"}, {2.0, "integer"}, {2.5, "number"}, {int64(3), "integer"},
		{nil, "null"}, {true, "boolean"}, {"x", "string"}, {[]any{}, "array"}, {map[string]any{}, "object"},
	} {
		if got := contract.JSONType(c.v); got != c.want {
			t.Errorf("JSONType(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
}
