package contract

// RuleKeyword stands for the family of findings named after the JSON Schema keyword that failed,
// in kebab case ("schema.type", "schema.multiple-of", "schema.false" for a false subschema):
// any keyword a schema set uses can name one.
const RuleKeyword = "schema.<keyword>"

// Rules lists the rule IDs of the findings Validate and a Checker report (RuleFastPath: the
// cross-check's disagreement), RuleKeyword standing for every keyword's own.
func Rules() []string {
	return []string{RuleDecode, RuleNotObject, RuleDuplicateKey, RuleNumber, RuleMissingID, RuleUnknownID,
		RuleNotCovered, RuleRequired, RuleUnknownAttribute, RuleSchemaError, RuleFastPath, RuleKeyword}
}
