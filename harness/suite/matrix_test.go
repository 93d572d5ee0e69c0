package suite_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// junit is the part of Ginkgo's JUnit report a CI system reads.
type junit struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name      string `xml:"name,attr"`
		Tests     int    `xml:"tests,attr"`
		Failures  int    `xml:"failures,attr"`
		TestCases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

type run struct {
	fault  string
	mode   string // AGENTSTATE_PARALLEL of the run
	code   int
	failed []string // failing specs, by their names in the JUnit report
	report junit
}

// orderDependent lists the faults whose failing specs depend on the order the flows published
// in, with the reason: for them the matrix asks only that both modes catch the fault, not on the
// same specs.
var orderDependent = map[string]string{
	sut.FaultAgentOnTwoPartitions: "its partitioner goes round-robin over the whole producer, so which agent's events land on a second partition depends on which flows published before them, in a random spec order as much as at once",
}

// matrixModes are the AGENTSTATE_PARALLEL settings the detection matrix runs the suite with: its
// flows one after another, and at once (the default).
var matrixModes = []string{"1", ""}

// TestDetectionMatrix runs the whole conformance suite against the reference producer, correct
// and with each fault of the catalogue, with its flows one after another (AGENTSTATE_PARALLEL=1)
// and at once (the default): correct, it must pass; with any fault, fail, and on the same specs
// in both modes (but for the faults of orderDependent, each with its reason). The matrix, with
// the specs each fault failed, is written to reports/detection-matrix.md. It also checks that
// each run's JUnit report is well formed and agrees with the exit code. Every run is beside a
// Docker daemon that answers and can pull nothing, which must get no request: the verdicts are
// the producer's, never Docker's.
func TestDetectionMatrix(t *testing.T) {
	docker := brokertest.StartFakeDocker(t)
	root, bin := buildSuite(t)
	faults := []string{""}
	for _, f := range sut.Faults() {
		faults = append(faults, f.Name)
	}
	runs := make([]run, len(faults)*len(matrixModes))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			fault, mode := faults[i/len(matrixModes)], matrixModes[i%len(matrixModes)]
			runs[i] = runSuite(t, bin, root, fault, "AGENTSTATE_PARALLEL="+mode, "DOCKER_HOST="+docker.Host, "AGENTSTATE_BROKER=")
			runs[i].mode = mode
		}()
	}
	wg.Wait()
	if got := docker.Requests(); len(got) > 0 {
		t.Errorf("the suite runs sent the Docker daemon %d requests, expected none: %v", len(got), got)
	}
	for i := 0; i < len(runs); i += len(matrixModes) {
		serial, parallel := runs[i], runs[i+1]
		_, anyOrder := orderDependent[serial.fault]
		sameSpecs := anyOrder || strings.Join(serial.failed, "\n") == strings.Join(parallel.failed, "\n")
		if (serial.code == 0) != (parallel.code == 0) || (len(serial.failed) == 0) != (len(parallel.failed) == 0) || !sameSpecs {
			t.Errorf("fault %q: one after another the suite exits %d failing %v; at once it exits %d failing %v", serial.fault, serial.code, serial.failed, parallel.code, parallel.failed)
		}
	}
	for _, r := range runs {
		switch {
		case r.fault == "" && (r.code != 0 || len(r.failed) > 0):
			t.Errorf("the correct reference producer failed the suite (exit %d): %v", r.code, r.failed)
		case r.fault != "" && (r.code == 0 || len(r.failed) == 0):
			t.Errorf("fault %s was not caught: exit %d, failing specs %v", r.fault, r.code, r.failed)
		}
	}
	writeMatrix(t, filepath.Join(root, "reports", "detection-matrix.md"), runs)
}

// buildSuite compiles the conformance suite once, as a producer team would ship it (go test -c),
// and returns the repository root and the binary.
func buildSuite(t *testing.T) (root, bin string) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(t.TempDir(), "specs.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./specs")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the suite: %v\n%s", err, out)
	}
	return root, bin
}

func runSuite(t *testing.T, bin, root, fault string, env ...string) run {
	dir := filepath.Join(t.TempDir(), "fault-"+fault)
	cmd := exec.Command(bin, "-test.run", "^TestSpecs$", "-ginkgo.no-color")
	cmd.Dir = filepath.Join(root, "specs")
	cmd.Env = append(append(os.Environ(), "AGENTSTATE_FAULT="+fault, "AGENTSTATE_TIMEOUT=1s", "AGENTSTATE_REPORT_DIR="+dir), env...)
	out, err := cmd.CombinedOutput()
	r := run{fault: fault}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.code = exit.ExitCode()
	} else if err != nil {
		t.Errorf("fault %q: run the suite: %v", fault, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Errorf("fault %q: no JUnit report: %v\n%s", fault, err, tail(out))
		return r
	}
	if err := xml.Unmarshal(b, &r.report); err != nil {
		t.Errorf("fault %q: the JUnit report is not well-formed XML: %v", fault, err)
		return r
	}
	r.failed = failures(t, fault, r.report)
	// The summary 'make conformance' prints last says what the exit code says.
	md, err := os.ReadFile(filepath.Join(dir, "summary.md"))
	if passed := strings.HasPrefix(string(md), "# voice-agentstate conformance: PASS"); err != nil || passed != (r.code == 0) {
		t.Errorf("fault %q: exit %d, but summary.md (%v) says: %.80s", fault, r.code, err, md)
	}
	return r
}

// failures lists the failing test cases, checking the report's counts agree with them.
func failures(t *testing.T, fault string, j junit) []string {
	var failed []string
	cases := 0
	for _, s := range j.Suites {
		cases += len(s.TestCases)
		for _, tc := range s.TestCases {
			if tc.Failure != nil {
				failed = append(failed, tc.Name)
			}
		}
	}
	if len(j.Suites) == 0 || cases != j.Tests || len(failed) != j.Failures {
		t.Errorf("fault %q: JUnit report counts %d tests, %d failures; its cases say %d and %d", fault, j.Tests, j.Failures, cases, len(failed))
	}
	sort.Strings(failed)
	return failed
}

func writeMatrix(t *testing.T, path string, runs []run) {
	var b strings.Builder
	b.WriteString("# Detection matrix\n\nThe conformance suite run against the reference producer, correct and with each fault (`make test`, TestDetectionMatrix), with its flows one after another (AGENTSTATE_PARALLEL=1) and at once (the default); both catch the same faults on the same specs (but for those whose failing specs depend on the order flows published in: agent-on-two-partitions), and each fault's row is the parallel run's.\n\n")
	b.WriteString("| fault | exit | caught | failing specs |\n|---|---|---|---|\n")
	for _, r := range runs {
		if r.mode == "1" {
			continue
		}
		name, caught := r.fault, "yes"
		if name == "" {
			name, caught = "(none)", "n/a: passes"
			if r.code != 0 {
				caught = "NO: failed"
			}
		} else if r.code == 0 {
			caught = "NO"
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %d: %s |\n", name, r.code, caught, len(r.failed), strings.Join(shorten(r.failed), "; "))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o640); err != nil {
		t.Fatal(err)
	}
}

func shorten(names []string) []string {
	var out []string
	for _, n := range names {
		n = strings.TrimPrefix(n, "[It] ")
		if i := strings.Index(n, " ["); i > 0 {
			n = n[:i]
		}
		out = append(out, n)
	}
	return out
}

func tail(b []byte) string {
	if len(b) > 2000 {
		return string(b[len(b)-2000:])
	}
	return string(b)
}
