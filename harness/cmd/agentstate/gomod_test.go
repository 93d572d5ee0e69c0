package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// TestGoModAsksForTheLowestGoItsDependenciesAllow: the go directive forces that version on
// every team that imports a package of the module (harness/matchers too), so it must be no
// higher than the highest go directive among the modules of the graph, which it cannot be
// below (go mod tidy would raise it).
func TestGoModAsksForTheLowestGoItsDependenciesAllow(t *testing.T) {
	b, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := modfile.ParseLax("go.mod", b, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{if not .Main}}{{.GoVersion}} {{.Path}}{{end}}", "all").Output()
	if err != nil {
		t.Fatalf("go list -m all: %v", err)
	}
	highest, by := "v1.16", "(none)"
	for _, line := range strings.Split(string(out), "\n") {
		v, path, ok := strings.Cut(strings.TrimSpace(line), " ")
		if ok && v != "" && semver.Compare("v"+v, highest) > 0 {
			highest, by = "v"+v, path
		}
	}
	if got := "v" + mod.Go.Version; semver.Compare(got, highest) != 0 {
		t.Errorf("go.mod says go %s; the highest a dependency needs is %s (%s)", mod.Go.Version, highest[1:], by)
	}
}
