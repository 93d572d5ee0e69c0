package fast

import "github.com/voice-agentstate/conformance/harness/attr"

// Strings keeps the attribute values the fast path has read, so that a stream naming the same
// agents and DNs again and again does not copy them for every event. It is a direct-mapped table
// of stringSlots strings, indexed by a hash of the bytes: a value whose slot holds another is
// copied and takes the slot. It is not safe for concurrent use: give each goroutine its own. The
// zero value is ready to use.
type Strings struct {
	tab *[stringSlots]string
}

// stringSlots is the size of a Strings table (a power of two): 16,384 slots of 16 bytes, so a
// quarter of a MiB per goroutine, holding the names of a few thousand agents and DNs.
const stringSlots = 1 << 14

func (c *Strings) get(v []byte) string {
	if c == nil {
		return string(v)
	}
	if c.tab == nil {
		c.tab = new([stringSlots]string)
	}
	h := uint32(2166136261) // FNV-1a
	for _, b := range v {
		h = (h ^ uint32(b)) * 16777619
	}
	slot := &c.tab[h&(stringSlots-1)]
	if *slot != string(v) {
		*slot = string(v)
	}
	return *slot
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
