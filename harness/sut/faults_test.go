package sut_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/drive/drivetest"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// run is what one tour of a producer published, and the ReferenceIDs the tour issued.
type run struct {
	msgs []sut.Message
	evs  []event
	refs *drive.RefIDs
	devs []drivetest.Deviation
}

func tourRun(t *testing.T, opts ...sut.Opt) run {
	t.Helper()
	p, mem := newProducer(t, opts...)
	r := run{refs: &drive.RefIDs{}}
	r.devs = tour(t, p, r.refs)
	r.msgs = mem.Messages()
	r.evs = decodeAll(t, r.msgs)
	return r
}

// faultCheck proves that a fault's tour differs from the clean tour in the targeted way only.
type faultCheck func(t *testing.T, set *contract.Set, clean, got run)

var faultChecks = map[string]faultCheck{
	sut.FaultReadyWithoutMode:  schemaFault("schema.required", "/AgentWorkMode", evReady),
	sut.FaultMissingTime:       schemaFault("schema.required", "/time"),
	sut.FaultThisDNNumber:      schemaFault("schema.type", "/ThisDN"),
	sut.FaultUnknownWorkMode:   schemaFault("schema.enum", "/AgentWorkMode"),
	sut.FaultMuteOnWithoutConn: schemaFault("schema.required", "/ConnID", evMuteOn),
	sut.FaultMuteOffWithoutRef: alteredFault(func(clean event) (string, bool) {
		return "ReferenceID", clean.id() == evMuteOff
	}),
	sut.FaultAgentIDMissing: alteredFault(func(clean event) (string, bool) {
		return "AgentID", clean.has("AgentID")
	}),
	sut.FaultRefNotEchoed:           checkRefNotEchoed,
	sut.FaultWrongKey:               checkWrongKey,
	sut.FaultLogoutWithoutLogin:     extraFault(1, checkSecondLogout),
	sut.FaultBackWithoutOut:         extraFault(1, checkSecondBack),
	sut.FaultEventDuringOutage:      extraFault(4, checkDuringOutage),
	sut.FaultSilent:                 checkSilent,
	sut.FaultTimeInMilliseconds:     checkMilliseconds,
	sut.FaultRefOnPhysical:          checkRefOnPhysical,
	sut.FaultAgentOnTwoPartitions:   checkScattered,
	sut.FaultCustomerIDNotKeyTenant: checkCustomerID,
	sut.FaultMuteOffOnHangUp:        checkMuteOffOnHangUp,
	sut.FaultMuteKept:               checkMuteKept,
	sut.FaultSilentLogout:           checkSilentLogout,
}

func TestEachFaultBreaksExactlyItsPart(t *testing.T) {
	set := testkit.Builtin(t)
	clean := tourRun(t)
	if err := lawless(clean.evs, clean.refs); err != nil || len(clean.devs) > 0 {
		t.Fatalf("the clean tour is not lawful: %v %v", err, clean.devs)
	}
	for _, f := range sut.Faults() {
		t.Run(f.Name, func(t *testing.T) {
			check, ok := faultChecks[f.Name]
			if !ok {
				t.Fatalf("fault %s has no test", f.Name)
			}
			check(t, set, clean, tourRun(t, sut.WithFault(f.Name)))
		})
	}
	if len(faultChecks) != len(sut.Faults()) {
		t.Fatalf("%d checks for %d faults", len(faultChecks), len(sut.Faults()))
	}
}

// schemaFault checks a fault that the schemas catch: each message of the given events (of every
// event, when none is given) that had the attribute now raises exactly one finding, with the rule
// at the pointer, and differs from the clean one in that attribute only; every other message is
// unchanged and raises nothing.
func schemaFault(rule, pointer string, ids ...string) faultCheck {
	attr := pointer[1:]
	return func(t *testing.T, set *contract.Set, clean, got run) {
		sameLength(t, clean, got)
		affected := 0
		for i, c := range clean.evs {
			fs := set.Validate(got.msgs[i].Value).Findings
			hit := c.has(attr) && (len(ids) == 0 || slices.Contains(ids, c.id()))
			if !hit {
				unchanged(t, i, c, got.evs[i])
				if len(fs) > 0 {
					t.Errorf("message %d (%s) raises %v", i, c.id(), fs)
				}
				continue
			}
			affected++
			if len(fs) != 1 || fs[0].Rule != rule || fs[0].Pointer != pointer {
				t.Errorf("message %d (%s): findings %v, want exactly %s at %s", i, c.id(), fs, rule, pointer)
			}
			sameBut(t, i, c, got.evs[i], attr)
		}
		if affected == 0 {
			t.Fatal("the fault altered no message")
		}
	}
}

// alteredFault checks a fault that drops one attribute from some messages and leaves the stream
// schema-valid, but not lawful.
func alteredFault(drops func(clean event) (string, bool)) faultCheck {
	return func(t *testing.T, set *contract.Set, clean, got run) {
		sameLength(t, clean, got)
		requireValid(t, set, got.msgs)
		affected := 0
		for i, c := range clean.evs {
			attr, hit := drops(c)
			if !hit {
				unchanged(t, i, c, got.evs[i])
				continue
			}
			affected++
			if got.evs[i].has(attr) || got.evs[i].key != c.key {
				t.Errorf("message %d (%s) keyed %q still has %s", i, c.id(), got.evs[i].key, attr)
			}
			sameBut(t, i, c, got.evs[i], attr)
		}
		if affected == 0 {
			t.Fatal("the fault altered no message")
		}
		requireLawless(t, got)
	}
}

func checkRefNotEchoed(t *testing.T, set *contract.Set, clean, got run) {
	sameLength(t, clean, got)
	requireValid(t, set, got.msgs)
	for i, c := range clean.evs {
		want, had := c.ref()
		r, has := got.evs[i].ref()
		if had != has || (has && (r == want || got.refs.Issued(r))) {
			t.Errorf("message %d (%s): ReferenceID %d, clean %d: want one the harness never sent", i, c.id(), r, want)
		}
		sameBut(t, i, c, got.evs[i], "ReferenceID")
	}
	requireLawless(t, got)
}

func checkWrongKey(t *testing.T, set *contract.Set, clean, got run) {
	sameLength(t, clean, got)
	requireValid(t, set, got.msgs)
	named := 0
	for i, c := range clean.evs {
		g := got.evs[i]
		if !bytes.Equal(c.raw, g.raw) || g.agentPart() != c.str("ThisDN") {
			t.Errorf("message %d (%s): key %q, want the clean payload keyed by its DN %s", i, c.id(), g.key, c.str("ThisDN"))
		}
		if c.has("AgentID") {
			named++
		}
	}
	if named == 0 {
		t.Fatal("no message carries AgentID, so no key can contradict it")
	}
	requireLawless(t, got)
}

// extraFault checks a fault of behaviour: the clean stream is the faulty one less n extra
// messages, which check judges; the tour saw n deviations or fewer; the stream is schema-valid
// but not lawful.
func extraFault(n int, check func(t *testing.T, got run, extra []int)) faultCheck {
	return func(t *testing.T, set *contract.Set, clean, got run) {
		requireValid(t, set, got.msgs)
		extra := extras(t, clean, got)
		if len(extra) != n || len(got.devs) == 0 || len(got.devs) > n {
			t.Fatalf("%d extra messages %v and deviations %v, want %d", len(extra), extra, got.devs, n)
		}
		check(t, got, extra)
		requireLawless(t, got)
	}
}

func checkSecondLogout(t *testing.T, got run, extra []int) {
	e := got.evs[extra[0]]
	prev := previousOfKey(got.evs, extra[0])
	if e.id() != evLogout || e.str("AgentID") != "1001" || prev < 0 || got.evs[prev].id() != evLogout {
		t.Fatalf("extra %s of %q after %v, want an EventAgentLogout of 1001 right after another", e.id(), e.str("AgentID"), prev)
	}
}

func checkSecondBack(t *testing.T, got run, extra []int) {
	e, prev := got.evs[extra[0]], got.evs[extra[0]-1]
	if e.id() != evBackInService || e.str("ThisDN") != "5004" || prev.id() != evBackInService || e.key != "t1:" {
		t.Fatalf("extra %s of DN %s keyed %q after %s, want a second EventDNBackInService of 5004 keyed t1:", e.id(), e.str("ThisDN"), e.key, prev.id())
	}
}

func checkDuringOutage(t *testing.T, got run, extra []int) {
	var ids []string
	for _, i := range extra {
		e := got.evs[i]
		ids = append(ids, e.id())
		if e.str("ThisDN") != "5004" || e.key != "t1:" || !inOutage(got.evs, i) {
			t.Errorf("extra %s of DN %s keyed %q is not inside the outage of 5004", e.id(), e.str("ThisDN"), e.key)
		}
	}
	if want := []string{evDNDOn, evOffHook, evOnHook, evDNDOff}; !slices.Equal(ids, want) {
		t.Fatalf("extra events %v, want %v", ids, want)
	}
}

// checkMilliseconds: every message with a time now has the clean seconds in milliseconds, which
// the schemas reject with exactly one schema.maximum; nothing else changed.
func checkMilliseconds(t *testing.T, set *contract.Set, clean, got run) {
	sameLength(t, clean, got)
	timed := 0
	for i, c := range clean.evs {
		ct, ok := c.attrs["time"].(map[string]any)
		if !ok {
			unchanged(t, i, c, got.evs[i])
			continue
		}
		timed++
		sec, _ := ct["seconds"].(json.Number).Int64()
		usec, _ := ct["useconds"].(json.Number).Int64()
		gs, _ := got.evs[i].attrs["time"].(map[string]any)["seconds"].(json.Number).Int64()
		if gs != sec*1000+usec/1000 {
			t.Errorf("message %d (%s): seconds %d, want the clean %d.%06d in milliseconds", i, c.id(), gs, sec, usec)
		}
		fs := set.Validate(got.msgs[i].Value).Findings
		if len(fs) != 1 || fs[0].Rule != "schema.maximum" || fs[0].Pointer != "/time/seconds" {
			t.Errorf("message %d (%s): findings %v, want exactly schema.maximum at /time/seconds", i, c.id(), fs)
		}
		sameBut(t, i, c, got.evs[i], "time")
	}
	if timed == 0 {
		t.Fatal("no message has a time")
	}
}

// checkRefOnPhysical: the hook and service events, which carried no ReferenceID, now carry one
// the harness issued, and differ in nothing else; the stream shows it (an unsolicited event with
// a ReferenceID).
func checkRefOnPhysical(t *testing.T, _ *contract.Set, clean, got run) {
	sameLength(t, clean, got)
	claimed := 0
	for i, c := range clean.evs {
		_, had := c.ref()
		r, has := got.evs[i].ref()
		switch {
		case had || !has:
			unchanged(t, i, c, got.evs[i])
		case !got.refs.Issued(r):
			t.Errorf("message %d (%s): ReferenceID %d, which the harness never sent", i, c.id(), r)
		default:
			if slices.Contains([]string{evOffHook, evOnHook, evOutOfService, evBackInService}, c.id()) {
				claimed++
			}
			sameBut(t, i, c, got.evs[i], "ReferenceID")
		}
	}
	if claimed == 0 {
		t.Fatal("no hook or service event claims a ReferenceID")
	}
	requireLawless(t, got)
}

// checkScattered: the same messages, every one published whatever its key says about
// partitions, and otherwise valid.
func checkScattered(t *testing.T, set *contract.Set, clean, got run) {
	sameLength(t, clean, got)
	requireValid(t, set, got.msgs)
	for i, c := range clean.evs {
		unchanged(t, i, c, got.evs[i])
		if clean.msgs[i].Scattered || !got.msgs[i].Scattered {
			t.Errorf("message %d (%s): scattered %v, clean %v; want every faulty message scattered, no clean one", i, c.id(), got.msgs[i].Scattered, clean.msgs[i].Scattered)
		}
	}
}

// checkCustomerID: every CustomerID is the tenant's name instead of the key's tenant; the stream
// shows it.
func checkCustomerID(t *testing.T, set *contract.Set, clean, got run) {
	sameLength(t, clean, got)
	requireValid(t, set, got.msgs)
	changed := 0
	for i, c := range clean.evs {
		if !c.has("CustomerID") {
			unchanged(t, i, c, got.evs[i])
			continue
		}
		changed++
		if g := got.evs[i].str("CustomerID"); g != "tenant-"+c.str("CustomerID") {
			t.Errorf("message %d (%s): CustomerID %q, want tenant-%s", i, c.id(), g, c.str("CustomerID"))
		}
		sameBut(t, i, c, got.evs[i], "CustomerID")
	}
	if changed == 0 {
		t.Fatal("no message carries CustomerID")
	}
	requireLawless(t, got)
}

func checkSilent(t *testing.T, _ *contract.Set, _, got run) {
	if len(got.msgs) != 0 || len(got.devs) != 0 {
		t.Fatalf("silent published %d messages, deviated %v", len(got.msgs), got.devs)
	}
}

// checkMuteOffOnHangUp: the hang-up of the tour's muted call publishes one extra EventMuteOff,
// with no ReferenceID (no TSetMuteOff caused it), right before its EventOnHook; nothing else
// changes, and the stream breaks mute.off-reference-id.
func checkMuteOffOnHangUp(t *testing.T, set *contract.Set, clean, got run) {
	requireValid(t, set, got.msgs)
	extra := extras(t, clean, got)
	if len(extra) != 1 || len(got.devs) != 0 {
		t.Fatalf("extra messages %v and deviations %v, want one extra message and none", extra, got.devs)
	}
	e, next := got.evs[extra[0]], got.evs[extra[0]+1]
	if _, has := e.ref(); e.id() != evMuteOff || has || e.str("ThisDN") != "5001" || next.id() != evOnHook || next.str("ConnID") != e.str("ConnID") {
		t.Fatalf("extra %s of DN %s (ReferenceID %v) before %s, want an EventMuteOff without ReferenceID before the EventOnHook of its call", e.id(), e.str("ThisDN"), has, next.id())
	}
	requireLawless(t, got)
}

// checkMuteKept: the DN's call after the tour's muted hang-up starts muted, so the mute-off of
// that call, never muted, is performed instead of refused: one deviation, and its EventMuteOff is
// the one extra message.
func checkMuteKept(t *testing.T, set *contract.Set, clean, got run) {
	requireValid(t, set, got.msgs)
	extra := extras(t, clean, got)
	if len(extra) != 1 || len(got.devs) != 1 || !strings.Contains(got.devs[0].What, "never muted") {
		t.Fatalf("extra messages %v and deviations %v, want one of each, for the mute-off of a call never muted", extra, got.devs)
	}
	e := got.evs[extra[0]]
	for _, c := range got.evs[:extra[0]] {
		if c.id() == evMuteOn && c.str("ConnID") == e.str("ConnID") {
			t.Fatalf("the extra %s is of call %s, which was muted at %s", e.id(), e.str("ConnID"), c.raw)
		}
	}
	if e.id() != evMuteOff || e.str("ThisDN") != "5001" {
		t.Fatalf("extra %s of DN %s, want an EventMuteOff of DN 5001", e.id(), e.str("ThisDN"))
	}
}

// checkSilentLogout: the outage of DN 5003 logs agent 1002 out without its EventAgentNotReady
// and EventAgentLogout, which are the only messages missing; the stream alone is lawful (the
// agent logs in again during the outage), so only a probe through the protocol can see it.
func checkSilentLogout(t *testing.T, set *contract.Set, clean, got run) {
	requireValid(t, set, got.msgs)
	missing := extras(t, got, clean)
	var ids []string
	for _, i := range missing {
		c := clean.evs[i]
		ids = append(ids, c.id())
		if c.str("ThisDN") != "5003" || c.str("AgentID") != "1002" || !inOutage(clean.evs, i) {
			t.Errorf("missing %s of DN %s, agent %s, is not a consequence of the outage of 5003", c.id(), c.str("ThisDN"), c.str("AgentID"))
		}
	}
	if want := []string{evNotReady, evLogout}; !slices.Equal(ids, want) || len(got.devs) != 0 {
		t.Fatalf("missing %v, deviations %v; want %v and none", ids, got.devs, want)
	}
	if err := lawless(got.evs, got.refs); err != nil {
		t.Fatalf("the stream without the consequences is not lawful (%v): the fault is not silent", err)
	}
}

func sameLength(t *testing.T, clean, got run) {
	t.Helper()
	if len(got.msgs) != len(clean.msgs) || len(got.devs) != 0 {
		t.Fatalf("%d messages (clean: %d), deviations %v", len(got.msgs), len(clean.msgs), got.devs)
	}
}

func unchanged(t *testing.T, i int, clean, got event) {
	t.Helper()
	if !bytes.Equal(clean.raw, got.raw) || clean.key != got.key {
		t.Errorf("message %d changed: %s keyed %q, clean %s keyed %q", i, got.raw, got.key, clean.raw, clean.key)
	}
}

// sameBut checks that a message differs from the clean one in one attribute at most, and not in
// its key.
func sameBut(t *testing.T, i int, clean, got event, attr string) {
	t.Helper()
	c, g := maps.Clone(clean.attrs), maps.Clone(got.attrs)
	delete(c, attr)
	delete(g, attr)
	if a, b := encode(c), encode(g); a != b || clean.key != got.key {
		t.Errorf("message %d differs beyond %s: %s keyed %q, clean %s keyed %q", i, attr, b, got.key, a, clean.key)
	}
}

// extras returns the indexes of the messages of got that are not in clean, which must be a
// subsequence of got.
func extras(t *testing.T, clean, got run) []int {
	t.Helper()
	var out []int
	j := 0
	for i, g := range got.msgs {
		if j < len(clean.msgs) && bytes.Equal(g.Value, clean.msgs[j].Value) && g.Key == clean.msgs[j].Key {
			j++
			continue
		}
		out = append(out, i)
	}
	if j != len(clean.msgs) {
		t.Fatalf("the faulty stream lost clean message %d", j)
	}
	return out
}

func previousOfKey(evs []event, i int) int {
	for j := i - 1; j >= 0; j-- {
		if evs[j].key == evs[i].key {
			return j
		}
	}
	return -1
}

// inOutage says whether an EventDNOutOfService of the event's DN came before it with no
// EventDNBackInService since.
func inOutage(evs []event, i int) bool {
	dn := evs[i].str("ThisDN")
	for j := i - 1; j >= 0; j-- {
		if evs[j].str("ThisDN") != dn {
			continue
		}
		switch evs[j].id() {
		case evOutOfService:
			return true
		case evBackInService:
			return false
		}
	}
	return false
}

// requireLawless fails unless the stream breaks a rule of lawless: the fault is visible from the
// stream (and, for ReferenceIDs, the harness's own log) alone.
func requireLawless(t *testing.T, got run) {
	t.Helper()
	err := lawless(got.evs, got.refs)
	if err == nil {
		t.Fatal("the faulty stream passes the stream rules: the fault is invisible")
	}
	t.Log(err)
}

// encode renders attributes as JSON, with sorted keys.
func encode(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func TestParseFault(t *testing.T) {
	for _, f := range sut.Faults() {
		got, err := sut.ParseFault(f.Name)
		if err != nil || got.Name != f.Name || got.Summary == "" {
			t.Errorf("ParseFault(%q) = %+v, %v", f.Name, got, err)
		}
	}
	_, err := sut.ParseFault("muteoff-without-refid")
	var usage *drive.UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "muteoff-without-referenceid, logout-without-login") {
		t.Fatalf("an unknown fault gave %v, want a usage error listing the faults", err)
	}
}

// TestScatteringNeedsAPublisherThatPicksPartitions: agent-on-two-partitions cannot be shown by a
// Publisher that only publishes by key; New says so instead of producing a fault that is not one.
func TestScatteringNeedsAPublisherThatPicksPartitions(t *testing.T) {
	// The struct hides every method of Memory but Publish.
	var pub sut.Publisher = struct{ sut.Publisher }{&sut.Memory{}}
	if _, err := sut.New(pub, sut.WithFault(sut.FaultAgentOnTwoPartitions)); err == nil || !strings.Contains(err.Error(), "Scatterer") {
		t.Fatalf("New with a keyed-only publisher: %v, want an error naming sut.Scatterer", err)
	}
	if _, err := sut.New(pub); err != nil {
		t.Fatalf("New without the fault: %v", err)
	}
}
