package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestABuildStampedWithLdflagsSaysItsVersions: what make dist does (-ldflags -X) reaches
// --version and the JSON report.
func TestABuildStampedWithLdflagsSaysItsVersions(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "agentstate")
	pkg := "github.com/voice-agentstate/conformance/harness/report"
	ldflags := "-X " + pkg + ".suiteVersion=v9.8.7 -X " + pkg + ".schemaVersion=schemas-3 -X '" + pkg + ".specRevision=VM Current r42'"
	if out, err := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if want := "agentstate suite v9.8.7, schemas schemas-3, spec VM Current r42\n"; err != nil || string(out) != want {
		t.Errorf("--version: %q (%v), want %q", out, err, want)
	}
	rep := filepath.Join(dir, "report.json")
	if out, err := exec.Command(bin, "verify", "--report-json", rep, fixtures+"valid-day.jsonl").CombinedOutput(); err != nil {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	var got struct {
		Version map[string]string `json:"version"`
	}
	b, _ := os.ReadFile(rep)
	if err := json.Unmarshal(b, &got); err != nil || got.Version["suite"] != "v9.8.7" || got.Version["schemas"] != "schemas-3" || !strings.Contains(got.Version["spec"], "r42") {
		t.Errorf("report version %v (%v)", got.Version, err)
	}
}
