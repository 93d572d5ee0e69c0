package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

// TestABadVariableIsAUsageErrorNamingIt: a value the flag would refuse is refused from its
// variable too, with exit 2 and the variable's name, never ignored. Before kong,
// AGENTSTATE_DURATION=2 meant no limit (a run that hangs) and AGENTSTATE_MAX_EVENTS=ten none.
func TestABadVariableIsAUsageErrorNamingIt(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	for _, c := range []struct{ name, value string }{
		{"AGENTSTATE_DURATION", "2"},
		{"AGENTSTATE_MAX_EVENTS", "ten"},
		{"AGENTSTATE_STOP_WHEN_QUIET", "soon"},
		{"AGENTSTATE_UNTIL_END", "maybe"},
		{"AGENTSTATE_QUIET", "sometimes"},
		{"AGENTSTATE_CONNECT_TIMEOUT", "3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := observeEnv(b)
			env[c.name] = c.value
			r := runWithWatchdog(t, env, "observe")
			if r.code != exitUsage || !strings.Contains(r.stderr, c.name+`="`+c.value+`"`) {
				t.Errorf("%s=%s: exit %d, want %d naming the variable:\n%s", c.name, c.value, r.code, exitUsage, r.stderr)
			}
		})
	}
	dir := t.TempDir()
	if r := agentstate(t, "", map[string]string{"AGENTSTATE_REPORT_JSON": "x"}, "merge", "--report-json", filepath.Join(dir, "nope"), filepath.Join(dir, "none.json")); r.code != exitUsage {
		t.Errorf("merge: exit %d", r.code)
	}
}

// TestEveryFlagHasItsVariable: --until-end, --stop-when-quiet, --quiet and merge's flags used to
// have no variable; now each flag of each command is read from AGENTSTATE_<NAME>.
func TestEveryFlagHasItsVariable(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	produceCapture(t, b, fixtures+"valid-day.kcat.jsonl")
	env := observeEnv(b)
	env["AGENTSTATE_UNTIL_END"] = "true"
	env["AGENTSTATE_QUIET"] = "on"
	dir := t.TempDir()
	one, merged := filepath.Join(dir, "one.json"), filepath.Join(dir, "merged.json")
	if r := runWithWatchdog(t, env, "observe", "--report-json", one); r.code != exitPass {
		t.Fatalf("observe with AGENTSTATE_UNTIL_END=true: exit %d\n%s", r.code, r.stderr)
	}
	if r := agentstate(t, "", map[string]string{"AGENTSTATE_REPORT_JSON": merged}, "merge", one); r.code != exitPass {
		t.Fatalf("merge: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(merged); err != nil {
		t.Errorf("merge ignored AGENTSTATE_REPORT_JSON: %v", err)
	}
	for _, c := range flagCommands() {
		var out strings.Builder
		if code := run(t.Context(), append(strings.Fields(c.name), "--help"), strings.NewReader(""), &out, &out, func(string) string { return "" }); code != exitPass {
			t.Fatalf("%s --help: exit %d", c.name, code)
		}
		for _, flag := range c.flagNames() {
			if want := envName(strings.TrimPrefix(flag, "--")); flag != "--help" && !strings.Contains(out.String(), "["+want+"]") {
				t.Errorf("%s --help does not name %s for %s", c.name, want, flag)
			}
		}
	}
}

// TestTheCommandLineWinsOverTheVariable: the precedence the README states once.
func TestTheCommandLineWinsOverTheVariable(t *testing.T) {
	env := map[string]string{"AGENTSTATE_FORMAT": "json"}
	if r := agentstate(t, "", env, "verify", "--format", "text", fixtures+"valid-day.jsonl"); strings.HasPrefix(r.stdout, "{") {
		t.Errorf("--format text lost to AGENTSTATE_FORMAT=json:\n%s", r.stdout)
	}
	if r := agentstate(t, "", env, "verify", fixtures+"valid-day.jsonl"); !strings.HasPrefix(r.stdout, "{") {
		t.Errorf("AGENTSTATE_FORMAT=json ignored:\n%s", r.stdout)
	}
}

// TestHelpIgnoresBadVariables: a bad AGENTSTATE_STRICT used to break even --help.
func TestHelpIgnoresBadVariables(t *testing.T) {
	r := agentstate(t, "", map[string]string{"AGENTSTATE_STRICT": "maybe"}, "verify", "--help")
	if r.code != exitPass || !strings.Contains(r.stdout, "--strict") {
		t.Errorf("verify --help with AGENTSTATE_STRICT=maybe: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestHelpGoesToStdout: for every command, as --help, -h and 'agentstate help COMMAND', with the
// flags written --flag as the README writes them.
func TestHelpGoesToStdout(t *testing.T) {
	for _, cmd := range []string{"verify", "observe", "broker", "merge", "diff", "schemas"} {
		for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {"help", cmd}} {
			r := agentstate(t, "", nil, args...)
			if r.code != exitPass || r.stderr != "" || !strings.Contains(r.stdout, "Usage: agentstate "+cmd) || !strings.Contains(r.stdout, "  --") {
				t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
			}
			if strings.Contains(r.stdout, "\n  -report-json") {
				t.Errorf("%v shows -flag, not --flag:\n%s", args, r.stdout)
			}
		}
	}
	if r := agentstate(t, "", nil, "help", "verfy"); r.code != exitUsage {
		t.Errorf("help verfy: exit %d", r.code)
	}
}

// TestATypoedFlagIsOneLineAndAHint: not the error twice and the whole usage.
func TestATypoedFlagIsOneLineAndAHint(t *testing.T) {
	r := agentstate(t, "", nil, "verify", "--stritc", "-")
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != exitUsage || len(lines) != 2 || !strings.Contains(lines[0], "--stritc") || !strings.Contains(lines[0], "--strict") || !strings.Contains(lines[1], "agentstate help verify") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
}

// TestCompletionScriptsComplete: bash (and zsh, through bashcompinit) complete commands and flags.
func TestCompletionScriptsComplete(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	r := agentstate(t, "", nil, "completion", "bash")
	if r.code != exitPass {
		t.Fatalf("completion bash: exit %d %s", r.code, r.stderr)
	}
	script := r.stdout + "\nCOMP_WORDS=(agentstate observe --stop-w); COMP_CWORD=2; _agentstate; echo \"${COMPREPLY[@]}\"\n"
	out, err := exec.Command(bash, "-c", script).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "--stop-when-quiet" {
		t.Errorf("bash completion of --stop-w: %q, %v", out, err)
	}
	z := agentstate(t, "", nil, "completion", "zsh")
	if z.code != exitPass || !strings.HasPrefix(z.stdout, "#compdef agentstate") || !strings.Contains(z.stdout, "--stop-when-quiet") {
		t.Errorf("completion zsh: exit %d\n%s", z.code, z.stdout)
	}
	if r := agentstate(t, "", nil, "completion", "fish"); r.code != exitUsage {
		t.Errorf("completion fish: exit %d", r.code)
	}
}

// TestTheProgressLineHonoursDumbTerminals: TERM=dumb or NO_COLOR, no escape sequence.
func TestTheProgressLineHonoursDumbTerminals(t *testing.T) {
	for _, env := range []map[string]string{{"TERM": "dumb"}, {"NO_COLOR": "1"}} {
		if f := terminalOf(func(k string) string { return env[k] }).frame("observe: 1 event"); strings.Contains(f, "\033") {
			t.Errorf("%v: frame %q has an escape sequence", env, f)
		}
	}
	if f := terminalOf(func(string) string { return "" }).frame("x"); !strings.Contains(f, "\033[K") {
		t.Errorf("a plain terminal's frame %q does not erase the line", f)
	}
}

// runWithWatchdog runs the command, failing the test if it has not ended after a minute (a
// watchdog, not a timed assertion: the bug it guards against is a run that never ends).
func runWithWatchdog(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	if ctx.Err() != nil {
		t.Errorf("%v with %v did not end within a minute", args, env)
	}
	return result{code, out.String(), errb.String()}
}

// TestTheConsoleSaysWhereTheReportWent: verify, observe and merge name the report they wrote
// (and observe its capture) on stderr.
func TestTheConsoleSaysWhereTheReportWent(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	r := agentstate(t, "", nil, "verify", "--report-json", rep, fixtures+"valid-day.jsonl")
	if r.code != exitPass || !strings.Contains(r.stderr, "agentstate: report written to "+rep) {
		t.Errorf("verify: exit %d, stderr %q", r.code, r.stderr)
	}
}
