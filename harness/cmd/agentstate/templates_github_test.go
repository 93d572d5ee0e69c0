package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTheGitHubTemplateRunsAgainstTheExampleService runs the workflow's job four times: on a
// pull request before any release (no baseline: a warning, no diff), on a release (which keeps
// its capture as the baseline artifact), on a pull request (which fetches
// that baseline, passes the suite and finds the same events), and on a pull request against a
// baseline whose EventAgentLogin carried an attribute the service no longer sends, where the
// job must fail on the breaking difference although the suite passes.
func TestTheGitHubTemplateRunsAgainstTheExampleService(t *testing.T) {
	requireRun(t)
	requireTools(t, "bash", "git", "make", "go")
	var wf ghWorkflow
	decode(t, githubTemplate, readFile(t, githubTemplate), &wf)
	store := t.TempDir()
	version := suiteCommit(t)

	first := newGHRun(t, wf, "pull_request", store)
	first.run()
	first.mustSucceed()
	first.outputHas("::warning title=baseline::no successful release run of this workflow yet")
	if strings.Contains(first.out.String(), "agentstate diff: ") {
		t.Errorf("pull request before any release: expected no diff, found one:\n%s", first.out.String())
	}

	release := newGHRun(t, wf, "release", store)
	release.run()
	release.mustSucceed()
	release.summaryHas("# voice-agentstate conformance: PASS")
	for _, f := range []string{"capture.jsonl", "stimuli.jsonl"} {
		if _, err := os.Stat(filepath.Join(store, "conformance-baseline", f)); err != nil {
			t.Errorf("release run: expected the artifact conformance-baseline to hold %s: %v", f, err)
		}
	}
	checkVersion(t, filepath.Join(store, "conformance-report", "summary.json"), version)
	if release.ghCalls() != "" {
		t.Errorf("release run: expected no baseline fetch, found gh calls:\n%s", release.ghCalls())
	}

	candidate := newGHRun(t, wf, "pull_request", store)
	candidate.run()
	candidate.mustSucceed()
	if calls := candidate.ghCalls(); !strings.Contains(calls, "run list") || !strings.Contains(calls, "run download 4242 --repo example/service --name conformance-baseline") {
		t.Errorf("pull request run: expected gh run list and gh run download of conformance-baseline, found:\n%s", calls)
	}
	candidate.outputHas("agentstate diff: SAME: 0 breaking")
	candidate.summaryHas("## Against the release in production")

	doctor(t, filepath.Join(store, "conformance-baseline", "capture.jsonl"))
	broken := newGHRun(t, wf, "pull_request", store)
	broken.run()
	if broken.failedStep != "Run the conformance suite (and diff against the baseline)" {
		t.Errorf("pull request against a baseline with a removed attribute: expected the suite step to fail, found failed step %q", broken.failedStep)
	}
	broken.outputHas("# voice-agentstate conformance: PASS")
	broken.outputHas("::error title=diff.attribute-removed::")
	broken.summaryHas("agentstate diff: BREAKING")
	if !broken.ran["Show the JUnit report as a check"] || !broken.ran["Keep the reports"] {
		t.Errorf("a failed run must still show the JUnit report and keep the reports; ran %v", broken.ran)
	}
}

// ghWorkflow is the part of a GitHub workflow the test reads.
type ghWorkflow struct {
	Defaults    struct{ Run struct{ Shell string } } `yaml:"defaults"`
	Permissions any                                  `yaml:"permissions"`
	Env         map[string]string                    `yaml:"env"`
	Jobs        map[string]ghJob                     `yaml:"jobs"`
}

type ghJob struct {
	Permissions any                               `yaml:"permissions"`
	Services    map[string]struct{ Image string } `yaml:"services"`
	Env         map[string]string                 `yaml:"env"`
	Steps       []ghStep                          `yaml:"steps"`
}

type ghStep struct {
	Name             string            `yaml:"name"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	WorkingDirectory string            `yaml:"working-directory"`
	Env              map[string]string `yaml:"env"`
	With             map[string]any    `yaml:"with"`
}

func (wf ghWorkflow) conformance(t *testing.T) ghJob {
	job, ok := wf.Jobs["conformance"]
	if !ok || len(wf.Jobs) != 1 {
		t.Fatalf("%s: expected the one job conformance, found %d jobs", githubTemplate, len(wf.Jobs))
	}
	return job
}

// ghRun is one run of the workflow's job on one event.
type ghRun struct {
	t                      *testing.T
	wf                     ghWorkflow
	job                    ghJob
	event, ws, temp, store string
	summary                string
	env                    []string
	out                    bytes.Buffer
	failedStep             string
	ran                    map[string]bool
	pgids                  []int
}

func newGHRun(t *testing.T, wf ghWorkflow, event, store string) *ghRun {
	t.Helper()
	ws := t.TempDir()
	r := &ghRun{t: t, wf: wf, job: wf.conformance(t), event: event, ws: ws, temp: filepath.Join(ws, "_temp"), store: store, ran: map[string]bool{}}
	r.summary = filepath.Join(r.temp, "step_summary.md")
	bin := filepath.Join(ws, "_bin")
	mkdirs(t, r.temp, bin)
	writeExec(t, filepath.Join(bin, "gh"), fakeGH)
	broker, service := freeAddr(t), freeAddr(t)
	r.env = append(cleanEnviron(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GITHUB_WORKSPACE="+ws, "RUNNER_TEMP="+r.temp, "GITHUB_STEP_SUMMARY="+r.summary,
		"GITHUB_EVENT_NAME="+event, "GITHUB_REPOSITORY=example/service", "FAKE_STORE="+store, "FAKE_LOG="+filepath.Join(ws, "gh.log"))
	for _, env := range []map[string]string{wf.Env, r.job.Env} {
		for k, v := range env {
			r.env = append(r.env, k+"="+r.expand(v))
		}
	}
	r.env = append(r.env, override(t, r.job.Env, map[string]string{
		"AGENTSTATE_BROKER": "embedded", "AGENTSTATE_BOOTSTRAP": broker,
		"SERVICE_ADDR": service, "AGENTSTATE_SUT_URL": "http://" + service,
	})...)
	r.env = append(r.env, "AGENTSTATE_LISTEN="+broker)
	t.Cleanup(r.stop)
	return r
}

// expand replaces the expressions the workflow uses; any other fails the test, so that a new
// one is played here before the template relies on it.
func (r *ghRun) expand(s string) string {
	return expression.ReplaceAllStringFunc(s, func(m string) string {
		e := expression.FindStringSubmatch(m)[1]
		switch {
		case e == "github.workspace":
			return r.ws
		case e == "runner.temp":
			return r.temp
		case e == "github.token":
			return "fake-token"
		case e == "github.workflow":
			return "voice-agentstate conformance"
		case strings.HasPrefix(e, "env.") && r.wf.Env[strings.TrimPrefix(e, "env.")] != "":
			return r.wf.Env[strings.TrimPrefix(e, "env.")]
		}
		r.t.Fatalf("%s: expression ${{ %s }}: the test does not play it", githubTemplate, e)
		return ""
	})
}

// runs says whether a step runs, after an earlier failure or not.
func (r *ghRun) runs(s ghStep) bool {
	ok := r.failedStep == ""
	switch s.If {
	case "":
		return ok
	case "always()", "always() && !github.event.pull_request.head.repo.fork": // not from a fork here
		return true
	case "github.event_name == 'release'":
		return ok && r.event == "release"
	case "github.event_name != 'release'":
		return ok && r.event != "release"
	}
	r.t.Fatalf("%s: step %q: if: %s: the test does not play it", githubTemplate, s.Name, s.If)
	return false
}

func (r *ghRun) run() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a watchdog only
	defer cancel()
	for _, s := range r.job.Steps {
		if !r.runs(s) {
			continue
		}
		r.ran[s.Name] = true
		var err error
		if s.Uses != "" {
			err = r.action(s)
		} else {
			err = r.script(ctx, s)
		}
		if err != nil && r.failedStep == "" {
			r.failedStep = s.Name
			fmt.Fprintf(&r.out, "step %q failed: %v\n", s.Name, err)
		}
	}
	r.stop()
}

// shell is how GitHub runs a run: block: with shell: bash, bash -eo pipefail; with no shell
// named, bash -e alone, where a failure inside a pipe passes.
func (r *ghRun) shell() []string {
	switch r.wf.Defaults.Run.Shell {
	case "bash":
		return []string{"--noprofile", "--norc", "-eo", "pipefail"}
	case "":
		return []string{"-e"}
	}
	r.t.Fatalf("%s: defaults.run.shell %q: the test does not play it", githubTemplate, r.wf.Defaults.Run.Shell)
	return nil
}

func (r *ghRun) script(ctx context.Context, s ghStep) error {
	script := filepath.Join(r.temp, fmt.Sprintf("step%d.sh", len(r.ran)))
	if err := os.WriteFile(script, []byte(s.Run), 0o600); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "bash", append(r.shell(), script)...)
	cmd.Dir = filepath.Join(r.ws, s.WorkingDirectory)
	cmd.Env = append([]string{}, r.env...)
	for k, v := range s.Env {
		cmd.Env = append(cmd.Env, k+"="+r.expand(v))
	}
	cmd.Stdout, cmd.Stderr = &r.out, &r.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	fmt.Fprintf(&r.out, "== %s\n", s.Name)
	if err := cmd.Start(); err != nil {
		return err
	}
	r.pgids = append(r.pgids, cmd.Process.Pid)
	return cmd.Wait()
}

// action plays what an action does, after checking what the step gives it.
func (r *ghRun) action(s ghStep) error {
	name, _, _ := strings.Cut(s.Uses, "@")
	with := func(k string) string { return r.expand(fmt.Sprint(s.With[k])) }
	switch name {
	case "actions/checkout":
		path := with("path")
		if path == "suite" && (s.With["repository"] != "${{ env.SUITE_REPOSITORY }}" || s.With["ref"] != "${{ env.SUITE_REF }}") {
			return fmt.Errorf("the suite's checkout: expected repository and ref from SUITE_REPOSITORY and SUITE_REF, found %v", s.With)
		}
		if (path != "suite" && path != "service") || fmt.Sprint(s.With["persist-credentials"]) != "false" {
			return fmt.Errorf("checkout: expected path suite or service without persisted credentials, found %v", s.With)
		}
		return os.Symlink(repoRoot(r.t), filepath.Join(r.ws, path)) // the suite is this tree; so is the example service
	case "actions/setup-go":
		_, err := os.Stat(filepath.Join(r.ws, with("go-version-file")))
		return err
	case "mikepenz/action-junit-report":
		return checkJUnit(filepath.Join(r.ws, with("report_paths")))
	case "actions/upload-artifact":
		return upload(filepath.Join(r.store, with("name")), r.ws, strings.Fields(with("path")))
	}
	return fmt.Errorf("action %s: the test does not play it", name)
}

// stop ends what the steps left running (the service), as the runner does at the job's end.
func (r *ghRun) stop() {
	for _, pgid := range r.pgids {
		syscall.Kill(-pgid, syscall.SIGTERM)
	}
	r.pgids = nil
}

func (r *ghRun) mustSucceed() {
	if r.failedStep != "" {
		r.t.Fatalf("%s run: step %q failed; output:\n%s", r.event, r.failedStep, r.out.String())
	}
}

func (r *ghRun) summaryHas(s string) {
	if got := readOptional(r.summary); !strings.Contains(got, s) {
		r.t.Errorf("%s run: $GITHUB_STEP_SUMMARY lacks %q:\n%s\noutput:\n%s", r.event, s, got, r.out.String())
	}
}

func (r *ghRun) outputHas(s string) {
	if !strings.Contains(r.out.String(), s) {
		r.t.Errorf("%s run: output lacks %q:\n%s", r.event, s, r.out.String())
	}
}

func (r *ghRun) ghCalls() string { return readOptional(filepath.Join(r.ws, "gh.log")) }

// fakeGH answers the two gh calls of the baseline step from the artifact store.
const fakeGH = `#!/usr/bin/env bash
echo "$*" >>"$FAKE_LOG"
case "$1 $2" in
  "run list") [ -d "$FAKE_STORE/conformance-baseline" ] && echo 4242; exit 0 ;;
  "run download")
    while [ $# -gt 0 ]; do case $1 in --name) name=$2; shift ;; --dir) dir=$2; shift ;; esac; shift; done
    [ -d "$FAKE_STORE/$name" ] || { echo "no artifact $name" >&2; exit 1; }
    mkdir -p "$dir" && cp -r "$FAKE_STORE/$name/." "$dir/" ;;
  *) echo "fake gh: $*: not played" >&2; exit 2 ;;
esac
`

// doctor adds an attribute to every EventAgentLogin of a capture, one the service never sends.
func doctor(t *testing.T, capture string) {
	t.Helper()
	b, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.ReplaceAll(string(b), `\"id\":\"EventAgentLogin\"`, `\"Legacy\":\"x\",\"id\":\"EventAgentLogin\"`)
	if out == string(b) {
		t.Fatalf("%s: no EventAgentLogin to doctor", capture)
	}
	if err := os.WriteFile(capture, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// suiteCommit is the version the GitHub template stamps for this tree: its tag, else its commit.
func suiteCommit(t *testing.T) string {
	t.Helper()
	if out, err := exec.Command("git", "-C", repoRoot(t), "describe", "--tags", "--exact-match").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	out, err := exec.Command("git", "-C", repoRoot(t), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	return strings.TrimSpace(string(out))
}
