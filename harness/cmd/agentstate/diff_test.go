package main

import (
	"strings"
	"testing"
)

// TestDiffExitCodes checks the exit codes of agentstate diff and agentstate schemas diff: 0
// nothing breaking (compatible), 1 breaking (incompatible or unknown), 2 bad input.
func TestDiffExitCodes(t *testing.T) {
	const pairs, sets = "../../../fixtures/diff/", "../../../fixtures/schemas-diff/"
	cases := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"same build", []string{"diff", pairs + "same-build/baseline", pairs + "same-build/candidate"}, exitPass, "SAME"},
		{"notable only", []string{"diff", pairs + "attribute-added/baseline", pairs + "attribute-added/candidate/capture.jsonl"}, exitPass, "NOTABLE"},
		{"breaking", []string{"diff", "--format", "github", pairs + "event-removed/baseline", pairs + "event-removed/candidate"}, exitFindings, "::error"},
		{"json", []string{"diff", "--format", "json", pairs + "type-changed/baseline", pairs + "type-changed/candidate"}, exitFindings, `"verdict": "BREAKING"`},
		{"no stimulus log", []string{"diff", sets, pairs + "same-build/candidate"}, exitUsage, ""},
		{"one argument", []string{"diff", pairs + "same-build/baseline"}, exitUsage, ""},
		{"bad format", []string{"diff", "--format", "xml", pairs + "same-build/baseline", pairs + "same-build/candidate"}, exitUsage, ""},
		{"same schemas", []string{"schemas", "diff", "../../../schemas", "../../../schemas"}, exitPass, "backward COMPATIBLE"},
		{"schemas forward", []string{"schemas", "diff", "--mode", "forward", "../../../schemas", "../../../schemas"}, exitPass, "forward COMPATIBLE"},
		{"schemas no directory", []string{"schemas", "diff", "../../../schemas", "/nonexistent"}, exitUsage, ""},
		{"schemas bad mode", []string{"schemas", "diff", "--mode", "sideways", "../../../schemas", "../../../schemas"}, exitUsage, ""},
		{"schemas no subcommand", []string{"schemas"}, exitUsage, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := agentstate(t, "", nil, c.args...)
			if r.code != c.code || !strings.Contains(r.stdout, c.out) {
				t.Errorf("exit %d, want %d; stdout wants %q:\n%s\nstderr:\n%s", r.code, c.code, c.out, r.stdout, r.stderr)
			}
		})
	}
}
