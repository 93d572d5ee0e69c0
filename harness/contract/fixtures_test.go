package contract_test

import (
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

// eventFixture is one file of fixtures/events: valid messages and invalid ones with the exact
// findings each must raise.
type eventFixture = fixtures.Event

type want = fixtures.Want

func loadEventFixtures(t testing.TB) []eventFixture {
	t.Helper()
	out, err := fixtures.LoadEvents()
	if err != nil || len(out) != len(contract.Events) {
		t.Fatalf("fixtures/events: want one file per event (%d), found %d (%v)", len(contract.Events), len(out), err)
	}
	return out
}

func got(fs []finding.Finding) []want {
	out := make([]want, 0, len(fs))
	for _, f := range fs {
		out = append(out, want{Rule: f.Rule, Pointer: f.Pointer, Severity: f.Severity.String()})
	}
	sortWants(out)
	return out
}

func sortWants(w []want) {
	sort.Slice(w, func(i, j int) bool {
		if w[i].Pointer != w[j].Pointer {
			return w[i].Pointer < w[j].Pointer
		}
		return w[i].Rule < w[j].Rule
	})
}

func TestValidFixturesRaiseNothing(t *testing.T) {
	set := testkit.Builtin(t)
	for _, fx := range loadEventFixtures(t) {
		for name, msg := range map[string]json.RawMessage{"minimal": fx.Minimal, "full": fx.Full} {
			res := set.Validate(msg)
			if res.Event != fx.Event || !res.Decoded() || len(res.Findings) > 0 {
				t.Errorf("%s %s: want a clean %s, got event %q findings %v", fx.Event, name, fx.Event, res.Event, res.Findings)
			}
		}
	}
}

func TestInvalidFixturesRaiseExactlyTheirFindings(t *testing.T) {
	set := testkit.Builtin(t)
	n := 0
	for _, fx := range loadEventFixtures(t) {
		for _, c := range fx.Invalid {
			n++
			res := set.Validate(c.Message)
			wantList := append([]want(nil), c.Want...)
			sortWants(wantList)
			if g := got(res.Findings); !slices.Equal(g, wantList) {
				t.Errorf("%s / %s:\n got  %v\n want %v\n messages: %v", fx.Event, c.Name, g, wantList, res.Findings)
			}
			for _, f := range res.Findings {
				if f.Event != fx.Event || f.Message == "" {
					t.Errorf("%s / %s: finding lacks event or message: %+v", fx.Event, c.Name, f)
				}
			}
		}
	}
	if n < 14*10 {
		t.Fatalf("only %d invalid cases ran; the fixtures should hold at least 10 per event", n)
	}
}

// TestFullFixturesUseEveryDeclaredAttribute keeps the full fixtures honest: each one must carry
// every attribute its schema declares, so that every optional attribute is proven accepted.
func TestFullFixturesUseEveryDeclaredAttribute(t *testing.T) {
	set := testkit.Builtin(t)
	for _, fx := range loadEventFixtures(t) {
		var doc map[string]any
		if err := json.Unmarshal(fx.Full, &doc); err != nil {
			t.Fatal(err)
		}
		for _, attr := range set.Attributes(fx.Event) {
			if _, ok := doc[attr]; !ok {
				t.Errorf("%s: full fixture lacks declared attribute %s", fx.Event, attr)
			}
		}
	}
}

// TestEveryMandatoryAttributeHasAMissingCase checks the fixtures against the spec table, so a
// mandatory attribute cannot be left without a case proving its absence is caught.
func TestEveryMandatoryAttributeHasAMissingCase(t *testing.T) {
	table := loadSpecTable(t)
	for _, fx := range loadEventFixtures(t) {
		for _, attr := range table.jsonAttributes(fx.Event).mandatory {
			if attr == "id" {
				continue
			}
			found := slices.ContainsFunc(fx.Invalid, func(c fixtures.Invalid) bool {
				return len(c.Want) == 1 && c.Want[0] == want{Rule: contract.RuleRequired, Pointer: "/" + attr, Severity: finding.Violation.String()}
			})
			if !found {
				t.Errorf("%s: no fixture case has only the mandatory attribute %s missing", fx.Event, attr)
			}
		}
	}
}
