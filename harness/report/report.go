// Package report gathers the findings and counts of one run and renders them: a summary a person
// reads at the end of a CI log, and a JSON document a pipeline reads.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// RuleEmpty is the finding of a run that read no event: an empty capture proves nothing, so it
// never passes.
const RuleEmpty = "stream.empty"

// Report is the outcome of one run. Lines always equals Events plus Undecodable; a capture's
// re-deliveries (Redelivered) are read but not judged, and not in Lines, so the non-blank lines
// of a capture are Lines plus Redelivered.
type Report struct {
	Version      Versions          `json:"version"` // what judged: the suite, the schema set, the spec revision
	Broker       *Broker           `json:"broker,omitempty"`
	Consumed     *Consumption      `json:"consumed,omitempty"`
	Schemas      string            `json:"schemas"`
	Strict       bool              `json:"strict"`
	InitialState string            `json:"initial_state,omitempty"`
	ServiceKey   string            `json:"service_key,omitempty"`
	Invariants   []string          `json:"invariants,omitempty"` // the sequence rules the run applied
	Files        []string          `json:"files,omitempty"`
	Lines        int               `json:"lines"`       // records judged: non-empty lines but re-deliveries, or Kafka records
	Events       int               `json:"events"`      // records that were JSON objects, and so were checked
	Undecodable  int               `json:"undecodable"` // records that yielded no JSON object
	PerEvent     map[string]int    `json:"per_event"`
	Judged       *Judged           `json:"judged,omitempty"` // how the schemas were applied
	Violations   []finding.Finding `json:"violations"`
	Warnings     []finding.Finding `json:"warnings"`

	// Redelivered counts the records of a capture at a Kafka topic, partition and offset already
	// judged: read, not judged again, and not in Lines. observe accounts for its own per
	// partition, under Consumed.
	Redelivered int `json:"redelivered,omitempty"`
	// ServiceUnjudged counts the service events whose key did not fit the service key, so that
	// the outage rules could not judge them.
	ServiceUnjudged int `json:"service_events_unjudged,omitempty"`

	source string // the file Read read it from, to name it in merge's findings
	merged bool   // made by Merge: the reports of a whole group, not one observer's
}

// Judged accounts for how the events were judged against the schemas: by the fast path, which
// only ever accepts, or by jsonschema/v5, the authority behind every schema finding. A sample of
// the fast path's verdicts is judged again by v5; a disagreement is a violation, and v5's verdict
// stands.
type Judged struct {
	FastPath      bool              `json:"fast_path"`      // the fast path was on
	Fast          int               `json:"fast"`           // events the fast path accepted
	V5            int               `json:"v5"`             // events judged by jsonschema/v5 alone (all of them with the fast path off)
	CrossChecked  int               `json:"cross_checked"`  // fast verdicts judged again by v5
	Disagreements int               `json:"disagreements"`  // of those, verdicts v5 overturned
	Gaps          map[string]string `json:"gaps,omitempty"` // events without a fast path, and why
}

// New returns an empty report.
func New() *Report {
	return &Report{Version: Version(), PerEvent: map[string]int{}, Violations: []finding.Finding{}, Warnings: []finding.Finding{}}
}

// Add files a finding under its severity.
func (r *Report) Add(f finding.Finding) {
	if f.Severity == finding.Warning {
		r.Warnings = append(r.Warnings, f)
		return
	}
	r.Violations = append(r.Violations, f)
}

// CountEvent counts one checked event under its id ("(no id)" when it has none).
func (r *Report) CountEvent(id string) {
	r.Lines++
	r.Events++
	if id == "" {
		id = "(no id)"
	}
	r.PerEvent[id]++
}

// CountUndecodable counts one record that yielded no event.
func (r *Report) CountUndecodable() {
	r.Lines++
	r.Undecodable++
}

// Finish adds the findings that only the whole run can show, such as an empty stream. Call it
// once, after the last record.
func (r *Report) Finish() {
	if r.Events == 0 {
		r.Add(r.emptyFinding())
	}
}

// emptyFinding is the stream.empty finding of this report. An observer of a consumer group that
// was assigned no partition judged nothing as well: it cannot pass alone, and the finding says
// that the group's verdict is the merge of its observers' reports (which drops this finding).
func (r *Report) emptyFinding() finding.Finding {
	f := finding.Finding{Rule: RuleEmpty, Severity: finding.Violation, Expected: "at least one event",
		Found: fmt.Sprintf("%d events in %d records", r.Events, r.Lines)}
	if c := r.Consumed; c != nil && c.Group != "" && !c.assigned() && !r.merged {
		f.Found += fmt.Sprintf("; assigned no partition of consumer group %s", c.Group)
		f.Message = fmt.Sprintf("this observer of consumer group %s was assigned no partition (the group had as many observers as the topic has partitions, or more), so it judged nothing and cannot pass alone; merge its report with those of the other observers of the group, whose merge is the group's verdict", c.Group)
		return f
	}
	f.Message = "no event was read, so nothing was verified; " + r.emptyHint()
	return f
}

// emptyHint says what to check when no event was read: the topic and where the run started,
// or the capture's format.
func (r *Report) emptyHint() string {
	if b := r.Broker; b != nil {
		hint := fmt.Sprintf("check that the service publishes to topic %s on %s", b.Topic, strings.Join(b.Bootstrap, ","))
		if c := r.Consumed; c != nil && c.From != "" {
			hint += fmt.Sprintf(", and that records arrived after the start (from %s)", c.From)
		}
		if c := r.Consumed; c != nil && c.Group != "" && !r.merged {
			hint += fmt.Sprintf("; an observer of consumer group %s is judged with the others: merge their reports", c.Group)
		}
		return hint
	}
	return "check that the input is the capture you meant (one JSON event per line, or kcat -J envelopes)"
}

// Passed says whether the run read at least one event and found no violation.
func (r *Report) Passed() bool { return r.Events > 0 && len(r.Violations) == 0 }

// WriteJSON writes the report to path atomically (see WriteFile), creating its directory,
// readable by its owner's group.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := WriteFile(path, append(b, '\n')); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// Summary writes the closing lines of a run: what was read, per-event counts and the verdict.
// Every line goes through finding.Printable: ids and file names come from the input.
func (r *Report) Summary(w io.Writer) {
	line := func(format string, args ...any) { fmt.Fprintln(w, finding.Printable(fmt.Sprintf(format, args...))) }
	head := fmt.Sprintf("read %s: %s checked, %d undecodable", plural(r.Lines, "record"), plural(r.Events, "event"), r.Undecodable)
	switch {
	case r.Redelivered == 1:
		head += "; 1 re-delivery skipped"
	case r.Redelivered > 1:
		head += fmt.Sprintf("; %d re-deliveries skipped", r.Redelivered)
	}
	head += " (schemas: " + r.Schemas
	if r.InitialState != "" {
		head += ", initial state: " + r.InitialState
	}
	if r.ServiceKey != "" && r.ServiceKey != "agent" {
		head += ", service key: " + r.ServiceKey
	}
	if r.Strict {
		head += ", strict"
	}
	line("%s)", head)
	if r.Broker != nil {
		line("  from %s", r.Broker)
	}
	if r.ServiceUnjudged > 0 {
		line("  service events not judged by the outage rules: %d (their key does not fit the service key %s; see the README's Service key table)", r.ServiceUnjudged, r.ServiceKey)
	}
	if j := r.Judged; j != nil && j.FastPath {
		line("  judged by the fast path: %d events (%d judged again by jsonschema/v5, %s); by jsonschema/v5: %d",
			j.Fast, j.CrossChecked, plural(j.Disagreements, "disagreement"), j.V5)
	}
	if c := r.Consumed; c != nil {
		line("  consumed from %s; stopped: %s", c.From, c.Stopped)
		for _, p := range sortedPartitions(c.Partitions) {
			a := c.Partitions[p]
			part := fmt.Sprintf("  partition %d: %s, offsets %d to %d, %s, %s skipped", p, plural(a.Count, "record"), a.First, a.Last, plural(len(a.Gaps), "gap"), redeliveries(a.Redelivered))
			if a.Control > 0 {
				part += fmt.Sprintf(", %d transaction markers counted", a.Control)
			}
			line("%s", part)
		}
	}
	ids := make([]string, 0, len(r.PerEvent))
	width := 0
	for id := range r.PerEvent {
		ids = append(ids, id)
		width = max(width, len(finding.Printable(id)))
	}
	sort.Strings(ids)
	for _, id := range ids {
		line("  %-*s %d", width, finding.Printable(id), r.PerEvent[id])
	}
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	line("%s: %s, %s", verdict, plural(len(r.Violations), "violation"), plural(len(r.Warnings), "warning"))
}

func redeliveries(n int) string {
	if n == 1 {
		return "1 re-delivery"
	}
	return fmt.Sprintf("%d re-deliveries", n)
}

// Plural is n and the noun, with an s unless n is 1: "1 violation", "2 violations".
func Plural(n int, noun string) string { return plural(n, noun) }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Broker says which Kafka endpoint a run consumed from. It never holds a credential.
type Broker struct {
	Provider     string   `json:"provider"`
	Bootstrap    []string `json:"bootstrap"`
	KafkaVersion string   `json:"kafka_version,omitempty"`
	Topic        string   `json:"topic"`
	Partitions   int      `json:"partitions"`
	TLS          bool     `json:"tls,omitempty"`
	SASL         string   `json:"sasl,omitempty"` // the mechanism, never the credentials
}

// String renders the broker on one line.
func (b Broker) String() string {
	s := fmt.Sprintf("%s broker at %s, topic %s (%d partitions)", b.Provider, strings.Join(b.Bootstrap, ","), b.Topic, b.Partitions)
	if b.KafkaVersion != "" {
		s += ", Kafka " + b.KafkaVersion
	}
	if b.TLS {
		s += ", TLS"
	}
	if b.SASL != "" {
		s += ", SASL " + b.SASL
	}
	return s
}

// Consumption is the accounting of a run that read from Kafka.
type Consumption struct {
	From       string               `json:"from"`
	Stopped    string               `json:"stopped"`
	Partitions map[int32]*Partition `json:"partitions"`
	Incomplete []string             `json:"incomplete,omitempty"`
	Group      string               `json:"group,omitempty"`
	Handovers  []Handover           `json:"handovers,omitempty"`
	// Starts and Ends are the range of offsets, per partition of the topic, the run was
	// responsible for: from where it (or its group) started, to the end offsets listed when it
	// stopped (exclusive). merge proves every partition is judged over the union of these ranges.
	Starts map[int32]int64 `json:"responsible_from,omitempty"`
	Ends   map[int32]int64 `json:"responsible_to,omitempty"`
	// AllowGaps says that gaps were accepted (--allow-gaps): reported, not violations.
	AllowGaps bool `json:"allow_gaps,omitempty"`
}

// assigned says whether the run was ever given a partition: one it consumed, or a handover to it.
func (c *Consumption) assigned() bool {
	if len(c.Partitions) > 0 {
		return true
	}
	for _, h := range c.Handovers {
		if h.Kind == "assigned" {
			return true
		}
	}
	return false
}

// Partition accounts for what was consumed from one partition.
type Partition struct {
	First         int64 `json:"first_offset"`
	Last          int64 `json:"last_offset"`
	Count         int   `json:"count"`                    // records judged
	Segments      []Gap `json:"segments"`                 // contiguous runs of offsets read: judged, or transaction markers counted
	Control       int   `json:"control,omitempty"`        // transaction markers (control records): counted, not judged
	Gaps          []Gap `json:"gaps,omitempty"`           // offsets of the responsible range never read (deleted ahead, lost, compacted)
	Redelivered   int   `json:"redelivered,omitempty"`    // records seen again and not judged twice
	DataLoss      []Gap `json:"data_loss,omitempty"`      // offsets the broker no longer had
	CaptureErrors int   `json:"capture_errors,omitempty"` // records that could not be written to the capture
}

// Handover is a partition assigned to, or taken from, one observer of a consumer group. State
// for a partition taken away is dropped, never judged.
type Handover struct {
	Partition int32  `json:"partition"`
	Kind      string `json:"kind"`        // assigned, revoked or lost
	Next      int64  `json:"next_offset"` // the next offset this observer would have judged; -1 if none yet
}

// Gap is an inclusive range of offsets.
type Gap struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

func sortedPartitions(m map[int32]*Partition) []int32 {
	out := make([]int32, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
