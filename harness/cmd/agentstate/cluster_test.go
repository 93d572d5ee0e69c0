package main

// The tests in this file stop a broker of a real three-broker KRaft cluster of Kafka containers
// (broker.StartCluster: replication factor 3, min.insync.replicas 2, host networking) in the
// middle of a run: kfake simulates leader moves, but only real brokers show replication, ISR
// shrink and controller failover. A run either completes with exact accounting, every offset
// judged once, or fails saying why; it never passes on less. They run only in container mode
// (make test-container).

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/report"
)

// startCluster starts a three-broker cluster of the container-mode image, with the test's own
// topic, terminated when the test ends.
func startCluster(t *testing.T, partitions int32) *broker.Cluster {
	t.Helper()
	brokertest.RequireContainerMode(t)
	cfg, err := broker.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Network, cfg.Partitions, cfg.Topic, cfg.DialTimeout = broker.HostNetwork, partitions, brokertest.UniqueTopic(t), time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c, err := broker.StartCluster(ctx, cfg, 3)
	if c != nil {
		t.Cleanup(func() {
			if err := c.Close(); err != nil {
				t.Errorf("terminate the cluster: %v", err)
			}
		})
	}
	if err != nil {
		t.Fatalf("start a three-broker cluster of %s: %v", cfg.Image, err)
	}
	t.Logf("cluster: %s", c.Info())
	return c
}

// leaderOf returns the broker leading a partition of the cluster's topic, and its replicas.
func leaderOf(t *testing.T, c *broker.Cluster, partition int32) (int32, []int32) {
	t.Helper()
	cl, err := broker.NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	topics, err := kadm.NewClient(cl).ListTopics(ctx, c.Info().Topic)
	if err != nil {
		t.Fatal(err)
	}
	p := topics[c.Info().Topic].Partitions[partition]
	if p.Leader < 0 || len(p.Replicas) != 3 {
		t.Fatalf("partition %d: leader %d, replicas %v; want a leader and 3 replicas", partition, p.Leader, p.Replicas)
	}
	return p.Leader, p.Replicas
}

// dndRecords are n lawful records over partitions: on each key, EventDNDOn and EventDNDOff in
// turn, a second apart.
func dndRecords(n int, partitions int32) []brokertest.Record {
	recs := make([]brokertest.Record, n)
	for i := range recs {
		p, agent := int32(i)%partitions, 1000+i%(30*int(partitions))
		id := "EventDNDOn"
		if (i/(30*int(partitions)))%2 == 1 {
			id = "EventDNDOff"
		}
		recs[i] = brokertest.Record{Partition: p, Key: []byte(fmt.Sprintf("t1:%d", agent)),
			Value: []byte(fmt.Sprintf(`{"id":%q,"Server":3,"ThisDN":"%d","CustomerID":"t1","ReferenceID":%d,"time":{"seconds":%d,"useconds":0}}`, id, 4000+agent, i+1, 1764035100+i))}
	}
	return recs
}

// produceInBatches produces records a thousand at a time, so that each batch is acknowledged
// well within brokertest.Produce's ten seconds on a loaded machine.
func produceInBatches(t *testing.T, b broker.Broker, recs []brokertest.Record) {
	t.Helper()
	for len(recs) > 0 {
		k := min(1000, len(recs))
		brokertest.Produce(t, b, recs[:k]...)
		recs = recs[k:]
	}
}

// TestContainerClusterLeaderStopsDuringObserve: observe --until-end reads a topic replicated
// three times while the broker leading partition 0 is stopped; it passes only with every produced
// offset judged once, else it fails saying why.
func TestContainerClusterLeaderStopsDuringObserve(t *testing.T) {
	const n, partitions = 60000, 3
	c := startCluster(t, partitions)
	produceInBatches(t, c, dndRecords(n, partitions))
	leader, replicas := leaderOf(t, c, 0)
	dir := t.TempDir()
	rep, capture := filepath.Join(dir, "report.json"), filepath.Join(dir, "capture.jsonl")
	env := map[string]string{"AGENTSTATE_BOOTSTRAP": strings.Join(c.Info().Bootstrap, ","), "AGENTSTATE_TOPIC": c.Info().Topic}
	cmd, out := startAgentstate(t, env, "observe", "--until-end", "--record", capture, "--report-json", rep)
	awaitLines(t, capture, 1000, out)
	stopBroker(t, c, leader, replicas, capture, n, 10*time.Second) // a controlled shutdown
	code := exitCode(t, cmd.Wait())
	if code != exitPass {
		failedSayingWhy(t, code, out.String(), rep)
		return
	}
	got, err := report.Read(rep)
	if err != nil {
		t.Fatal(err)
	}
	if got.Events != n || got.Lines != n || !got.Passed() {
		t.Errorf("observe passed with %d events in %d records (passed %v); %d were produced", got.Events, got.Lines, got.Passed(), n)
	}
	checkJudgedOnce(t, got.Consumed.Partitions, countsOf(dndRecords(n, partitions)))
	checkCaptureOnce(t, capture, n)
}

// stopBroker stops a broker, with grace before SIGKILL, while the run is in the middle: its capture has some records, but
// fewer than all (total; 0 when the run is still producing them). A run already done would prove
// nothing, so that fails the test.
func stopBroker(t *testing.T, c *broker.Cluster, id int32, replicas []int32, capture string, total int, grace time.Duration) {
	t.Helper()
	seen := countLines(capture)
	if total > 0 && seen >= total {
		t.Fatalf("the run had read all %d records before broker %d could be stopped: the stop was not in the middle", total, id)
	}
	t.Logf("stopping broker %d (leader of partition 0, replicas %v; SIGTERM, SIGKILL after %s) after %d records of the run were captured", id, replicas, grace, seen)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Stop(ctx, id, grace); err != nil {
		t.Fatal(err)
	}
}

// failedSayingWhy accepts a failed run only when it says why: a finding in its report, or a
// message on its output naming what went wrong.
func failedSayingWhy(t *testing.T, code int, output, rep string) {
	t.Helper()
	got, err := report.Read(rep)
	if err == nil && len(got.Violations) > 0 {
		t.Logf("the run failed (exit %d) after the broker stopped, saying why: %s", code, got.Violations[0])
		return
	}
	if code == exitUsage && strings.TrimSpace(output) != "" {
		t.Logf("the run failed (exit %d) after the broker stopped: %s", code, lastLine(output))
		return
	}
	t.Errorf("the run failed (exit %d) without a finding or a message (report: %v)\n%s", code, err, output)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// checkJudgedOnce wants each partition read whole from offset 0 in one run of offsets: no gap,
// no loss, no capture error; a re-delivery (skipped, not judged again) is logged.
func checkJudgedOnce(t *testing.T, got map[int32]*report.Partition, counts map[int32]int) {
	t.Helper()
	if len(got) != len(counts) {
		t.Errorf("accounting covers %d partitions, want %d", len(got), len(counts))
	}
	for p, c := range counts {
		a := got[p]
		if a == nil || a.First != 0 || a.Last != int64(c-1) || a.Count != c || len(a.Segments) != 1 || len(a.Gaps) != 0 || len(a.DataLoss) != 0 || a.CaptureErrors != 0 {
			t.Errorf("partition %d accounting %+v, want offsets 0 to %d, %d records, one segment", p, a, c-1, c)
			continue
		}
		if a.Redelivered > 0 {
			t.Logf("partition %d: %d records re-delivered after the failover, skipped", p, a.Redelivered)
		}
	}
}

// checkCaptureOnce wants the capture to hold each partition's offsets 0 to its count exactly once.
func checkCaptureOnce(t *testing.T, capture string, want int) {
	t.Helper()
	seen, lines := captureOffsets(t, capture)
	if lines != want || len(seen) != want {
		t.Errorf("the capture holds %d records at %d distinct offsets, want %d of each", lines, len(seen), want)
	}
}

// captureOffsets reads a capture's partition/offset pairs, and its number of records.
func captureOffsets(t *testing.T, capture string) (map[[2]int64]bool, int) {
	t.Helper()
	f, err := os.Open(capture)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen, lines := map[[2]int64]bool{}, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			Partition int64 `json:"partition"`
			Offset    int64 `json:"offset"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", capture, err)
		}
		seen[[2]int64{r.Partition, r.Offset}] = true
		lines++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return seen, lines
}

func countsOf(recs []brokertest.Record) map[int32]int {
	counts := map[int32]int{}
	for _, r := range recs {
		counts[r.Partition]++
	}
	return counts
}

func countLines(path string) int { return strings.Count(readFileOrEmpty(path), "\n") }

// awaitLines waits, at most two minutes, until a file has at least n lines.
func awaitLines(t *testing.T, path string, n int, out fmt.Stringer) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); countLines(path) < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d lines after two minutes, want %d:\n%s", path, countLines(path), n, out)
		}
	}
}

// TestContainerClusterLeaderStopsDuringASuiteRun: the whole conformance suite (external mode,
// the reference producer) runs against the cluster while the broker leading partition 0 is
// stopped; it passes only with every offset of its topic judged once, else it fails saying why.
func TestContainerClusterLeaderStopsDuringASuiteRun(t *testing.T) {
	c := startCluster(t, 3)
	bin := filepath.Join(t.TempDir(), "specs.test")
	if out, err := exec.Command("go", "test", "-c", "-o", bin, "../../../specs").CombinedOutput(); err != nil {
		t.Fatalf("build the suite: %v\n%s", err, out)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "-test.run", "^TestSpecs$", "-ginkgo.no-color")
	cmd.Dir = "../../../specs"
	cmd.Env = append(os.Environ(), "AGENTSTATE_BROKER=external", "AGENTSTATE_BOOTSTRAP="+strings.Join(c.Info().Bootstrap, ","),
		"AGENTSTATE_TOPIC="+c.Info().Topic, "AGENTSTATE_REPORT_DIR="+dir, "AGENTSTATE_FAULT=")
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	capture := filepath.Join(dir, "capture.jsonl")
	awaitLines(t, capture, 20, &out)
	leader, replicas := leaderOf(t, c, 0)
	// The suite is still producing: its run is in the middle. No grace: the broker dies at once,
	// and the controller learns of it only when its session times out.
	stopBroker(t, c, leader, replicas, capture, 0, 0)
	code := exitCode(t, cmd.Wait())
	summary, _ := os.ReadFile(filepath.Join(dir, "summary.md"))
	if code != 0 {
		if !strings.HasPrefix(string(summary), "# voice-agentstate conformance: FAIL") {
			t.Fatalf("the suite failed (exit %d) without a FAIL summary:\n%s\n%s", code, summary, out.String())
		}
		t.Logf("the suite failed (exit %d) after the broker stopped, saying why:\n%s", code, summary)
		return
	}
	if !strings.HasPrefix(string(summary), "# voice-agentstate conformance: PASS") {
		t.Fatalf("the suite exited 0 with the summary:\n%s", summary)
	}
	checkCaptureMatchesTopic(t, c, capture)
}

// checkCaptureMatchesTopic wants the suite's capture to hold every offset of the topic, from 0 to
// its end offsets as the surviving brokers list them, exactly once.
func checkCaptureMatchesTopic(t *testing.T, c *broker.Cluster, capture string) {
	t.Helper()
	cl, err := broker.NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, c.Info().Topic)
	if err != nil {
		t.Fatal(err)
	}
	seen, lines := captureOffsets(t, capture)
	total := 0
	ends.Each(func(o kadm.ListedOffset) {
		for off := int64(0); off < o.Offset; off++ {
			if !seen[[2]int64{int64(o.Partition), off}] {
				t.Errorf("partition %d offset %d is in the topic but not in the capture: not judged", o.Partition, off)
			}
		}
		total += int(o.Offset)
	})
	if lines != total || len(seen) != total {
		t.Errorf("the capture holds %d records at %d distinct offsets; the topic has %d", lines, len(seen), total)
	}
	t.Logf("the suite passed with all %d offsets of the topic judged once", total)
}
