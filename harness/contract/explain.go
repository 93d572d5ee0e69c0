package contract

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// explain turns one failing location into findings in plain words: one per missing or unknown
// attribute, one otherwise.
func (s *Set) explain(event string, doc map[string]any, e *jsonschema.ValidationError) []finding.Finding {
	keyword := e.KeywordLocation[strings.LastIndex(e.KeywordLocation, "/")+1:]
	switch keyword {
	case "required":
		return s.missingAttributes(event, e)
	case "additionalProperties", "unevaluatedProperties":
		return s.unknownAttributes(event, e)
	}
	value := lookup(doc, e.InstanceLocation)
	found := render(value)
	if keyword == "type" {
		found = jsonType(value) + " " + found
	}
	expected := expectation(keyword, e.Message)
	return []finding.Finding{{
		Rule: "schema." + kebab(keyword), Severity: finding.Violation, Event: event,
		Pointer: e.InstanceLocation, Expected: expected, Found: found,
		Message: fmt.Sprintf("%s: attribute %s: expected %s, found %s", event, attrName(e.InstanceLocation), expected, found),
	}}
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

func (s *Set) unknownAttributes(event string, e *jsonschema.ValidationError) []finding.Finding {
	var out []finding.Finding
	for _, name := range quotedNames(e.Message) {
		ptr := e.InstanceLocation + "/" + escape(name)
		msg := fmt.Sprintf("%s: attribute %s is not part of the contract", event, attrName(ptr))
		if e.InstanceLocation == "" {
			if hint := s.suggest(event, name); hint != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", hint)
			}
		}
		out = append(out, finding.Finding{
			Rule: RuleUnknownAttribute, Severity: finding.Warning, Event: event, Pointer: ptr,
			Expected: "only attributes the contract declares", Found: strconv.Quote(name), Message: msg,
		})
	}
	return out
}

// suggest finds a declared attribute that differs from name only in case, spaces, hyphens or
// underscores: "AgentId" and the spec's own "Agent ID" both suggest AgentID.
func (s *Set) suggest(event, name string) string {
	want := fold(name)
	for _, attr := range s.Attributes(event) {
		if fold(attr) == want {
			return attr
		}
	}
	return ""
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
		return "a number " + msg
	case "minLength", "maxLength":
		msg = strings.TrimPrefix(msg, "length must be ")
		if i := strings.Index(msg, ", but got"); i >= 0 {
			msg = msg[:i]
		}
		return "a string of length " + msg
	case "pattern":
		return "a string matching " + strings.Trim(strings.TrimPrefix(msg, "does not match pattern "), "'")
	case "false", "":
		return "nothing (the schema allows no value here)"
	}
	return msg
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
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
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

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case float64:
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
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return strings.Join(parts, ".")
}

func escape(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
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
