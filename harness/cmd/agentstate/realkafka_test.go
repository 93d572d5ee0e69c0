package main

// The tests in this file prove the harness against a real Apache Kafka broker: the single-node
// KRaft broker that harness/scripts/kafka.sh fetches from Maven Central and starts (make
// test-kafka does both, and stops it afterwards). They read the broker's listeners from the file
// that AGENTSTATE_REAL_KAFKA names, and skip without it. Each test works on topics and groups of
// its own, so they need no order and leave nothing behind.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/report"
)

// realKafkaVar names the file, written by harness/scripts/kafka.sh up, that describes the broker.
const realKafkaVar = "AGENTSTATE_REAL_KAFKA"

// realKafka is the broker that file describes: KAFKA_VERSION, one bootstrap address per
// listener (KAFKA_PLAINTEXT, KAFKA_SASL_PLAINTEXT, KAFKA_SSL), the CA of the SSL listener
// (KAFKA_TLS_CA) and the SCRAM user of the SASL one (KAFKA_SASL_USER, KAFKA_SASL_PASSWORD_FILE).
type realKafka map[string]string

// kafkaListener is one way into the broker, as the AGENTSTATE_* settings that both the CLI and
// broker.FromEnv read.
type kafkaListener map[string]string

func (l kafkaListener) get(k string) string { return l[k] }

// with returns a copy of the settings with more set, given as name, value pairs.
func (l kafkaListener) with(kv ...string) kafkaListener {
	out := maps.Clone(l)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// realKafkaCluster reads the description of the broker, skipping the test when there is none.
func realKafkaCluster(t *testing.T) realKafka {
	t.Helper()
	path := os.Getenv(realKafkaVar)
	if path == "" {
		t.Skipf("%s is not set: these tests need a real Kafka broker; run make test-kafka, which starts one (harness/scripts/kafka.sh) and sets it", realKafkaVar)
	}
	k, err := brokertest.ReadVars(path)
	if err != nil {
		t.Fatalf("%s=%s: %v; start the broker with harness/scripts/kafka.sh up, which writes this file", realKafkaVar, path, err)
	}
	if k["KAFKA_PLAINTEXT"] == "" {
		t.Fatalf("%s=%s names no KAFKA_PLAINTEXT listener; expected the file harness/scripts/kafka.sh up writes", realKafkaVar, path)
	}
	if err := realKafkaAnswers(k["KAFKA_PLAINTEXT"]); err != nil {
		t.Fatalf("the broker described by %s does not answer at %s: %v; is it running? (harness/scripts/kafka.sh status, and its log .cache/kafka/run/server.log)",
			path, k["KAFKA_PLAINTEXT"], err)
	}
	return k
}

// realKafkaAnswers pings the broker once per test binary, so that a broker that is gone fails
// every test at once instead of each after its connect timeout.
func realKafkaAnswers(addr string) error {
	realKafkaPing.Do(func() {
		cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
		if err != nil {
			realKafkaPingErr = err
			return
		}
		defer cl.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		realKafkaPingErr = cl.Ping(ctx)
	})
	return realKafkaPingErr
}

var (
	realKafkaPing    sync.Once
	realKafkaPingErr error
)

// need skips a test whose listener the file does not describe. In CI that is a failure instead:
// kafka.sh configures every listener, so a missing one is a broken set-up, not a choice.
func (k realKafka) need(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if k[name] != "" {
			continue
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s lacks %s; harness/scripts/kafka.sh up configures every listener", os.Getenv(realKafkaVar), name)
		}
		t.Skipf("the broker described by %s has no %s", os.Getenv(realKafkaVar), name)
	}
}

func (k realKafka) plaintext() kafkaListener {
	return kafkaListener{"AGENTSTATE_BOOTSTRAP": k["KAFKA_PLAINTEXT"]}
}

func (k realKafka) scram(t *testing.T, mechanism string) kafkaListener {
	t.Helper()
	k.need(t, "KAFKA_SASL_PLAINTEXT", "KAFKA_SASL_USER", "KAFKA_SASL_PASSWORD_FILE")
	return kafkaListener{"AGENTSTATE_BOOTSTRAP": k["KAFKA_SASL_PLAINTEXT"], "AGENTSTATE_SASL_MECHANISM": mechanism,
		"AGENTSTATE_SASL_USER": k["KAFKA_SASL_USER"], "AGENTSTATE_SASL_PASSWORD_FILE": k["KAFKA_SASL_PASSWORD_FILE"]}
}

func (k realKafka) tls(t *testing.T) kafkaListener {
	t.Helper()
	k.need(t, "KAFKA_SSL", "KAFKA_TLS_CA")
	return kafkaListener{"AGENTSTATE_BOOTSTRAP": k["KAFKA_SSL"], "AGENTSTATE_TLS": "true", "AGENTSTATE_TLS_CA": k["KAFKA_TLS_CA"]}
}

// password is the SCRAM user's password, for the checks that it never prints.
func (k realKafka) password(t *testing.T) string {
	t.Helper()
	var s broker.SASL
	if err := s.ReadPasswordFile(k["KAFKA_SASL_PASSWORD_FILE"]); err != nil || s.Password == "" {
		t.Fatalf("SCRAM password of the test user: %v (file %s)", err, k["KAFKA_SASL_PASSWORD_FILE"])
	}
	return s.Password.Reveal()
}

// realTopic creates a topic of the test's own with the given partitions through the listener
// (external mode, creation allowed) and deletes it when the test ends. It returns the broker and
// the settings for observe to read that topic, in which creation is not allowed.
func realTopic(t *testing.T, l kafkaListener, partitions int) (broker.Broker, kafkaListener) {
	t.Helper()
	env := l.with("AGENTSTATE_TOPIC", brokertest.UniqueTopic(t))
	cfg, err := broker.FromEnv(env.with("AGENTSTATE_BROKER", broker.External, "AGENTSTATE_ALLOW_CREATE_TOPIC", "true",
		"AGENTSTATE_PARTITIONS", fmt.Sprint(partitions)).get)
	if err != nil {
		t.Fatal(err)
	}
	b, err := broker.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("create topic %s on real Kafka: %v", cfg.Topic, err)
	}
	t.Cleanup(func() { deleteRealTopic(t, l, cfg.Topic) })
	if got := b.Info().Partitions; got != partitions {
		t.Fatalf("topic %s was created with %d partitions, want %d", cfg.Topic, got, partitions)
	}
	brokertest.AwaitLeaders(t, b, partitions)
	return b, env
}

// deleteRealTopic deletes a test's topic through the listener; a failure is logged, since the
// broker and its data are thrown away after the run anyway.
func deleteRealTopic(t *testing.T, l kafkaListener, topic string) {
	cfg, err := broker.FromEnv(l.get)
	if err == nil {
		cfg.Provider, cfg.Topic = broker.External, topic
		_, err = deleteRealTopicWith(cfg)
	}
	if err != nil {
		t.Logf("delete topic %s: %v", topic, err)
	}
}

func deleteRealTopicWith(cfg broker.Config) (kadm.DeleteTopicResponse, error) {
	b, err := broker.Start(context.Background(), cfg)
	if err != nil {
		return kadm.DeleteTopicResponse{}, err
	}
	cl, err := broker.NewClient(b)
	if err != nil {
		return kadm.DeleteTopicResponse{}, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return kadm.NewClient(cl).DeleteTopic(ctx, cfg.Topic)
}

// realObserved is one run of observe --until-end, with its report and its capture.
type realObserved struct {
	result
	report  *report.Report
	json    jsonReport
	capture string
}

// observeRealUntilEnd runs observe --until-end --record on the settings' topic, and fails the
// test unless it exits with want.
func observeRealUntilEnd(t *testing.T, env kafkaListener, want int, extra ...string) realObserved {
	t.Helper()
	dir := t.TempDir()
	o := realObserved{capture: filepath.Join(dir, "capture.jsonl")}
	rep := filepath.Join(dir, "report.json")
	args := append([]string{"observe", "--until-end", "--record", o.capture, "--report-json", rep}, extra...)
	o.result = agentstate(t, "", env, args...)
	if o.code != want {
		t.Fatalf("observe on %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", env["AGENTSTATE_BOOTSTRAP"], o.code, want, o.stdout, o.stderr)
	}
	var err error
	if o.report, err = report.Read(rep); err != nil {
		t.Fatal(err)
	}
	o.json = readReport(t, rep)
	return o
}

// verifyRealCapture re-checks a capture offline, and fails the test unless verify exits with
// want.
func verifyRealCapture(t *testing.T, capture string, want int) jsonReport {
	t.Helper()
	rep := filepath.Join(t.TempDir(), "offline.json")
	if r := agentstate(t, "", nil, "verify", "--report-json", rep, capture); r.code != want {
		t.Fatalf("verify %s: exit %d, want %d\n%s%s", capture, r.code, want, r.stdout, r.stderr)
	}
	return readReport(t, rep)
}

// realFixtureRecords reads a kcat capture as partition/offset/key/payload lines, sorted, and
// counts the records of each partition.
func realFixtureRecords(t *testing.T, path string) ([]string, map[int32]int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	counts := map[int32]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var env struct {
			Partition int32   `json:"partition"`
			Offset    int64   `json:"offset"`
			Key       *string `json:"key"`
			Payload   *string `json:"payload"`
		}
		if err := json.Unmarshal(sc.Bytes(), &env); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, fmt.Sprintf("p%d@%d key=%s payload=%s", env.Partition, env.Offset, quoteOrNull(env.Key), quoteOrNull(env.Payload)))
		counts[env.Partition]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out, counts
}

func quoteOrNull(s *string) string {
	if s == nil {
		return "<null>"
	}
	return fmt.Sprintf("%q", *s)
}

// TestRealKafkaObserveJudgesALawfulDayAsVerifyDoes: the lawful day, produced partition by
// partition, passes with every record accounted for at the offsets of the capture it came from,
// and observe's own capture re-checks offline to the same verdict.
func TestRealKafkaObserveJudgesALawfulDayAsVerifyDoes(t *testing.T) {
	k := realKafkaCluster(t)
	b, env := realTopic(t, k.plaintext(), 3)
	n := produceCapture(t, b, fixtures+"valid-day.kcat.jsonl")
	o := observeRealUntilEnd(t, env, exitPass)
	if o.json.Events != n || o.json.Lines != n || len(o.json.Violations) != 0 || len(o.json.Warnings) != 0 {
		t.Errorf("observe judged %d events in %d records with %d violations and %d warnings; produced %d lawful events",
			o.json.Events, o.json.Lines, len(o.json.Violations), len(o.json.Warnings), n)
	}
	info := o.report.Broker
	if info == nil || info.Provider != broker.External || info.Partitions != 3 || info.KafkaVersion == "" {
		t.Errorf("report's broker %+v: want external, 3 partitions and a Kafka version", info)
	} else {
		t.Logf("broker: %s (kafka.sh runs Apache Kafka %s)", info, k["KAFKA_VERSION"])
	}
	if got := o.report.Consumed.Stopped; got != "reached the end offsets listed at start" {
		t.Errorf("observe stopped because %q, want the end offsets reached", got)
	}
	want, counts := realFixtureRecords(t, fixtures+"valid-day.kcat.jsonl")
	checkRealAccounting(t, o.report.Consumed.Partitions, counts)
	if got, _ := realFixtureRecords(t, o.capture); !slices.Equal(got, want) {
		t.Errorf("observe's capture differs from the produced records:\ngot  %v\nwant %v", got, want)
	}
	offline := verifyRealCapture(t, o.capture, exitPass)
	if offline.Events != n || !maps.Equal(offline.PerEvent, o.json.PerEvent) {
		t.Errorf("offline: %d events %v; live: %d events %v", offline.Events, offline.PerEvent, o.json.Events, o.json.PerEvent)
	}
}

// checkRealAccounting wants each partition read whole from offset 0, in one run of offsets, with
// no gap, re-delivery or loss.
func checkRealAccounting(t *testing.T, got map[int32]*report.Partition, counts map[int32]int) {
	t.Helper()
	if len(got) != len(counts) {
		t.Errorf("accounting covers %d partitions, want %d", len(got), len(counts))
	}
	for p, c := range counts {
		want := report.Partition{First: 0, Last: int64(c - 1), Count: c, Segments: []report.Gap{{From: 0, To: int64(c - 1)}}}
		a := got[p]
		if a == nil || a.First != want.First || a.Last != want.Last || a.Count != want.Count || !slices.Equal(a.Segments, want.Segments) ||
			len(a.Gaps) != 0 || a.Redelivered != 0 || len(a.DataLoss) != 0 || a.CaptureErrors != 0 {
			t.Errorf("partition %d accounting %+v, want %+v", p, a, want)
		}
	}
}

// realBrokenRecords break a rule each (a missing mandatory attribute, a tombstone, a value that
// is not UTF-8) around a lawful record, on two partitions.
func realBrokenRecords() []brokertest.Record {
	return []brokertest.Record{
		{Partition: 1, Key: []byte("t1:1001"), Value: []byte(`{"id":"EventAgentReady","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0}}`)},
		{Partition: 1, Key: []byte("t1:1001"), Value: nil},
		{Partition: 0, Key: nil, Value: []byte("{\"id\":\"EventDNDOn\",\"x\":\"\xff\"}")},
		{Partition: 0, Key: []byte("t1:1002"), Value: []byte(`{"id":"EventDNDOn","Server":3,"ThisDN":"5002","time":{"seconds":1764035100,"useconds":0}}`)},
	}
}

// realBrokenFindings are the lines observe prints for realBrokenRecords, with their Kafka coordinates.
var realBrokenFindings = []string{
	`(key "t1:1001", partition 1, offset 0): violation [schema.required] EventAgentReady: mandatory attribute AgentWorkMode is missing`,
	`(key "t1:1001", partition 1, offset 1): violation [record.tombstone]`,
	`(key null, partition 0, offset 0): violation [decode.utf8]`,
}

// judgeRealBrokenRecords produces realBrokenRecords through b, and checks that observe finds each
// at its coordinates and that verify of observe's capture finds the same at the same coordinates.
func judgeRealBrokenRecords(t *testing.T, b broker.Broker, env kafkaListener) realObserved {
	t.Helper()
	brokertest.Produce(t, b, realBrokenRecords()...)
	o := observeRealUntilEnd(t, env, exitFindings)
	for _, line := range realBrokenFindings {
		if !strings.Contains(o.stdout, line) {
			t.Errorf("observe output lacks %q:\n%s", line, o.stdout)
		}
	}
	if o.json.Lines != 4 || o.json.Events != 2 || o.json.Undecodable != 2 {
		t.Errorf("observe counted %d records, %d events, %d undecodable; want 4, 2, 2", o.json.Lines, o.json.Events, o.json.Undecodable)
	}
	offline := verifyRealCapture(t, o.capture, exitFindings)
	if live, off := coordinates(o.json), coordinates(offline); len(live) != 3 || !slices.Equal(live, off) {
		t.Errorf("live findings %v\noffline findings %v\nwant the same 3", live, off)
	}
	return o
}

// TestRealKafkaSecureListenersJudgeAlike makes the same round trip over SASL/SCRAM and over TLS:
// the topic is created, produced to and observed through the secure listener alone.
func TestRealKafkaSecureListenersJudgeAlike(t *testing.T) {
	k := realKafkaCluster(t)
	for _, c := range []struct {
		name     string
		listener func(*testing.T) kafkaListener
		tls      bool
		sasl     string
	}{
		{"SASL_PLAINTEXT SCRAM-SHA-256", func(t *testing.T) kafkaListener { return k.scram(t, "SCRAM-SHA-256") }, false, "SCRAM-SHA-256"},
		{"SASL_PLAINTEXT SCRAM-SHA-512", func(t *testing.T) kafkaListener { return k.scram(t, "SCRAM-SHA-512") }, false, "SCRAM-SHA-512"},
		{"SSL", k.tls, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, env := realTopic(t, c.listener(t), 2)
			o := judgeRealBrokenRecords(t, b, env)
			if info := o.report.Broker; info == nil || info.TLS != c.tls || info.SASL != c.sasl {
				t.Errorf("report's broker %+v: want TLS %v, SASL %q", info, c.tls, c.sasl)
			}
			if c.sasl != "" {
				assertNoRealSecret(t, k.password(t), o.stdout, o.stderr, readFileOrEmpty(o.capture))
			}
		})
	}
}

func assertNoRealSecret(t *testing.T, secret string, outputs ...string) {
	t.Helper()
	for _, s := range outputs {
		if strings.Contains(s, secret) {
			t.Fatal("the SCRAM password was printed")
		}
	}
}

// TestRealKafkaSecureListenersRefuseWhatTheyShould: a wrong password, no credentials, and an
// untrusted certificate are each a usage error that names the cluster, never a pass, and never
// print the password.
func TestRealKafkaSecureListenersRefuseWhatTheyShould(t *testing.T) {
	k := realKafkaCluster(t)
	scram, tlsL := k.scram(t, "SCRAM-SHA-256"), k.tls(t)
	wrong := filepath.Join(t.TempDir(), "wrong-password")
	if err := os.WriteFile(wrong, []byte("not-"+k.password(t)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		env  kafkaListener
	}{
		{"wrong SCRAM password", scram.with("AGENTSTATE_SASL_PASSWORD_FILE", wrong)},
		{"no SASL on the SASL listener", kafkaListener{"AGENTSTATE_BOOTSTRAP": scram["AGENTSTATE_BOOTSTRAP"]}},
		{"CA not trusted", kafkaListener{"AGENTSTATE_BOOTSTRAP": tlsL["AGENTSTATE_BOOTSTRAP"], "AGENTSTATE_TLS": "true"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := c.env.with("AGENTSTATE_CONNECT_TIMEOUT", "5s")
			r := agentstate(t, "", env, "observe", "--until-end")
			want := "reach kafka at " + env["AGENTSTATE_BOOTSTRAP"] + " within 5s"
			if r.code != exitUsage || !strings.Contains(r.stderr, want) {
				t.Errorf("exit %d, want %d with %q on stderr:\n%s%s", r.code, exitUsage, want, r.stdout, r.stderr)
			}
			t.Logf("refused: %s", strings.TrimSpace(r.stderr))
			assertNoRealSecret(t, k.password(t), r.stdout, r.stderr)
		})
	}
}

// TestRealKafkaMissingTopicIsAClearError: in external mode a topic that does not exist is a
// usage error saying so, and observe does not create it, on a broker that would create topics
// on request (auto.create.topics.enable=true); with --allow-create-topic it is created.
func TestRealKafkaMissingTopicIsAClearError(t *testing.T) {
	k := realKafkaCluster(t)
	name := brokertest.UniqueTopic(t)
	env := k.plaintext().with("AGENTSTATE_TOPIC", name)
	r := agentstate(t, "", env, "observe", "--until-end")
	want := fmt.Sprintf("topic %s does not exist on %s; create it, or allow the harness to (--allow-create-topic, AGENTSTATE_ALLOW_CREATE_TOPIC=true)", name, k["KAFKA_PLAINTEXT"])
	if r.code != exitUsage || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, want %d with %q on stderr:\n%s%s", r.code, exitUsage, want, r.stdout, r.stderr)
	}
	if realTopicExists(t, k, name) {
		t.Fatalf("observe without --allow-create-topic created topic %s", name)
	}
	t.Cleanup(func() { deleteRealTopic(t, k.plaintext(), name) })
	o := observeRealUntilEnd(t, env.with("AGENTSTATE_PARTITIONS", "4"), exitFindings, "--allow-create-topic")
	if !strings.Contains(o.stdout, "[stream.empty]") || o.report.Broker.Partitions != 4 || !realTopicExists(t, k, name) {
		t.Errorf("observe --allow-create-topic: want the topic created with 4 partitions and an empty stream; broker %+v\n%s",
			o.report.Broker, o.stdout)
	}
}

// realTopicExists asks the broker, without creating anything, whether a topic exists.
func realTopicExists(t *testing.T, k realKafka, topic string) bool {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(k["KAFKA_PLAINTEXT"]))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	topics, err := kadm.NewClient(cl).ListTopics(ctx, topic)
	if err != nil {
		t.Fatalf("list topic %s: %v", topic, err)
	}
	return topics.Has(topic) && topics[topic].Err == nil
}

// kcatRealSecurity returns kcat's settings for a listener; a password goes into a 0600 config
// file (-F) rather than onto the command line.
func kcatRealSecurity(t *testing.T, k realKafka, l kafkaListener) []string {
	t.Helper()
	switch {
	case l["AGENTSTATE_TLS"] == "true":
		return []string{"-X", "security.protocol=SSL", "-X", "ssl.ca.location=" + l["AGENTSTATE_TLS_CA"]}
	case l["AGENTSTATE_SASL_MECHANISM"] != "":
		conf := filepath.Join(t.TempDir(), "kcat.conf")
		body := fmt.Sprintf("security.protocol=SASL_PLAINTEXT\nsasl.mechanisms=%s\nsasl.username=%s\nsasl.password=%s\n",
			l["AGENTSTATE_SASL_MECHANISM"], l["AGENTSTATE_SASL_USER"], k.password(t))
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return []string{"-F", conf}
	}
	return nil
}

// TestRealKafkaKcatProducesOverTLSAndObserveJudges: kcat (librdkafka, with its own partitioner)
// produces the lawful day through the SSL listener and observe judges it all, lawful.
func TestRealKafkaKcatProducesOverTLSAndObserveJudges(t *testing.T) {
	kcat(t)
	k := realKafkaCluster(t)
	_, env := realTopic(t, k.tls(t), 3)
	var lines []string
	for _, l := range fixtureLines(t, fixtures+"valid-day.kcat.jsonl") {
		var e struct{ Key, Payload string }
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, e.Key+"|"+e.Payload)
	}
	args := append([]string{"-P", "-b", env["AGENTSTATE_BOOTSTRAP"], "-t", env["AGENTSTATE_TOPIC"], "-K", "|"}, kcatRealSecurity(t, k, env)...)
	runKcat(t, strings.Join(lines, "\n")+"\n", args...)
	o := observeRealUntilEnd(t, env, exitPass)
	if o.json.Events != len(lines) || len(o.json.Violations) != 0 || len(o.json.Warnings) != 0 {
		t.Errorf("observe judged %d events of %d kcat produced, %d violations, %d warnings", o.json.Events, len(lines), len(o.json.Violations), len(o.json.Warnings))
	}
	counts := map[int32]int{}
	for p, a := range o.report.Consumed.Partitions {
		counts[p] = a.Count
	}
	checkRealAccounting(t, o.report.Consumed.Partitions, counts)
}

// TestRealKafkaHarnessProducesAndKcatCaptureVerifies: the harness produces, kcat consumes the
// topic with -J through each listener, and verify judges kcat's capture as observe judged the
// topic.
func TestRealKafkaHarnessProducesAndKcatCaptureVerifies(t *testing.T) {
	kcat(t)
	k := realKafkaCluster(t)
	for _, c := range []struct {
		name     string
		listener func(*testing.T) kafkaListener
	}{
		{"PLAINTEXT", func(*testing.T) kafkaListener { return k.plaintext() }},
		{"SSL", k.tls},
		{"SASL_PLAINTEXT SCRAM-SHA-512", func(t *testing.T) kafkaListener {
			kcatCanSCRAM(t)
			return k.scram(t, "SCRAM-SHA-512")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := c.listener(t)
			b, env := realTopic(t, l, 2)
			recs := slices.Delete(realBrokenRecords(), 2, 3) // kcat prints a value that is not UTF-8 raw, as no JSON
			brokertest.Produce(t, b, recs...)
			live := observeRealUntilEnd(t, env, exitFindings)
			args := append([]string{"-C", "-b", env["AGENTSTATE_BOOTSTRAP"], "-t", env["AGENTSTATE_TOPIC"], "-J", "-e", "-o", "beginning", "-q"}, kcatRealSecurity(t, k, l)...)
			off := verifyRealKcatCapture(t, runKcat(t, "", args...))
			if live.json.Lines != 3 || off.Lines != 3 || live.json.Events != off.Events {
				t.Errorf("live %+v\nkcat capture %+v", live.json, off)
			}
			liveSet, offSet := coordinates(live.json), coordinates(off)
			if len(liveSet) != 2 || !slices.Equal(slices.Sorted(slices.Values(liveSet)), slices.Sorted(slices.Values(offSet))) {
				t.Errorf("live findings %v\nkcat capture findings %v\nwant the same 2", liveSet, offSet)
			}
		})
	}
}

func verifyRealKcatCapture(t *testing.T, capture string) jsonReport {
	t.Helper()
	rep := filepath.Join(t.TempDir(), "offline.json")
	if r := agentstate(t, capture, nil, "verify", "--report-json", rep, "-"); r.code != exitFindings {
		t.Fatalf("verify of kcat's capture: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	return readReport(t, rep)
}

var librdkafkaVersion = regexp.MustCompile(`librdkafka (\d+)\.(\d+)\.(\d+)`)

// kcatCanSCRAM skips a test when kcat's librdkafka predates 2.6.1: older ones repeat the client
// nonce in the SCRAM client-final message, which Kafka 4 rejects as invalid credentials
// (librdkafka pull request 4895, kcat issue 462). Debian 12's kcat has librdkafka 2.0.2.
func kcatCanSCRAM(t *testing.T) {
	t.Helper()
	out, _ := exec.Command(kcat(t), "-V").CombinedOutput()
	m := librdkafkaVersion.FindStringSubmatch(string(out))
	if m == nil {
		t.Skipf("kcat -V names no librdkafka version:\n%s", out)
	}
	v := [3]int{}
	for i := range v {
		v[i], _ = strconv.Atoi(m[i+1])
	}
	if v[0] < 2 || v[0] == 2 && (v[1] < 6 || v[1] == 6 && v[2] < 1) {
		t.Skipf("kcat's librdkafka %s.%s.%s cannot authenticate with SCRAM to Kafka 4 (fixed in librdkafka 2.6.1)", m[1], m[2], m[3])
	}
}

func fixtureLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}
