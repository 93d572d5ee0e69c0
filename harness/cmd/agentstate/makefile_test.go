package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestMakeConformanceIsColourlessOffATerminal: its output piped (a CI log) asks Ginkgo for no
// colour without NO_COLOR=1. GINKGO=echo prints the command instead of running the suite.
func TestMakeConformanceIsColourlessOffATerminal(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	cmd := exec.Command("make", "-s", "-C", "../../..", "conformance", "GINKGO=echo ginkgo", "AGENTSTATE_REPORT_DIR="+t.TempDir())
	cmd.Env = append(cmd.Environ(), "NO_COLOR=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ginkgo --no-color") {
		t.Errorf("make conformance, piped: %v\n%s", err, out)
	}
}
