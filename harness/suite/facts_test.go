package suite_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/fixtures"
)

// factCitation is how a fact of fixtures/spec/facts.md is cited, anywhere in the repository.
var factCitation = regexp.MustCompile(`fact:[a-z][a-z0-9-]*[a-z0-9]`)

// foreignFacts matches a facts file named without its place in the repository, or by the place
// of the workplace's own notes beside it (../shared), which a clone elsewhere does not have.
var foreignFacts = regexp.MustCompile(`(^|[^/\w.-])facts\.md|shared/spec/facts\.md`)

// factLine is a fact's line in fixtures/spec/facts.md: its ID, the kinds of its source, and
// "(context)" for a fact that no rule or code rests on and that is kept to explain the others.
var factLine = regexp.MustCompile(`^- \*\*(fact:[a-z][a-z0-9-]*[a-z0-9])\*\* ((?:\[(?:documented|GenEM|T-Library model|inference)\] )+)(\(context\) )?\S`)

// facts reads fixtures/spec/facts.md: the IDs of its facts, each with whether it is context.
func facts(t *testing.T) map[string]bool {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS, fixtures.Facts)
	if err != nil {
		t.Fatalf("read facts: %v", err)
	}
	out, seen := map[string]bool{}, map[string]bool{}
	for i, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "- **fact:") {
			continue
		}
		m := factLine.FindStringSubmatch(line)
		switch {
		case m == nil:
			t.Errorf("fixtures/%s:%d: a fact's line is - **fact:ID** [kind] (context)? statement, with kinds among [documented] [GenEM] [T-Library model] [inference]; found %q", fixtures.Facts, i+1, line)
		case seen[m[1]]:
			t.Errorf("fixtures/%s:%d: %s is given twice", fixtures.Facts, i+1, m[1])
		default:
			out[m[1]], seen[m[1]] = m[3] != "", true
		}
	}
	if len(out) == 0 {
		t.Fatalf("fixtures/%s holds no fact", fixtures.Facts)
	}
	return out
}

// citations walks the repository's text files (not what .gitignore leaves out), except fixtures/spec/facts.md itself, and returns where each
// fact ID is cited, and every place that names a facts file other than fixtures/spec/facts.md.
func citations(t *testing.T) (cited map[string][]string, outside []string) {
	t.Helper()
	root := filepath.Join("..", "..")
	own := filepath.Join(root, "fixtures", filepath.FromSlash(fixtures.Facts))
	cited = map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && ignoredDir(path, root):
			return filepath.SkipDir
		case d.IsDir() || path == own || !textFile(path):
			return nil
		}
		return scanCitations(path, root, cited, &outside)
	})
	if err != nil {
		t.Fatalf("walk repository: %v", err)
	}
	return cited, outside
}

// ignoredDir says whether the directory at path holds no file of the repository: git's own, or
// what .gitignore leaves out (downloads, reports, dependencies).
func ignoredDir(path, root string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return false
	}
	switch filepath.ToSlash(rel) {
	case ".git", ".cache", "reports", "dist":
		return true
	}
	return filepath.Base(path) == "node_modules"
}

// textFile says whether path is a kind of file that may cite a fact.
func textFile(path string) bool {
	switch filepath.Ext(path) {
	case ".go", ".md", ".json", ".jsonl", ".yml", ".yaml", ".sh", ".py", ".mjs", ".txt", ".html", ".tmpl":
		return true
	}
	return filepath.Base(filepath.Dir(path)) == ".ci"
}

// scanCitations adds the fact IDs path cites to cited, and to outside each line of path that
// names a facts file by any path but fixtures/spec/facts.md.
func scanCitations(path, root string, cited map[string][]string, outside *[]string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rel, _ := filepath.Rel(root, path)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		at := filepath.ToSlash(rel) + ":" + strconv.Itoa(n)
		for _, id := range factCitation.FindAllString(line, -1) {
			cited[id] = append(cited[id], at)
		}
		if foreignFacts.MatchString(line) {
			*outside = append(*outside, at+": "+strings.TrimSpace(line))
		}
	}
	return sc.Err()
}

// TestEveryCitedFactExistsAndEveryFactIsCited holds the repository's citations of facts to
// fixtures/spec/facts.md, both ways: a cited ID the file does not hold, a fact of the file
// nobody cites and not marked (context), or a citation of a facts file outside the repository
// (which a clone elsewhere would not have), fails here.
func TestEveryCitedFactExistsAndEveryFactIsCited(t *testing.T) {
	known := facts(t)
	cited, outside := citations(t)
	var ids []string
	for id := range cited {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, ok := known[id]; !ok {
			t.Errorf("%s cites %s, which fixtures/%s does not hold: add it there or cite a fact it holds", strings.Join(cited[id], ", "), id, fixtures.Facts)
		}
	}
	for id, context := range known {
		if !context && len(cited[id]) == 0 {
			t.Errorf("fixtures/%s holds %s, which nothing cites: cite it where a rule or code rests on it, or mark it (context)", fixtures.Facts, id)
		}
	}
	for _, at := range outside {
		t.Errorf("%s\n  names a facts file outside the repository: cite the fact's ID (fact:...) of fixtures/%s", at, fixtures.Facts)
	}
}
