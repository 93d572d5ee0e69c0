package check

import (
	"fmt"
	"strconv"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// The time rule. Events of one key are in one partition, in the order they were produced, so
// their time should not go backwards. Without a key, the events of one DN stand in for those of a
// key. Each event is compared with the one before it, so that one event out of place is reported
// once.

// clockID names a clock: the key when it is known, else the DN.
type clockID struct {
	byKey bool
	name  string
}

// clock is the time of the last timed event of a clockID.
type clock struct {
	last stamp
	at   mark
}

func clockOf(e *event) (clockID, bool) {
	if e.place.HasKey {
		return clockID{byKey: true, name: e.place.Key}, true
	}
	return clockID{name: e.dn}, e.dn != ""
}

// tick judges an event's time against the clock of its key (seen says whether there is one) and
// returns the clock's next value.
func (m model) tick(c clock, seen bool, id clockID, e *event) (clock, []finding.Finding) {
	next := clock{last: e.time, at: e.at}
	if !seen || e.time >= c.last {
		return next, nil
	}
	of := "of the previous event on DN " + id.name
	if id.byKey {
		of = "of the previous event with key " + strconv.Quote(id.name)
	}
	return next, []finding.Finding{m.report(RuleTimeMonotonic, e, c.at, explanation{
		pointer: "/time", expected: "a time at or after " + c.last.String(), found: e.time.String(),
		message: fmt.Sprintf("%s: time %s is before %s %s (%s)", e.kind, e.time, c.last, of, m.earlier(c.at, "")),
	})}
}
