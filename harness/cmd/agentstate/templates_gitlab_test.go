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
	t.Helper()
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
	t.Helper()
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

// treeCommit is a commit of this tree as it is, uncommitted changes to tracked files included
// (git stash create, which changes no ref), for the GitLab template to fetch as its SUITE_REF.
func treeCommit(t *testing.T) string {
	t.Helper()
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
