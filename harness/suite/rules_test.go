package suite_test

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/diff"
	"github.com/voice-agentstate/conformance/harness/matchers"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/schemadiff"
	"github.com/voice-agentstate/conformance/harness/suite"
	"github.com/voice-agentstate/conformance/harness/sut"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// everyRule is the union of the rules every package exports: a finding of any run names one of
// them (schema.<keyword> standing for each keyword's).
func everyRule() map[string]bool {
	out := map[string]bool{}
	for _, list := range [][]string{contract.Rules(), record.Rules(), verify.Rules(), report.Rules(), consume.Rules(), suite.Rules(), matchers.Rules()} {
		for _, id := range list {
			out[id] = true
		}
	}
	for _, r := range check.Rules() {
		out[r.ID] = true
	}
	for id := range diff.Rules() {
		out[id] = true
	}
	return out
}

// keywordRule is how a rule of the schema.<keyword> family is spelled.
var keywordRule = regexp.MustCompile(`^schema\.[a-z][a-z0-9-]*$`)

// known says whether id is one of the rules: itself, or an instance of schema.<keyword>.
func known(rules map[string]bool, id string) bool {
	return rules[id] || (rules[contract.RuleKeyword] && keywordRule.MatchString(id))
}

// readmeTable returns the first cells of the body rows of every table in the README whose
// header's first cell is header, each split into its backticked words.
func readmeTable(t *testing.T, header string) [][]string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	tick := regexp.MustCompile("`([^`]+)`")
	var rows [][]string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		switch {
		case !strings.HasPrefix(line, "|") || len(cells) < 3:
			in = false
		case strings.TrimSpace(cells[1]) == header:
			in = true
		case in && !strings.HasPrefix(strings.TrimSpace(cells[1]), "---"):
			var words []string
			for _, m := range tick.FindAllStringSubmatch(cells[1], -1) {
				words = append(words, m[1])
			}
			rows = append(rows, words)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("the README has no table headed %q", header)
	}
	return rows
}

// TestEveryRuleIsInTheREADMEAndEveryRuleThereExists holds the union of the rules the packages
// export to the README's rule tables, both ways, and every fault of the reference producer to a
// rule that exists: a rule added without its line in the README, a line left after its rule
// went, or a fault caught by a rule nobody declares, fails here.
func TestEveryRuleIsInTheREADMEAndEveryRuleThereExists(t *testing.T) {
	rules := everyRule()
	documented := map[string]bool{}
	for _, row := range readmeTable(t, "rule") {
		for _, id := range row {
			documented[id] = true
			if !known(rules, id) {
				t.Errorf("the README documents %s, which no package declares", id)
			}
		}
	}
	var missing []string
	for id := range rules {
		if !documented[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	for _, id := range missing {
		t.Errorf("rule %s is declared but has no line in the README's rule tables", id)
	}
	for _, f := range sut.Faults() {
		if f.Rule != "" && !known(rules, f.Rule) {
			t.Errorf("fault %s is caught by %s, which no package declares", f.Name, f.Rule)
		}
	}
}

// TestEveryFaultIsInTheREADMEsMatrix holds the reference producer's faults to the README's
// fault table, both ways, and each row to the rule its fault is caught by.
func TestEveryFaultIsInTheREADMEsMatrix(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) > 3 && strings.HasPrefix(line, "| `") {
			rows[strings.Trim(strings.TrimSpace(cells[1]), "`")] = line
		}
	}
	var names []string
	for _, f := range sut.Faults() {
		names = append(names, f.Name)
		row, ok := rows[f.Name]
		switch {
		case !ok:
			t.Errorf("fault %s has no row in the README's fault table", f.Name)
		case f.Rule != "" && !strings.Contains(row, "`"+f.Rule+"`"):
			t.Errorf("the README's row of fault %s does not name its rule %s:\n%s", f.Name, f.Rule, row)
		}
	}
	for _, row := range readmeTable(t, "fault") {
		if len(row) > 0 && !slices.Contains(names, row[0]) {
			t.Errorf("the README's fault table lists %s, which is no fault of the reference producer", row[0])
		}
	}
}

// TestEveryIncompatibilityKindIsInTheREADME holds schemas diff's kinds of incompatibility to
// the README's table of them, both ways.
func TestEveryIncompatibilityKindIsInTheREADME(t *testing.T) {
	var documented []string
	for _, row := range readmeTable(t, "incompatibility") {
		documented = append(documented, row...)
	}
	kinds := schemadiff.Kinds()
	for _, k := range kinds {
		if !slices.Contains(documented, k) {
			t.Errorf("kind %q has no line in the README's table of incompatibilities", k)
		}
	}
	for _, k := range documented {
		if !slices.Contains(kinds, k) {
			t.Errorf("the README lists the incompatibility %q, which schemas diff does not find", k)
		}
	}
}

// readmeRows returns the body rows of the README's table whose header's first cell is header,
// each as its trimmed cells.
func readmeRows(t *testing.T, header string) [][]string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|"), "|")
		switch {
		case !strings.HasPrefix(line, "|"):
			in = false
		case strings.TrimSpace(cells[0]) == header:
			in = true
		case in && !strings.HasPrefix(strings.TrimSpace(cells[0]), "---"):
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			rows = append(rows, cells)
		}
	}
	return rows
}

// TestTheREADMEsSequenceTableSaysWhatTheCatalogueSays holds the README's table of sequence rules
// to check's catalogue, the one source of each rule's text: every rule of the catalogue has a row
// there with the catalogue's severity and, backticks aside, the catalogue's Summary.
func TestTheREADMEsSequenceTableSaysWhatTheCatalogueSays(t *testing.T) {
	var rows [][]string
	for _, row := range readmeRows(t, "rule") {
		if len(row) == 3 && row[1] != "" && strings.Contains("violation warning", row[1]) {
			rows = append(rows, row)
		}
	}
	catalogue := check.Rules()
	byID := map[string][]string{}
	for _, row := range rows {
		byID[strings.Trim(row[0], "`")] = row
	}
	for _, r := range catalogue {
		row, ok := byID[r.ID]
		switch {
		case !ok:
			t.Errorf("rule %s of the catalogue has no row in the README's table of sequence rules", r.ID)
		case row[1] != r.Severity.String():
			t.Errorf("the README gives %s the severity %q, the catalogue %q", r.ID, row[1], r.Severity)
		case strings.ReplaceAll(row[2], "`", "") != r.Summary:
			t.Errorf("the README says of %s:\n  %s\nthe catalogue (harness/check/rules.go) says:\n  %s\nmake the README's cell the catalogue's Summary", r.ID, row[2], r.Summary)
		}
	}
}
