package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

// produceCapture produces the records of a kcat capture into the embedded broker, each to the
// partition and with the key the capture names, and returns how many it produced.
func produceCapture(t *testing.T, b broker.Broker, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []brokertest.Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var env struct {
			Partition int32   `json:"partition"`
			Key       *string `json:"key"`
			Payload   *string `json:"payload"`
		}
		if err := json.Unmarshal(sc.Bytes(), &env); err != nil {
			t.Fatal(err)
		}
		r := brokertest.Record{Partition: env.Partition}
		if env.Key != nil {
			r.Key = []byte(*env.Key)
		}
		if env.Payload != nil {
			r.Value = []byte(*env.Payload)
		}
		recs = append(recs, r)
	}
	brokertest.Produce(t, b, recs...)
	return len(recs)
}

func observeEnv(b broker.Broker) map[string]string {
	return map[string]string{"AGENTSTATE_BOOTSTRAP": strings.Join(b.Info().Bootstrap, ","), "AGENTSTATE_TOPIC": b.Info().Topic}
}

func TestObserveJudgesLiveTrafficAsVerifyJudgesItsCapture(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	n := produceCapture(t, b, fixtures+"valid-day.kcat.jsonl")
	dir := t.TempDir()
	capture, rep := filepath.Join(dir, "capture.jsonl"), filepath.Join(dir, "report.json")
	r := agentstate(t, "", observeEnv(b), "observe", "--until-end", "--record", capture, "--report-json", rep)
	if r.code != exitPass {
		t.Fatalf("observe: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := readReport(t, rep)
	if got.Events != n || got.Lines != n {
		t.Errorf("observe read %d events of %d produced", got.Events, n)
	}
	raw, _ := os.ReadFile(rep)
	for _, want := range []string{`"provider": "external"`, `"stopped": "reached the end offsets listed at start"`, `"first_offset": 0`, `"count": 14`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("report lacks %s", want)
		}
	}
	again := agentstate(t, "", nil, "verify", capture)
	if again.code != exitPass || !strings.Contains(again.stdout, "read 22 records: 22 events checked") {
		t.Errorf("verify of the capture: exit %d\n%s", again.code, again.stdout)
	}
}

// TestObserveFindsWhatVerifyFindsWithKafkaCoordinates: broken records are found live at the
// partition and offset the broker gave them, as verify finds them in the capture; over the
// embedded broker, and over real Kafka when AGENTSTATE_REAL_KAFKA is set (make test-kafka).
func TestObserveFindsWhatVerifyFindsWithKafkaCoordinates(t *testing.T) {
	brokertest.Each(t, 2, observeFindsWhatVerifyFinds)
}

func observeFindsWhatVerifyFinds(t *testing.T, b broker.Broker) {
	brokertest.Produce(t, b,
		brokertest.Record{Partition: 1, Key: []byte("t1:1001"), Value: []byte(`{"id":"EventAgentReady","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0}}`)},
		brokertest.Record{Partition: 1, Key: []byte("t1:1001"), Value: nil},
		brokertest.Record{Partition: 0, Key: nil, Value: []byte("{\"id\":\"EventDNDOn\",\"x\":\"\xff\"}")},
		brokertest.Record{Partition: 0, Key: []byte("t1:1002"), Value: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"5002","time":{"seconds":1764035100,"useconds":0}}`)},
	)
	dir := t.TempDir()
	capture, rep := filepath.Join(dir, "capture.jsonl"), filepath.Join(dir, "report.json")
	r := agentstate(t, "", observeEnv(b), "observe", "--until-end", "--record", capture, "--report-json", rep)
	if r.code != exitFindings {
		t.Fatalf("observe: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, line := range []string{
		`(key "t1:1001", partition 1, offset 0): violation [schema.required] EventAgentReady: mandatory attribute AgentWorkMode is missing`,
		`(key "t1:1001", partition 1, offset 1): violation [record.tombstone]`,
		`(key null, partition 0, offset 0): violation [decode.utf8]`,
	} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("observe output lacks %q:\n%s", line, r.stdout)
		}
	}
	got := readReport(t, rep)
	if got.Lines != 4 || got.Events != 2 || got.Undecodable != 2 {
		t.Errorf("counts: %+v", got)
	}
	// The capture re-checked offline gives the same findings at the same coordinates.
	offline := filepath.Join(dir, "offline.json")
	if again := agentstate(t, "", nil, "verify", "--report-json", offline, capture); again.code != exitFindings {
		t.Fatalf("verify of the capture: exit %d", again.code)
	}
	if live, off := coordinates(got), coordinates(readReport(t, offline)); !slices.Equal(live, off) {
		t.Errorf("live findings %v\noffline findings %v", live, off)
	}
}

// coordinates lists the findings of a report by rule and Kafka coordinates, in order.
func coordinates(r jsonReport) []string {
	var out []string
	for _, f := range append(r.Violations, r.Warnings...) {
		out = append(out, fmt.Sprintf("%s key=%q/%v p%d@%d", f.Rule, f.Place.Key, f.Place.HasKey, f.Place.Partition, f.Place.Offset))
	}
	return out
}

func TestObserveNeverPassesAnEmptyTopic(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	r := agentstate(t, "", observeEnv(b), "observe", "--until-end")
	if r.code != exitFindings || !strings.Contains(r.stdout, "[stream.empty]") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestObserveStopsAtMaxEvents(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	produceCapture(t, b, fixtures+"valid-day.kcat.jsonl")
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", observeEnv(b), "observe", "--max-events", "5", "--report-json", rep)
	if r.code != exitPass || readReport(t, rep).Events != 5 {
		t.Errorf("exit %d, events %d\n%s", r.code, readReport(t, rep).Events, r.stderr)
	}
}

func TestObserveInterruptedIsNotAPass(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	produceCapture(t, b, fixtures+"valid-day.kcat.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb strings.Builder
	done := make(chan int)
	dir := t.TempDir()
	rep, capture := filepath.Join(dir, "report.json"), filepath.Join(dir, "capture.jsonl")
	go func() {
		done <- run(ctx, []string{"observe", "--report-json", rep, "--record", capture}, strings.NewReader(""), &out, &errb, func(k string) string { return observeEnv(b)[k] })
	}()
	// Without a stop condition observe runs until interrupted: interrupt it once it has read all.
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(readFileOrEmpty(capture), "\n") < 22 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	code := <-done
	if code == exitPass || !strings.Contains(out.String(), "[run.interrupted] observe was interrupted after 22 records") {
		t.Errorf("exit %d\n%s", code, out.String())
	}
	if got := readReport(t, rep); got.Events != 22 {
		t.Errorf("report after the interruption holds %d events, want 22", got.Events)
	}
}

func readFileOrEmpty(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

func TestObserveUsageErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no bootstrap", nil, []string{"observe"}, "no cluster given"},
		{"bad from", map[string]string{"AGENTSTATE_BOOTSTRAP": "127.0.0.1:1"}, []string{"observe", "--from", "yesterday"}, `start "yesterday": expected earliest, latest or an RFC 3339 time`},
		{"unreachable", map[string]string{"AGENTSTATE_BOOTSTRAP": "127.0.0.1:1", "AGENTSTATE_CONNECT_TIMEOUT": "1s"}, []string{"observe"}, "reach kafka at 127.0.0.1:1 within 1s"},
		{"bad mechanism", map[string]string{"AGENTSTATE_BOOTSTRAP": "127.0.0.1:1"}, []string{"observe", "--sasl-mechanism", "GSSAPI"}, `SASL mechanism "GSSAPI"`},
		{"argument", map[string]string{"AGENTSTATE_BOOTSTRAP": "127.0.0.1:1"}, []string{"observe", "capture.jsonl"}, "observe reads from Kafka, verify reads files"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := agentstate(t, "", c.env, c.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr lacks %q:\n%s", r.code, c.want, r.stderr)
			}
		})
	}
}

// TestObserveJudgesNullKeysAndOutagesByTheServiceKey: from Kafka a record without a key breaks
// key.format, and a second EventDNBackInService keyed by the agent logged in on the DN breaks
// dn.back-after-out under the default --service-key agent, but not under unknown.
func TestObserveJudgesNullKeysAndOutagesByTheServiceKey(t *testing.T) {
	b := brokertest.Embedded(t, 2)
	login := `{"id":"EventAgentLogin","Server":3,"ThisDN":"5001","AgentID":"1001","time":{"seconds":1764035100,"useconds":0}}`
	back := `{"id":"EventDNBackInService","ThisDN":"5001"}`
	brokertest.Produce(t, b,
		brokertest.Record{Partition: 0, Key: []byte("t1:1001"), Value: []byte(login)},
		brokertest.Record{Partition: 0, Key: []byte("t1:1001"), Value: []byte(`{"id":"EventDNOutOfService","ThisDN":"5001"}`)},
		brokertest.Record{Partition: 0, Key: []byte("t1:1001"), Value: []byte(back)},
		brokertest.Record{Partition: 0, Key: []byte("t1:1001"), Value: []byte(back)},
		brokertest.Record{Partition: 1, Key: nil, Value: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"5002","time":{"seconds":1764035100,"useconds":0}}`)},
	)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"dn.back-after-out key=\"t1:1001\"/true p0@3", "key.format key=\"\"/false p1@0"}},
		{[]string{"--service-key", "unknown"}, []string{"key.format key=\"\"/false p1@0"}},
	} {
		rep := filepath.Join(t.TempDir(), "report.json")
		args := append([]string{"observe", "--until-end", "--initial-state", "clean", "--report-json", rep}, c.args...)
		r := agentstate(t, "", observeEnv(b), args...)
		if r.code != exitFindings {
			t.Fatalf("observe %v: exit %d\n%s%s", c.args, r.code, r.stdout, r.stderr)
		}
		got := coordinates(readReport(t, rep))
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("observe %v: findings %v, want %v\n%s", c.args, got, c.want, r.stdout)
		}
		if !strings.Contains(r.stdout, "(key null, partition 1, offset 0): violation [key.format]") {
			t.Errorf("observe %v: the null key is not named:\n%s", c.args, r.stdout)
		}
		if said := strings.Contains(r.stdout, "initial state: clean, service key: unknown)"); said != (len(c.args) > 0) {
			t.Errorf("observe %v: the summary says the service key: %v\n%s", c.args, said, r.stdout)
		}
	}
}
