package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// startAgentstate starts the agentstate command as a process of its own (the test binary, which
// TestMain turns into the command), with env added to the test's environment.
func startAgentstate(t *testing.T, env map[string]string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	return startAgentstateReading(t, nil, env, args...)
}

// startAgentstateReading is startAgentstate with stdin as the command's standard input.
func startAgentstateReading(t *testing.T, stdin *os.File, env map[string]string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, &out
}

// exitCode is the exit status of a finished command; -1 when a signal killed it.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	t.Fatal(err)
	return 0
}

// TestObserveTerminatedWritesItsReportAndFails: SIGTERM (what timeout, GitLab, Kubernetes and
// most CI runners send) stops observe as Ctrl-C does: the report is written, with
// run.interrupted, and the exit code is 1, not death by signal.
func TestObserveTerminatedWritesItsReportAndFails(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	n := produceCapture(t, b, fixtures+"valid-day.kcat.jsonl")
	dir := t.TempDir()
	rep, capture := filepath.Join(dir, "report.json"), filepath.Join(dir, "capture.jsonl")
	cmd, out := startAgentstate(t, observeEnv(b), "observe", "--report-json", rep, "--record", capture)
	for deadline := time.Now().Add(30 * time.Second); strings.Count(readFileOrEmpty(capture), "\n") < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("observe recorded %d of %d records:\n%s", strings.Count(readFileOrEmpty(capture), "\n"), n, out.String())
		}
	}
	got := terminate(t, cmd, out, rep)
	if got.Passed() || !hasRule(got, verify.RuleInterrupted) || got.Events != n {
		t.Errorf("report after SIGTERM: passed %v, %d events, violations %v; want run.interrupted and %d events", got.Passed(), got.Events, got.Violations, n)
	}
}

func hasRule(r *report.Report, rule string) bool {
	for _, f := range r.Violations {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// TestAFailedRunLeavesNoEarlierPassReport: whatever a run ends with (findings, a usage error, an
// unreachable cluster, an unreadable input), the report path never holds an earlier run's PASS.
func TestAFailedRunLeavesNoEarlierPassReport(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	pass := func(t *testing.T) {
		t.Helper()
		if r := agentstate(t, "", nil, "verify", "--report-json", rep, fixtures+"valid-day.jsonl"); r.code != exitPass {
			t.Fatalf("the passing run: exit %d\n%s", r.code, r.stderr)
		}
	}
	unreadable := filepath.Join(dir, "unreadable.json")
	os.WriteFile(unreadable, []byte("{"), 0o600)
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"findings", nil, []string{"verify", "--report-json", rep, fixtures + "schema-findings.jsonl"}, exitFindings},
		{"missing file", nil, []string{"verify", "--report-json", rep, filepath.Join(dir, "nope.jsonl")}, exitUsage},
		{"bad flag after the report flag", nil, []string{"verify", "--report-json", rep, "--format", "xml", fixtures + "valid-day.jsonl"}, exitUsage},
		{"bad setting, report from the environment", map[string]string{"AGENTSTATE_REPORT_JSON": rep, "AGENTSTATE_STRICT": "maybe"}, []string{"verify", fixtures + "valid-day.jsonl"}, exitUsage},
		{"unreachable cluster", map[string]string{"AGENTSTATE_BOOTSTRAP": "127.0.0.1:1", "AGENTSTATE_CONNECT_TIMEOUT": "1s"}, []string{"observe", "--until-end", "--report-json", rep}, exitUsage},
		{"observe usage error", map[string]string{"AGENTSTATE_REPORT_JSON": rep}, []string{"observe", "--from", "yesterday", "--bootstrap", "127.0.0.1:1"}, exitUsage},
		{"merge of an unreadable report", nil, []string{"merge", "--report-json", rep, unreadable}, exitUsage},
	} {
		t.Run(c.name, func(t *testing.T) {
			pass(t)
			if r := agentstate(t, "", c.env, c.args...); r.code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, c.code, r.stdout, r.stderr)
			}
			if got, err := report.Read(rep); err == nil && got.Passed() {
				t.Errorf("%s still holds a passing report after a run that exited %d", rep, c.code)
			}
		})
	}
}

// TestAnObserveThatFailsToRecordLeavesNoPassReport: a run that judged everything but could not
// write its capture exits 2, and its report says why (run.error) instead of passing.
func TestAnObserveThatFailsToRecordLeavesNoPassReport(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full to fail the capture's writes")
	}
	b := brokertest.Embedded(t, 3)
	produceCapture(t, b, fixtures+"valid-day.kcat.jsonl")
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", observeEnv(b), "observe", "--until-end", "--record", "/dev/full", "--report-json", rep)
	if r.code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, exitUsage, r.stdout, r.stderr)
	}
	got, err := report.Read(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.stdout, "[run.error] the run failed (write capture") {
		t.Errorf("the output does not name the run.error:\n%s", r.stdout)
	}
	if got.Passed() || !hasRule(got, "run.error") {
		t.Errorf("report of a run that exited 2: passed %v, violations %v; want run.error", got.Passed(), got.Violations)
	}
}

// TestAFailedObserveLeavesNoEarlierCapture: the --record file of a run that never reached the
// cluster is not the last run's capture, which verify would then judge as if it were this one's.
func TestAFailedObserveLeavesNoEarlierCapture(t *testing.T) {
	capture := filepath.Join(t.TempDir(), "capture.jsonl")
	if err := os.WriteFile(capture, []byte(readFileOrEmpty(fixtures+"valid-day.jsonl")), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AGENTSTATE_BOOTSTRAP": "127.0.0.1:1", "AGENTSTATE_CONNECT_TIMEOUT": "1s"}
	if r := agentstate(t, "", env, "observe", "--until-end", "--record", capture); r.code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitUsage, r.stderr)
	}
	if _, err := os.Stat(capture); err == nil {
		t.Errorf("%s still holds the earlier run's capture", capture)
	}
}

// TestVerifyTerminatedWritesItsReportAndFails: a verify stopped by SIGTERM while it reads (a
// capture piped in from a slow producer of it) writes its report, with run.interrupted, and
// exits 1: what it read was judged, but the verdict is not one.
func TestVerifyTerminatedWritesItsReportAndFails(t *testing.T) {
	rep := filepath.Join(t.TempDir(), "report.json")
	r, stdin, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	cmd, out := startAgentstateReading(t, r, nil, "verify", "--report-json", rep, "-")
	r.Close()
	day, err := os.ReadFile(fixtures + "valid-day.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	// More than a pipe holds: once the writes return, verify is reading, so its handler is set.
	for n := 0; n < 256<<10; n += len(day) {
		if _, err := stdin.Write(day); err != nil {
			t.Fatal(err)
		}
	}
	got := terminate(t, cmd, out, rep)
	if got.Passed() || !hasRule(got, verify.RuleInterrupted) || got.Events == 0 {
		t.Errorf("report after SIGTERM: passed %v, %d events, violations %v; want run.interrupted and the events read", got.Passed(), got.Events, got.Violations)
	}
}

// terminate sends SIGTERM to a running agentstate, which must then exit 1 having written its
// report at rep; it returns the report.
func terminate(t *testing.T, cmd *exec.Cmd, out *syncBuffer, rep string) *report.Report {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// A watchdog, not a timing assertion: a command that ignores the signal is killed.
	watchdog := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	if !watchdog.Stop() {
		t.Fatalf("still running a minute after SIGTERM\n%s", out.String())
	}
	if code := exitCode(t, err); code != exitFindings {
		t.Errorf("exit %d after SIGTERM, want %d\n%s", code, exitFindings, out.String())
	}
	got, err := report.Read(rep)
	if err != nil {
		t.Fatalf("no report after SIGTERM: %v\n%s", err, out.String())
	}
	return got
}
