package main

import (
	"context"
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
// group over six partitions; merged, their reports give the verdict one observer gives alone.
func TestObserversShareATopicThroughAGroupAndMergeToOneVerdict(t *testing.T) {
	b := brokertest.Embedded(t, 6)
	var recs []brokertest.Record
	for i := 0; i < 600; i++ {
		p := int32(i % 6)
		value := fmt.Sprintf(`{"id":"EventDNDOn","Server":3,"ThisDN":"50%02d","time":{"seconds":%d,"useconds":0}}`, p, 1764035100+i)
		if i%97 == 0 {
			value = fmt.Sprintf(`{"id":"EventDNDOn","Server":3,"ThisDN":"50%02d"}`, p) // no time: a violation
		}
		recs = append(recs, brokertest.Record{Partition: p, Key: []byte(fmt.Sprintf("t1:%d", p)), Value: []byte(value)})
	}
	dir := t.TempDir()
	alone := filepath.Join(dir, "alone.json")

	// The observers join first, so that the group shares the partitions among them before any
	// record exists; each stops once the topic has been quiet for two seconds.
	paths, wait := startGroupObservers(context.Background(), dir, 3, "agentstate-test", "2s", func(k string) string { return observeEnv(b)[k] })
	waitForMembers(t, b, "agentstate-test", 3)
	brokertest.Produce(t, b, recs...)
	wait()
	agentstate(t, "", observeEnv(b), "observe", "--until-end", "--report-json", alone)
	owners := 0
	for _, path := range paths {
		r, err := report.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Consumed.Handovers) == 0 || r.Consumed.Handovers[0].Kind != "assigned" {
			t.Logf("%s: handovers %+v", filepath.Base(path), r.Consumed.Handovers)
		}
		if r.Events > 0 {
			owners++
		}
	}
	if owners < 2 {
		t.Errorf("only %d of 3 observers judged anything; the group did not share the partitions", owners)
	}
	merged := filepath.Join(dir, "merged.json")
	r := agentstate(t, "", nil, append([]string{"merge", "--report-json", merged}, paths...)...)
	if r.code != exitFindings {
		t.Fatalf("merge: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	m, a := readReport(t, merged), readReport(t, alone)
	if m.Events != 600 || m.Lines != 600 || m.Events != a.Events {
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
		if acct == nil || acct.Count != 100 || len(acct.Segments) != 1 || acct.Segments[0] != (report.Gap{From: 0, To: 99}) {
			t.Errorf("partition %d accounting %+v", p, acct)
		}
	}
}

func TestMergeFindsOffsetsJudgedTwiceOrByNobody(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, segs ...report.Gap) string {
		r := report.New()
		r.Events, r.Lines, r.PerEvent["EventDNDOn"] = 10, 10, 10
		r.Consumed = &report.Consumption{Partitions: map[int32]*report.Partition{0: {Segments: segs, Count: 10}}}
		path := filepath.Join(dir, name)
		if err := r.WriteJSON(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	a := write("a.json", report.Gap{From: 0, To: 9})
	overlap := write("b.json", report.Gap{From: 5, To: 14})
	hole := write("c.json", report.Gap{From: 20, To: 29})
	if r := agentstate(t, "", nil, "merge", a, overlap); r.code != exitFindings || !strings.Contains(r.stdout, "[merge.overlap] partition 0: offsets 5 to 9 were judged by two observers") {
		t.Errorf("overlap: exit %d\n%s", r.code, r.stdout)
	}
	if r := agentstate(t, "", nil, "merge", a, hole); r.code != exitFindings || !strings.Contains(r.stdout, "[merge.gap] partition 0: offsets 10 to 19 were judged by no observer") {
		t.Errorf("hole: exit %d\n%s", r.code, r.stdout)
	}
	if r := agentstate(t, "", nil, "merge", a, write("d.json", report.Gap{From: 10, To: 19})); r.code != exitPass {
		t.Errorf("adjacent runs: exit %d\n%s", r.code, r.stdout)
	}
	if r := agentstate(t, "", nil, "merge", filepath.Join(dir, "missing.json")); r.code != exitUsage {
		t.Errorf("missing report: exit %d", r.code)
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
// has been quiet for quiet and writing its report to the path returned for it; wait waits for
// them all.
func startGroupObservers(ctx context.Context, dir string, n int, group, quiet string, getenv func(string) string) (paths []string, wait func()) {
	var wg sync.WaitGroup
	paths = make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("observer-%d.json", i))
		wg.Add(1)
		go func(path string) {
			defer wg.Done()
			var out, errb strings.Builder
			run(ctx, []string{"observe", "--group", group, "--stop-when-quiet", quiet, "--report-json", path}, strings.NewReader(""), &out, &errb, getenv)
		}(paths[i])
	}
	return paths, wg.Wait
}
