package contract_test

import (
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

// TestAFastPathThatLiesIsCaught replaces the fast path with one that accepts everything, as a bug
// in it would: the cross-check must catch every record it samples, by record index, report the
// disagreement as a violation, and let v5's findings and reading stand.
func TestAFastPathThatLiesIsCaught(t *testing.T) {
	lines := []string{
		`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0}}`,  // valid
		`{"id":"EventDNDOn","ThisDN":"5001","Server":-1,"time":{"seconds":1764035100,"useconds":0}}`, // Server < 0
		`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035102,"useconds":0}}`,  // valid, misread below
	}
	lie := func([]byte) (string, attr.Values, bool) {
		return "EventDNDOn", attr.Values{ThisDN: attr.Text{Value: "9999"}}, true
	}
	want := map[int]string{
		1: "1:harness.fast-path 2:schema.minimum 2:harness.fast-path 3:harness.fast-path",
		2: "1:harness.fast-path 3:harness.fast-path",
	}
	for every, w := range want {
		c := testkit.Builtin(t).Checker(contract.CheckOptions{CrossCheck: every}).WithFastPath(lie)
		var got []string
		for i, l := range lines {
			res := c.Check([]byte(l), uint64(i+1))
			for _, f := range res.Findings {
				got = append(got, string(rune('1'+i))+":"+f.Rule)
			}
			sampled := strings.Contains(w, string(rune('1'+i))+":harness.fast-path")
			if res.CrossChecked != sampled || res.Disagreed != sampled || res.Fast == sampled {
				t.Errorf("cross-check every %d, record %d: %+v", every, i+1, res)
			}
			if sampled && res.Attrs.ThisDN.Value != "5001" {
				t.Errorf("cross-check every %d, record %d: v5's reading does not stand: %+v", every, i+1, res.Attrs)
			}
			if sampled && !strings.Contains(res.Findings[len(res.Findings)-1].Message, "bug in the harness") {
				t.Errorf("the finding does not say what it means: %s", res.Findings[len(res.Findings)-1].Message)
			}
		}
		if g := strings.Join(got, " "); g != w {
			t.Errorf("cross-check every %d: findings %s, want %s", every, g, w)
		}
	}
}

// TestOneMessageIsAlwaysCrossChecked: Set.Check and Set.Validate judge a message alone, as the
// first record of a stream, so a fast verdict they give has always been judged again by v5.
func TestOneMessageIsAlwaysCrossChecked(t *testing.T) {
	raw := []byte(`{"id":"EventDNDOn","ThisDN":"5001","Server":1,"time":{"seconds":1764035100,"useconds":0}}`)
	set := testkit.Builtin(t)
	for name, res := range map[string]contract.Result{"Check": set.Check(raw), "Validate": set.Validate(raw)} {
		if !res.Fast || !res.CrossChecked || res.Disagreed || len(res.Findings) != 0 {
			t.Errorf("%s = %+v, want a fast verdict v5 judged again and agreed with", name, res)
		}
	}
}
