package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/report"
)

// TestObserversShareATopicThroughAGroupAndMergeToOneVerdict runs three observers in one consumer
// group over six partitions, on the embedded broker and (under make test-kafka) on real Kafka's
// group coordinator; merged, their reports give the verdict one observer gives alone, with every
// offset judged exactly once.
func TestObserversShareATopicThroughAGroupAndMergeToOneVerdict(t *testing.T) {
	brokertest.Each(t, 6, observersShareATopic)
}

// shareQuiet is how long the observers of a shared group wait for a record before they stop. Real Kafka
// holds a new group's first assignment back for group.initial.rebalance.delay.ms (3 s by default,
// 6 s when members join meanwhile); observe's quiet clock restarts at each assignment, so that
// wait never counts as quiet.
const shareQuiet = "2s"

func observersShareATopic(t *testing.T, b broker.Broker) {
	dir := t.TempDir()
	group := brokertest.UniqueTopic(t)
	env := observeEnv(b)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The observers join first, so that the group shares the partitions among them before any
	// record exists; each stops once the topic has been quiet for shareQuiet.
	paths, wait := startGroupObservers(ctx, dir, 3, group, shareQuiet, func(k string) string { return env[k] })
	waitForMembers(t, b, group, 3)
	brokertest.Produce(t, b, groupRecords()...)
	wait()
	alone := filepath.Join(dir, "alone.json")
	if r := agentstate(t, "", env, "observe", "--until-end", "--report-json", alone); r.code != exitFindings {
		t.Fatalf("observe alone: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	checkGroupShares(t, paths)
	merged := filepath.Join(dir, "merged.json")
	if r := agentstate(t, "", nil, append([]string{"merge", "--report-json", merged}, paths...)...); r.code != exitFindings {
		t.Fatalf("merge: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	m, a := readReport(t, merged), readReport(t, alone)
	if m.Events != 600 || m.Lines != 600 || a.Events != 600 {
		t.Errorf("merged %d events, alone %d, produced 600", m.Events, a.Events)
	}
	if got, want := coordinates(m), coordinates(a); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("merged findings differ from one observer's:\n%v\n%v", got, want)
	}
	full, err := report.Read(merged)
	if err != nil {
		t.Fatal(err)
	}
	for p := int32(0); p < 6; p++ {
		acct := full.Consumed.Partitions[p]
		if acct == nil || acct.Count != 100 || len(acct.Segments) != 1 || acct.Segments[0] != (report.Gap{From: 0, To: 99}) ||
			len(acct.Gaps) != 0 || acct.Redelivered != 0 || len(acct.DataLoss) != 0 || acct.CaptureErrors != 0 {
			t.Errorf("partition %d accounting %+v", p, acct)
		}
	}
}

// groupRecords are 600 events over six partitions, one in 97 without its time (a violation).
func groupRecords() []brokertest.Record {
	var recs []brokertest.Record
	for i := 0; i < 600; i++ {
		p := int32(i % 6)
		value := fmt.Sprintf(`{"id":"EventDNDOn","Server":3,"ThisDN":"50%02d","time":{"seconds":%d,"useconds":0}}`, p, 1764035100+i)
		if i%97 == 0 {
			value = fmt.Sprintf(`{"id":"EventDNDOn","Server":3,"ThisDN":"50%02d"}`, p) // no time: a violation
		}
		recs = append(recs, brokertest.Record{Partition: p, Key: []byte(fmt.Sprintf("t1:%d", p)), Value: []byte(value)})
	}
	return recs
}

// checkGroupShares wants at least two of the three observers to have judged something: the group
// shared the partitions.
func checkGroupShares(t *testing.T, paths []string) {
	t.Helper()
	owners := 0
	for _, path := range paths {
		r, err := report.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if r.Events > 0 {
			owners++
		}
		t.Logf("%s: %d events, stopped: %s, handovers %+v", filepath.Base(path), r.Events, r.Consumed.Stopped, r.Consumed.Handovers)
	}
	if owners < 2 {
		t.Errorf("only %d of 3 observers judged anything; the group did not share the partitions", owners)
	}
}

// TestMergeExitsByItsVerdict: merge prints the merged findings and exits 0 on a pass, 1 on
// findings and 2 on a report it cannot read (report.Merge's own tests hold what it finds).
func TestMergeExitsByItsVerdict(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, segs ...report.Gap) string {
		r := report.New()
		r.Events, r.Lines, r.PerEvent["EventDNDOn"] = 10, 10, 10
		r.Broker = &report.Broker{Provider: "external", Topic: "voice-agentstate", Partitions: 1}
		r.Consumed = &report.Consumption{Partitions: map[int32]*report.Partition{0: {Segments: segs, Count: 10}},
			Starts: map[int32]int64{0: 0}, Ends: map[int32]int64{0: 20}}
		path := filepath.Join(dir, name)
		if err := r.WriteJSON(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	a, b := write("a.json", report.Gap{From: 0, To: 9}), write("b.json", report.Gap{From: 10, To: 19})
	for _, tc := range []struct {
		name    string
		reports []string
		code    int
		want    string
	}{
		{"all covered", []string{a, b}, exitPass, "PASS"},
		{"a gap", []string{a}, exitFindings, "(partition 0, offset 10): violation [merge.gap] partition 0: offsets 10 to 19 were judged by no observer"},
		{"a missing report", []string{a, filepath.Join(dir, "missing.json")}, exitUsage, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := agentstate(t, "", nil, append([]string{"merge"}, tc.reports...)...)
			if r.code != tc.code || !strings.Contains(r.stdout, tc.want) {
				t.Errorf("exit %d, want %d with %q\n%s%s", r.code, tc.code, tc.want, r.stdout, r.stderr)
			}
		})
	}
}

// waitForMembers waits until a consumer group has n members, each with partitions assigned.
func waitForMembers(t *testing.T, b broker.Broker, group string, n int) {
	t.Helper()
	cl, err := broker.NewClient(b)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		groups, err := adm.DescribeGroups(context.Background(), group)
		if g, ok := groups[group]; err == nil && ok && g.State == "Stable" && len(g.Members) == n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("group %s never had %d stable members", group, n)
}

// startGroupObservers starts n `agentstate observe --group` runs, each stopping once the topic
// has been quiet for quiet and writing its report to the path returned for it (and what it
// consumed to the capture beside it, see captureOf); wait waits for them all.
func startGroupObservers(ctx context.Context, dir string, n int, group, quiet string, getenv func(string) string) (paths []string, wait func()) {
	var wg sync.WaitGroup
	paths = make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("observer-%d.json", i))
		wg.Add(1)
		go func(path string) {
			defer wg.Done()
			var out, errb strings.Builder
			run(ctx, []string{"observe", "--group", group, "--stop-when-quiet", quiet, "--report-json", path, "--record", captureOf(path)}, strings.NewReader(""), &out, &errb, getenv)
		}(paths[i])
	}
	return paths, wg.Wait
}

// captureOf is the capture startGroupObservers records beside a report.
func captureOf(report string) string { return strings.TrimSuffix(report, ".json") + ".jsonl" }

// startVictim starts an observer of the group that records what it consumes to capture and
// writes no report; kill ends it as a SIGKILL would end its verdict: nothing of it survives but
// the offsets it committed. kill returns once it has stopped.
func startVictim(group, quiet, capture string, getenv func(string) string) (kill func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		var out, errb strings.Builder
		run(ctx, []string{"observe", "--group", group, "--stop-when-quiet", quiet, "--record", capture}, strings.NewReader(""), &out, &errb, getenv)
	}()
	return func() { cancel(); <-done }
}

// waitForCapture waits until a capture holds at least one record, or 20 seconds passed.
func waitForCapture(path string) {
	deadline := time.Now().Add(20 * time.Second)
	for readFileOrEmpty(path) == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// TestMergeOfSurvivorsFindsWhatAKilledObserverJudged runs three observers of a group; one is
// killed after judging some records and never writes its report. The two survivors take its
// partitions over at the offsets it committed, so nobody alive judged what it had: merging their
// reports must name each of its partitions, from the offset the group began at.
func TestMergeOfSurvivorsFindsWhatAKilledObserverJudged(t *testing.T) {
	b := brokertest.Embedded(t, 6)
	dir := t.TempDir()
	getenv := func(k string) string { return observeEnv(b)[k] }
	paths, wait := startGroupObservers(context.Background(), dir, 2, "agentstate-kill", groupQuiet, getenv)
	capture := filepath.Join(dir, "victim.jsonl")
	kill := startVictim("agentstate-kill", groupQuiet, capture, getenv)
	waitForMembers(t, b, "agentstate-kill", 3)
	var recs []brokertest.Record
	for p := int32(0); p < 6; p++ {
		recs = append(recs, dndOns(p, 50, false)...)
	}
	brokertest.Produce(t, b, recs...)
	waitForCapture(capture)
	kill() // its report is never written
	wait()
	victim := judgedBy(t, capture)
	if len(victim) == 0 {
		t.Fatal("the killed observer judged nothing; the test proves nothing")
	}
	r := agentstate(t, "", nil, append([]string{"merge"}, paths...)...)
	if r.code != exitFindings {
		t.Fatalf("merge of the survivors: exit %d\n%s", r.code, r.stdout)
	}
	for p, last := range victim {
		want := fmt.Sprintf("[merge.gap] partition %d: offsets 0 to ", p)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the merge does not name partition %d, which only the killed observer judged (to offset %d):\n%s", p, last, r.stdout)
		}
	}
}

// judgedBy reads a --record capture and returns, per partition, the last offset it holds.
func judgedBy(t *testing.T, path string) map[int32]int64 {
	t.Helper()
	out := map[int32]int64{}
	for po := range offsetsIn(t, path) {
		out[po.partition] = max(out[po.partition], po.offset)
	}
	return out
}

// partitionOffset is one record's place in the topic.
type partitionOffset struct {
	partition int32
	offset    int64
}

// offsetsIn reads the (partition, offset) of every record of --record captures.
func offsetsIn(t *testing.T, paths ...string) map[partitionOffset]int {
	t.Helper()
	out := map[partitionOffset]int{}
	for _, path := range paths {
		for _, line := range strings.Split(readFileOrEmpty(path), "\n") {
			if line == "" {
				continue
			}
			var env struct {
				Partition int32 `json:"partition"`
				Offset    int64 `json:"offset"`
			}
			if err := json.Unmarshal([]byte(line), &env); err != nil {
				t.Fatal(err)
			}
			out[partitionOffset{env.Partition, env.Offset}]++
		}
	}
	return out
}

// TestAnObserverAssignedNoPartitionFailsAloneAndPointsAtMerge: a group with more observers than
// partitions leaves one observer without any. It judged nothing, so alone it cannot pass; it used
// to fail with the hint of an empty topic ("check that the service publishes"), while the topic
// was full. Its finding says that it was assigned nothing and that merge decides, and merge of the
// group's reports passes.
func TestAnObserverAssignedNoPartitionFailsAloneAndPointsAtMerge(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	dir := t.TempDir()
	paths, wait := startGroupObservers(context.Background(), dir, 2, "agentstate-idle", "2s", func(k string) string { return observeEnv(b)[k] })
	waitForMembers(t, b, "agentstate-idle", 2)
	brokertest.Produce(t, b, brokertest.Record{Key: []byte("t1:5001"), Value: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0}}`)})
	wait()
	var idle *report.Report
	for _, path := range paths {
		r, err := report.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if r.Events == 0 {
			idle = r
		}
	}
	if idle == nil {
		t.Fatal("both observers judged events of a one-partition topic")
	}
	if idle.Passed() || len(idle.Violations) != 1 || idle.Violations[0].Rule != report.RuleEmpty {
		t.Fatalf("the idle observer's report: passed %v, violations %v", idle.Passed(), idle.Violations)
	}
	f := idle.Violations[0]
	for _, want := range []string{"assigned no partition", "group agentstate-idle", "cannot pass alone", "merge"} {
		if !strings.Contains(f.Message+" "+f.Found, want) {
			t.Errorf("finding lacks %q: %s", want, f)
		}
	}
	if r := agentstate(t, "", nil, append([]string{"merge"}, paths...)...); r.code != exitPass {
		t.Errorf("merge: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
