package contract

import (
	"strconv"
	"strings"
)

// keywordAt reads a keyword location of jsonschema/v5 (such as "/properties/time/$ref/required")
// by the structure of JSON Schema, not by its last segment, which may be a property name: under
// "properties", "$defs" or "dependentSchemas" a segment names a property or a definition, under
// "allOf" or "prefixItems" it is an index, and only the segment after a subschema is a keyword.
//
// It returns the keyword that failed; or, when the location ends at a subschema (a false schema,
// which fails by itself), keyword "" and, as holder, the keyword whose subschema it is, seen
// through references ("" for the root). ok is false when the location does not read as JSON
// Schema; keyword is then the last segment read as a keyword.
func keywordAt(location string) (keyword, holder string, ok bool) {
	if location == "" {
		return "", "", true
	}
	segs := strings.Split(strings.TrimPrefix(location, "/"), "/")
	for i := 0; i < len(segs); {
		k, rest := segs[i], segs[i+1:]
		if len(rest) == 0 && (ownFailure[k] || namedSubschemas[k]) {
			return k, holder, true
		}
		if n, terminal := keywordArgs(k, rest); terminal {
			return k, holder, n == len(rest)
		} else if n > len(rest) {
			return k, holder, false
		} else {
			i += 1 + n
		}
		if !references[k] {
			holder = k
		}
	}
	return "", holder, true
}

// keywordArgs says how many segments after keyword k name its subschema (a property name, an
// index), or, when k is an assertion (terminal), how many segments of its own follow it.
func keywordArgs(k string, rest []string) (n int, terminal bool) {
	switch {
	case subschema[k]:
		return 0, false
	case namedSubschemas[k]:
		return 1, false
	case k == "items" || k == "dependencies":
		// items holds one subschema or, before 2020-12, a list of them; dependencies holds a
		// subschema or a list of property names per property.
		if k == "items" && len(rest) > 0 && isIndex(rest[0]) {
			return 1, false
		}
		if k == "dependencies" && len(rest) == 2 && isIndex(rest[1]) {
			return 2, true
		}
		if k == "items" {
			return 0, false
		}
		return 1, false
	case k == "dependentRequired":
		return 2, true
	}
	return 0, true
}

// subschema lists the keywords whose value is one subschema.
var subschema = map[string]bool{
	"additionalProperties": true, "unevaluatedProperties": true, "propertyNames": true,
	"additionalItems": true, "unevaluatedItems": true, "contains": true, "contentSchema": true,
	"not": true, "if": true, "then": true, "else": true,
	"$ref": true, "$dynamicRef": true, "$recursiveRef": true,
}

// namedSubschemas lists the keywords whose value is a map or a list of subschemas.
var namedSubschemas = map[string]bool{
	"properties": true, "patternProperties": true, "dependentSchemas": true, "$defs": true, "definitions": true,
	"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true,
}

// ownFailure lists the keywords holding a subschema that jsonschema/v5 reports failing at their
// own location: not (whose subschema, when false, makes it pass), and additionalProperties and
// additionalItems, which v5 keeps as a boolean when they are false and names every member or item
// they reject in one message. Any other location ending at a subschema keyword is that subschema,
// which only fails there when it is false: v5 compiles unevaluatedProperties: false, items: false
// or then: false as a false schema.
var ownFailure = map[string]bool{"not": true, "additionalProperties": true, "additionalItems": true}

// references are the keywords whose subschema stands for the schema that refers to it, so that
// a false schema reached through "unevaluatedProperties/$ref" is still held by
// unevaluatedProperties.
var references = map[string]bool{"$ref": true, "$dynamicRef": true, "$recursiveRef": true}

func isIndex(seg string) bool {
	_, err := strconv.Atoi(seg)
	return err == nil
}
