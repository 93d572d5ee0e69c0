package verify

import (
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/record"
)

// TestAFastPathThatLiesIsCaught replaces the fast path with one that accepts everything, as a bug
// in it would: the cross-check must catch every record it samples, report the disagreement as a
// violation, and let v5's findings and reading stand.
func TestAFastPathThatLiesIsCaught(t *testing.T) {
	lines := []string{
		`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0}}`,  // valid
		`{"id":"EventDNDOn","ThisDN":"5001","Server":-1,"time":{"seconds":1764035100,"useconds":0}}`, // Server < 0
		`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035102,"useconds":0}}`,  // valid, misread below
	}
	for _, every := range []int{1, 2} {
		p, err := New(Options{CrossCheck: every})
		if err != nil {
			t.Fatal(err)
		}
		p.fast = func(raw []byte, _ *contract.Strings) contract.Result {
			return contract.Result{Event: "EventDNDOn", Fast: true, Attrs: contract.Attrs{ThisDN: contract.Text{Value: "9999"}}}
		}
		for i, l := range lines {
			p.Judge(record.Record{Place: finding.Place{File: "f", Line: i + 1}, Value: []byte(l)})
		}
		rep := p.Finish()
		var rules []string
		for _, f := range rep.Violations {
			rules = append(rules, f.Rule+"@"+f.Place.String())
		}
		want := map[int]string{
			1: "harness.fast-path@f:1 schema.minimum@f:2 harness.fast-path@f:2 harness.fast-path@f:3",
			2: "harness.fast-path@f:1 harness.fast-path@f:3",
		}[every]
		if got := strings.Join(rules, " "); got != want {
			t.Errorf("cross-check every %d: violations %s, want %s", every, got, want)
		}
		j := rep.Judged
		if n := strings.Count(want, RuleFastPath); j.Disagreements != n || j.CrossChecked != n || j.V5 != n || j.Fast != 3-n {
			t.Errorf("cross-check every %d: accounting %+v", every, *j)
		}
		if !strings.Contains(rep.Violations[0].Message, "bug in the harness") {
			t.Errorf("the finding does not say what it means: %s", rep.Violations[0].Message)
		}
	}
}
