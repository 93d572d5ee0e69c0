package report

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileReplacesWholeAndLeavesNoTemporaryFile: the new content replaces the old, the
// file is for its owner and group, and no temporary file is left beside it, also when the
// rename fails.
func TestWriteFileReplacesWholeAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "report.json")
	for _, content := range []string{"a long earlier report\n", "new\n"} {
		if err := WriteFile(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Errorf("content %q, want %q", got, content)
		}
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	blocked := filepath.Join(dir, "sub", "a-directory")
	if err := os.Mkdir(blocked, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(blocked, []byte("x")); err == nil {
		t.Error("writing over a directory succeeded")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 2 {
		t.Errorf("the directory holds %d entries, want report.json and a-directory only: %v", len(entries), entries)
	}
}

// TestClearRemovesAnEarlierReport: a run clears its path before it starts; nothing there, or a
// path under a file, is already clear.
func TestClearRemovesAnEarlierReport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	os.WriteFile(path, []byte("{}"), 0o600)
	for _, p := range []string{path, path, filepath.Join(path, "under-a-file.json"), ""} {
		if err := Clear(p); err != nil {
			t.Errorf("clear %q: %v", p, err)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("the earlier report is still there")
	}
}
