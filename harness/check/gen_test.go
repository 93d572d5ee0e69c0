package check

import (
	"encoding/json"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"strconv"

	"pgregory.net/rapid"

	"github.com/voice-agentstate/conformance/harness/attr"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// This file models the system that produces voice-agentstate: agents and DNs that move only
// through legal transitions. A world emits the events of a random walk in the order they happen,
// each with the key the producer gives it; transport then spreads them over partitions and
// interleaves the partitions as a consumer would read them.

// chooser is the source of every random choice, so that the same model runs under rapid (which
// shrinks failures) and under math/rand (for benchmarks).
type chooser interface{ intn(n int) int }

type rapidChooser struct {
	t    *rapid.T
	gens map[int]*rapid.Generator[int]
}

func newRapidChooser(t *rapid.T) *rapidChooser {
	return &rapidChooser{t: t, gens: map[int]*rapid.Generator[int]{}}
}

func (c *rapidChooser) intn(n int) int {
	g := c.gens[n]
	if g == nil {
		g = rapid.IntRange(0, n-1)
		c.gens[n] = g
	}
	return g.Draw(c.t, "choice")
}

type randChooser struct{ r *rand.Rand }

func newRandChooser(seed uint64) randChooser { return randChooser{rand.New(rand.NewPCG(seed, 1))} }

func (c randChooser) intn(n int) int { return c.r.IntN(n) }

// keyPolicy says how the producer keys the events that carry no AgentID.
type keyPolicy int

const (
	// keysFixed keys every DN event "t1:", so that all of them share a partition.
	keysFixed keyPolicy = iota
	// keysByAgent keys DND, forwarding, hook and mute events by the agent on the DN, "t1:" when
	// none is. Service events stay "t1:" (ServiceKeyTenant).
	keysByAgent
	// keysServiceByAgent keys every DN event, service events included, by the agent on the DN,
	// "t1:" when none is (ServiceKeyAgent).
	keysServiceByAgent
	// keysLikeReference keys every DN event by the agent last logged in on the DN, "t1:" if none
	// ever was, and all the service events of one outage by the key of the one that began it, as
	// the reference producer does (ServiceKeyAgent).
	keysLikeReference
)

// worldOpts shape a world.
type worldOpts struct {
	agents, dns int
	midLife     bool      // start from a random state the stream never shows
	keys        keyPolicy // how DN events are keyed
	unnamed     bool      // agents are named in all, some or none of their events (see naming)
}

// naming is how the producer names an agent in its events' payload and key. A producer that names
// an agent in some events but not others keys all of them by the agent: the checker assumes it
// (see the package doc), so the model never mixes payloads that name an agent with tenant-only
// keys.
type naming int

const (
	named     naming = iota // AgentID always, key t1:{agent}
	sometimes               // AgentID in some events, key t1:{agent} in all
	anonymous               // AgentID never, key t1: (the producer does not know the agent)
)

type simAgent struct {
	id     string
	dn     *simDN
	naming naming
}

type simDN struct {
	id    string
	out   bool
	dnd   bool
	fwd   [2]bool // forwarding set per mode
	call  *simCall
	agent *simAgent
	last  *simAgent // the agent last logged in on the DN
	// outageKey keys the service events of the outage under way, with keysLikeReference
	outageKey string
}

type simCall struct {
	conn            string
	muted, observer bool
}

// genEvent is one produced event: its document, its key, and the key that chose its partition
// when it is not the key itself (a key corrupted on the wire keeps its partition).
type genEvent struct {
	id    string
	doc   map[string]any
	key   string
	route string
}

type world struct {
	pick   chooser
	opts   worldOpts
	now    int64 // microseconds since the epoch
	seq    int
	agents []*simAgent
	dns    []*simDN
	out    []genEvent
}

var (
	genReadyModes    = append([]string{"AgentWorkModeUnknown"}, readyModes...)
	genNotReadyModes = append([]string{"AgentWorkModeUnknown", ""}, notReadyModes...)
	genRoles         = []string{"RoleOrigination", "RoleDestination", "RoleConferenceMember", "RoleNewParty", "RoleUnknown"}
)

func newWorld(pick chooser, o worldOpts) *world {
	w := &world{pick: pick, opts: o, now: 1_700_000_000_000_000}
	for i := range o.agents {
		a := &simAgent{id: strconv.Itoa(1001 + i)}
		if o.unnamed {
			a.naming = naming(pick.intn(3))
		}
		w.agents = append(w.agents, a)
	}
	for i := range o.dns {
		w.dns = append(w.dns, &simDN{id: strconv.Itoa(5001 + i)})
	}
	if o.midLife {
		w.scramble()
	}
	return w
}

// generate walks until n events are produced (or a walk of 8n steps produced fewer, when few
// transitions are enabled) and returns them.
func (w *world) generate(n int) []genEvent {
	actions := []func(){w.login, w.ready, w.notReady, w.logout, w.dndToggle, w.forward, w.hook, w.mute, w.service}
	for step := 0; len(w.out) < n && step < 8*n; step++ {
		actions[w.pick.intn(len(actions))]()
	}
	return w.out
}

func (w *world) coin() bool { return w.pick.intn(2) == 0 }

func (w *world) agent() *simAgent { return w.agents[w.pick.intn(len(w.agents))] }

func (w *world) dn() *simDN { return w.dns[w.pick.intn(len(w.dns))] }

// scramble sets a random state from before the stream began.
func (w *world) scramble() {
	for _, d := range w.dns {
		d.out, d.dnd, d.fwd[0], d.fwd[1] = w.pick.intn(4) == 0, w.coin(), w.coin(), w.pick.intn(4) == 0
		if w.coin() {
			d.call = &simCall{conn: w.conn(), muted: w.coin(), observer: w.pick.intn(4) == 0}
		}
	}
	for _, a := range w.agents {
		if d := w.dn(); d.agent == nil && w.coin() {
			a.dn, d.agent, d.last = d, a, a
		}
	}
}

func (w *world) conn() string {
	w.seq++
	return "00710238" + strconv.FormatUint(uint64(0x10000000+w.seq), 16)
}

func (w *world) login() {
	a := w.agent()
	if a.dn != nil {
		w.emitAgent("EventAgentLogin", a, a.dn, nil) // a repeated login is legal
		return
	}
	d := w.dn()
	if d.agent != nil {
		return
	}
	a.dn, d.agent, d.last = d, a, a
	w.emitAgent("EventAgentLogin", a, d, nil)
}

func (w *world) ready() {
	a := w.agent()
	if a.dn == nil || a.dn.out {
		return
	}
	w.emitAgent("EventAgentReady", a, a.dn, map[string]any{"AgentWorkMode": genReadyModes[w.pick.intn(len(genReadyModes))]})
}

func (w *world) notReady() {
	a := w.agent()
	if a.dn == nil {
		return
	}
	attrs := map[string]any{}
	if mode := genNotReadyModes[w.pick.intn(len(genNotReadyModes))]; mode != "" {
		attrs["AgentWorkMode"] = mode
	}
	w.emitAgent("EventAgentNotReady", a, a.dn, attrs)
}

func (w *world) logout() {
	a := w.agent()
	if a.dn == nil {
		return
	}
	d := a.dn
	a.dn, d.agent = nil, nil
	w.emitAgent("EventAgentLogout", a, d, nil)
}

func (w *world) dndToggle() {
	d := w.dn()
	if d.out {
		return
	}
	d.dnd = !d.dnd
	if d.dnd {
		w.emitDN("EventDNDOn", d, nil)
		return
	}
	w.emitDN("EventDNDOff", d, nil)
}

func (w *world) forward() {
	d := w.dn()
	if d.out {
		return
	}
	mode := w.pick.intn(len(d.fwd))
	d.fwd[mode] = !d.fwd[mode]
	if d.fwd[mode] {
		status := []string{"CallForwardingStatus", "SendAllCallsStatus"}[mode]
		w.emitDN("EventForwardSet", d, map[string]any{"InfoStatus": status, "OtherDN": "6001"})
		return
	}
	w.emitDN("EventForwardCancel", d, nil)
}

func (w *world) hook() {
	d := w.dn()
	if d.call != nil { // a call may end during an outage: that is one of its consequences
		attrs := map[string]any{}
		if w.coin() {
			attrs["ConnID"] = d.call.conn
		}
		d.call = nil
		w.emitDN("EventOnHook", d, attrs)
		return
	}
	if d.out {
		return
	}
	// A supervisor's DN joins a monitored call already muted, and says nothing of it.
	observer := w.pick.intn(4) == 0
	d.call = &simCall{conn: w.conn(), observer: observer, muted: observer}
	w.emitDN("EventOffHook", d, map[string]any{"ConnID": d.call.conn, "CallType": "CallTypeInbound"})
}

func (w *world) mute() {
	d := w.dn()
	if d.out || d.call == nil {
		return
	}
	c := d.call
	role := genRoles[w.pick.intn(len(genRoles))]
	if c.observer {
		role = roleObserver
	}
	c.muted = !c.muted
	w.seq++
	attrs := map[string]any{"ConnID": c.conn, "ThisDNRole": role, "ReferenceID": json.Number(strconv.Itoa(w.seq))}
	if c.muted {
		w.emitDN("EventMuteOn", d, attrs)
		return
	}
	w.emitDN("EventMuteOff", d, attrs)
}

func (w *world) service() {
	d := w.dn()
	if !d.out {
		d.out = true
		w.emitService("EventDNOutOfService", d, false)
		return
	}
	if w.coin() {
		w.emitService("EventDNOutOfService", d, true) // re-sent when a new client registers
		return
	}
	d.out = false
	w.emitService("EventDNBackInService", d, true)
}

// c4 returns the attributes most events carry: id, Server, ThisDN and time, which advances.
func (w *world) c4(id string, d *simDN) map[string]any {
	w.now += int64(w.pick.intn(3)) * 500_000
	return map[string]any{
		"id": id, "Server": json.Number("1"), "ThisDN": d.id,
		"time": map[string]any{
			"seconds":  json.Number(strconv.FormatInt(w.now/1_000_000, 10)),
			"useconds": json.Number(strconv.FormatInt(w.now%1_000_000, 10)),
		},
	}
}

func (w *world) emitAgent(id string, a *simAgent, d *simDN, attrs map[string]any) {
	doc := w.c4(id, d)
	maps.Copy(doc, attrs)
	key := "t1:" + a.id
	switch {
	case a.naming == anonymous:
		key = "t1:"
	case a.naming == named || w.coin():
		doc["AgentID"] = a.id
	}
	if w.coin() {
		doc["CustomerID"] = "t1"
	}
	w.out = append(w.out, genEvent{id: id, doc: doc, key: key})
}

func (w *world) emitDN(id string, d *simDN, attrs map[string]any) {
	var doc map[string]any
	if id == "EventMuteOn" || id == "EventMuteOff" {
		doc = map[string]any{"id": id, "ThisDN": d.id}
	} else {
		doc = w.c4(id, d)
	}
	maps.Copy(doc, attrs)
	w.out = append(w.out, genEvent{id: id, doc: doc, key: w.dnKey(d)})
}

// dnKey is the key of an event of the DN that carries no AgentID: that of the agent on the DN (the
// last one, like the reference), or "t1:".
func (w *world) dnKey(d *simDN) string {
	a := d.agent
	switch w.opts.keys {
	case keysFixed:
		return "t1:"
	case keysLikeReference:
		a = d.last
	}
	if a == nil || a.naming == anonymous {
		return "t1:" // a producer that does not know the agent cannot key by it
	}
	return "t1:" + a.id
}

// emitService emits a service event; out is whether the DN was out of service before it.
func (w *world) emitService(id string, d *simDN, out bool) {
	key := "t1:"
	switch w.opts.keys {
	case keysServiceByAgent:
		key = w.dnKey(d)
	case keysLikeReference:
		if !out || d.outageKey == "" { // "": an outage from before the stream
			d.outageKey = w.dnKey(d)
		}
		key = d.outageKey
	}
	w.out = append(w.out, genEvent{id: id, doc: map[string]any{"id": id, "ThisDN": d.id}, key: key})
}

// transport delivers produced events as a consumer reads them. With parts == 0 they are JSON
// Lines without Kafka coordinates, in the order produced. Otherwise each goes to a partition by
// its key's hash, and the partitions are interleaved at random. It returns the events read and,
// for each produced event, its index among them.
func transport(evs []genEvent, parts int, pick chooser) ([]Event, []int) {
	at := make([]int, len(evs))
	if parts == 0 {
		out := make([]Event, len(evs))
		for i, g := range evs {
			out[i] = Event{ID: g.id, Attrs: attr.Of(g.doc), Place: finding.Place{File: "gen.jsonl", Line: i + 1}}
			at[i] = i
		}
		return out, at
	}
	queues := make([][]int, parts)
	for i, g := range evs {
		route := g.route
		if route == "" {
			route = g.key
		}
		p := partitionOf(route, parts)
		queues[p] = append(queues[p], i)
	}
	return interleave(evs, queues, pick, at), at
}

func partitionOf(key string, parts int) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(parts))
}

// interleave reads the partitions' queues in a random merge that keeps each partition's order.
func interleave(evs []genEvent, queues [][]int, pick chooser, at []int) []Event {
	out := make([]Event, 0, len(evs))
	next := make([]int, len(queues))
	for len(out) < len(evs) {
		var open []int
		for p, q := range queues {
			if next[p] < len(q) {
				open = append(open, p)
			}
		}
		p := open[pick.intn(len(open))]
		i := queues[p][next[p]]
		g := evs[i]
		place := finding.Place{
			File: "gen.jsonl", Line: len(out) + 1, Key: g.key, HasKey: true,
			Partition: int32(p), Offset: int64(next[p]), HasOffset: true,
		}
		at[i] = len(out)
		out = append(out, Event{ID: g.id, Attrs: attr.Of(g.doc), Place: place})
		next[p]++
	}
	return out
}
