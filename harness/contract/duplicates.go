package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/voice-agentstate/conformance/harness/contract/internal/fast"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// RuleDuplicateKey is the finding of an object with the same member twice. RFC 8259 leaves such
// an object's meaning undefined and I-JSON forbids it: encoding/json keeps the last value, other
// consumers the first, so {"id":"EventAgentReady",...,"id":"EventDNDOn"} is a different event to
// each. It is a violation, and the message is otherwise judged as decoded (last value wins).
const RuleDuplicateKey = "decode.duplicate-key"

// maxDuplicates bounds the findings of one message.
const maxDuplicates = 10

// duplicateKeys reports each member that appears again in the same object of a message that
// decoded (so it is valid JSON). It scans the bytes once: a string followed by ':' is a member
// name; names are compared as written, and unescaped only when they hold a backslash, so that
// "id" and "\u0069d" are the same member.
func duplicateKeys(raw []byte) []finding.Finding {
	var out []finding.Finding
	var stack []frame
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			end := fast.StringEnd(raw, i)
			if end < 0 {
				end = len(raw) - 1
			}
			if n := len(stack); n > 0 && !stack[n-1].array && followedByColon(raw, end+1) {
				top := &stack[n-1]
				name := memberName(raw[i : end+1])
				if top.has(name) && len(out) < maxDuplicates {
					out = append(out, duplicate(top.ptr, string(name)))
				}
				top.names, top.last = append(top.names, name), name
			}
			i = end
		case '{', '[':
			stack = append(stack, frame{ptr: childPointer(stack), array: raw[i] == '['})
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if n := len(stack); n > 0 && stack[n-1].array {
				stack[n-1].index++
			}
		}
	}
	return out
}

// frame is an object or array being scanned.
type frame struct {
	ptr   string
	array bool
	index int      // arrays: the element being scanned
	names [][]byte // objects: the member names seen
	last  []byte   // objects: the member whose value is being scanned
}

func (f *frame) has(name []byte) bool {
	for _, seen := range f.names {
		if bytes.Equal(seen, name) {
			return true
		}
	}
	return false
}

// childPointer is the JSON pointer of a value opening inside the innermost frame.
func childPointer(stack []frame) string {
	if len(stack) == 0 {
		return ""
	}
	top := stack[len(stack)-1]
	if top.array {
		return top.ptr + "/" + strconv.Itoa(top.index)
	}
	return top.ptr + "/" + escape(string(top.last))
}

func followedByColon(raw []byte, j int) bool {
	j = fast.SkipSpace(raw, j)
	return j < len(raw) && raw[j] == ':'
}

// memberName is a member's name as encoding/json reads it: unescaped, and with each byte that is
// not UTF-8 read as U+FFFD, so that the scanner and the decoder name the same member alike.
func memberName(quoted []byte) []byte {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return inner
	}
	return []byte(s)
}

func duplicate(ptr, key string) finding.Finding {
	where := "the message"
	if ptr != "" {
		where = "attribute " + attrName(ptr)
	}
	return finding.Finding{
		Rule: RuleDuplicateKey, Severity: finding.Violation, Pointer: ptr + "/" + escape(key),
		Expected: "each member once per object", Found: fmt.Sprintf("%q twice", key),
		Message: fmt.Sprintf("%s has member %s more than once; consumers disagree on which value counts (this harness judged the last)", where, strconv.Quote(key)),
	}
}
