package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The CI templates (.github/workflows/conformance.yml, .github/gitlab-ci.example.yml) are run
// here as their CI would run them: their shell (each run: block, each script:), read from the
// files, in order, with their variables, against the example service. The embedded broker
// stands in for the Kafka service container (AGENTSTATE_BROKER, AGENTSTATE_LISTEN and the
// service's bootstrap are overridden, nothing else); what the CI's own machinery does (the
// checkouts, the artifact store, GitHub's and GitLab's APIs behind gh and curl) is played by
// the test, which checks each such step's inputs. `make templates` runs them after the linters
// (CONFORMANCE_TEMPLATES=run; without it they skip, as make test runs this package).

const (
	githubTemplate = "../../../.github/workflows/conformance.yml"
	gitlabTemplate = "../../../.github/gitlab-ci.example.yml"
	// provenKafka is the Kafka version the README says the suite is proven on.
	provenKafka = "apache/kafka:4.4.0"
)

var (
	pinnedUses  = regexp.MustCompile(`^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$`)
	anyUses     = regexp.MustCompile(`^\s*(?:- )?uses:`)
	expression  = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	pinnedSuite = regexp.MustCompile(`^(v\d+\.\d+\.\d+|[0-9a-f]{40})$`)
)

// TestTheCITemplatesArePinned: every action is pinned to a full commit SHA with its version in
// a comment, the suite to a tag or a commit, Kafka to the version the suite is proven on, and
// the workflow grants no permission it does not name.
func TestTheCITemplatesArePinned(t *testing.T) {
	gh := readFile(t, githubTemplate)
	uses := 0
	for i, line := range strings.Split(gh, "\n") {
		if anyUses.MatchString(line) {
			uses++
			if !pinnedUses.MatchString(line) {
				t.Errorf("%s:%d: expected uses: owner/action@<40-hex SHA> # vX.Y.Z, found %q", githubTemplate, i+1, strings.TrimSpace(line))
			}
		}
	}
	if uses == 0 {
		t.Errorf("%s: no uses: lines", githubTemplate)
	}
	var wf ghWorkflow
	decode(t, githubTemplate, gh, &wf)
	if wf.Permissions == nil {
		t.Errorf("%s: expected a top-level permissions:, found none", githubTemplate)
	}
	if !pinnedSuite.MatchString(wf.Env["SUITE_REF"]) {
		t.Errorf("%s: SUITE_REF %q: expected a tag vX.Y.Z or a 40-hex commit", githubTemplate, wf.Env["SUITE_REF"])
	}
	job := wf.conformance(t)
	if job.Permissions == nil {
		t.Errorf("%s: job conformance: expected permissions:, found none", githubTemplate)
	}
	if img := job.Services["kafka"].Image; img != provenKafka {
		t.Errorf("%s: Kafka image %q, expected %q", githubTemplate, img, provenKafka)
	}

	gl := readFile(t, gitlabTemplate)
	var doc map[string]any
	decode(t, gitlabTemplate, gl, &doc)
	if ref := fmt.Sprint(mapOf(doc["variables"])["SUITE_REF"]); !pinnedSuite.MatchString(ref) {
		t.Errorf("%s: SUITE_REF %q: expected a tag vX.Y.Z or a 40-hex commit", gitlabTemplate, ref)
	}
	if !strings.Contains(gl, "- name: "+provenKafka+"\n") {
		t.Errorf("%s: expected the service %s", gitlabTemplate, provenKafka)
	}
	if strings.Contains(gh+gl, "--depth 1 https://") || strings.Contains(gh+gl, "git clone") {
		t.Errorf("the templates clone the suite's default branch; expected a fetch of SUITE_REF")
	}
}

// TestTheGitHubTemplateRunsAgainstTheExampleService runs the workflow's job three times: on a
// release (which keeps its capture as the baseline artifact), on a pull request (which fetches
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

// TestTheGitLabTemplateRunsAgainstTheExampleService runs conformance-release on a tag (its
// artifacts kept for ever) and conformance on a branch, which fetches the release's capture
// through the job artifacts API and finds the same events.
func TestTheGitLabTemplateRunsAgainstTheExampleService(t *testing.T) {
	requireRun(t)
	requireTools(t, "bash", "git", "make", "go")
	var doc map[string]any
	decode(t, gitlabTemplate, readFile(t, gitlabTemplate), &doc)
	store := t.TempDir()
	version := treeCommit(t)

	release := newGLRun(t, doc, "conformance-release", "v1.0.0", store, version)
	release.run()
	if release.err != nil {
		t.Fatalf("conformance-release: %v\n%s", release.err, release.out.String())
	}
	if got := fmt.Sprint(release.artifacts["expire_in"]); got != "never" {
		t.Errorf("conformance-release: artifacts expire_in %q, expected never (the baseline of later pipelines)", got)
	}
	release.keep()
	checkVersion(t, filepath.Join(store, "conformance-release", "conformance-report", "summary.json"), version)

	candidate := newGLRun(t, doc, "conformance", "", store, version)
	candidate.run()
	if candidate.err != nil {
		t.Fatalf("conformance: %v\n%s", candidate.err, candidate.out.String())
	}
	if calls := readOptional(filepath.Join(candidate.ws, "curl.log")); strings.Count(calls, "/jobs/artifacts/v1.0.0/raw/conformance-report/") != 2 {
		t.Errorf("conformance: expected two artifact downloads of v1.0.0's conformance-report, found:\n%s", calls)
	}
	if !strings.Contains(candidate.out.String(), "agentstate diff: SAME: 0 breaking") {
		t.Errorf("conformance: expected the diff against the release to find nothing; output:\n%s", candidate.out.String())
	}
	candidate.keep()
	if _, err := os.Stat(filepath.Join(store, "conformance", "conformance-report", "junit.xml")); err != nil {
		t.Errorf("conformance: the JUnit report named by artifacts:reports:junit is missing: %v", err)
	}
}

// ghWorkflow is the part of a GitHub workflow the test reads.
type ghWorkflow struct {
	Permissions any               `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]ghJob  `yaml:"jobs"`
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
	case "always()":
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
			err = r.shell(ctx, s)
		}
		if err != nil && r.failedStep == "" {
			r.failedStep = s.Name
			fmt.Fprintf(&r.out, "step %q failed: %v\n", s.Name, err)
		}
	}
	r.stop()
}

func (r *ghRun) shell(ctx context.Context, s ghStep) error {
	script := filepath.Join(r.temp, fmt.Sprintf("step%d.sh", len(r.ran)))
	if err := os.WriteFile(script, []byte(s.Run), 0o600); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", script) // GitHub's shell: bash
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

// glRun is one GitLab job of the template, its extends resolved.
type glRun struct {
	t                  *testing.T
	ws, project, store string
	name               string
	job                map[string]any
	artifacts          map[string]any
	env                []string
	out                bytes.Buffer
	err                error
	pgid               int
}

func newGLRun(t *testing.T, doc map[string]any, name, tag, store, version string) *glRun {
	job := mapOf(doc[name])
	if job == nil {
		t.Fatalf("%s: no job %s", gitlabTemplate, name)
	}
	if base, ok := job["extends"].(string); ok {
		job = merge(mapOf(doc[base]), job)
	}
	r := &glRun{t: t, ws: t.TempDir(), store: store, name: name, job: job, artifacts: mapOf(job["artifacts"])}
	if !glRuns(t, name, job["rules"], tag) {
		t.Fatalf("%s: job %s does not run with CI_COMMIT_TAG=%q", gitlabTemplate, name, tag)
	}
	r.project = filepath.Join(r.ws, "project")
	bin := filepath.Join(r.ws, "_bin")
	mkdirs(t, r.project, bin)
	for _, f := range []string{"go.mod", "go.sum", "harness", "fixtures", "schemas", "specs"} { // the service's checkout
		if err := os.Symlink(filepath.Join(repoRoot(t), f), filepath.Join(r.project, f)); err != nil {
			t.Fatal(err)
		}
	}
	writeExec(t, filepath.Join(bin, "curl"), fakeCurl)
	broker, service := freeAddr(t), freeAddr(t)
	vars := map[string]string{}
	env := append(cleanEnviron(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CI_PROJECT_DIR="+r.project, "CI_API_V4_URL=https://gitlab.example/api/v4", "CI_PROJECT_ID=7",
		"CI_JOB_TOKEN=fake-token", "CI_COMMIT_TAG="+tag, "FAKE_STORE="+store, "FAKE_LOG="+filepath.Join(r.ws, "curl.log"))
	lookup := func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		for _, kv := range env {
			if strings.HasPrefix(kv, k+"=") {
				return kv[len(k)+1:]
			}
		}
		return ""
	}
	for _, m := range []map[string]any{mapOf(doc["variables"]), mapOf(job["variables"])} {
		for k, v := range m {
			vars[k] = os.Expand(fmt.Sprint(v), lookup)
		}
	}
	for _, kv := range override(t, stringMap(mapOf(job["variables"])), map[string]string{
		"AGENTSTATE_BROKER": "embedded", "AGENTSTATE_BOOTSTRAP": broker,
		"SERVICE_ADDR": service, "AGENTSTATE_SUT_URL": "http://" + service,
	}) {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	// The suite is fetched from this repository, at this tree's commit; the tag in production is v1.0.0.
	vars["SUITE_REPOSITORY"], vars["SUITE_REF"], vars["PRODUCTION_TAG"] = "file://"+repoRoot(t), version, "v1.0.0"
	vars["AGENTSTATE_LISTEN"] = broker
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	r.env = env
	t.Cleanup(r.stop)
	return r
}

func (r *glRun) run() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a watchdog only
	defer cancel()
	var lines []string
	for _, l := range listOf(r.job["script"]) {
		lines = append(lines, fmt.Sprint(l))
	}
	script := filepath.Join(r.ws, "script.sh")
	if err := os.WriteFile(script, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		r.t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", script) // the runner's shell: bash, stopping at the first failure
	cmd.Dir, cmd.Env = r.project, r.env
	cmd.Stdout, cmd.Stderr = &r.out, &r.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if r.err = cmd.Start(); r.err == nil {
		r.pgid = cmd.Process.Pid
		r.err = cmd.Wait()
	}
	r.stop()
}

func (r *glRun) stop() {
	if r.pgid != 0 {
		syscall.Kill(-r.pgid, syscall.SIGTERM)
		r.pgid = 0
	}
}

// keep plays the artifacts: the paths into the store, under the job's name; the JUnit report
// must be one.
func (r *glRun) keep() {
	var paths []string
	for _, p := range listOf(r.artifacts["paths"]) {
		paths = append(paths, fmt.Sprint(p))
	}
	if when := fmt.Sprint(r.artifacts["when"]); when != "always" {
		r.t.Errorf("%s: artifacts when %q, expected always (the reports of a failed run matter most)", r.name, when)
	}
	if err := upload(filepath.Join(r.store, r.name), r.project, paths, true); err != nil {
		r.t.Fatalf("%s: artifacts: %v", r.name, err)
	}
	junit := fmt.Sprint(mapOf(r.artifacts["reports"])["junit"])
	if err := checkJUnit(filepath.Join(r.project, junit)); err != nil {
		r.t.Errorf("%s: artifacts:reports:junit: %v", r.name, err)
	}
}

// fakeCurl answers the job artifacts API (one file of a ref's latest job) from the store.
const fakeCurl = `#!/usr/bin/env bash
echo "$*" >>"$FAKE_LOG"
out= url= token=
while [ $# -gt 0 ]; do
  case $1 in --output) out=$2; shift ;; --header) token=$2; shift ;; -*) ;; *) url=$1 ;; esac; shift
done
[ "$token" = "JOB-TOKEN: fake-token" ] || { echo "fake curl: no JOB-TOKEN header" >&2; exit 22; }
re='^https://gitlab.example/api/v4/projects/7/jobs/artifacts/[^/]+/raw/(.+)\?job=(.+)$'
[[ $url =~ $re ]] || { echo "fake curl: $url: not the job artifacts API" >&2; exit 22; }
cp "$FAKE_STORE/${BASH_REMATCH[2]}/${BASH_REMATCH[1]}" "$out" || exit 22
`

// glRuns plays the rules the template uses: the first that matches decides.
func glRuns(t *testing.T, name string, rules any, tag string) bool {
	for _, r := range listOf(rules) {
		rule := mapOf(r)
		match := true
		switch cond := fmt.Sprint(rule["if"]); cond {
		case "<nil>":
		case "$CI_COMMIT_TAG":
			match = tag != ""
		default:
			t.Fatalf("%s: job %s: rule if: %s: the test does not play it", gitlabTemplate, name, cond)
		}
		if match {
			return fmt.Sprint(rule["when"]) != "never"
		}
	}
	return false
}

// override replaces settings the template sets (and only those: a name it no longer sets
// fails the test) with the embedded broker's and the service's addresses here.
func override(t *testing.T, set map[string]string, with map[string]string) []string {
	var env []string
	for k, v := range with {
		if _, ok := set[k]; !ok {
			t.Fatalf("the template no longer sets %s, which the test overrides", k)
		}
		env = append(env, k+"="+v)
	}
	return env
}

// upload copies paths (files or directories, relative to root) into dir: with keepPaths as
// GitLab keeps them, else as actions/upload-artifact does, relative to their common directory.
func upload(dir, root string, paths []string, keepPaths ...bool) error {
	if len(paths) == 0 {
		return fmt.Errorf("no path to upload")
	}
	for _, p := range paths {
		src := filepath.Join(root, p)
		dst := dir
		if len(keepPaths) > 0 {
			dst = filepath.Join(dir, filepath.Dir(strings.TrimSuffix(p, "/")))
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		if st, err := os.Stat(src); err != nil {
			return fmt.Errorf("upload %s: %w", p, err)
		} else if st.IsDir() && len(keepPaths) == 0 {
			src += "/."
		}
		if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
			return fmt.Errorf("upload %s: %v: %s", p, err, out)
		}
	}
	return nil
}

// checkJUnit: the file is a JUnit report that ran at least one test case.
func checkJUnit(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read JUnit report: %w", err)
	}
	var suites struct {
		Tests int `xml:"tests,attr"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil || suites.Tests == 0 {
		return fmt.Errorf("%s: expected a JUnit report with tests, found %d tests (%v)", path, suites.Tests, err)
	}
	return nil
}

// checkVersion: the reports name the suite's version the template stamped.
func checkVersion(t *testing.T, summary, want string) {
	t.Helper()
	var got struct {
		Version struct{ Suite string } `json:"version"`
	}
	b, err := os.ReadFile(summary)
	if err == nil {
		err = json.Unmarshal(b, &got)
	}
	if err != nil || got.Version.Suite != want {
		t.Errorf("%s: suite version %q (%v), expected %q, the version the template stamps", summary, got.Version.Suite, err, want)
	}
}

// doctor adds an attribute to every EventAgentLogin of a capture, one the service never sends.
func doctor(t *testing.T, capture string) {
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
	if out, err := exec.Command("git", "-C", repoRoot(t), "describe", "--tags", "--exact-match").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	out, err := exec.Command("git", "-C", repoRoot(t), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// treeCommit is a commit of this tree as it is, uncommitted changes to tracked files included
// (git stash create, which changes no ref), for the GitLab template to fetch as its SUITE_REF.
func treeCommit(t *testing.T) string {
	out, err := exec.Command("git", "-C", repoRoot(t), "stash", "create").Output()
	if err != nil {
		t.Fatalf("git stash create: %v", err)
	}
	if c := strings.TrimSpace(string(out)); c != "" {
		return c
	}
	out, err = exec.Command("git", "-C", repoRoot(t), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func repoRoot(t *testing.T) string {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// cleanEnviron is this process's environment without the settings a template sets or a CI
// runner would not have.
func cleanEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AGENTSTATE_") || strings.HasPrefix(k, "GITHUB_") || strings.HasPrefix(k, "CI_") ||
			k == "GOFLAGS" || k == "BASELINE" || k == "MAKEFLAGS" || k == "MAKELEVEL" || k == "NO_COLOR" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// requireRun skips the runs of the templates (four runs of the suite, about a minute) unless
// CONFORMANCE_TEMPLATES=run, which make templates sets: .ci/run runs them there, not twice.
func requireRun(t *testing.T) {
	if os.Getenv("CONFORMANCE_TEMPLATES") != "run" {
		t.Skip("the templates' runs are make templates' (CONFORMANCE_TEMPLATES=run)")
	}
}

func requireTools(t *testing.T, tools ...string) {
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not on PATH; the CI templates cannot be run without it", tool)
			}
			t.Skipf("%s is not on PATH", tool)
		}
	}
}

func readFile(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readOptional(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

func decode(t *testing.T, name, text string, v any) {
	if err := yaml.Unmarshal([]byte(text), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func mkdirs(t *testing.T, dirs ...string) {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func writeExec(t *testing.T, path, text string) {
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

func stringMap(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// merge is GitLab's extends: the job's keys over the template's, maps merged key by key.
func merge(base, job map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range job {
		if b, ok := out[k].(map[string]any); ok {
			if j, ok := v.(map[string]any); ok {
				v = merge(b, j)
			}
		}
		out[k] = v
	}
	delete(out, "extends")
	return out
}
