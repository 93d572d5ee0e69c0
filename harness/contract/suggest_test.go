package contract_test

import (
	"strings"
	"testing"
)

// TestSuggestionsCatchMisspellings: an undeclared attribute a letter or two away from a
// declared one suggests it, not only one that differs in case; one far from every attribute
// suggests none.
func TestSuggestionsCatchMisspellings(t *testing.T) {
	set := builtin(t)
	base := `{"id":"EventAgentLogin","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},`
	for _, c := range []struct{ attr, want string }{
		{"RefrenceID", "(did you mean ReferenceID?)"},
		{"ThisQeue", "(did you mean ThisQueue?)"},
		{"CustomerId", "(did you mean CustomerID?)"},
		{"Colour", ""},
	} {
		res := set.Validate([]byte(base + `"` + c.attr + `":1}`))
		if len(res.Findings) != 1 {
			t.Fatalf("%s: findings %v", c.attr, res.Findings)
		}
		msg := res.Findings[0].Message
		if c.want == "" && strings.Contains(msg, "did you mean") || c.want != "" && !strings.HasSuffix(msg, c.want) {
			t.Errorf("%s: %q, want the suggestion %q", c.attr, msg, c.want)
		}
	}
}
