package diff

import (
	"fmt"
	"maps"
	"sort"
	"strings"
)

// Class is how much a difference matters to a consumer.
type Class string

// The classes, from worst. The rules that give each are in the README ("agentstate diff").
const (
	// Breaking: something a consumer relied on is gone, changed type, changed value or order, or
	// went from always present to sometimes present.
	Breaking Class = "breaking"
	// Notable: something new that a strict consumer may not expect: a new event, attribute or
	// enum value.
	Notable Class = "notable"
	// Same: a change that stays inside what the baseline's consumers already handled (an
	// attribute now always present, a JSON type or enum value no longer sent).
	Same Class = "same"
)

// Rule IDs of the differences.
const (
	RuleEventRemoved     = "diff.event-removed"     // breaking: a stimulus no longer produces an event
	RuleEventAdded       = "diff.event-added"       // notable: a stimulus produces an event it did not
	RuleEventReordered   = "diff.event-reordered"   // breaking: a stimulus's events come in another order
	RuleValueChanged     = "diff.value-changed"     // breaking: an event of a stimulus carries another value (or key)
	RuleAttrMissing      = "diff.attribute-missing" // breaking: an event of a stimulus lacks an attribute it had
	RuleAttrExtra        = "diff.attribute-extra"   // notable: an event of a stimulus has an attribute it had not
	RuleAttrRemoved      = "diff.attribute-removed" // breaking: an event type no longer carries an attribute
	RuleAttrAdded        = "diff.attribute-added"   // notable: an event type carries a new attribute
	RuleAttrOptional     = "diff.attribute-optional"
	RuleAttrAlways       = "diff.attribute-always" // same: an attribute sometimes present is now always present
	RuleTypeChanged      = "diff.type-changed"     // breaking: an attribute has a JSON type never seen before
	RuleTypeDropped      = "diff.type-dropped"     // same: a JSON type the attribute had is no longer seen
	RuleEnumValue        = "diff.enum-value"       // notable: an enum attribute has a value never seen before
	RuleEnumDropped      = "diff.enum-dropped"     // same: an enum value is no longer seen
	RuleEventTypeNew     = "diff.event-type-new"   // notable: an event never seen before
	RuleEventTypeGone    = "diff.event-type-gone"  // breaking: an event no longer seen at all
	RuleUndecodable      = "diff.undecodable"      // breaking: a record that is no JSON object
	RuleStimulusMissing  = "diff.stimulus-missing" // breaking: the candidate's run of a flow stopped before a stimulus
	RuleStimulusExtra    = "diff.stimulus-extra"   // notable: the candidate's run went further than the baseline's
	looseFlow            = "(events no stimulus was credited with)"
	stimulusMissingWords = "the candidate's run of the flow has no such stimulus (an earlier step failed, or the flow did not run)"
)

// Rules lists the rule IDs of the differences, each with its class.
func Rules() map[string]Class { return maps.Clone(classes) }

// classes gives each rule its class.
var classes = map[string]Class{
	RuleEventRemoved: Breaking, RuleEventAdded: Notable, RuleEventReordered: Breaking, RuleValueChanged: Breaking,
	RuleAttrMissing: Breaking, RuleAttrExtra: Notable, RuleAttrRemoved: Breaking, RuleAttrAdded: Notable,
	RuleAttrOptional: Breaking, RuleAttrAlways: Same, RuleTypeChanged: Breaking, RuleTypeDropped: Same,
	RuleEnumValue: Notable, RuleEnumDropped: Same, RuleEventTypeNew: Notable, RuleEventTypeGone: Breaking,
	RuleUndecodable: Breaking, RuleStimulusMissing: Breaking, RuleStimulusExtra: Notable,
}

// Difference is one way the candidate's events differ from the baseline's.
type Difference struct {
	Class     Class  `json:"class"`
	Rule      string `json:"rule"`
	Flow      string `json:"flow,omitempty"`     // the flow of the stimulus; "" for a difference of an event type
	Step      int    `json:"step,omitempty"`     // the stimulus's place in its flow
	Stimulus  string `json:"stimulus,omitempty"` // the stimulus in the flow's names ("login of agent A on DN D")
	Event     string `json:"event,omitempty"`
	Attribute string `json:"attribute,omitempty"` // a path such as time/seconds; "(key)" for the Kafka key
	Baseline  string `json:"baseline"`            // what the baseline had
	Candidate string `json:"candidate"`           // what the candidate had
	Runs      int    `json:"runs,omitempty"`      // in how many runs of the flow it showed, when the flow ran more than once
	Line      int    `json:"line,omitempty"`      // a line of the candidate's capture that shows it (0: the baseline's, or none)
	Message   string `json:"message"`
	_         struct{}
}

// Result is the comparison of two runs.
type Result struct {
	Baseline    Counts       `json:"baseline"`
	Candidate   Counts       `json:"candidate"`
	Differences []Difference `json:"differences"`
	_           struct{}
}

// Counts says what a run held, so that nothing read goes uncounted.
type Counts struct {
	Stimuli     int `json:"stimuli"`
	Events      int `json:"events"`      // records of the capture, each position once
	Credited    int `json:"credited"`    // events the suite credited to a stimulus
	Uncredited  int `json:"uncredited"`  // events no stimulus was credited with (compared as one group)
	Redelivered int `json:"redelivered"` // records seen again at a position already read
}

// Breaking says whether any difference is breaking.
func (r Result) Breaking() bool { return r.Count(Breaking) > 0 }

// Count is the number of differences of a class.
func (r Result) Count(c Class) int {
	n := 0
	for _, d := range r.Differences {
		if d.Class == c {
			n++
		}
	}
	return n
}

// Options tune a comparison.
type Options struct {
	// Enums names, per event, the attributes whose values are an enumeration (from the schemas:
	// see EnumsOf); a value of one never seen before is RuleEnumValue.
	Enums map[string]map[string]bool
	_     struct{}
}

// Compare says how the candidate's events differ from the baseline's. An error means the runs
// were not driven with the same stimuli, so they cannot be compared.
func Compare(base, cand *Run, opts Options) (Result, error) {
	res := Result{Baseline: base.counts(), Candidate: cand.counts()}
	c := &comparison{opts: opts, typeLevel: map[string]bool{}}
	c.types(base.all, cand.all)
	if err := c.flows(base, cand); err != nil {
		return res, err
	}
	c.stimulus(stepRun{entry: Entry{Flow: looseFlow}, events: base.loose}, stepRun{entry: Entry{Flow: looseFlow}, events: cand.loose}, true)
	res.Differences = c.result()
	return res, nil
}

func (r *Run) counts() Counts {
	n := Counts{Stimuli: len(r.Log), Events: len(r.Capture.Events), Uncredited: len(r.loose), Redelivered: r.Capture.Redelivered}
	n.Credited = n.Events - n.Uncredited
	return n
}

type comparison struct {
	opts      Options
	diffs     []Difference
	typeLevel map[string]bool // event + "\x00" + attribute already reported per event type
}

func (c *comparison) add(d Difference) {
	d.Class = classes[d.Rule]
	c.diffs = append(c.diffs, d)
}

// result folds the differences that repeat over the runs of one flow into one, counted, and
// sorts them: breaking first, then by flow, step, event and attribute.
func (c *comparison) result() []Difference {
	seen := map[Difference]int{}
	var out []Difference
	for _, d := range c.diffs {
		k := d
		k.Line = 0
		if i, ok := seen[k]; ok {
			out[i].Runs++
			continue
		}
		seen[k] = len(out)
		d.Runs = 1
		out = append(out, d)
	}
	rank := map[Class]int{Breaking: 0, Notable: 1, Same: 2}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Class != b.Class {
			return rank[a.Class] < rank[b.Class]
		}
		return fmt.Sprint(a.Flow, "\x00", fmt.Sprintf("%06d", a.Step), "\x00", a.Event, "\x00", a.Attribute, "\x00", a.Rule) <
			fmt.Sprint(b.Flow, "\x00", fmt.Sprintf("%06d", b.Step), "\x00", b.Event, "\x00", b.Attribute, "\x00", b.Rule)
	})
	for i := range out {
		if out[i].Runs == 1 {
			out[i].Runs = 0
		}
	}
	return out
}

// flows pairs each flow's instances (sorted by what they produced) and compares them step by
// step.
func (c *comparison) flows(base, cand *Run) error {
	names := map[string]bool{}
	for f := range base.flows {
		names[f] = true
	}
	for f := range cand.flows {
		names[f] = true
	}
	sorted := make([]string, 0, len(names))
	for f := range names {
		sorted = append(sorted, f)
	}
	sort.Strings(sorted)
	for _, f := range sorted {
		b, k := base.flows[f], cand.flows[f]
		for i := 0; i < len(b) || i < len(k); i++ {
			if err := c.instance(f, at(b, i), at(k, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func at(runs []*flowRun, i int) *flowRun {
	if i < len(runs) {
		return runs[i]
	}
	return &flowRun{}
}

func (c *comparison) instance(flow string, b, k *flowRun) error {
	for i := 0; i < len(b.steps) || i < len(k.steps); i++ {
		switch {
		case i >= len(k.steps):
			c.add(Difference{Rule: RuleStimulusMissing, Flow: flow, Step: b.steps[i].entry.Step, Stimulus: describe(b.steps[i].entry),
				Baseline: ids(b.steps[i].events), Candidate: "no such stimulus", Message: stimulusMissingWords})
		case i >= len(b.steps):
			c.add(Difference{Rule: RuleStimulusExtra, Flow: flow, Step: k.steps[i].entry.Step, Stimulus: describe(k.steps[i].entry),
				Baseline: "no such stimulus", Candidate: ids(k.steps[i].events), Message: "the candidate's run of the flow went further than the baseline's (the baseline's stopped at a failed step)"})
		default:
			be, ke := b.steps[i].entry, k.steps[i].entry
			if be.Step != ke.Step || be.Do != ke.Do {
				return fmt.Errorf("compare flow %q: step %d is %s in the baseline and step %d is %s in the candidate: the runs were not driven with the same stimuli; diff two runs of the same suite (same scenarios, same version)", flow, be.Step, be.Do, ke.Step, ke.Do)
			}
			c.stimulus(b.steps[i], k.steps[i], false)
		}
	}
	return nil
}

func ids(evs []normEvent) string {
	if len(evs) == 0 {
		return "no event"
	}
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = idOf(ev)
	}
	return strings.Join(out, ", ")
}

func idOf(ev normEvent) string {
	if ev.id == "" {
		return "(undecodable record)"
	}
	return ev.id
}

// describe words a stimulus in its flow's names: "login of agent A on DN D".
func describe(e Entry) string {
	if e.Do == "" {
		return ""
	}
	s := e.Do
	if e.Agent != "" {
		s += " of " + orValue(e.Names, e.Agent)
	}
	return s + " on " + orValue(e.Names, e.DN)
}

func orValue(names map[string]string, v string) string {
	if n, ok := names[v]; ok {
		return n
	}
	return v
}

// CompareRuns loads the runs at two paths (a capture.jsonl or the report directory holding it,
// each with its stimulus log) and compares them; an error says which of the two failed to load.
func CompareRuns(baseline, candidate string, opts Options) (Result, error) {
	base, err := Load(baseline)
	if err != nil {
		return Result{}, fmt.Errorf("baseline: %w", err)
	}
	cand, err := Load(candidate)
	if err != nil {
		return Result{}, fmt.Errorf("candidate: %w", err)
	}
	return Compare(base, cand, opts)
}
