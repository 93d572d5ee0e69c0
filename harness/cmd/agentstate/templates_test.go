package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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

// override replaces settings the template sets (and only those: a name it no longer sets
// fails the test) with the embedded broker's and the service's addresses here.
func override(t *testing.T, set map[string]string, with map[string]string) []string {
	t.Helper()
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
			return fmt.Errorf("upload %s: %w: %s", p, err, out)
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

func repoRoot(t *testing.T) string {
	t.Helper()
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
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// requireRun skips the runs of the templates (six runs of the suite, about two minutes) unless
// CONFORMANCE_TEMPLATES=run, which make templates sets: .ci/run runs them there, not twice.
func requireRun(t *testing.T) {
	t.Helper()
	if os.Getenv("CONFORMANCE_TEMPLATES") != "run" {
		t.Skip("the templates' runs are make templates' (CONFORMANCE_TEMPLATES=run)")
	}
}

func requireTools(t *testing.T, tools ...string) {
	t.Helper()
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
	t.Helper()
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
	t.Helper()
	if err := yaml.Unmarshal([]byte(text), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func writeExec(t *testing.T, path, text string) {
	t.Helper()
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
