package contract_test

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

// specTable is fixtures/spec/attributes.json: the spec's mandatory/optional tables transcribed
// verbatim, and the project's deviations from them, each with its reason.
type specTable struct {
	Events map[string]struct {
		Mandatory []string `json:"mandatory"`
		Optional  []string `json:"optional"`
	} `json:"events"`
	Deviations []struct {
		Kind      string   `json:"kind"`
		Events    []string `json:"events"`
		Attribute string   `json:"attribute"`
		JSON      string   `json:"json"`
		Reason    string   `json:"reason"`
	} `json:"deviations"`
}

type attrs struct{ mandatory, optional []string }

func loadSpecTable(t testing.TB) specTable {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS, fixtures.Attributes)
	if err != nil {
		t.Fatal(err)
	}
	var st specTable
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// jsonAttributes applies the deviations to an event's transcribed table.
func (st specTable) jsonAttributes(event string) attrs {
	row := st.Events[event]
	a := attrs{append([]string(nil), row.Mandatory...), append([]string(nil), row.Optional...)}
	for _, d := range st.Deviations {
		if !slices.Contains(d.Events, event) {
			continue
		}
		switch d.Kind {
		case "rename":
			for _, list := range [][]string{a.mandatory, a.optional} {
				if i := slices.Index(list, d.Attribute); i >= 0 {
					list[i] = d.JSON
				}
			}
		case "add-optional":
			a.optional = append(a.optional, d.Attribute)
		}
	}
	sort.Strings(a.mandatory)
	sort.Strings(a.optional)
	return a
}

// TestSchemasAgreeWithSpecTable proves both ways that each mandatory attribute of the spec is
// required, each optional one is declared and not required, and nothing else is required or
// declared.
func TestSchemasAgreeWithSpecTable(t *testing.T) {
	set := testkit.Builtin(t)
	st := loadSpecTable(t)
	if len(st.Events) != len(contract.Events) {
		t.Fatalf("spec table has %d events, want %d", len(st.Events), len(contract.Events))
	}
	for _, event := range contract.Events {
		a := st.jsonAttributes(event)
		if req := set.Required(event); !slices.Equal(req, a.mandatory) {
			t.Errorf("%s: schema requires %v, spec makes mandatory %v", event, req, a.mandatory)
		}
		declared := set.Attributes(event)
		wantDeclared := slices.Sorted(slices.Values(append(append([]string(nil), a.mandatory...), a.optional...)))
		if !slices.Equal(declared, wantDeclared) {
			t.Errorf("%s: schema declares %v, spec lists %v", event, declared, wantDeclared)
		}
	}
	for _, d := range st.Deviations {
		if d.Reason == "" {
			t.Errorf("deviation %s %s on %v has no reason", d.Kind, d.Attribute, d.Events)
		}
	}
}

// TestOptionalAttributesAreAcceptedAlone proves each optional attribute is accepted on top of
// the mandatory ones, one at a time, with the value the full fixture gives it.
func TestOptionalAttributesAreAcceptedAlone(t *testing.T) {
	set := testkit.Builtin(t)
	st := loadSpecTable(t)
	for _, fx := range loadEventFixtures(t) {
		var minimal, full map[string]any
		if json.Unmarshal(fx.Minimal, &minimal) != nil || json.Unmarshal(fx.Full, &full) != nil {
			t.Fatal("bad fixture", fx.Event)
		}
		for _, attr := range st.jsonAttributes(fx.Event).optional {
			msg := map[string]any{attr: full[attr]}
			for k, v := range minimal {
				msg[k] = v
			}
			b, _ := json.Marshal(msg)
			if res := set.Validate(b); len(res.Findings) > 0 {
				t.Errorf("%s with optional %s: %v", fx.Event, attr, res.Findings)
			}
		}
	}
}

var specRow = regexp.MustCompile(`^(.+?) \((mandatory|optional)\) `)

// TestSpecTableTranscription checks fixtures/spec/attributes.json against the spec's own text,
// which lives beside the repository in ../shared/spec (as in CI and on developers' machines).
func TestSpecTableTranscription(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "spec", "agent-state-and-dn-events.txt")
	f, err := os.Open(path)
	if os.IsNotExist(err) && os.Getenv("CI") == "true" {
		t.Fatalf("spec text not found at %s; CI runs with ../shared beside the repository", path)
	}
	if os.IsNotExist(err) {
		t.Skipf("spec text not found at %s: the transcription is checked only where ../shared sits beside the repository", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parsed := map[string]*attrs{}
	var cur *attrs
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if slices.Contains(contract.Events, line) {
			cur = &attrs{}
			parsed[line] = cur
			continue
		}
		if m := specRow.FindStringSubmatch(line); m != nil && cur != nil {
			if m[2] == "mandatory" {
				cur.mandatory = append(cur.mandatory, m[1])
			} else {
				cur.optional = append(cur.optional, m[1])
			}
		}
	}
	st := loadSpecTable(t)
	for _, event := range contract.Events {
		p, row := parsed[event], st.Events[event]
		if p == nil {
			t.Errorf("%s: not found in the spec text", event)
			continue
		}
		if !slices.Equal(p.mandatory, row.Mandatory) || !slices.Equal(p.optional, row.Optional) {
			t.Errorf("%s: spec text has mandatory %v optional %v; transcription has %v / %v", event, p.mandatory, p.optional, row.Mandatory, row.Optional)
		}
	}
}
