package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/voice-agentstate/conformance/harness/contract"
)

// Scenario is a data-driven case: steps and the events each must produce, in a JSON file under
// fixtures/scenarios/ (the format is documented in fixtures/scenarios/README.md).
type Scenario struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Labels      []string   `json:"labels"`
	Steps       []Stimulus `json:"steps"`
	File        string     `json:"-"`
}

// LoadScenarios reads every *.json file of dir, sorted by name. Unknown fields are an error, so
// that a typo in a scenario is not silently ignored.
func LoadScenarios(dir string) ([]Scenario, error) {
	return LoadScenariosFrom(os.DirFS(dir), ".", dir)
}

// LoadScenariosFrom reads every *.json file of dir in fsys (the embedded fixtures, or a
// directory), sorted by name; place names that directory in errors and in each Scenario.File.
func LoadScenariosFrom(fsys fs.FS, dir, place string) ([]Scenario, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Scenario
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("load scenario: %w", err)
		}
		s, err := parseScenario(b, filepath.Join(place, path.Base(f)))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("load scenarios: no *.json file in %s", place)
	}
	return out, nil
}

// LoadScenario reads one scenario file and checks it can be run.
func LoadScenario(path string) (Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, fmt.Errorf("load scenario: %w", err)
	}
	return parseScenario(b, path)
}

// parseScenario decodes the scenario file at path, whose bytes are b, and checks it can be run.
func parseScenario(b []byte, path string) (Scenario, error) {
	var s Scenario
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("load scenario %s: %w", path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return s, fmt.Errorf("load scenario %s: data after the scenario's JSON object at byte %d; a file holds one scenario", path, dec.InputOffset())
	}
	s.File = path
	if s.Name == "" || len(s.Steps) == 0 {
		return s, fmt.Errorf("load scenario %s: it needs a name and at least one step", path)
	}
	for i, st := range s.Steps {
		if err := st.check(); err != nil {
			return s, fmt.Errorf("load scenario %s: step %d: %w", path, i+1, err)
		}
	}
	return s, nil
}

func (s Stimulus) check() error {
	if s.DN == "" {
		return fmt.Errorf("do %q: no dn", s.Do)
	}
	if _, err := refusal("refused", s.Refused); err != nil {
		return err
	}
	if _, err := refusal("or-refused", s.OrRefused); err != nil {
		return err
	}
	if s.OrRefused != "" && s.Refused == "" && len(s.Expect) == 0 {
		return fmt.Errorf("do %q: or-refused offers a refusal instead of the expected events, or of the refusal named by refused; it needs one of them", s.Do)
	}
	if s.Refused != "" && len(s.Expect) > 0 {
		return fmt.Errorf("do %q: a refused stimulus produces nothing, yet expect lists %v", s.Do, s.Expect)
	}
	if err := s.checkSeen(); err != nil {
		return err
	}
	return known(s.Do)
}

// checkSeen checks an if-seen condition: it names events of the contract, and what it asks
// instead is a step that can be run.
func (s Stimulus) checkSeen() error {
	if s.IfSeen == nil {
		return nil
	}
	c := s.IfSeen
	if !slices.Contains(contract.Events, c.Event) || (c.Since != "" && !slices.Contains(contract.Events, c.Since)) || c.Since == c.Event {
		return fmt.Errorf("do %q: if-seen: event %q, since %q: expected two different events of the contract (%s), since optional", s.Do, c.Event, c.Since, strings.Join(contract.Events, ", "))
	}
	if err := s.instead().check(); err != nil {
		return fmt.Errorf("if-seen: %w", err)
	}
	return nil
}

// Run plays the scenario's steps in order with a fresh cast, and stops at the first step that did
// not do exactly what it should: later steps depend on it. It returns the outcomes of the steps
// played.
func (s Scenario) Run(ctx context.Context, e *Env) ([]Outcome, error) {
	cast, instance, err := e.flowCast(s.Name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.File, err)
	}
	ctx, status := e.status.begin(ctx, s.Name, instance, len(s.Steps))
	defer status.end()
	var out []Outcome
	for i, st := range s.Steps {
		status.at(i + 1)
		step, err := cast.Step(st)
		if err != nil {
			return out, fmt.Errorf("%s step %d: %w", s.File, i+1, err)
		}
		o := e.Run(ctx, step)
		cast.Saw(o.Got)
		if err := e.stimuli.step(s.Name, instance, i+1, st, cast, step, o); err != nil {
			return out, err
		}
		out = append(out, o)
		if !o.OK() {
			break
		}
	}
	return out, nil
}
