package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// Rule IDs of the findings Validate reports besides the schema keywords ("schema.<keyword>").
const (
	RuleDecode           = "decode.json"
	RuleNotObject        = "decode.not-object"
	RuleMissingID        = "event.missing-id"
	RuleUnknownID        = "event.unknown-id"
	RuleNotCovered       = "event.not-covered"
	RuleRequired         = "schema.required"
	RuleUnknownAttribute = "schema.unknown-attribute"
	RuleNumber           = "decode.number"
	RuleSchemaError      = "schema.error"
)

// ValidateV5 decodes one raw message with encoding/json and judges it against its event's schema
// with jsonschema/v5 alone, never the fast path. Every failing location becomes a finding; a
// message that is not JSON, or not an object, yields one decode finding.
func (s *Set) ValidateV5(raw []byte) Result {
	doc, f := decode(raw)
	if f != nil {
		return Result{Findings: []finding.Finding{*f}}
	}
	res := s.ValidateDoc(doc)
	if dups := duplicateKeys(raw); len(dups) > 0 {
		for i := range dups {
			dups[i].Event = res.Event
		}
		res.Findings = append(dups, res.Findings...)
	}
	return res
}

// ValidateDoc judges a message already decoded with json.Decoder.UseNumber.
func (s *Set) ValidateDoc(doc map[string]any) Result {
	res := Result{Doc: doc, Attrs: attr.Of(doc)}
	raw, present := doc["id"]
	id, isString := raw.(string)
	res.Event = id
	switch {
	case !present:
		res.Findings = []finding.Finding{{
			Rule: RuleMissingID, Severity: finding.Violation, Pointer: "/id",
			Expected: "an id naming the event", Found: "no id",
			Message: "message has no id attribute; every event names itself in id, e.g. \"id\": \"EventAgentLogin\"",
		}}
	case !isString:
		res.Findings = []finding.Finding{{
			Rule: RuleUnknownID, Severity: finding.Violation, Pointer: "/id",
			Expected: "a string naming the event", Found: render(raw),
			Message: fmt.Sprintf("id is %s, not a string naming the event", render(raw)),
		}}
	case slices.Contains(Uncovered, id):
		res.Findings = []finding.Finding{{
			Rule: RuleNotCovered, Severity: finding.Warning, Event: id, Pointer: "/id",
			Message: id + " is documented on voice-agentstate but not covered by this contract (no published attribute table); it is counted, not checked",
		}}
	case s.events[id] == nil:
		res.Findings = []finding.Finding{{
			Rule: RuleUnknownID, Severity: finding.Violation, Event: id, Pointer: "/id",
			Expected: "one of the 21 events documented on voice-agentstate", Found: render(raw),
			Message: fmt.Sprintf("%s is not an event of voice-agentstate; the contract covers %s", render(raw), strings.Join(Events, ", ")),
		}}
	default:
		res.Findings = s.judge(id, doc)
	}
	return res
}

// judge validates a routed message.
func (s *Set) judge(id string, doc map[string]any) []finding.Finding {
	return s.judgeWith(s.events[id], id, doc)
}

// judgeWith validates doc, decoded with json.Decoder.UseNumber, against sch on behalf of the
// event id. Numbers that math/big cannot read would crash the validator, so they are reported
// first, and a panic inside the validator becomes a violation: a message the validator cannot
// judge never passes.
func (s *Set) judgeWith(sch *jsonschema.Schema, id string, doc any) (out []finding.Finding) {
	if bad := unreadableNumbers(doc, ""); len(bad) > 0 {
		for i := range bad {
			bad[i].Event = id
			bad[i].Message = id + ": " + bad[i].Message
		}
		return bad
	}
	defer func() {
		if r := recover(); r != nil {
			out = []finding.Finding{{
				Rule: RuleSchemaError, Severity: finding.Violation, Event: id,
				Message: fmt.Sprintf("%s: the validator could not judge the message (%v); it counts as a violation", id, r),
			}}
		}
	}()
	if err := sch.Validate(doc); err != nil {
		return s.explainAll(id, doc, err)
	}
	return nil
}

// unreadableNumbers finds numbers no consumer can use and that would make the validator crash or
// crawl: math/big cannot parse 1e1000001, and spends a tenth of a second on 1e999999. A number
// longer than 64 characters or with an exponent beyond ±400 (past float64's range) is reported
// without being parsed.
func unreadableNumbers(v any, ptr string) []finding.Finding {
	switch v := v.(type) {
	case json.Number:
		if ordinaryNumber(string(v)) {
			return nil
		}
		return []finding.Finding{{
			Rule: RuleNumber, Severity: finding.Violation, Pointer: ptr,
			Expected: "a number of ordinary size", Found: render(v),
			Message: fmt.Sprintf("attribute %s: number %s is too large to read; no consumer can use it", attrName(ptr), render(v)),
		}}
	case map[string]any:
		var out []finding.Finding
		for k, e := range v {
			out = append(out, unreadableNumbers(e, ptr+"/"+escape(k))...)
		}
		return out
	case []any:
		var out []finding.Finding
		for i, e := range v {
			out = append(out, unreadableNumbers(e, ptr+"/"+strconv.Itoa(i))...)
		}
		return out
	}
	return nil
}

func decode(raw []byte) (map[string]any, *finding.Finding) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &finding.Finding{
			Rule: RuleDecode, Severity: finding.Violation, Expected: "one JSON object", Found: "an empty message",
			Message: "message is empty (a value of zero bytes, which is not a tombstone); each record must hold exactly one JSON object",
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, extra := dec.Token(); !errors.Is(extra, io.EOF) {
			err = fmt.Errorf("unexpected data after the JSON value at byte %d", dec.InputOffset())
		}
	}
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			err = fmt.Errorf("%w (at byte %d)", err, se.Offset)
		}
		return nil, &finding.Finding{
			Rule: RuleDecode, Severity: finding.Violation, Expected: "one JSON object", Found: "malformed JSON",
			Message: "message is not valid JSON: " + err.Error() + "; each line must hold exactly one JSON object",
		}
	}
	doc, ok := v.(map[string]any)
	if !ok {
		kind := JSONType(v)
		return nil, &finding.Finding{
			Rule: RuleNotObject, Severity: finding.Violation, Expected: "a JSON object", Found: "a JSON " + kind,
			Message: "message is a JSON " + kind + ", not an object; each event is a JSON object with an id",
		}
	}
	return doc, nil
}

// explainAll turns every leaf of a validation error into findings, sorted by pointer and rule so
// that output is stable from run to run.
func (s *Set) explainAll(event string, doc any, err error) []finding.Finding {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []finding.Finding{{
			Rule: RuleSchemaError, Severity: finding.Violation, Event: event,
			Message: event + ": the validator could not judge the message: " + err.Error(),
		}}
	}
	var out []finding.Finding
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, s.explain(event, doc, e)...)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pointer != out[j].Pointer {
			return out[i].Pointer < out[j].Pointer
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

func ordinaryNumber(n string) bool {
	if len(n) > 64 {
		return false
	}
	i := strings.IndexAny(n, "eE")
	if i < 0 {
		return true
	}
	exp, err := strconv.Atoi(strings.TrimPrefix(n[i+1:], "+"))
	return err == nil && exp >= -400 && exp <= 400
}
