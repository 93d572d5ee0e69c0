// Package contract judges one voice-agentstate message against the contract's JSON Schemas. It
// routes each message to its event's schema by the id attribute and turns every failing location
// that santhosh-tekuri/jsonschema reports into a finding a person can act on. It returns, for every
// event it decodes, the attributes the sequence rules read (package attr).
//
// jsonschema/v5 is the judge. The fast path (internal/fast) may only say "valid" for the common
// case, and only through a Checker, which judges a sample of its verdicts again with v5 by record
// index; no package outside contract can reach the fast path otherwise.
package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/voice-agentstate/conformance/harness/contract/internal/fast"
	"github.com/voice-agentstate/conformance/harness/events"
	"github.com/voice-agentstate/conformance/schemas"
)

// Events lists the 14 events the contract covers, in the spec's order (events.All).
var Events = events.All

// Uncovered lists the other events documented on the voice-agentstate topic, which have no
// published attribute table and so are outside the contract (events.Uncovered).
var Uncovered = events.Uncovered

// baseURL names schema files that carry no $id of their own, so that locations in findings never
// show a path of the machine that ran the check.
const baseURL = "agentstate:///schemas/"

// Set is a compiled set of event schemas, one per covered event.
type Set struct {
	source string
	events map[string]*jsonschema.Schema
	topic  *jsonschema.Schema // the topic-level schema, when the set has one

	fastGaps map[string]string // why an event has no fast path
	fast     *fast.Path        // nil: no fast path
}

var builtin = sync.OnceValues(func() (*Set, error) { return Load(schemas.FS, "built-in") })

// Builtin returns the set compiled from the schemas embedded in this module. It is compiled once.
func Builtin() (*Set, error) { return builtin() }

// LoadDir compiles the *.json files of dir, for users whose wire encoding differs from the
// documented default.
func LoadDir(dir string) (*Set, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load schemas: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("load schemas: %s is not a directory", dir)
	}
	return Load(os.DirFS(dir), dir)
}

// Load compiles every *.json file at the root of fsys. Each event schema is recognised by its
// properties.id.const; the set must hold exactly one for each of the 14 events. source names the
// set in reports.
func Load(fsys fs.FS, source string) (*Set, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("load schemas from %s: %w", source, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("load schemas from %s: no *.json files found; expected one schema per event (see schemas/ in this repository)", source)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("%s is not in the schema set %s: refer only to files of the set, by their $id or file name", u, source)
	}
	urls := make(map[string]string, len(names))
	for _, name := range names {
		u, err := addFile(c, fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load schemas from %s: %w", source, err)
		}
		urls[name] = u
	}
	s := &Set{source: source, events: map[string]*jsonschema.Schema{}}
	where := map[string]string{}
	for _, name := range names {
		sch, err := c.Compile(urls[name])
		if err != nil {
			return nil, fmt.Errorf("load schemas from %s: compile %s: %w", source, name, err)
		}
		if name == schemas.Topic {
			s.topic = sch
		}
		id := eventOf(sch)
		if id == "" {
			continue
		}
		if prev, dup := where[id]; dup {
			return nil, fmt.Errorf("load schemas from %s: both %s and %s describe %s; keep one", source, prev, name, id)
		}
		where[id], s.events[id] = name, sch
	}
	if missing := s.missing(); len(missing) > 0 {
		return nil, fmt.Errorf("load schemas from %s: no schema for %s; each event needs a schema whose properties.id.const names it", source, strings.Join(missing, ", "))
	}
	s.compileFast()
	return s, nil
}

// compileFast gives each event whose schema it can handle a fast path; the others are always
// judged by jsonschema/v5, and FastPathGaps says why.
func (s *Set) compileFast() { s.fast, s.fastGaps = fast.Compile(Events, s.events) }

// FastPathGaps names the events that have no fast path, each with the reason: their messages
// are all judged by jsonschema/v5. The built-in set has none.
func (s *Set) FastPathGaps() map[string]string { return maps.Clone(s.fastGaps) }

func addFile(c *jsonschema.Compiler, fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", err
	}
	var head struct {
		ID string `json:"$id"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	u := baseURL + path.Base(name)
	if strings.Contains(head.ID, "://") {
		u = head.ID
	}
	if err := c.AddResource(u, bytes.NewReader(b)); err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	return u, nil
}

// eventOf returns the event a schema describes: the constant of its id property, if any.
func eventOf(sch *jsonschema.Schema) string {
	for sch.Ref != nil && sch.Properties == nil {
		sch = sch.Ref
	}
	id, ok := sch.Properties["id"]
	if !ok || len(id.Constant) != 1 {
		return ""
	}
	name, _ := id.Constant[0].(string)
	return name
}

func (s *Set) missing() []string {
	var out []string
	for _, e := range Events {
		if s.events[e] == nil {
			out = append(out, e)
		}
	}
	return out
}

// Source names where the set came from: "built-in" or the directory given.
func (s *Set) Source() string { return s.source }

// Schema returns the compiled schema of an event, or nil when the set has none.
func (s *Set) Schema(event string) *jsonschema.Schema { return s.events[event] }

// Attributes returns the top-level attributes an event's schema declares, sorted.
func (s *Set) Attributes(event string) []string {
	sch := s.events[event]
	if sch == nil {
		return nil
	}
	out := make([]string, 0, len(sch.Properties))
	for name := range sch.Properties {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Required returns the top-level attributes an event's schema requires, sorted.
func (s *Set) Required(event string) []string {
	sch := s.events[event]
	if sch == nil {
		return nil
	}
	out := append([]string(nil), sch.Required...)
	sort.Strings(out)
	return out
}

// ValidateTopic judges a raw message against the topic-level schema, which dispatches on id inside
// JSON Schema itself. It exists to prove that schema agrees with the Go router; Validate is the
// one to use, since it is faster and explains every failure.
func (s *Set) ValidateTopic(raw []byte) error {
	if s.topic == nil {
		return fmt.Errorf("validate: the schema set %s has no %s", s.source, schemas.Topic)
	}
	doc, f := decode(raw)
	if f != nil {
		return fmt.Errorf("validate: %s", f.Message)
	}
	return s.topic.Validate(doc)
}
