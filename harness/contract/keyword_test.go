package contract

import "testing"

// TestKeywordAtReadsTheStructureOfJSONSchema: the keyword of a failing location is found by what
// each segment is (keyword, property name, index), never by the last segment alone.
func TestKeywordAtReadsTheStructureOfJSONSchema(t *testing.T) {
	for _, c := range []struct {
		location, keyword, holder string
		ok                        bool
	}{
		{"", "", "", true},
		{"/required", "required", "", true},
		{"/properties/required", "", "properties", true},
		{"/properties/required/required", "required", "properties", true},
		{"/properties/additionalProperties", "", "properties", true},
		{"/additionalProperties", "additionalProperties", "", true},
		{"/properties/a/additionalProperties", "additionalProperties", "properties", true},
		{"/unevaluatedProperties", "", "unevaluatedProperties", true},
		{"/unevaluatedProperties/$ref", "", "unevaluatedProperties", true},
		{"/unevaluatedProperties/$ref/$dynamicRef", "", "unevaluatedProperties", true},
		{"/$ref/$ref/unevaluatedProperties", "", "unevaluatedProperties", true},
		{"/dependentSchemas/required", "", "dependentSchemas", true},
		{"/dependentRequired/a/0", "dependentRequired", "", true},
		{"/dependencies/a/0", "dependencies", "", true},
		{"/dependencies/a", "", "dependencies", true},
		{"/dependencies/a/required", "required", "dependencies", true},
		{"/not", "not", "", true},
		{"/oneOf", "oneOf", "", true},
		{"/oneOf/1/type", "type", "oneOf", true},
		{"/then", "", "then", true},
		{"/if/then/else/minLength", "minLength", "else", true},
		{"/items", "", "items", true},
		{"/items/0/const", "const", "items", true},
		{"/prefixItems/0", "", "prefixItems", true},
		{"/contains/const", "const", "contains", true},
		{"/minContains", "minContains", "", true},
		{"/$defs/x/pattern", "pattern", "$defs", true},
		{"/type/extra", "type", "", false},
		{"/dependentRequired/a", "dependentRequired", "", false},
	} {
		keyword, holder, ok := keywordAt(c.location)
		if keyword != c.keyword || holder != c.holder || ok != c.ok {
			t.Errorf("keywordAt(%q) = %q, %q, %v; want %q, %q, %v", c.location, keyword, holder, ok, c.keyword, c.holder, c.ok)
		}
	}
}
