package check

import (
	"github.com/voice-agentstate/conformance/harness/finding"
)

// Checker judges a stream of events, one at a time, in consumption order. It holds one scope per
// Kafka partition and one for the events read without Kafka coordinates; each scope holds the
// state of the DNs and the clocks its events touched. The zero value is a Checker with the
// default options. A Checker is not safe for concurrent use.
type Checker struct {
	cfg    cfg
	files  []string
	fileIx map[string]uint32
	plain  *scope
	parts  map[int32]*scope
	pool   states
	// unjudgedService counts the service events whose key does not fit the service-key setting,
	// which the outage rules could therefore not judge.
	unjudgedService int
}

// scope is the state of one totally ordered part of the stream.
type scope struct {
	initial   InitialState // the state the scope started from
	keyed     bool
	partition int32
	dns       map[string]state
	// The clocks by key and by DN, apart so that each is a map of strings (a faster hash, and 8
	// bytes less per clock than a map keyed by clockID).
	keyClocks, dnClocks map[string]clock
}

// New returns a Checker. It panics when an option is out of range, which only a program can cause
// (ParseInitialState never returns such a value).
func New(opts ...Opt) *Checker {
	c := defaultCfg()
	for _, o := range opts {
		o.apply(&c)
	}
	if err := c.validate(); err != nil {
		panic(err)
	}
	return &Checker{cfg: c}
}

// Step judges one event in consumption order and returns the findings it raises, with Place set to
// the event's place and Context to the place of the earlier event that set the context, when there
// is one. Events whose id is not one of the 14 of the contract are ignored; attributes that are
// missing or of the wrong type leave the rules that need them unjudged.
func (c *Checker) Step(ev Event) []finding.Finding {
	k := kinds[ev.ID]
	if k == 0 {
		return nil
	}
	sc := c.scopeOf(ev.Place)
	e := parse(k, ev, c.intern(ev.Place.File))
	c.pool.begin()
	m := model{initial: sc.initial, serviceKey: c.cfg.serviceKey, keyed: sc.keyed, partition: sc.partition, files: c.files, pool: &c.pool}
	if e.kind == evOutOfService || e.kind == evBackInService {
		if _, paired := m.serviceName(&e); !paired {
			c.unjudgedService++
		}
	}
	found := m.stateless(&e)
	found = append(found, sc.tick(m, &e)...)
	return append(found, sc.advance(m, &e)...)
}

// Tracked reports how many facts about agents, DNs and calls, and how many clocks, the checker
// holds (a DN held with no fact counts as one): what its memory grows with.
func (c *Checker) Tracked() int {
	n := c.plain.tracked()
	for _, sc := range c.parts {
		n += sc.tracked()
	}
	return n
}

func (c *Checker) scopeOf(p finding.Place) *scope {
	if !p.HasOffset {
		if c.plain == nil {
			c.plain = newScope(c.cfg.initial, false, 0)
		}
		return c.plain
	}
	sc := c.parts[p.Partition]
	if sc == nil {
		if c.parts == nil {
			c.parts = map[int32]*scope{}
		}
		sc = newScope(c.cfg.initial, true, p.Partition)
		c.parts[p.Partition] = sc
	}
	return sc
}

// intern returns the mark index of a file name: its index in c.files plus one, 0 for none.
func (c *Checker) intern(file string) uint32 {
	if file == "" {
		return 0
	}
	if i, ok := c.fileIx[file]; ok {
		return i
	}
	if c.fileIx == nil {
		c.fileIx = map[string]uint32{}
	}
	c.files = append(c.files, file)
	i := uint32(len(c.files))
	c.fileIx[file] = i
	return i
}

func newScope(initial InitialState, keyed bool, partition int32) *scope {
	return &scope{initial: initial, keyed: keyed, partition: partition, dns: map[string]state{},
		keyClocks: map[string]clock{}, dnClocks: map[string]clock{}}
}

func (sc *scope) tracked() int {
	if sc == nil {
		return 0
	}
	n := len(sc.keyClocks) + len(sc.dnClocks)
	for _, s := range sc.dns {
		n += max(len(s), 1)
	}
	return n
}

func (sc *scope) tick(m model, e *event) []finding.Finding {
	id, ok := clockOf(e)
	if !e.timed || !ok {
		return nil
	}
	clocks := sc.clocksOf(id)
	c, seen := clocks[id.name]
	next, found := m.tick(c, seen, id, e)
	clocks[id.name] = next
	return found
}

// clocksOf returns the map that holds the clock id names.
func (sc *scope) clocksOf(id clockID) map[string]clock {
	if id.byKey {
		return sc.keyClocks
	}
	return sc.dnClocks
}

// advance steps the state of the event's DN. A DN left with nothing known beyond the baseline is
// forgotten: state lasts as long as activity does.
func (sc *scope) advance(m model, e *event) []finding.Finding {
	if e.dn == "" {
		return nil
	}
	prev := sc.dns[e.dn]
	next, found := m.step(prev, e)
	switch {
	case len(next) == 0:
		delete(sc.dns, e.dn)
	case len(prev) == 0 || &next[0] != &prev[0] || len(next) != len(prev):
		sc.dns[e.dn] = next
	}
	if len(prev) > 0 && (len(next) == 0 || &next[0] != &prev[0]) {
		m.pool.put(prev) // replaced: nothing refers to it now
	}
	sc.forgetClock(e, len(next) == 0)
	return found
}

// forgetClock drops the clock of an event once the activity it follows has ended: a DN's clock
// when the DN is back at its baseline, a key's when the agent it names logs out. The few keys
// that many DNs share (such as "t1:") keep theirs.
func (sc *scope) forgetClock(e *event, idle bool) {
	id, ok := clockOf(e)
	if ok && (id.byKey && e.kind == evLogout || !id.byKey && idle) {
		delete(sc.clocksOf(id), id.name)
	}
}

// Forget drops the state of partitions this checker no longer judges, as after a consumer-group
// rebalance takes them to another observer. Their next events, should they come back, are judged
// as the start of a stream (with Unknown, nothing is assumed about them).
func (c *Checker) Forget(partitions ...int32) {
	for _, p := range partitions {
		delete(c.parts, p)
	}
}

// Restart drops what is known of a partition and judges its next events from an unknown state,
// whatever the initial state of the run: for a break in a capture (offsets out of order) after
// which its events do not follow those before, so that nothing across the break is judged.
func (c *Checker) Restart(partition int32) {
	if c.parts == nil {
		c.parts = map[int32]*scope{}
	}
	c.parts[partition] = newScope(Unknown, true, partition)
}

// UnjudgedServiceEvents is how many EventDNOutOfService and EventDNBackInService the outage rules
// could not judge, because their key does not fit the service-key setting (WithServiceKey): a
// run that passes judged its outages only as far as this says.
func (c *Checker) UnjudgedServiceEvents() int { return c.unjudgedService }
