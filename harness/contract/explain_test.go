package contract_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
	"github.com/voice-agentstate/conformance/schemas"
)

// compileSchema compiles one draft 2020-12 schema given as text.
func compileSchema(t testing.TB, schema string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource("agentstate:///test.schema.json", strings.NewReader(schema)); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("agentstate:///test.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// decodeValue decodes one JSON value as the harness does, with UseNumber.
func decodeValue(t testing.TB, text string) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEveryRejectionIsExplained pins the invariant of issue 14 item 8 on the shapes whose
// explanation once found nothing to say: whenever jsonschema/v5 rejects a value, at least one
// finding is reported; an undeclared member is schema.unknown-attribute whichever keyword forbids
// it, and everything else is a violation named after the keyword that failed, read from the
// structure of the keyword location (so a property called "required" is not the keyword).
func TestEveryRejectionIsExplained(t *testing.T) {
	set := testkit.Builtin(t)
	for _, c := range []struct {
		name, schema, value string
		rule, pointer       string
		sev                 finding.Severity
	}{
		{"additionalProperties false", `{"properties":{"a":true},"additionalProperties":false}`, `{"a":1,"b":2}`, contract.RuleUnknownAttribute, "/b", finding.Warning},
		{"unevaluatedProperties false", `{"properties":{"a":true},"unevaluatedProperties":false}`, `{"a":1,"b":2}`, contract.RuleUnknownAttribute, "/b", finding.Warning},
		{"unevaluatedProperties false, nested", `{"properties":{"o":{"unevaluatedProperties":false}}}`, `{"o":{"x~/y":1}}`, contract.RuleUnknownAttribute, "/o/x~0~1y", finding.Warning},
		{"unevaluatedProperties false beside allOf", `{"allOf":[{"properties":{"a":true}}],"unevaluatedProperties":false}`, `{"a":1,"b":2}`, contract.RuleUnknownAttribute, "/b", finding.Warning},
		{"unevaluatedProperties false through a $ref chain", `{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/b"},"b":{"unevaluatedProperties":false}}}`, `{"x":1}`, contract.RuleUnknownAttribute, "/x", finding.Warning},
		{"additionalProperties false under a property named properties", `{"properties":{"properties":{"additionalProperties":false}}}`, `{"properties":{"x":1}}`, contract.RuleUnknownAttribute, "/properties/x", finding.Warning},
		{"false under a property named required", `{"properties":{"required":false}}`, `{"required":1}`, "schema.false", "/required", finding.Violation},
		{"false under a property named additionalProperties", `{"properties":{"additionalProperties":false}}`, `{"additionalProperties":1}`, "schema.false", "/additionalProperties", finding.Violation},
		{"false under a property named unevaluatedProperties", `{"properties":{"unevaluatedProperties":false}}`, `{"unevaluatedProperties":1}`, "schema.false", "/unevaluatedProperties", finding.Violation},
		{"false under patternProperties", `{"patternProperties":{"^x":false}}`, `{"xy":1}`, "schema.false", "/xy", finding.Violation},
		{"dependentSchemas false", `{"dependentSchemas":{"a":false}}`, `{"a":1}`, "schema.false", "", finding.Violation},
		{"dependentSchemas false for a property named required", `{"dependentSchemas":{"required":false}}`, `{"required":1}`, "schema.false", "", finding.Violation},
		{"dependentRequired", `{"dependentRequired":{"a":["b"]}}`, `{"a":1}`, "schema.dependent-required", "", finding.Violation},
		{"not", `{"not":{"type":"integer"}}`, `1`, "schema.not", "", finding.Violation},
		{"oneOf matching twice", `{"oneOf":[{"type":"integer"},{"minimum":0}]}`, `1`, "schema.one-of", "", finding.Violation},
		{"oneOf matching none", `{"oneOf":[{"type":"string"},{"type":"boolean"}]}`, `1`, "schema.type", "", finding.Violation},
		{"if/then false", `{"if":{"type":"integer"},"then":false}`, `1`, "schema.false", "", finding.Violation},
		{"if/else", `{"if":{"type":"integer"},"else":{"maxLength":1}}`, `"ab"`, "schema.max-length", "", finding.Violation},
		{"contains, none matching", `{"contains":{"const":1}}`, `[2]`, "schema.const", "/0", finding.Violation},
		{"contains, empty array", `{"contains":{"const":1}}`, `[]`, "schema.min-contains", "", finding.Violation},
		{"prefixItems then items false", `{"prefixItems":[true],"items":false}`, `[1,2]`, "schema.false", "/1", finding.Violation},
		{"unevaluatedItems false", `{"prefixItems":[true],"unevaluatedItems":false}`, `[1,2]`, "schema.false", "/1", finding.Violation},
		{"the false schema", `false`, `1`, "schema.false", "", finding.Violation},
		{"propertyNames", `{"propertyNames":{"maxLength":1}}`, `{"ab":1}`, "schema.max-length", "/ab", finding.Violation},
		{"a keyword the wording does not know", `{"multipleOf":2}`, `3`, "schema.multiple-of", "", finding.Violation},
		{"uniqueItems", `{"uniqueItems":true}`, `[1,1]`, "schema.unique-items", "", finding.Violation},
		{"required, nested under $defs and $ref", `{"$ref":"#/$defs/o","$defs":{"o":{"required":["a"]}}}`, `{}`, contract.RuleRequired, "/a", finding.Violation},
	} {
		t.Run(c.name, func(t *testing.T) {
			sch := compileSchema(t, c.schema)
			doc := decodeValue(t, c.value)
			if sch.Validate(doc) == nil {
				t.Fatalf("jsonschema/v5 accepts %s against %s: the case proves nothing", c.value, c.schema)
			}
			fs := set.JudgeWith(sch, doc)
			if len(fs) == 0 {
				t.Fatalf("jsonschema/v5 rejects %s against %s, and no finding says so", c.value, c.schema)
			}
			for _, f := range fs {
				if f.Rule == c.rule && f.Pointer == c.pointer && f.Severity == c.sev && f.Message != "" {
					return
				}
			}
			t.Errorf("want a %s %s at %q, got %v", c.sev, c.rule, c.pointer, fs)
		})
	}
}

// TestFastPathLeavesUnevaluatedPropertiesToV5: the fast path does not implement
// unevaluatedProperties, so an event whose schema uses it, at the top level or in a definition it
// refers to, has no fast path, FastPathGaps names it, and every message of it is explained by
// v5's findings: an undeclared member is never a fast pass.
func TestFastPathLeavesUnevaluatedPropertiesToV5(t *testing.T) {
	unevaluated := func(doc map[string]any) {
		delete(doc, "additionalProperties")
		doc["unevaluatedProperties"] = false
	}
	top := loadEdited(t, "EventDNDOn.schema.json", unevaluated)
	nested := loadEdited(t, schemas.Defs, func(doc map[string]any) { unevaluated(doc["$defs"].(map[string]any)["time"].(map[string]any)) })
	for _, c := range []struct {
		name, msg, pointer string
		set                *contract.Set
	}{
		{"top level", `{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"Extra":1}`, "/Extra", top},
		{"nested", `{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0,"nanos":1}}`, "/time/nanos", nested},
	} {
		gap := c.set.FastPathGaps()["EventDNDOn"]
		if !strings.Contains(gap, "UnevaluatedProperties") {
			t.Errorf("%s: FastPathGaps()[EventDNDOn] = %q, want it to name UnevaluatedProperties", c.name, gap)
		}
		if _, _, ok := c.set.FastPath([]byte(c.msg)); ok {
			t.Errorf("%s: the fast path accepted a member the schema does not declare", c.name)
		}
		res := c.set.Check([]byte(c.msg))
		if res.Fast || len(res.Findings) != 1 || res.Findings[0].Rule != contract.RuleUnknownAttribute || res.Findings[0].Pointer != c.pointer {
			t.Errorf("%s: Check = %+v, want one %s at %s", c.name, res, contract.RuleUnknownAttribute, c.pointer)
		}
	}
}
