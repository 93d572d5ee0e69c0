package suite

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/voice-agentstate/conformance/harness/collect"
)

// The rules a step holds every event it caused to, whether it wanted the event or not: what only
// the stimulus knows (when it was made, which request it was), and what the run's earlier events
// say (the partition of the agent's events). A producer that breaks one fails the step that
// caused it, so the failing spec names the stimulus.
const (
	// RuleStepTime: an event's time lies within AGENTSTATE_CLOCK_TOLERANCE of the window from the
	// stimulus to the moment its events were seen. Spec: "The structure specifies event
	// generation time that is expressed in elapsed seconds and microseconds since 00:00 GMT,
	// January 1, 1970".
	RuleStepTime = "step.time"
	// RuleStepReferenceID: an event carries a ReferenceID only when a client request caused it,
	// and then that request's. Spec: "ReferenceID is the identifier ... attached to the request a
	// client sends"; an event nobody asked for carries none (fact:reference-id-echo).
	RuleStepReferenceID = "step.reference-id"
	// RuleStepPartition: every event keyed by an agent is in the partition of that agent's
	// earlier events in the run. An agent's events are in one partition, in order
	// (fact:partition-order).
	RuleStepPartition = "step.partition"
	// RuleStepCustomerID: an event's CustomerID is the tenant its key starts with. Spec: key
	// {tenant_id}:{agent_id}; CustomerID "the assigned Customer (Tenant) identifier".
	RuleStepCustomerID = "step.customer-id"
)

// Rules lists the rule IDs of the suite's own findings, beyond the stream's: the step rules and
// suite.unowned-event.
func Rules() []string {
	return []string{RuleStepTime, RuleStepReferenceID, RuleStepPartition, RuleStepCustomerID, RuleUnownedEvent}
}

// judge is what a step's events are held to beyond its wanted events.
type judge struct {
	tolerance time.Duration                          // AGENTSTATE_CLOCK_TOLERANCE
	first     func(key string) (collect.Event, bool) // the run's first event of a key; nil: none known
	request   func(ref int64) (string, bool)         // the name of the step whose request had a ReferenceID
}

// broken words what the events of an outcome break, each line starting with its rule.
func (j judge) broken(o Outcome) []string {
	var out []string
	for _, ev := range o.Got {
		at := fmt.Sprintf("%s at %s", orNone(ev.ID), ev.Place)
		for _, check := range []func(Outcome, collect.Event) string{j.timeOf, j.referenceOf, j.partitionOf, j.customerOf} {
			if s := check(o, ev); s != "" {
				rule, msg, _ := strings.Cut(s, ": ")
				out = append(out, rule+": "+at+": "+msg)
			}
		}
	}
	return out
}

// timeOf holds an event's time to the step's window, widened by the tolerance on both sides for
// the producer's clock: the window ends when the events were seen, so a slow producer or machine
// only widens it. An event without a readable time (the mute and service events have none) is
// left to the schemas.
func (j judge) timeOf(o Outcome, ev collect.Event) string {
	sec, usec, ok := stamp(ev.Doc)
	if !ok || o.Began.IsZero() || o.Ended.IsZero() {
		return ""
	}
	// The window is widened to whole seconds on both sides: a producer may stamp its events
	// with seconds alone (useconds 0) or round them up, and neither is a clock fault.
	lo := o.Began.Add(-j.tolerance).Truncate(time.Second)
	hi := o.Ended.Add(j.tolerance).Add(time.Second - 1).Truncate(time.Second)
	if sec >= lo.Unix() && sec <= hi.Unix() {
		t := time.Unix(sec, usec*1000)
		if !t.Before(lo) && !t.After(hi) {
			return ""
		}
	}
	return fmt.Sprintf("%s: time.seconds %d (%s) is outside the window of its stimulus, %s to %s "+
		"(made at %s, events seen by %s, widened by AGENTSTATE_CLOCK_TOLERANCE %s): is the producer's clock right, and are its seconds seconds since the epoch%s?",
		RuleStepTime, sec, readable(sec, usec), stampOf(lo), stampOf(hi), stampOf(o.Began), stampOf(o.Ended), j.tolerance, unitHint(sec, o.Began))
}

// referenceOf allows a ReferenceID only on the event of a client request, and only that
// request's; a wanted event that lacks one is a difference of its want.
func (j judge) referenceOf(o Outcome, ev collect.Event) string {
	ref, ok := ev.RefID()
	switch {
	case !ok, !o.Step.Physical && ref == o.Step.ReferenceID:
		return ""
	case o.Step.Physical && ref == 0:
		return "" // 0 names no request (the suite never issues it): it claims none, as T-Library's unset reference does
	case o.Step.Physical:
		return fmt.Sprintf("%s: ReferenceID %d%s, but no client request caused the event (the phone set or the switch did), so it must carry none (adapter-protocol.md, ReferenceID)",
			RuleStepReferenceID, ref, j.whose(ref, o.Step.ReferenceID))
	}
	return fmt.Sprintf("%s: ReferenceID %d%s; want this step's request's, %d", RuleStepReferenceID, ref, j.whose(ref, o.Step.ReferenceID), o.Step.ReferenceID)
}

// whose says which request of the run a ReferenceID names.
func (j judge) whose(ref, own int64) string {
	if ref == own {
		return ", the one the suite gave this physical stimulus for its log"
	}
	if j.request == nil {
		return ""
	}
	if name, ok := j.request(ref); ok {
		return " names another request: " + name
	}
	return ", which no request of this run had"
}

// partitionOf compares the partition of an event keyed by an agent with the first event of the
// same key in the run. Events keyed by the tenant alone ("t1:") name no agent, and are not held.
func (j judge) partitionOf(_ Outcome, ev collect.Event) string {
	if _, agent, _ := strings.Cut(ev.Key, ":"); agent == "" || ev.Place.KeyNull || j.first == nil {
		return ""
	}
	first, ok := j.first(ev.Key)
	if !ok || first.Place.Partition == ev.Place.Partition {
		return ""
	}
	return fmt.Sprintf("%s: partition %d, but the earlier %s of the same agent (key %q) is at %s: all events of one agent must be in one partition, as Kafka's partitioning by the key {tenant_id}:{agent_id} puts them (is the producer's partitioner random, round-robin or set by hand?)",
		RuleStepPartition, ev.Place.Partition, orNone(first.ID), ev.Key, first.Place)
}

// customerOf compares CustomerID, where the event has one, with the tenant part of its key. A
// key without ':' is the want's and key.format's to report.
func (j judge) customerOf(_ Outcome, ev collect.Event) string {
	customer, ok := ev.Doc["CustomerID"].(string)
	tenant, _, keyed := strings.Cut(ev.Key, ":")
	if !ok || !keyed || customer == tenant {
		return ""
	}
	return fmt.Sprintf("%s: CustomerID %q, but the key %q names tenant %q: CustomerID is the tenant identifier the key {tenant_id}:{agent_id} starts with",
		RuleStepCustomerID, customer, ev.Key, tenant)
}

// stamp reads time.seconds and time.useconds as integers.
func stamp(doc map[string]any) (sec, usec int64, ok bool) {
	t, isObject := doc["time"].(map[string]any)
	if !isObject {
		return 0, 0, false
	}
	s, ok1 := t["seconds"].(json.Number)
	u, ok2 := t["useconds"].(json.Number)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	sec, err1 := s.Int64()
	usec, err2 := u.Int64()
	return sec, usec, err1 == nil && err2 == nil
}

func stampOf(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// readable renders a time the way people read it, when it has a year of four digits.
func readable(sec, usec int64) string {
	if t := time.Unix(sec, usec*1000).UTC(); t.Year() >= 1 && t.Year() <= 9999 {
		return stampOf(t)
	}
	return "a year beyond 9999"
}

// unitHint names the unit the seconds seem to be in, when they are about the stimulus's time in
// milliseconds, microseconds or nanoseconds.
func unitHint(sec int64, began time.Time) string {
	for _, u := range []struct {
		name string
		v    int64
	}{{"milliseconds", began.UnixMilli()}, {"microseconds", began.UnixMicro()}, {"nanoseconds", began.UnixNano()}} {
		if sec > u.v/2 && sec < u.v*2 {
			return " (they look like " + u.name + ")"
		}
	}
	return ""
}
