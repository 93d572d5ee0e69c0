package suite_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/voice-agentstate/conformance/fixtures"
)

// TestTheShippedSuiteRunsFromAnyDirectory: the test binary, run outside specs/, finds its
// scenarios and fixtures (embedded), where it used to panic with "load scenarios: no *.json
// file in ../fixtures/scenarios"; and each broken variant of an event is a spec of its own (a
// DescribeTable entry), where they were By steps of one It that stopped at the first failure.
func TestTheShippedSuiteRunsFromAnyDirectory(t *testing.T) {
	_, bin := buildSuite(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "-test.run", "^TestSpecs$", "-ginkgo.no-color", "-ginkgo.dry-run", "-ginkgo.json-report="+filepath.Join(dir, "dry.json"))
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the suite, run from %s: %v\n%s", dir, err, out)
	}
	var reports []types.Report
	b, _ := os.ReadFile(filepath.Join(dir, "dry.json"))
	if err := json.Unmarshal(b, &reports); err != nil || len(reports) != 1 {
		t.Fatalf("dry run's JSON report: %v", err)
	}
	variants := map[string]bool{}
	for _, spec := range reports[0].SpecReports {
		if strings.Contains(spec.FullText(), "rejects the broken variant") {
			variants[spec.FullText()] = true
		}
	}
	if want := brokenVariants(t); len(variants) != want {
		t.Errorf("%d specs reject a broken variant; the fixtures have %d variants", len(variants), want)
	}
}

// TestASuiteThatCannotStartSaysWhyOnce: a broker that cannot be reached is one sentence in the
// suite's output, not Gomega's dump of every wrapped error (<*fmt.wrapError | 0x...>).
func TestASuiteThatCannotStartSaysWhyOnce(t *testing.T) {
	root, bin := buildSuite(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "-test.run", "^TestSpecs$", "-ginkgo.no-color")
	cmd.Dir = filepath.Join(root, "specs")
	cmd.Env = append(os.Environ(), "AGENTSTATE_BROKER=external", "AGENTSTATE_BOOTSTRAP=127.0.0.1:1", "AGENTSTATE_CONNECT_TIMEOUT=1s", "AGENTSTATE_REPORT_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the suite passed with no broker:\n%s", out)
	}
	text := string(out)
	if strings.Contains(text, "fmt.wrapError") || strings.Contains(text, "<*") {
		t.Errorf("the suite's output dumps error structs:\n%s", text)
	}
	const sentence = "start the broker, the collector and the system under test: "
	if n := strings.Count(text, sentence); n != 1 {
		t.Errorf("%q appears %d times, want once:\n%s", sentence, n, text)
	}
}

// brokenVariants counts the invalid variants in the embedded event fixtures.
func brokenVariants(t *testing.T) int {
	t.Helper()
	files, err := fs.Glob(fixtures.FS, fixtures.Events+"/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("event fixtures: %v", err)
	}
	n := 0
	for _, f := range files {
		var fx struct {
			Invalid []json.RawMessage `json:"invalid"`
		}
		b, _ := fs.ReadFile(fixtures.FS, f)
		if err := json.Unmarshal(b, &fx); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		n += len(fx.Invalid)
	}
	return n
}
