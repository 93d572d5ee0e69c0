package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/finding"
)

type result struct {
	code           int
	stdout, stderr string
}

func agentstate(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return result{code, out.String(), errb.String()}
}

type jsonReport struct {
	Events      int               `json:"events"`
	Lines       int               `json:"lines"`
	Undecodable int               `json:"undecodable"`
	Strict      bool              `json:"strict"`
	PerEvent    map[string]int    `json:"per_event"`
	Violations  []finding.Finding `json:"violations"`
	Warnings    []finding.Finding `json:"warnings"`
}

func readReport(t *testing.T, path string) jsonReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r jsonReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

const fixtures = "../../../fixtures/streams/"

func TestVerifyPassesALawfulCapture(t *testing.T) {
	rep := filepath.Join(t.TempDir(), "out", "report.json")
	for _, file := range []string{"valid-day.jsonl", "valid-day.kcat.jsonl"} {
		r := agentstate(t, "", nil, "verify", "--report-json", rep, fixtures+file)
		if r.code != exitPass || !strings.Contains(r.stdout, "PASS: 0 violations, 0 warnings") {
			t.Fatalf("%s: exit %d\n%s%s", file, r.code, r.stdout, r.stderr)
		}
		got := readReport(t, rep)
		if got.Events != 22 || got.Lines != 22 || len(got.Violations) != 0 || got.PerEvent["EventAgentLogin"] != 3 {
			t.Errorf("%s: report %+v", file, got)
		}
	}
}

func TestVerifyReportsEveryFindingAndCountsEveryLine(t *testing.T) {
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", nil, "verify", fixtures+"schema-findings.jsonl", fixtures+"bad-input.jsonl", "--report-json", rep)
	if r.code != exitFindings {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitFindings, r.stderr)
	}
	got := readReport(t, rep)
	// bad-input.jsonl is JSON Lines (its first line says so): its line 9, a kcat tombstone's
	// envelope, is judged as the value it is, an object without an id.
	if got.Lines != 16 || got.Events != 11 || got.Undecodable != 5 || got.Lines != got.Events+got.Undecodable {
		t.Errorf("counts: lines %d events %d undecodable %d", got.Lines, got.Events, got.Undecodable)
	}
	type key struct {
		file string
		line int
		rule string
	}
	want := []key{
		{"schema-findings.jsonl", 2, "schema.required"},
		{"schema-findings.jsonl", 3, "schema.maximum"},
		{"schema-findings.jsonl", 4, "schema.type"},
		{"schema-findings.jsonl", 6, "event.unknown-id"},
		{"schema-findings.jsonl", 7, "event.missing-id"},
		{"bad-input.jsonl", 3, "decode.json"},
		{"bad-input.jsonl", 4, "decode.not-object"},
		{"bad-input.jsonl", 5, "decode.not-object"},
		{"bad-input.jsonl", 6, "decode.utf8"},
		{"bad-input.jsonl", 7, "decode.json"},
		{"bad-input.jsonl", 9, "event.missing-id"},
	}
	if len(got.Violations) != len(want) {
		t.Fatalf("want %d violations, got %d:\n%s", len(want), len(got.Violations), r.stdout)
	}
	for i, w := range want {
		v := got.Violations[i]
		if filepath.Base(v.Place.File) != w.file || v.Place.Line != w.line || v.Rule != w.rule || v.Message == "" {
			t.Errorf("violation %d: got %s:%d %s, want %v", i, v.Place.File, v.Place.Line, v.Rule, w)
		}
		if !strings.Contains(r.stdout, v.String()) {
			t.Errorf("stdout lacks the line %q", v.String())
		}
	}
	// The files are one stream in the order given, so the first event of the second file, older
	// than the last of the first on the same DN, is out of time order.
	if len(got.Warnings) != 3 || got.Warnings[0].Rule != "schema.unknown-attribute" || got.Warnings[1].Rule != "event.not-covered" ||
		got.Warnings[2].Rule != "time.monotonic" || got.Warnings[2].Place.Line != 1 || got.Warnings[2].Context == nil || got.Warnings[2].Context.Line != 8 {
		t.Errorf("warnings: %v", got.Warnings)
	}
	if !strings.Contains(r.stdout, "read 16 records: 11 events checked, 5 undecodable") || !strings.Contains(r.stdout, "FAIL: 11 violations, 3 warnings") {
		t.Errorf("summary:\n%s", r.stdout)
	}
}

func TestVerifyNamesKafkaCoordinatesOfKcatEnvelopes(t *testing.T) {
	in := `{"topic":"voice-agentstate","partition":2,"offset":41,"key":"t1:1001","payload":"{\"id\":\"EventDNDOn\",\"ThisDN\":\"5001\",\"Server\":3}"}` + "\n"
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, in, nil, "verify", "-", "--report-json", rep)
	if r.code != exitFindings {
		t.Fatalf("exit %d", r.code)
	}
	v := readReport(t, rep).Violations[0]
	if v.Place.Key != "t1:1001" || v.Place.Partition != 2 || v.Place.Offset != 41 || v.Place.Line != 1 || v.Place.File != "stdin" {
		t.Errorf("place %+v", v.Place)
	}
	if !strings.Contains(r.stdout, `stdin:1 (key "t1:1001", partition 2, offset 41): violation [schema.required] EventDNDOn: mandatory attribute time is missing`) {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	raw, _ := os.ReadFile(rep)
	for _, field := range []string{`"key": "t1:1001"`, `"partition": 2`, `"offset": 41`, `"line": 1`, `"file": "stdin"`} {
		if !bytes.Contains(raw, []byte(field)) {
			t.Errorf("report lacks %s", field)
		}
	}
}

func TestVerifyStrictTurnsWarningsIntoViolations(t *testing.T) {
	in := `{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"Agent ID":"1001"}` + "\n"
	if r := agentstate(t, in, nil, "verify", "-"); r.code != exitPass || !strings.Contains(r.stdout, "warning [schema.unknown-attribute]") {
		t.Errorf("lenient: exit %d\n%s", r.code, r.stdout)
	}
	if r := agentstate(t, in, nil, "verify", "--strict", "-"); r.code != exitFindings || !strings.Contains(r.stdout, "violation [schema.unknown-attribute]") {
		t.Errorf("--strict: exit %d\n%s", r.code, r.stdout)
	}
	if r := agentstate(t, in, map[string]string{"AGENTSTATE_STRICT": "true"}, "verify", "-"); r.code != exitFindings {
		t.Errorf("AGENTSTATE_STRICT=true: exit %d", r.code)
	}
}

func TestVerifyNeverPassesAnEmptyCapture(t *testing.T) {
	r := agentstate(t, "\n\n", nil, "verify", "-")
	if r.code != exitFindings || !strings.Contains(r.stdout, "[stream.empty]") {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
}

func TestVerifyUsageAndIOErrors(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, []byte("x"), 0o600)
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no command", nil, nil, "Usage"},
		{"unknown command", nil, []string{"verfy"}, `unknown command "verfy"`},
		{"no file", nil, []string{"verify"}, "no FILE given"},
		{"missing file", nil, []string{"verify", fixtures + "valid-day.jsonl", filepath.Join(dir, "nope.jsonl")}, "nope.jsonl: no such file"},
		{"directory", nil, []string{"verify", dir}, "is a directory"},
		{"unknown flag", nil, []string{"verify", "--stritc", "-"}, `unknown flag --stritc, did you mean "--strict"?`},
		{"bad initial state", nil, []string{"verify", "--initial-state", "empty", "-"}, `--initial-state "empty": expected clean or unknown`},
		{"bad service key", nil, []string{"verify", "--service-key", "dn", "-"}, `--service-key "dn": expected agent, tenant or unknown`},
		{"bad service key env", map[string]string{"AGENTSTATE_SERVICE_KEY": "Agent"}, []string{"verify", "-"}, `--service-key "Agent": expected agent, tenant or unknown`},
		{"bad strict env", map[string]string{"AGENTSTATE_STRICT": "maybe"}, []string{"verify", "-"}, `AGENTSTATE_STRICT="maybe"`},
		{"bad v5-only env", map[string]string{"AGENTSTATE_V5_ONLY": "sometimes"}, []string{"verify", "-"}, `AGENTSTATE_V5_ONLY="sometimes"`},
		{"bad cross-check env", map[string]string{"AGENTSTATE_CROSS_CHECK": "often"}, []string{"verify", "-"}, `AGENTSTATE_CROSS_CHECK="often": expected a count of records`},
		{"negative cross-check", nil, []string{"verify", "--cross-check", "-3", "-"}, "--cross-check -3: expected a count of records"},
		{"bad schemas dir", nil, []string{"verify", "--schemas", dir, "-"}, "no *.json files found"},
		{"unwritable report", nil, []string{"verify", "--report-json", filepath.Join(blocker, "r.json"), fixtures + "valid-day.jsonl"}, "write report"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := agentstate(t, "", c.env, c.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d", r.code, exitUsage)
			}
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, r.stderr)
			}
		})
	}
}

func TestVerifyHelpExitsZero(t *testing.T) {
	if r := agentstate(t, "", nil, "verify", "--help"); r.code != exitPass || !strings.Contains(r.stdout, "--report-json=PATH") {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
}

func TestVerifyFormats(t *testing.T) {
	file := fixtures + "schema-findings.jsonl"
	r := agentstate(t, "", nil, "verify", "--format", "github", file)
	if r.code != exitFindings || !strings.Contains(r.stdout, "::error file="+file+",line=2,title=schema.required::EventAgentReady: mandatory attribute AgentWorkMode is missing\n") ||
		!strings.Contains(r.stdout, "::warning file="+file+",line=3,title=schema.unknown-attribute::") {
		t.Errorf("github: exit %d\n%s", r.code, r.stdout)
	}
	r = agentstate(t, "", map[string]string{"AGENTSTATE_FORMAT": "json"}, "verify", file)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var last struct {
		Verdict    string `json:"verdict"`
		Events     int    `json:"events"`
		Violations int    `json:"violations"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Verdict != "FAIL" || last.Events != 8 || last.Violations != 5 {
		t.Errorf("json verdict line %q: %v", lines[len(lines)-1], err)
	}
	for _, line := range lines[:len(lines)-1] {
		var f finding.Finding
		if err := json.Unmarshal([]byte(line), &f); err != nil || f.Rule == "" || f.Place.Line == 0 {
			t.Errorf("json finding line %q: %v", line, err)
		}
	}
	if r := agentstate(t, "", nil, "verify", "--format", "xml", file); r.code != exitUsage || !strings.Contains(r.stderr, `--format "xml": expected text, json or github`) {
		t.Errorf("bad format: exit %d %s", r.code, r.stderr)
	}
}

func TestVersionAndHelp(t *testing.T) {
	if r := agentstate(t, "", nil, "--version"); r.code != exitPass || !strings.HasPrefix(r.stdout, "agentstate ") {
		t.Errorf("--version: exit %d %q", r.code, r.stdout)
	}
	if r := agentstate(t, "", nil, "--help"); r.code != exitPass || !strings.Contains(r.stdout, "agentstate merge REPORT...") {
		t.Errorf("--help: exit %d %q", r.code, r.stdout)
	}
	for _, cmd := range []string{"verify", "observe", "broker", "merge"} {
		if r := agentstate(t, "", nil, cmd, "--help"); r.code != exitPass || !strings.Contains(r.stdout, "Usage: agentstate "+cmd) {
			t.Errorf("%s --help: exit %d %q", cmd, r.code, r.stdout)
		}
	}
}

// TestFilesAreWrittenForTheirOwnerAndGroupOnly: reports and captures may hold production
// traffic, so nobody else may read them.
func TestFilesAreWrittenForTheirOwnerAndGroupOnly(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	produceCapture(t, b, fixtures+"valid-day.kcat.jsonl")
	dir := t.TempDir()
	rep, capture := filepath.Join(dir, "sub", "report.json"), filepath.Join(dir, "capture.jsonl")
	if r := agentstate(t, "", observeEnv(b), "observe", "--until-end", "--record", capture, "--report-json", rep); r.code != exitPass {
		t.Fatalf("observe: exit %d\n%s", r.code, r.stderr)
	}
	for _, path := range []string{rep, capture, filepath.Dir(rep)} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o007 != 0 {
			t.Errorf("%s has mode %v: others may access it", path, st.Mode().Perm())
		}
	}
}

// TestVerifyGivesOneVerdictWhicheverPathJudges: the fast path, jsonschema/v5 alone, and v5
// judging every fast verdict again print the same findings and counts; only the line saying how
// the events were judged differs, and the JSON report accounts for it.
func TestVerifyGivesOneVerdictWhicheverPathJudges(t *testing.T) {
	files := []string{fixtures + "schema-findings.jsonl", fixtures + "bad-input.jsonl", fixtures + "valid-day.kcat.jsonl"}
	withoutJudged := func(out string) string {
		var keep []string
		for _, l := range strings.Split(out, "\n") {
			if !strings.Contains(l, "judged by") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	base := agentstate(t, "", nil, append([]string{"verify"}, files...)...)
	if base.code != exitFindings || !strings.Contains(base.stdout, "judged by the fast path: ") {
		t.Fatalf("exit %d\n%s", base.code, base.stdout)
	}
	for _, c := range []struct {
		env  map[string]string
		args []string
	}{
		{nil, []string{"--v5-only"}},
		{map[string]string{"AGENTSTATE_V5_ONLY": "1"}, nil},
		{nil, []string{"--cross-check", "1"}},
		{map[string]string{"AGENTSTATE_CROSS_CHECK": "0"}, nil},
	} {
		rep := filepath.Join(t.TempDir(), "r.json")
		args := append(append([]string{"verify", "--report-json", rep}, c.args...), files...)
		r := agentstate(t, "", c.env, args...)
		if r.code != base.code || withoutJudged(r.stdout) != withoutJudged(base.stdout) {
			t.Errorf("%v %v: exit %d, output differs:\n%s\nwant:\n%s", c.env, c.args, r.code, r.stdout, base.stdout)
		}
		b, _ := os.ReadFile(rep)
		var j struct {
			Judged struct {
				FastPath      bool `json:"fast_path"`
				Fast          int  `json:"fast"`
				V5            int  `json:"v5"`
				CrossChecked  int  `json:"cross_checked"`
				Disagreements int  `json:"disagreements"`
			} `json:"judged"`
			Events, Undecodable int
		}
		if err := json.Unmarshal(b, &j); err != nil {
			t.Fatal(err)
		}
		v5only := c.env["AGENTSTATE_V5_ONLY"] == "1" || len(c.args) > 0 && c.args[0] == "--v5-only"
		switch {
		case j.Judged.FastPath == v5only, j.Judged.Disagreements != 0:
			t.Errorf("%v %v: judged %+v", c.env, c.args, j.Judged)
		case v5only && j.Judged.Fast != 0, !v5only && j.Judged.Fast == 0:
			t.Errorf("%v %v: judged %+v", c.env, c.args, j.Judged)
		case len(c.args) > 1 && c.args[1] == "1" && j.Judged.CrossChecked != j.Judged.Fast:
			t.Errorf("cross-checking every record: judged %+v", j.Judged)
		case c.env["AGENTSTATE_CROSS_CHECK"] == "0" && j.Judged.CrossChecked != 0:
			t.Errorf("cross-check 0: judged %+v", j.Judged)
		}
	}
}

// TestOnlyADashIsStandardInput: "-" alone means standard input, once; a file whose name merely
// ends in "-" is a file, however many are given.
func TestOnlyADashIsStandardInput(t *testing.T) {
	day, err := os.ReadFile(fixtures + "valid-day.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a-"), filepath.Join(dir, "b-")
	for _, name := range []string{a, b} {
		if err := os.WriteFile(name, day, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if r := agentstate(t, "", nil, "verify", a, b); r.code != exitPass {
		t.Errorf("verify %s %s: exit %d, want %d\n%s%s", a, b, r.code, exitPass, r.stdout, r.stderr)
	}
	if r := agentstate(t, string(day), nil, "verify", "-", "-"); r.code != exitUsage || !strings.Contains(r.stderr, "standard input (-) given more than once") {
		t.Errorf("verify - -: exit %d, want %d saying so\n%s", r.code, exitUsage, r.stderr)
	}
}
