package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/report"
)

// Offline judging of captures (issue 14, items 5, 6 and 12): a capture is judged as Kafka
// delivered it, in the format its first record shows, whatever its later lines look like.

// agentEvent is a lawful event of agent 1001 on DN 5001 (login, ready or logout).
func agentEvent(id string) string {
	extra := ""
	switch id {
	case "EventAgentLogin", "EventAgentReady":
		extra = `,"AgentWorkMode":"AgentManualIn"`
	}
	return `{"id":"` + id + `","Server":3,"ThisDN":"5001","time":{"seconds":1764035107,"useconds":0},"CustomerID":"t1","AgentID":"1001","ThisQueue":"7001"` + extra + `}`
}

// envelopeAt wraps value as kcat -J prints it, at a partition and offset.
func envelopeAt(partition, offset int, value string) string {
	payload, err := json.Marshal(value)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf(`{"topic":"voice-agentstate","partition":%d,"offset":%d,"tstype":"create","ts":1764035100000,"broker":1,"headers":[],"key":"t1:1001","payload":%s}`, partition, offset, payload)
}

func writeCapture(t *testing.T, name string, lines ...string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

type redeliveryReport struct {
	jsonReport
	Redelivered int `json:"redelivered"`
}

func readRedeliveries(t *testing.T, path string) redeliveryReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r redeliveryReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func allRules(r jsonReport) []string {
	var out []string
	for _, f := range append(r.Violations, r.Warnings...) {
		out = append(out, fmt.Sprintf("%s@%d", f.Rule, f.Place.Line))
	}
	slices.Sort(out)
	return out
}

// TestVerifyJudgesAReplayedOffsetOnce: a consumer that replayed an offset it had read (a restart
// before its commit) writes that record twice; the repeat is counted as a re-delivery, not judged,
// so the producer is not blamed for a second logout it never published.
func TestVerifyJudgesAReplayedOffsetOnce(t *testing.T) {
	// Offsets 0, 1, 2 of partition 0 (login, ready, logout), then 1 and 2 again, then 3 (login).
	file := fixtures + "replayed.kcat.jsonl"
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", nil, "verify", "--initial-state", "clean", "--report-json", rep, file)
	if r.code != exitPass {
		t.Fatalf("exit %d, want %d: a re-delivery was judged again\n%s%s", r.code, exitPass, r.stdout, r.stderr)
	}
	got := readRedeliveries(t, rep)
	if got.Lines != 4 || got.Events != 4 || got.Redelivered != 2 || got.Lines != got.Events+got.Undecodable {
		t.Errorf("counts: lines %d, events %d, undecodable %d, redelivered %d; want 4 judged and 2 re-deliveries", got.Lines, got.Events, got.Undecodable, got.Redelivered)
	}
	if !strings.Contains(r.stdout, "2 re-deliveries skipped") {
		t.Errorf("the summary does not account for the re-deliveries:\n%s", r.stdout)
	}
}

// TestVerifyCaptureOutOfOrderIsAboutTheCapture: offsets that go back, within a partition, to an
// offset not read before cannot be how Kafka delivered them; that is a violation about the
// capture, and the sequence rules restart from an unknown state there, so that the producer is
// not blamed for the order the file was put together in.
func TestVerifyCaptureOutOfOrderIsAboutTheCapture(t *testing.T) {
	// Offsets 5 and 6 of partition 0 (login, logout), then 2 and 3 (logout, login), as when an
	// earlier capture is appended after a later one, then offset 0 of partition 1.
	file := fixtures + "out-of-order.kcat.jsonl"
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", nil, "verify", "--initial-state", "clean", "--report-json", rep, file)
	if r.code != exitFindings {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, exitFindings, r.stdout, r.stderr)
	}
	got := readRedeliveries(t, rep)
	if rules := allRules(got.jsonReport); !slices.Equal(rules, []string{"capture.order@3"}) {
		t.Fatalf("findings %v, want only capture.order at line 3\n%s", rules, r.stdout)
	}
	v := got.Violations[0]
	for _, want := range []string{"partition 0", "offset 2", "offset 6", file + ":2"} {
		if !strings.Contains(v.Message, want) {
			t.Errorf("capture.order message %q does not name %q", v.Message, want)
		}
	}
	if v.Place.Partition != 0 || v.Place.Offset != 2 || v.Place.File != file || v.Place.Line != 3 {
		t.Errorf("capture.order placed at %+v", v.Place)
	}
	if got.Lines != 5 || got.Events != 5 || got.Redelivered != 0 {
		t.Errorf("counts: lines %d, events %d, redelivered %d; want 5, 5, 0", got.Lines, got.Events, got.Redelivered)
	}
}

// TestVerifyDecidesTheInputFormatOncePerFile: a plain capture is judged line by line as the
// values it holds, even a line that looks like a kcat envelope; a kcat capture's lines must all
// be envelopes; --input (AGENTSTATE_INPUT) says which, for files and standard input alike.
func TestVerifyDecidesTheInputFormatOncePerFile(t *testing.T) {
	lookalike := envelopeAt(0, 1, agentEvent("EventAgentReady"))
	plain := writeCapture(t, "plain.jsonl", agentEvent("EventAgentLogin"), lookalike)
	kcatFile := writeCapture(t, "kcat.jsonl", envelopeAt(0, 0, agentEvent("EventAgentLogin")), agentEvent("EventAgentReady"))
	stdin := agentEvent("EventAgentLogin") + "\n" + lookalike + "\n"
	for _, c := range []struct {
		name  string
		stdin string
		env   map[string]string
		args  []string
		rules []string
	}{
		{name: "plain with a look-alike", args: []string{plain}, rules: []string{"event.missing-id@2"}},
		{name: "standard input", stdin: stdin, args: []string{"-"}, rules: []string{"event.missing-id@2"}},
		{name: "kcat with a plain line", args: []string{kcatFile}, rules: []string{"decode.envelope@2"}},
		{name: "--input kcat on a plain file", args: []string{"--input", "kcat", plain}, rules: []string{"decode.envelope@1"}},
		{name: "AGENTSTATE_INPUT=kcat", env: map[string]string{"AGENTSTATE_INPUT": "kcat"}, args: []string{plain}, rules: []string{"decode.envelope@1"}},
		{name: "--input jsonl on a kcat file", args: []string{"--input", "jsonl", kcatFile}, rules: []string{"event.missing-id@1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := filepath.Join(t.TempDir(), "report.json")
			r := agentstate(t, c.stdin, c.env, append([]string{"verify", "--report-json", rep}, c.args...)...)
			if r.code != exitFindings {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, exitFindings, r.stdout, r.stderr)
			}
			got := readReport(t, rep)
			if rules := allRules(got); !slices.Equal(rules, c.rules) {
				t.Errorf("findings %v, want %v\n%s", rules, c.rules, r.stdout)
			}
			if got.Lines != 2 || got.Lines != got.Events+got.Undecodable {
				t.Errorf("counts: lines %d, events %d, undecodable %d", got.Lines, got.Events, got.Undecodable)
			}
		})
	}
	if r := agentstate(t, "", nil, "verify", "--input", "csv", plain); r.code != exitUsage || !strings.Contains(r.stderr, "jsonl") {
		t.Errorf("--input csv: exit %d, stderr %q; want a usage error naming the formats", r.code, r.stderr)
	}
}

// TestVerifyByteOrderMark: an editor's byte-order mark at the start of a file is a warning, and
// the line is judged without it; anywhere else it is what it is, a character JSON does not allow.
func TestVerifyByteOrderMark(t *testing.T) {
	const bom = "\xEF\xBB\xBF"
	file := writeCapture(t, "bom.jsonl", bom+agentEvent("EventAgentLogin"), agentEvent("EventAgentReady"))
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", nil, "verify", "--initial-state", "clean", "--report-json", rep, file)
	if r.code != exitPass {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, exitPass, r.stdout, r.stderr)
	}
	got := readReport(t, rep)
	if rules := allRules(got); !slices.Equal(rules, []string{"decode.bom@1"}) || len(got.Warnings) != 1 {
		t.Errorf("findings %v, want the warning decode.bom at line 1 only\n%s", rules, r.stdout)
	}
	if got.Events != 2 || got.Lines != 2 || got.PerEvent["EventAgentLogin"] != 1 {
		t.Errorf("counts: lines %d, events %d, per event %v", got.Lines, got.Events, got.PerEvent)
	}
	if r := agentstate(t, "", nil, "verify", "--strict", file); r.code != exitFindings {
		t.Errorf("--strict: exit %d, want %d", r.code, exitFindings)
	}
	inside := writeCapture(t, "bom-inside.jsonl", agentEvent("EventAgentLogin"), bom+agentEvent("EventAgentReady"))
	if r := agentstate(t, "", nil, "verify", "--report-json", rep, inside); r.code != exitFindings {
		t.Errorf("a mark on line 2: exit %d, want %d", r.code, exitFindings)
	}
	if rules := allRules(readReport(t, rep)); !slices.Equal(rules, []string{"decode.json@2"}) {
		t.Errorf("a mark on line 2: findings %v, want decode.json at line 2", rules)
	}
}

// TestVerifyCaptureOrderNamesFindingsItMayHaveCaused: a capture that skipped offsets and holds
// them later (offsets 0, 1, 3, then 2) had judged offset 3 without 2; when 2 comes, the
// capture.order finding says that the finding at 3 may be the capture's doing.
func TestVerifyCaptureOrderNamesFindingsItMayHaveCaused(t *testing.T) {
	file := writeCapture(t, "skipped.kcat.jsonl",
		envelopeAt(0, 0, agentEvent("EventAgentLogin")),
		envelopeAt(0, 1, agentEvent("EventAgentLogout")),
		envelopeAt(0, 3, agentEvent("EventAgentReady")), // judged without the login at 2
		envelopeAt(0, 2, agentEvent("EventAgentLogin")),
	)
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", nil, "verify", "--report-json", rep, file)
	if r.code != exitFindings {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, exitFindings, r.stdout, r.stderr)
	}
	got := readReport(t, rep)
	if rules := allRules(got); !slices.Equal(rules, []string{"agent.state-while-logged-out@3", "capture.order@4"}) {
		t.Fatalf("findings %v\n%s", rules, r.stdout)
	}
	if msg := got.Violations[1].Message; !strings.Contains(msg, "the finding of the sequence rules already reported for partition 0 above offset 2 was judged without") {
		t.Errorf("capture.order does not name the finding it may have caused: %q", msg)
	}
}

// TestVerifyARepeatThatDiffersIsNotARedelivery: Kafka never changes the record at an offset, so
// an offset that comes again with another key or value is not a re-delivery (two captures of
// different clusters joined, or an edited file): it is capture.conflict, never skipped unseen.
func TestVerifyARepeatThatDiffersIsNotARedelivery(t *testing.T) {
	lines, err := os.ReadFile(fixtures + "replayed.kcat.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	// Line 4 repeats offset 1 (a ready); make it a DND-on without its mandatory attributes.
	all := strings.Split(string(lines), "\n")
	all[3] = strings.Replace(all[3], `{\"id\":\"EventAgentReady\"`, `{\"id\":\"EventDNDOn\",\"x\":1,\"y\":{\"id\":\"EventAgentReady\"}`, 1)
	file := filepath.Join(t.TempDir(), "conflict.kcat.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(all, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	r := agentstate(t, "", nil, "verify", "--initial-state", "clean", file)
	if r.code != exitFindings || !strings.Contains(r.stdout, file+":4 (key \"t1:1001\", partition 0, offset 1): violation [capture.conflict]") || !strings.Contains(r.stdout, file+":2") {
		t.Fatalf("exit %d, want %d with capture.conflict at line 4 naming line 2\n%s%s", r.code, exitFindings, r.stdout, r.stderr)
	}
}

// TestAPassSaysWhichServiceEventsItCouldNotJudge: under --service-key agent (the default), service
// events keyed {tenant}: cannot be paired with the agent events of their DN, so the outage rules
// do not judge them; a run that passes says how many it left so, in its summary and report,
// rather than passing silently. With --service-key tenant they are judged.
func TestAPassSaysWhichServiceEventsItCouldNotJudge(t *testing.T) {
	file := "../../../fixtures/sequences/dn.event-during-outage.partition.break.jsonl"
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", nil, "verify", "--report-json", rep, file)
	if !strings.Contains(r.stdout, "service events not judged by the outage rules: 1") {
		t.Errorf("the summary does not say the outage was left unjudged:\n%s", r.stdout)
	}
	got, err := report.Read(rep)
	if err != nil {
		t.Fatal(err)
	}
	if got.ServiceUnjudged != 1 {
		t.Errorf("report: %d service events not judged, want 1", got.ServiceUnjudged)
	}
	if r := agentstate(t, "", nil, "verify", "--service-key", "tenant", file); strings.Contains(r.stdout, "not judged by the outage rules") || r.code != exitFindings {
		t.Errorf("--service-key tenant: exit %d, want %d with the outage judged\n%s", r.code, exitFindings, r.stdout)
	}
}
