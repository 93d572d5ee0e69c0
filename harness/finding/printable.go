package finding

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s as it may be printed on one line of a terminal or a CI log: every rune
// that is not printable (newlines, carriage returns, tabs, escape sequences, the Unicode line
// and paragraph separators, bytes that are not UTF-8) is written as its Go escape (\n, \x1b,
// \u2028, \xff). Text that comes from a record (ids, keys, values, file names) passes through
// it before it reaches stdout, stderr or a summary, so that no record can start a line of its
// own: a CI runner reads a line such as "::error title=...::" as a command.
func Printable(s string) string {
	if printable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

func printable(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !unicode.IsPrint(r) {
			return false
		}
		i += size
	}
	return true
}
