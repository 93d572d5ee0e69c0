package drive

import (
	"strings"
	"unicode"
)

// ParseCommand splits a command line into words as a POSIX shell would, but with no expansion:
// words part at unquoted white space; single quotes keep everything literally; double quotes keep
// everything but \" and \\; a backslash outside quotes keeps the next character. It is how
// AGENTSTATE_SUT_COMMAND is read.
func ParseCommand(line string) ([]string, error) {
	var (
		words           []string
		word            strings.Builder
		inWord, escaped bool
		quote           rune
	)
	for _, r := range line {
		switch {
		case escaped:
			if quote == '"' && r != '"' && r != '\\' {
				word.WriteRune('\\')
			}
			word.WriteRune(r)
			escaped = false
		case quote == '\'' && r != '\'', quote == '"' && r != '"' && r != '\\':
			word.WriteRune(r)
		case r == '\\':
			escaped, inWord = true, true
		case quote != 0:
			quote = 0
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case unicode.IsSpace(r):
			if inWord {
				words, inWord = append(words, word.String()), false
				word.Reset()
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if escaped || quote != 0 {
		return nil, &UsageError{Setting: "command line", Found: line, Expected: "balanced quotes and no trailing backslash"}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}
