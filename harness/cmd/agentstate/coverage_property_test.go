package main

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"reflect"
	"testing"
	"testing/quick"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

// Faults the coverage property is tried under.
const (
	faultNone   = "none"
	faultDelete = "records deleted ahead"
	faultStall  = "broker frozen for longer than the quiet time"
	faultKill   = "a member of the group killed"
)

// coverageCase is one generated run: records per partition, a fault, and how observe stops.
type coverageCase struct {
	Counts   []int           // records produced to each partition before observe starts
	Fault    string          // one of the fault constants
	Deleted  map[int32]int64 // with faultDelete: records before this offset deleted ahead
	UntilEnd bool            // stop with --until-end, else with --stop-when-quiet
	seed     int64
}

// Generate draws a case: 1 to 3 partitions of 1 to 40 records, and how observe stops; with
// sets the fault.
func (coverageCase) Generate(r *rand.Rand, _ int) reflect.Value {
	c := coverageCase{UntilEnd: r.Intn(2) == 0, seed: r.Int63()}
	for range 1 + r.Intn(3) {
		c.Counts = append(c.Counts, 1+r.Intn(40))
	}
	return reflect.ValueOf(c)
}

// with returns the case under a fault: some records deleted ahead in one partition; 300 bulky
// records in partition 0 when the broker stalls, so that reading takes several fetches; three
// partitions at least, stopping when quiet, when a member of a group is killed.
func (c coverageCase) with(fault string) coverageCase {
	r := rand.New(rand.NewSource(c.seed))
	c.Fault, c.Counts = fault, append([]int(nil), c.Counts...)
	switch fault {
	case faultStall:
		c.Counts[0] = 300
	case faultDelete:
		p := int32(r.Intn(len(c.Counts)))
		c.Deleted = map[int32]int64{p: int64(1 + r.Intn(c.Counts[p]))}
	case faultKill:
		c.UntilEnd = false
		for len(c.Counts) < 3 {
			c.Counts = append(c.Counts, 1+r.Intn(40))
		}
	}
	return c
}

// TestAPassJudgedEveryOffsetItWasResponsibleFor is the property behind "unknown is never a
// pass": over generated topics under each fault, a run (observe, or merge of a group's
// survivors) that exits 0 judged exactly the (partition, offset) set it was responsible for,
// every offset produced before it started, each once. Without a fault, or with a stall the run
// rides out, it must pass; with records deleted, it must not. A member killed may or may not
// leave offsets nobody alive judged (the survivors redo what it had not committed): only the
// property holds. Few cases per fault keep it to seconds.
func TestAPassJudgedEveryOffsetItWasResponsibleFor(t *testing.T) {
	for _, f := range []struct {
		fault string
		cases int
	}{{faultNone, 2}, {faultDelete, 2}, {faultStall, 1}, {faultKill, 1}} {
		prop := func(c coverageCase) bool { return c.with(f.fault).holds(t) }
		if err := quick.Check(prop, &quick.Config{MaxCount: f.cases}); err != nil {
			t.Errorf("%s: %v", f.fault, err)
		}
	}
}

// holds runs the case and checks the property.
func (c coverageCase) holds(t *testing.T) bool {
	began := time.Now()
	code, judged := c.run(t)
	t.Logf("%+v: exit %d, %d offsets judged, in %s", c, code, len(judged), time.Since(began).Round(time.Millisecond))
	responsible := map[partitionOffset]int{}
	for p, n := range c.Counts {
		for o := 0; o < n; o++ {
			responsible[partitionOffset{int32(p), int64(o)}] = 1
		}
	}
	complete := reflect.DeepEqual(judged, responsible)
	switch {
	case code == exitPass && !complete:
		t.Logf("%+v: exit 0 having judged %d of %d offsets", c, len(judged), len(responsible))
		return false
	case (c.Fault == faultNone || c.Fault == faultStall) && code != exitPass:
		t.Logf("%+v: exit %d on a run that could judge everything (a false red)", c, code)
		return false
	case c.Fault == faultDelete && code == exitPass:
		t.Logf("%+v: exit 0 although records were deleted before they were read", c)
		return false
	}
	return true
}

// run produces the case's records, runs observe (or a group of three, one killed, then merge),
// and returns the exit code and every (partition, offset) the runs recorded as consumed.
func (c coverageCase) run(t *testing.T) (int, map[partitionOffset]int) {
	b := brokertest.Embedded(t, int32(len(c.Counts)))
	dir := t.TempDir()
	if c.Fault == faultKill {
		return c.runGroup(t, b, dir)
	}
	c.produce(t, b)
	switch c.Fault {
	case faultDelete:
		brokertest.DeleteAtFirstFetch(t, b, c.Deleted)
	case faultStall:
		brokertest.StallAfterFirstFetch(b, 1200*time.Millisecond)
	}
	capture := filepath.Join(dir, "capture.jsonl")
	stop := []string{"--stop-when-quiet", "300ms"}
	if c.UntilEnd {
		stop = []string{"--until-end"}
	}
	r := agentstate(t, "", observeEnv(b), append([]string{"observe", "--record", capture}, stop...)...)
	return r.code, offsetsIn(t, capture)
}

func (c coverageCase) produce(t *testing.T, b broker.Broker) {
	for p, n := range c.Counts {
		brokertest.Produce(t, b, dndOns(int32(p), n, c.Fault == faultStall && p == 0)...)
	}
}

// groupQuiet is how long the observers of a generated group wait for records: long enough for
// all three to join on a loaded machine (the quiet clock restarts at each assignment).
const groupQuiet = "3s"

// runGroup starts three observers of a group, produces once they share the partitions, kills
// one once it has judged something, and merges the survivors' reports.
func (c coverageCase) runGroup(t *testing.T, b broker.Broker, dir string) (int, map[partitionOffset]int) {
	getenv := func(k string) string { return observeEnv(b)[k] }
	group := fmt.Sprintf("coverage-%d", time.Now().UnixNano())
	paths, wait := startGroupObservers(t.Context(), dir, 2, group, groupQuiet, getenv)
	victim := filepath.Join(dir, "victim.jsonl")
	kill := startVictim(group, groupQuiet, victim, getenv)
	waitForMembers(t, b, group, 3)
	c.produce(t, b)
	waitForCapture(victim)
	kill()
	wait()
	var captures []string
	for _, p := range paths {
		captures = append(captures, captureOf(p))
	}
	r := agentstate(t, "", nil, append([]string{"merge"}, paths...)...)
	return r.code, offsetsIn(t, captures...)
}
