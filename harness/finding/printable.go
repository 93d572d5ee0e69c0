package finding

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s as it may be printed as one line of a terminal or a CI log: every rune
// that is not printable (newlines, carriage returns, tabs, escape sequences, the Unicode line
// and paragraph separators, bytes that are not UTF-8) is written as its Go escape (\n, \x1b,
// \u2028, \xff), and a line that would start with "::" after its spaces starts with "\x3a:"
// instead. A CI runner reads a line that starts so (GitHub's "::error title=...::") as a
// command; text that comes from a record (ids, keys, values, file names) passes through
// Printable, as part of the whole line it is printed on, before it reaches stdout, stderr or a
// summary, so that no record can write a line, or a command, of its own.
func Printable(s string) string {
	s = escape(s)
	if rest := strings.TrimLeft(s, " "); strings.HasPrefix(rest, "::") {
		s = s[:len(s)-len(rest)] + `\x3a` + rest[1:]
	}
	return s
}

// escape writes every rune that is not printable, and every byte that is not UTF-8, as its Go
// escape; s itself, without a copy, when it has none.
func escape(s string) string {
	var b strings.Builder
	started := false // whether b holds s up to i, escaped
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		bad := r == utf8.RuneError && size == 1
		switch {
		case !bad && unicode.IsPrint(r):
			if started {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		case !started:
			started = true
			b.WriteString(s[:i])
		}
		if bad {
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		} else {
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	if !started {
		return s
	}
	return b.String()
}
