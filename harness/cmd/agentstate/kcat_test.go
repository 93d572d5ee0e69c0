package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

// kcat returns the path of kcat, skipping the test where it is not installed. In CI (CI=true)
// its absence fails the test instead: .ci/run installs it.
func kcat(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("kcat")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("kcat is not installed; .ci/run installs it with apt-get (Debian package kcat)")
		}
		t.Skip("kcat is not installed (apt-get install kcat); interop with it is tested in CI")
	}
	return path
}

func runKcat(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, kcat(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kcat %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// TestKcatProducesAndObserveJudges has kcat, a client nobody here wrote, produce a day of traffic
// with its keys into the embedded broker (librdkafka picks the partitions), and observe judge it.
func TestKcatProducesAndObserveJudges(t *testing.T) {
	kcat(t)
	b := brokertest.Embedded(t, 3)
	var lines []string
	f, err := os.Open(fixtures + "valid-day.kcat.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var env struct{ Key, Payload string }
		if err := json.Unmarshal(sc.Bytes(), &env); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, env.Key+"|"+env.Payload)
	}
	runKcat(t, strings.Join(lines, "\n")+"\n", "-P", "-b", b.Info().Bootstrap[0], "-t", b.Info().Topic, "-K", "|")
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", observeEnv(b), "observe", "--until-end", "--report-json", rep)
	if r.code != exitPass {
		t.Fatalf("observe: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := readReport(t, rep); got.Events != len(lines) || len(got.Violations) != 0 {
		t.Errorf("observe judged %d events of %d, %d violations", got.Events, len(lines), len(got.Violations))
	}
}

// TestHarnessProducesAndKcatCaptureVerifies has the harness produce, kcat consume with -J, and
// verify judge kcat's capture exactly as observe judged the topic.
func TestHarnessProducesAndKcatCaptureVerifies(t *testing.T) {
	kcat(t)
	b := brokertest.Embedded(t, 2)
	brokertest.Produce(t, b,
		brokertest.Record{Partition: 0, Key: []byte("t1:1001"), Value: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0}}`)},
		brokertest.Record{Partition: 1, Key: []byte("t1:1002"), Value: []byte(`{"id":"EventAgentReady","Server":3,"ThisDN":"5002","time":{"seconds":1764035100,"useconds":0}}`)},
		brokertest.Record{Partition: 1, Key: []byte("t1:1002"), Value: nil},
	)
	dir := t.TempDir()
	live, offline := filepath.Join(dir, "live.json"), filepath.Join(dir, "offline.json")
	if r := agentstate(t, "", observeEnv(b), "observe", "--until-end", "--report-json", live); r.code != exitFindings {
		t.Fatalf("observe: exit %d\n%s", r.code, r.stderr)
	}
	capture := runKcat(t, "", "-C", "-b", b.Info().Bootstrap[0], "-t", b.Info().Topic, "-J", "-e", "-o", "beginning", "-q")
	r := agentstate(t, capture, nil, "verify", "--report-json", offline, "-")
	if r.code != exitFindings {
		t.Fatalf("verify of kcat's capture: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	lv, off := readReport(t, live), readReport(t, offline)
	if lv.Lines != 3 || off.Lines != 3 || lv.Events != off.Events {
		t.Errorf("live %+v\noffline %+v", lv, off)
	}
	liveSet, offSet := coordinates(lv), coordinates(off)
	if !slices.Equal(slices.Sorted(slices.Values(liveSet)), slices.Sorted(slices.Values(offSet))) {
		t.Errorf("live findings %v\nkcat capture findings %v", liveSet, offSet)
	}
}
