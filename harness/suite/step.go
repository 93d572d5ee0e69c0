package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/voice-agentstate/conformance/harness/collect"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// Want is one event a stimulus must produce: its id, and attributes it must carry with these
// exact values (strings, integers or Absent).
type Want struct {
	ID       string
	Key      string         // the Kafka key it must have; "" to not check
	Tenant   string         // the key's tenant part it must have, when Key is not set; "" to not check
	Attrs    map[string]any // attribute -> value; Absent means the attribute must not be there
	Optional bool           // it may come or not (such as the consequences of an outage)
}

// Absent, as a Want attribute value, means the event must not carry the attribute.
var Absent = absent{}

type absent struct{}

// Step is one stimulus and what it must produce: on the DNs it names, exactly the events Want
// lists, no more, within the run's timeout.
type Step struct {
	Name string                      // the stimulus, as people say it: "login of agent 1001 on DN 5001 (ReferenceID 17)"
	DNs  []string                    // the DNs whose events are judged
	Do   func(context.Context) error // performs the stimulus
	Want []Want
	// Refusal, if set, says the stimulus must be refused with this error (errors.Is) and produce
	// nothing.
	Refusal error
	// MayRefuse, if set, is a refusal the stimulus may meet instead of producing Want (errors.Is),
	// or, with Refusal, instead of Refusal; it then produces nothing. For requests the spec lets a
	// system answer either way.
	MayRefuse error
	// ReferenceID is the ReferenceID of the stimulus's request: the only one its events may carry
	// (and the stimulus log's).
	ReferenceID int64
	// Physical says the stimulus comes from the phone set or the switch (hook, service), not from
	// a client request: its events carry no ReferenceID at all.
	Physical bool
	// Because, if set, says why the step expects what it does: the events its flow saw before it,
	// e.g. "no EventAgentLogout on DN 5001 since EventAgentLogin at (key "t1:1001", partition 0, offset 3)".
	Because string
}

// Outcome is what a step did.
type Outcome struct {
	Step     Step
	Err      error           // what the stimulus returned
	Got      []collect.Event // the events on the step's DNs after the stimulus
	Missing  []Want          // wanted and never seen
	Extra    []collect.Event // seen and not wanted
	Wrong    []string        // wanted events seen with wrong attributes or key, in words
	Broken   []string        // events seen that break a step rule (step.time, step.reference-id, step.partition, step.customer-id), in words
	Schema   []string        // findings of the validator on the events seen
	Began    time.Time       // when the stimulus was made
	Deadline time.Time       // when the wait for the wanted events ended
	Ended    time.Time       // when the watch for its events ended: the last moment they could have been seen
}

// OK says whether the step did exactly what it should.
func (o Outcome) OK() bool {
	return o.stimulusOK() && len(o.Missing) == 0 && len(o.Extra) == 0 && len(o.Wrong) == 0 && len(o.Broken) == 0 && len(o.Schema) == 0
}

func (o Outcome) stimulusOK() bool {
	mayRefuse := o.Err != nil && o.Step.MayRefuse != nil && errors.Is(o.Err, o.Step.MayRefuse)
	if o.Step.Refusal != nil {
		return o.Err != nil && errors.Is(o.Err, o.Step.Refusal) || mayRefuse
	}
	return o.Err == nil || mayRefuse
}

// Run performs a step: it marks the collector, performs the stimulus, waits until the wanted
// number of events on the step's DNs arrived or the timeout passed, then watches for the settle
// time for events that should not come, and compares them with the wanted ones and holds each to
// the step rules.
func (e *Env) Run(ctx context.Context, s Step) Outcome {
	e.named(s)
	mark := e.Collector.Mark()
	o := Outcome{Step: s, Began: time.Now()}
	o.Err = s.Do(ctx)
	wctx, cancel := context.WithTimeout(ctx, e.Cfg.Timeout)
	defer cancel()
	onDNs := func(evs []collect.Event) []collect.Event { return filterDNs(evs, s.DNs) }
	want := 0
	for _, w := range s.Want {
		if !w.Optional {
			want++
		}
	}
	if o.Err != nil {
		want = 0
	}
	statusOf(ctx).waits(time.Now().Add(e.Cfg.Timeout), "waits for %d event(s) on DN %s (AGENTSTATE_TIMEOUT)", want, strings.Join(s.DNs, ","))
	evs, _ := e.Collector.Wait(wctx, mark, func(evs []collect.Event) bool { return len(onDNs(evs)) >= want })
	o.Deadline = time.Now()
	if len(onDNs(evs)) >= want {
		statusOf(ctx).waits(time.Now().Add(e.Cfg.Timeout+e.Cfg.Settle), "watches DN %s for events that should not come (AGENTSTATE_SETTLE %s)", strings.Join(s.DNs, ","), e.Cfg.Settle)
		evs = e.settle(ctx, mark, func(evs []collect.Event) bool { return len(onDNs(evs)) > len(s.Want) })
	}
	o.Ended = time.Now()
	o.Got = onDNs(evs)
	o.compare(e.judge())
	return o
}

// settle looks for events that should not come: it consumes up to the topic's end offsets (all
// that was published by now), then watches for the settle time, for systems that publish after
// they answer.
func (e *Env) settle(ctx context.Context, mark int, tooMany func([]collect.Event) bool) []collect.Event {
	dctx, cancel := context.WithTimeout(ctx, e.Cfg.Timeout)
	_ = e.Collector.Drain(dctx)
	cancel()
	if e.Cfg.Settle > 0 {
		sctx, scancel := context.WithTimeout(ctx, e.Cfg.Settle)
		_, _ = e.Collector.Wait(sctx, mark, tooMany)
		scancel()
	}
	return e.Collector.Since(mark)
}

func filterDNs(evs []collect.Event, dns []string) []collect.Event {
	var out []collect.Event
	for _, ev := range evs {
		for _, dn := range dns {
			if ev.Str("ThisDN") == dn {
				out = append(out, ev)
				break
			}
		}
	}
	return out
}

// compare matches each wanted event with the first unmatched event of its id, in order, and
// holds every event seen to the step rules of j.
func (o *Outcome) compare(j judge) {
	used := make([]bool, len(o.Got))
	wants := o.Step.Want
	if o.Err != nil {
		wants = nil
	}
	for _, w := range wants {
		i := firstOf(o.Got, used, w.ID)
		if i < 0 {
			if !w.Optional {
				o.Missing = append(o.Missing, w)
			}
			continue
		}
		used[i] = true
		o.Wrong = append(o.Wrong, differences(w, o.Got[i])...)
	}
	o.Broken = j.broken(*o)
	for i, ev := range o.Got {
		if !used[i] {
			o.Extra = append(o.Extra, ev)
		}
		for _, f := range ev.Findings {
			if f.Severity == finding.Violation {
				o.Schema = append(o.Schema, f.String())
			}
		}
	}
}

func firstOf(evs []collect.Event, used []bool, id string) int {
	for i, ev := range evs {
		if !used[i] && ev.ID == id {
			return i
		}
	}
	return -1
}

// differences words what a seen event has wrong against what was wanted.
func differences(w Want, ev collect.Event) []string {
	var out []string
	at := fmt.Sprintf("%s at %s", ev.ID, ev.Place)
	if w.Key != "" && ev.Key != w.Key {
		out = append(out, fmt.Sprintf("%s: key %q, want %q ({tenant_id}:{agent_id})", at, ev.Key, w.Key))
	}
	if w.Key == "" && w.Tenant != "" && !strings.HasPrefix(ev.Key, w.Tenant+":") {
		out = append(out, fmt.Sprintf("%s: key %q, want %q followed by the agent ({tenant_id}:{agent_id})", at, ev.Key, w.Tenant+":"))
	}
	names := make([]string, 0, len(w.Attrs))
	for name := range w.Attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, has := ev.RefID(); name == "ReferenceID" && has {
			continue // a ReferenceID the event has is step.reference-id's, which names the request it belongs to
		}
		if d := differ(name, w.Attrs[name], ev.Doc); d != "" {
			out = append(out, at+": "+d)
		}
	}
	return out
}

func differ(name string, want any, doc map[string]any) string {
	got, present := doc[name]
	switch {
	case want == Absent && present:
		return fmt.Sprintf("%s is %s; it must not be there", name, render(got))
	case want == Absent:
		return ""
	case !present:
		return fmt.Sprintf("%s is missing; want %s", name, render(want))
	case render(got) != render(want):
		return fmt.Sprintf("%s is %s; want %s", name, render(got), render(want))
	}
	return ""
}

func render(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Report words the outcome for a failing spec: the stimulus, what it returned, what was expected
// and by when, and what came instead.
func (o Outcome) Report() string {
	var b strings.Builder
	// Every line goes through finding.Printable: ids, values and the system's errors come from
	// outside, and Ginkgo prints this text into the CI log.
	line := func(format string, args ...any) {
		b.WriteString(finding.Printable(fmt.Sprintf(format, args...)) + "\n")
	}
	line("stimulus: %s", o.Step.Name)
	if o.Step.Because != "" {
		line("  expected so because its flow saw %s: the events published decide it, and a change the system made without its event fails here", o.Step.Because)
	}
	switch {
	case o.Step.Refusal != nil && !o.stimulusOK() && o.Step.MayRefuse != nil:
		line("  expected it to be refused (%v, or %v); it returned %v", o.Step.Refusal, o.Step.MayRefuse, o.Err)
	case o.Step.Refusal != nil && !o.stimulusOK():
		line("  expected it to be refused (%v); it returned %v", o.Step.Refusal, o.Err)
	case o.Err != nil && o.Step.Refusal == nil && !o.stimulusOK():
		line("  the system under test returned an error: %v", o.Err)
		if o.Step.MayRefuse != nil {
			line("  (a refusal with %v would also have done)", o.Step.MayRefuse)
		}
	}
	for _, w := range o.Missing {
		line("  missing: %s on DN %s, expected by %s (timeout AGENTSTATE_TIMEOUT)", w.ID, strings.Join(o.Step.DNs, ","), o.Deadline.Format(time.RFC3339Nano))
	}
	for _, s := range o.Wrong {
		line("  wrong: %s", s)
	}
	for _, s := range o.Broken {
		line("  violation %s", s)
	}
	for _, ev := range o.Extra {
		line("  unexpected: %s at %s: %s", orNone(ev.ID), ev.Place, clip(ev.Value))
	}
	for _, s := range o.Schema {
		line("  schema: %s", s)
	}
	line("  events seen on DN %s after the stimulus: %s", strings.Join(o.Step.DNs, ","), ids(o.Got))
	return b.String()
}

func ids(evs []collect.Event) string {
	if len(evs) == 0 {
		return "none"
	}
	var out []string
	for _, ev := range evs {
		out = append(out, orNone(ev.ID))
	}
	return strings.Join(out, ", ")
}

func orNone(id string) string {
	if id == "" {
		return "(undecodable record)"
	}
	return id
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
