package suite

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The ReferenceID of a step is flow*refFlow + instance*refInstance + step: its flow's number,
// which run of the flow it is, and its place in the flow, so that two runs of the same build give
// a request the same ReferenceID whatever ran before it or at the same time. It stays below
// 2^31 for up to 21,000 flows, for services that keep a ReferenceID in 32 bits.
const (
	refFlow     = 100_000
	refInstance = 1_000
	maxInstance = refFlow/refInstance - 1
	maxSteps    = refInstance - 1
	maxFlows    = 21_000
)

// RuleUnownedEvent: every event of the run is on a DN one of its flows owns. The suite hands
// out every DN it drives; an event on any other DN (or none) was caused by nothing the suite did,
// so no step can judge it.
const RuleUnownedEvent = "suite.unowned-event"

// flowBook numbers a run's flows, counts their runs and keeps the DNs the run handed out.
type flowBook struct {
	mu      sync.Mutex
	numbers map[string]int  // a flow's number, by name
	last    int             // the last number given
	runs    map[string]int  // how many times each flow started
	dns     map[string]bool // every DN handed out
}

// declare numbers flows in the order given, those not numbered yet: a suite declares all its
// flows before any runs, so that a flow's number does not depend on which ran first.
func (b *flowBook) declare(names ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, n := range names {
		b.numberLocked(n)
	}
}

func (b *flowBook) numberLocked(name string) int {
	if b.numbers == nil {
		b.numbers = map[string]int{}
	}
	if n, ok := b.numbers[name]; ok && name != "" {
		return n
	}
	b.last++
	if name != "" {
		b.numbers[name] = b.last
	}
	return b.last
}

// start returns the base of the ReferenceIDs of a new run of a flow ("" for a cast of no flow,
// which gets a number of its own) and which run of the flow it is, from 1.
func (b *flowBook) start(name string) (base int64, instance int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.runs == nil {
		b.runs = map[string]int{}
	}
	n := b.numberLocked(name)
	b.runs[name]++
	instance = b.runs[name]
	if n > maxFlows || instance > maxInstance {
		return 0, instance, fmt.Errorf("start flow %q: run %d of flow number %d is beyond the ReferenceIDs the suite gives (%d flows, %d runs of each)", name, instance, n, maxFlows, maxInstance)
	}
	return int64(n)*refFlow + int64(instance)*refInstance, instance, nil
}

func (b *flowBook) own(dn string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dns == nil {
		b.dns = map[string]bool{}
	}
	b.dns[dn] = true
}

func (b *flowBook) owned(dn string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dns[dn]
}

// Declare numbers the suite's flows, in the order given, before any of them runs: a flow's
// ReferenceIDs then depend only on its name, its run and its step. A flow never declared is
// numbered when it first runs.
func (e *Env) Declare(flows ...string) { e.flows.declare(flows...) }

// Unowned words, one line each starting with RuleUnownedEvent, the events consumed so far that
// are on no DN the run handed out to a flow: with flows running at once, an event belongs to the
// flow that owns its DN, and one on no flow's DN is a finding of its own.
func (e *Env) Unowned() []string {
	var out []string
	for _, ev := range e.Collector.Since(0) {
		dn := ev.Str("ThisDN")
		if e.flows.owned(dn) {
			continue
		}
		found := fmt.Sprintf("ThisDN %q", dn)
		if _, has := ev.Doc["ThisDN"]; !has {
			found = "no ThisDN (as a string)"
		}
		out = append(out, fmt.Sprintf("%s: %s at %s: %s, which is no DN of this run's flows; every event the suite causes is on a DN it handed to a flow (%s), so no step judged this one: did the system publish on a DN it was not asked about, or does another producer share the topic?",
			RuleUnownedEvent, orNone(ev.ID), ev.Place, found, e.ownedSample()))
	}
	return out
}

// ownedSample names a few DNs the run handed out, for a finding's reader.
func (e *Env) ownedSample() string {
	e.flows.mu.Lock()
	dns := make([]string, 0, len(e.flows.dns))
	for dn := range e.flows.dns {
		dns = append(dns, dn)
	}
	e.flows.mu.Unlock()
	sort.Strings(dns)
	if len(dns) > 3 {
		dns = append(dns[:3], "…")
	}
	return "such as " + strings.Join(dns, ", ")
}
