package suite_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
	"github.com/voice-agentstate/conformance/harness/suite"
)

var fuzzRefusals = []string{"", "out-of-service", "not-logged-in", "invalid-state", "invalid-connid", "invalid-request"}

// FuzzLoadScenario loads arbitrary bytes as a scenario file: it must never panic, and must either
// fail or give a scenario that can be run: a name, steps that each name a known stimulus, a DN and
// a known refusal (with nothing expected of a refused step), read from a file that holds that one
// JSON object and nothing else.
func FuzzLoadScenario(f *testing.F) {
	files, _ := filepath.Glob("../../fixtures/scenarios/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `{"name":"n","steps":[]}`,
		`{"name":"n","steps":[{"do":"dnd-on","dn":"D"}]}`,
		`{"name":"n","steps":[{"do":"dnd-on","dn":""}]}`,
		`{"name":"n","steps":[{"do":"dance","dn":"D"}]}`,
		`{"name":"n","steps":[{"do":"dnd-on","dn":"D","refused":"nope"}]}`,
		`{"name":"n","steps":[{"do":"dnd-on","dn":"D","refused":"invalid-state","expect":["EventDNDOn"]}]}`,
		`{"name":"n","steps":[{"do":"dnd-on","dn":"D","DN":"E"}]}`,
		`{"name":"n","steps":[{"do":"dnd-on","dn":"D"}]} {"name":"typo","steps":[{"do":"x"}]}`,
		`{"name":"n","steps":[{"do":"dnd-on","dn":"D"}]}]`,
		`{"name":"n","steps":[null]}`,
		`{"name":"n","steps":[{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":{"event":"EventAgentLogout","refused":"not-logged-in"}}]}`,
		`{"name":"n","steps":[{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":{"event":"EventAgentLogout","refused":"nope"}}]}`,
		`{"name":"n","steps":[{"do":"logout","agent":"A","dn":"D","expect":["EventAgentLogout"],"if-seen":null}]}`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		testkit.Watchdog(t, 5*time.Second)
		path := filepath.Join(dir, "scenario.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := suite.LoadScenario(path)
		if err != nil {
			return
		}
		if s.Name == "" || len(s.Steps) == 0 || s.File != path {
			t.Fatalf("loaded a scenario without a name or steps: %+v", s)
		}
		for i, st := range s.Steps {
			if !slices.Contains(drive.Stimuli(), st.Do) || st.DN == "" || !slices.Contains(fuzzRefusals, st.Refused) {
				t.Fatalf("step %d loaded but cannot run: %+v", i+1, st)
			}
			if st.Refused != "" && len(st.Expect) > 0 {
				t.Fatalf("step %d is refused yet expects %v", i+1, st.Expect)
			}
			if c := st.IfSeen; c != nil && (c.Event == "" || !slices.Contains(fuzzRefusals, c.Refused) || c.Refused != "" && len(c.Expect) > 0) {
				t.Fatalf("step %d loaded with a condition that cannot run: %+v", i+1, c)
			}
		}
		if !oneJSONValue(b) {
			t.Fatalf("loaded %q, which is not exactly one JSON value: what follows the object is ignored", b)
		}
	})
}

// oneJSONValue says whether b holds one JSON value and nothing after it but white space.
func oneJSONValue(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	var v any
	if dec.Decode(&v) != nil {
		return false
	}
	_, err := dec.Token()
	return errors.Is(err, io.EOF)
}
