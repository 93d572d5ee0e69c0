package fast

import "github.com/voice-agentstate/conformance/harness/attr"

// Strings keeps the attribute values the fast path has read, so that a stream naming the same
// agents and DNs again and again does not copy them for every event. It holds at most
// maxStrings values, and starts again when full. It is not safe for concurrent use: give each
// goroutine its own. The zero value is ready to use.
type Strings struct {
	m map[string]string
}

const maxStrings = 1 << 16

func (c *Strings) get(v []byte) string {
	if c == nil {
		return string(v)
	}
	if s, ok := c.m[string(v)]; ok {
		return s
	}
	if c.m == nil || len(c.m) >= maxStrings {
		c.m = make(map[string]string, 1024)
	}
	s := string(v)
	c.m[s] = s
	return s
}

// captures are the bounds of the top-level values the sequence rules read (package attr names
// them by slot), and where their strings are kept.
type captures struct {
	strs  *Strings
	spans [attr.NSlots][2]int
	found [attr.NSlots]bool
}

// note records a top-level value in capture slot k (nothing when k is -1).
func (c *captures) note(k int, start, end int) {
	if k >= 0 {
		c.spans[k], c.found[k] = [2]int{start, end}, true
	}
}

// values reads what attr.Of reads, from a message the scan accepted.
func (c *captures) values(b []byte) attr.Values {
	var a attr.Values
	a.ThisDN = c.text(b, attr.SlotThisDN)
	a.AgentID = c.text(b, attr.SlotAgentID)
	a.CustomerID = c.text(b, attr.SlotCustomerID)
	a.AgentWorkMode = c.text(b, attr.SlotAgentWorkMode)
	a.ThisDNRole = c.text(b, attr.SlotThisDNRole)
	a.ConnID = c.text(b, attr.SlotConnID)
	ref := c.spans[attr.SlotReferenceID]
	a.ReferenceID = c.found[attr.SlotReferenceID] && string(b[ref[0]:ref[1]]) != "null"
	if c.found[attr.SlotTime] {
		t := c.spans[attr.SlotTime]
		a.Time, a.Timed = stampOf(b[t[0]:t[1]])
	}
	return a
}

func (c *captures) text(b []byte, k int) attr.Text {
	if !c.found[k] {
		return attr.Text{}
	}
	v := b[c.spans[k][0]:c.spans[k][1]]
	if len(v) < 3 || v[0] != '"' {
		return attr.Text{Bad: true}
	}
	return attr.Text{Value: c.strs.get(v[1 : len(v)-1])}
}

// stampOf reads the seconds and useconds of an accepted time value, as attr.Of does.
func stampOf(v []byte) (int64, bool) {
	if len(v) == 0 || v[0] != '{' {
		return 0, false
	}
	var sec, usec int64
	var hasSec, hasUsec bool
	i := SkipSpace(v, 1)
	for i < len(v) && v[i] == '"' {
		start, end, _ := scanString(v, i)
		i = SkipSpace(v, end+1)
		i = SkipSpace(v, i+1) // the colon
		num, next, isInt := intLiteral(v, i)
		switch string(v[start:end]) {
		case "seconds":
			sec, hasSec = num, isInt
		case "useconds":
			usec, hasUsec = num, isInt
		}
		if i = next; !isInt {
			i, _ = skipValue(v, i)
		}
		i = SkipSpace(v, i)
		if i < len(v) && v[i] == ',' {
			i = SkipSpace(v, i+1)
		}
	}
	if !hasSec || !hasUsec {
		return 0, false
	}
	return attr.Stamp(sec, usec)
}
