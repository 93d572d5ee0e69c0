package contract

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// explain turns one failing location into findings in plain words: one per missing or unknown
// attribute, one otherwise. A location its words cannot explain is still a finding, named after
// its keyword and carrying jsonschema/v5's own message: whatever v5 rejects, at least one finding
// says so.
func (s *Set) explain(event string, doc any, e *jsonschema.ValidationError) []finding.Finding {
	keyword, holder, ok := keywordAt(e.KeywordLocation)
	var out []finding.Finding
	switch {
	case !ok:
	case keyword == "" && (holder == "additionalProperties" || holder == "unevaluatedProperties"):
		out = s.undeclared(event, e)
	case keyword == "required":
		out = s.missingAttributes(event, e)
	case keyword == "additionalProperties":
		out = s.unknownAttributes(event, e)
	default:
		out = []finding.Finding{valueFinding(event, doc, keyword, e)}
	}
	if len(out) == 0 {
		return []finding.Finding{unexplained(event, keyword, e)}
	}
	return out
}

// valueFinding words a keyword's failure on the value at the error's instance location. A false
// schema, which fails by itself, is reported as the keyword "false".
func valueFinding(event string, doc any, keyword string, e *jsonschema.ValidationError) finding.Finding {
	value := lookup(doc, e.InstanceLocation)
	found := render(value)
	if keyword == "type" {
		found = JSONType(value) + " " + found
	}
	expected := expectation(keyword, e.Message)
	if keyword == "" {
		keyword, expected = "false", "nothing (the schema at "+keywordPlace(e)+" allows no value here)"
	}
	return finding.Finding{
		Rule: "schema." + kebab(keyword), Severity: finding.Violation, Event: event,
		Pointer: e.InstanceLocation, Expected: expected, Found: found,
		Message: fmt.Sprintf("%s: attribute %s: expected %s, found %s", event, attrName(e.InstanceLocation), expected, found),
	}
}

// unexplained is the finding of a failing location the words above could say nothing about:
// a violation named after its keyword, with jsonschema/v5's message.
func unexplained(event, keyword string, e *jsonschema.ValidationError) finding.Finding {
	return finding.Finding{
		Rule: "schema." + kebab(keyword), Severity: finding.Violation, Event: event,
		Pointer: e.InstanceLocation, Expected: "a value the schema at " + keywordPlace(e) + " accepts", Found: e.Message,
		Message: fmt.Sprintf("%s: attribute %s: jsonschema/v5 rejects it at %s in the schema: %s", event, attrName(e.InstanceLocation), keywordPlace(e), e.Message),
	}
}

// keywordPlace names where in the schema a location failed: its keyword location, or the root.
func keywordPlace(e *jsonschema.ValidationError) string {
	if e.KeywordLocation == "" {
		return "its root"
	}
	return e.KeywordLocation
}

func (s *Set) missingAttributes(event string, e *jsonschema.ValidationError) []finding.Finding {
	var out []finding.Finding
	for _, name := range quotedNames(e.Message) {
		ptr := e.InstanceLocation + "/" + escape(name)
		msg := fmt.Sprintf("%s: mandatory attribute %s is missing", event, name)
		if e.InstanceLocation != "" {
			msg = fmt.Sprintf("%s: attribute %s lacks its mandatory member %s", event, attrName(e.InstanceLocation), name)
		}
		out = append(out, finding.Finding{
			Rule: RuleRequired, Severity: finding.Violation, Event: event, Pointer: ptr,
			Expected: "present", Found: "missing", Message: msg,
		})
	}
	return out
}

// unknownAttributes words additionalProperties: false, which v5 reports once per object, naming
// every undeclared member in its message.
func (s *Set) unknownAttributes(event string, e *jsonschema.ValidationError) []finding.Finding {
	var out []finding.Finding
	for _, name := range quotedNames(e.Message) {
		out = append(out, s.unknownAttribute(event, e.InstanceLocation, name))
	}
	return out
}

// undeclared words a false schema under additionalProperties or unevaluatedProperties, which v5
// reports once per undeclared member, at the member's own location.
func (s *Set) undeclared(event string, e *jsonschema.ValidationError) []finding.Finding {
	i := strings.LastIndex(e.InstanceLocation, "/")
	if i < 0 {
		return nil
	}
	name := unescape(e.InstanceLocation[i+1:])
	return []finding.Finding{s.unknownAttribute(event, e.InstanceLocation[:i], name)}
}

func (s *Set) unknownAttribute(event, object, name string) finding.Finding {
	ptr := object + "/" + escape(name)
	msg := fmt.Sprintf("%s: attribute %s is not part of the contract", event, attrName(ptr))
	if object == "" {
		if hint := s.suggest(event, name); hint != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", hint)
		}
	}
	return finding.Finding{
		Rule: RuleUnknownAttribute, Severity: finding.Warning, Event: event, Pointer: ptr,
		Expected: "only attributes the contract declares", Found: strconv.Quote(name), Message: msg,
	}
}

// suggest finds the declared attribute closest to name, compared with case, spaces, hyphens
// and underscores folded away ("AgentId" and the spec's own "Agent ID" both suggest AgentID),
// within an edit distance that grows with the name: one edit up to 5 letters, two beyond
// ("RefrenceID" suggests ReferenceID). "" when none is that close.
func (s *Set) suggest(event, name string) string {
	want := fold(name)
	limit := 1
	if len(want) > 5 {
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, attr := range s.Attributes(event) {
		if d := editDistance(fold(attr), want); d < bestDist {
			best, bestDist = attr, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '_' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// quotedNames extracts the single-quoted property names of a jsonschema/v5 message such as
// "missing properties: 'a', 'b'", undoing the quoting v5 applies.
var quotedName = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)

func quotedNames(msg string) []string {
	var out []string
	for _, m := range quotedName.FindAllStringSubmatch(msg, -1) {
		inner := strings.ReplaceAll(m[1], `\'`, `'`)
		inner = strings.ReplaceAll(inner, `"`, `\"`)
		if s, err := strconv.Unquote(`"` + inner + `"`); err == nil {
			out = append(out, s)
		} else {
			out = append(out, m[1])
		}
	}
	return out
}

var goQuoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|[^,\s][^,]*`)

// expectation words what a failing keyword asked for, from jsonschema/v5's message.
func expectation(keyword, msg string) string {
	switch keyword {
	case "type":
		msg = strings.TrimPrefix(msg, "expected ")
		if i := strings.Index(msg, ", but got"); i >= 0 {
			msg = msg[:i]
		}
		return msg
	case "enum":
		return enumExpectation(msg)
	case "const":
		return strings.TrimPrefix(msg, "value must be ")
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		msg = strings.TrimPrefix(msg, "must be ")
		if i := strings.Index(msg, " but found"); i >= 0 {
			msg = msg[:i]
		}
		return "a number " + integralBound(msg)
	case "minLength", "maxLength":
		msg = strings.TrimPrefix(msg, "length must be ")
		if i := strings.Index(msg, ", but got"); i >= 0 {
			msg = msg[:i]
		}
		return "a string of length " + msg
	case "pattern":
		return "a string matching " + strings.Trim(strings.TrimPrefix(msg, "does not match pattern "), "'")
	}
	return msg
}

// integralBound writes a bound such as ">= 9.466848e+08", which jsonschema/v5 prints as a float,
// as the integer it is (">= 946684800"), so that a user can compare it with the value found.
func integralBound(msg string) string {
	op, num, ok := strings.Cut(msg, " ")
	if !ok {
		return msg
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<53 {
		return msg
	}
	return op + " " + strconv.FormatInt(int64(f), 10)
}

// enumExpectation lists the allowed values, or the first few of a long list.
func enumExpectation(msg string) string {
	list, ok := strings.CutPrefix(msg, "value must be one of ")
	if !ok {
		return strings.TrimPrefix(msg, "value must be ")
	}
	values := goQuoted.FindAllString(list, -1)
	const shown = 9
	if len(values) <= shown+1 {
		return "one of " + strings.Join(values, ", ")
	}
	return fmt.Sprintf("one of %s, … (%d values in all)", strings.Join(values[:shown], ", "), len(values))
}

// lookup returns the value a JSON pointer designates in doc, or nil.
func lookup(doc any, pointer string) any {
	if pointer == "" {
		return doc
	}
	cur := doc
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = unescape(tok)
		switch v := cur.(type) {
		case map[string]any:
			cur = v[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

// render writes a value as JSON, cut short when it is long.
func render(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	const max = 80
	if r := []rune(string(b)); len(r) > max {
		return string(r[:max]) + "…"
	}
	return string(b)
}

// JSONType is the JSON Schema type of a decoded value (decoded with UseNumber): null, boolean,
// integer (a number whose fraction is zero, 1.0 and 1e3 among them, as JSON Schema counts it),
// number, string, array or object. The one reading of a value's type for the contract's words,
// the diff of two runs and the diff of two schema sets.
func JSONType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		if r, ok := new(big.Rat).SetString(v.String()); ok && r.IsInt() {
			return "integer"
		}
		return "number"
	case int, int64:
		return "integer"
	case float64:
		if v == math.Trunc(v) && !math.IsInf(v, 0) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// attrName renders a JSON pointer the way people name attributes: "/time/useconds" is
// "time.useconds".
func attrName(pointer string) string {
	if pointer == "" {
		return "(the message)"
	}
	parts := strings.Split(pointer[1:], "/")
	for i, p := range parts {
		parts[i] = unescape(p)
	}
	return strings.Join(parts, ".")
}

func escape(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

// unescape reads one token of a JSON pointer back into the name it escapes.
func unescape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}

// kebab turns a keyword such as minLength into min-length.
func kebab(keyword string) string {
	if keyword == "" {
		keyword = "false"
	}
	var b strings.Builder
	for i, r := range keyword {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
