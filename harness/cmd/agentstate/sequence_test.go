package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// TestVerifyAppliesTheSequenceRules runs every fixture of fixtures/sequences through the CLI with
// its initial state and service key (by flag, or by AGENTSTATE_SERVICE_KEY for every other one):
// the findings (rule and line) are exactly those expect.json names, and the
// exit code follows from their severities.
func TestVerifyAppliesTheSequenceRules(t *testing.T) {
	dir := "../../../fixtures/sequences/"
	raw, err := os.ReadFile(dir + "expect.json")
	if err != nil {
		t.Fatal(err)
	}
	var expect map[string]struct {
		Initial    string `json:"initial"`
		ServiceKey string `json:"service_key"`
		Findings   []struct {
			Rule string `json:"rule"`
			Line int    `json:"line"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(raw, &expect); err != nil {
		t.Fatal(err)
	}
	if len(expect) < 26 {
		t.Fatalf("only %d sequence fixtures", len(expect))
	}
	n := 0
	for file, want := range expect {
		t.Run(file, func(t *testing.T) {
			rep := filepath.Join(t.TempDir(), "r.json")
			args := []string{"verify", "--initial-state", want.Initial, "--report-json", rep, dir + file}
			var env map[string]string
			if want.ServiceKey != "" {
				if n++; n%2 == 0 {
					args = append([]string{"verify", "--service-key", want.ServiceKey}, args[1:]...)
				} else {
					env = map[string]string{"AGENTSTATE_SERVICE_KEY": want.ServiceKey}
				}
			}
			r := agentstate(t, "", env, args...)
			got := readReport(t, rep)
			var gotFindings, wantFindings []string
			for _, f := range append(got.Violations, got.Warnings...) {
				gotFindings = append(gotFindings, f.Rule+"@"+strconv.Itoa(f.Place.Line))
			}
			for _, f := range want.Findings {
				wantFindings = append(wantFindings, f.Rule+"@"+strconv.Itoa(f.Line))
			}
			slices.Sort(gotFindings)
			slices.Sort(wantFindings)
			if !slices.Equal(gotFindings, wantFindings) {
				t.Fatalf("findings %v, want %v\n%s", gotFindings, wantFindings, r.stdout)
			}
			wantCode := exitPass
			if len(got.Violations) > 0 {
				wantCode = exitFindings
			}
			if r.code != wantCode {
				t.Errorf("exit %d, want %d", r.code, wantCode)
			}
		})
	}
}

func TestMainJobCaptureIsLawfulFromACleanStart(t *testing.T) {
	for _, file := range []string{"valid-day.jsonl", "valid-day.kcat.jsonl"} {
		if r := agentstate(t, "", nil, "verify", "--strict", "--initial-state", "clean", fixtures+file); r.code != exitPass {
			t.Errorf("%s: exit %d\n%s", file, r.code, r.stdout)
		}
	}
}
