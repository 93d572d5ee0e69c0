package fast

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// The scanner of the fast path reads the raw bytes once against the compiled nodes, without
// building a document. It accepts a strict subset of JSON, and anything outside it is a "don't
// know" that sends the message to v5: strings with escapes or control characters or invalid
// UTF-8, numbers with a fraction, an exponent or more than 18 digits, duplicate or escaped member
// names, nesting deeper than maxDepth, more than maxExtra members outside an object's
// properties.

const (
	maxDepth = 32
	maxExtra = 16
)

// objectScan is what judging one object needs to remember: which of the schema's names were
// seen, and the members outside them.
type objectScan struct {
	seen   uint64
	extra  [maxExtra][]byte
	nextra int
}

// member returns the schema a member's value must match (nil: any value), and the member's index
// among n's names or -1; ok is false when the member makes the object one the fast path leaves
// to v5 (a duplicate, a member n forbids, too many free members).
func (o *objectScan) member(n *fastNode, name []byte) (child *fastNode, known int, ok bool) {
	child, known = n.member(name)
	switch {
	case known >= 0:
		if o.seen&(1<<known) != 0 {
			return nil, known, false
		}
		o.seen |= 1 << known
	case n != nil && n.addl == addlNone:
		return nil, known, false
	case o.nextra == maxExtra || hasName(o.extra[:o.nextra], name):
		return nil, known, false
	default:
		o.extra[o.nextra] = name
		o.nextra++
	}
	if child == nil && n != nil && (known < 0 || known >= n.nprops) {
		child, ok = n.additional()
		return child, known, ok
	}
	return child, known, true
}

// complete says whether the object held every member n requires.
func (o *objectScan) complete(n *fastNode) bool { return n == nil || o.seen&n.required == n.required }

// SkipSpace returns the index of the first byte at or after i that is not JSON white space.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// value scans the JSON value at b[i] against n (nil: any value) and returns the index after it.
func value(b []byte, i int, n *fastNode, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	if n != nil && n.anything {
		n = nil
	}
	switch c := b[i]; {
	case c == '"':
		return stringValue(b, i, n)
	case c == '{':
		return object(b, i, n, depth+1)
	case c == '[':
		return array(b, i, n, depth+1)
	case c == '-' || c >= '0' && c <= '9':
		return number(b, i, n)
	case c == 't':
		return literal(b, i, "true", n, tBoolean)
	case c == 'f':
		return literal(b, i, "false", n, tBoolean)
	case c == 'n':
		return literal(b, i, "null", n, tNull)
	}
	return i, false
}

// allows says whether n admits a value of JSON type t that is not a string (strings have their
// own checks): the type keyword, and const or enum, which only ever allow strings here.
func (n *fastNode) allows(t uint8) bool {
	if n == nil {
		return true
	}
	return n.strs == nil && (n.types == 0 || n.types&t != 0)
}

func literal(b []byte, i int, word string, n *fastNode, t uint8) (int, bool) {
	if !bytes.HasPrefix(b[i:], []byte(word)) || !n.allows(t) {
		return i, false
	}
	return i + len(word), true
}

// strClass sorts the bytes inside a string: plain, the closing quote, what the fast path leaves
// to v5 (a backslash or a control character), and the bytes of multi-byte UTF-8.
var strClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == '"':
			t[c] = 1
		case c == '\\' || c < 0x20:
			t[c] = 2
		case c >= utf8.RuneSelf:
			t[c] = 3
		}
	}
	return t
}()

// scanString returns the bounds of the contents of the string whose quote is at b[i] and the
// index after its closing quote.
func scanString(b []byte, i int) (start, end int, ok bool) {
	for j := i + 1; j < len(b); j++ {
		if c := strClass[b[j]]; c != 0 {
			if c == 1 {
				return i + 1, j, true
			}
			return scanSpecial(b, i+1)
		}
	}
	return 0, 0, false
}

// scanString's slow path: a string with a backslash, a control character or multi-byte UTF-8.
func scanSpecial(b []byte, start int) (int, int, bool) {
	ascii := true
	for j := start; j < len(b); j++ {
		switch strClass[b[j]] {
		case 1:
			if !ascii && !utf8.Valid(b[start:j]) {
				return 0, 0, false
			}
			return start, j, true
		case 2:
			return 0, 0, false
		case 3:
			ascii = false
		}
	}
	return 0, 0, false
}

func stringValue(b []byte, i int, n *fastNode) (int, bool) {
	start, end, ok := scanString(b, i)
	if !ok {
		return i, false
	}
	if n == nil {
		return end + 1, true
	}
	s := b[start:end]
	if n.types != 0 && n.types&tString == 0 {
		return i, false
	}
	if n.strs != nil && !slices.Contains(n.strs, string(s)) {
		return i, false // a const or enum holds a few strings: comparing beats a map's hashing
	}
	if n.minLen >= 0 || n.maxLen >= 0 {
		l := utf8.RuneCount(s)
		if n.minLen >= 0 && l < n.minLen || n.maxLen >= 0 && l > n.maxLen {
			return i, false
		}
	}
	if n.pattern != nil && !n.pattern.Match(s) {
		return i, false
	}
	return end + 1, true
}

// intLiteral reads an integer literal of at most 18 digits (so that it fits an int64); a fraction
// or an exponent is not one.
func intLiteral(b []byte, i int) (v int64, next int, ok bool) {
	j := i
	neg := j < len(b) && b[j] == '-'
	if neg {
		j++
	}
	digits := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		v = v*10 + int64(b[j]-'0')
		j++
	}
	n := j - digits
	if n == 0 || n > 18 || n > 1 && b[digits] == '0' {
		return 0, i, false
	}
	if j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E') {
		return 0, i, false
	}
	if neg {
		v = -v
	}
	return v, j, true
}

func number(b []byte, i int, n *fastNode) (int, bool) {
	v, next, ok := intLiteral(b, i)
	if !ok || !n.allows(tInteger|tNumber) {
		return i, false
	}
	if n != nil && (n.hasMin && v < n.min || n.hasMax && v > n.max) {
		return i, false
	}
	return next, true
}

func array(b []byte, i int, n *fastNode, depth int) (int, bool) {
	if depth > maxDepth || !n.allows(tArray) {
		return i, false
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok, more bool
		if i, ok = value(b, i, nil, depth); !ok {
			return i, false
		}
		if i, more, ok = next(b, i, ']'); !ok || !more {
			return i, ok
		}
	}
}

// next reads what follows a member or an element: a comma, after which more is to come, or the
// closing bracket.
func next(b []byte, i int, closer byte) (int, bool, bool) {
	i = SkipSpace(b, i)
	if i >= len(b) {
		return i, false, false
	}
	switch b[i] {
	case ',':
		return SkipSpace(b, i+1), true, true
	case closer:
		return i + 1, false, true
	}
	return i, false, false
}

// object scans an object against n.
func object(b []byte, i int, n *fastNode, depth int) (int, bool) {
	if depth > maxDepth || i >= len(b) || b[i] != '{' || !n.allows(tObject) {
		return i, false
	}
	var o objectScan
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, o.complete(n)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, false
		}
		start, end, ok := scanString(b, i)
		if !ok {
			return i, false
		}
		i = SkipSpace(b, end+1)
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		i = SkipSpace(b, i+1)
		child, _, ok := o.member(n, b[start:end])
		if !ok {
			return i, false
		}
		if i, ok = value(b, i, child, depth); !ok {
			return i, false
		}
		var more bool
		if i, more, ok = next(b, i, '}'); !ok || !more {
			return i, ok && o.complete(n)
		}
	}
}

// member returns the schema of a member and its index among n's names, or -1 when n does not
// name it.
func (n *fastNode) member(name []byte) (*fastNode, int) {
	if n == nil {
		return nil, -1
	}
	for _, k := range n.buckets[nameHash(name)] {
		if n.names[k] == string(name) {
			if int(k) < n.nprops {
				return n.props[k], int(k)
			}
			return nil, int(k)
		}
	}
	return nil, -1
}

// additional returns the schema of a member outside n's properties; ok is false when there may
// be none.
func (n *fastNode) additional() (*fastNode, bool) {
	switch n.addl {
	case addlNone:
		return nil, false
	case addlSchema:
		return n.addlNode, true
	}
	return nil, true
}

func hasName(names [][]byte, name []byte) bool {
	for _, s := range names {
		if bytes.Equal(s, name) {
			return true
		}
	}
	return false
}

// skipValue returns the index after the value at b[i], matching brackets and strings only: the
// validating scan judges the value later. A scalar ends at the comma or bracket after it.
func skipValue(b []byte, i int) (int, bool) {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			j := StringEnd(b, i)
			if j < 0 {
				return i, false
			}
			if i = j; depth == 0 {
				return i + 1, true
			}
		case '{', '[':
			if depth++; depth > maxDepth {
				return i, false
			}
		case '}', ']':
			if depth == 0 {
				return i, true
			}
			if depth--; depth == 0 {
				return i + 1, true
			}
		case ',':
			if depth == 0 {
				return i, true
			}
		}
	}
	return i, depth == 0
}

// StringEnd returns the index of the quote that closes the string whose opening quote is at
// b[i], stepping over escapes, or -1 when the string is not closed. It does not judge the string;
// scanString does.
func StringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}
