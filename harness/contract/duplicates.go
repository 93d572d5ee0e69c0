package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// RuleDuplicateKey is the finding of an object with the same member twice. RFC 8259 leaves such
// an object's meaning undefined and I-JSON forbids it: encoding/json keeps the last value, other
// consumers the first, so {"id":"EventAgentReady",...,"id":"EventDNDOn"} is a different event to
// each. It is a violation, and the message is otherwise judged as decoded (last value wins).
const RuleDuplicateKey = "decode.duplicate-key"

// maxDuplicates bounds the findings of one message.
const maxDuplicates = 10

// duplicateKeys walks the tokens of a message that decoded, and reports each member that appears
// again in the same object.
func duplicateKeys(raw []byte) []finding.Finding {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out []finding.Finding
	var walk func(ptr string) error
	walk = func(ptr string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if seen[k] && len(out) < maxDuplicates {
					out = append(out, duplicate(ptr, k))
				}
				seen[k] = true
				if err := walk(ptr + "/" + escape(k)); err != nil {
					return err
				}
			}
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(ptr + "/" + strconv.Itoa(i)); err != nil {
					return err
				}
			}
		default:
			return nil
		}
		_, err = dec.Token()
		return err
	}
	_ = walk("")
	return out
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
