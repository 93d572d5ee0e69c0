package report

import (
	"os"
	"path/filepath"
	"syscall"
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

// TestWriteFileAndClearKeepWhatIsNotTheirs: a symbolic link stays a link, to the new report; a
// named pipe (as /dev/stdout may be) is written in place and never removed or replaced.
func TestWriteFileAndClearKeepWhatIsNotTheirs(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target.json"), filepath.Join(dir, "link.json")
	os.WriteFile(target, []byte("earlier"), 0o600)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Clear(link); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); len(got) != 0 {
		t.Errorf("clearing the link left %q in its target", got)
	}
	if err := WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", st.Mode(), err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("the link's target holds %q, want the new report", got)
	}

	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	if err := Clear(fifo); err != nil {
		t.Fatal(err)
	}
	read := make(chan string)
	go func() {
		b, _ := os.ReadFile(fifo)
		read <- string(b)
	}()
	if err := WriteFile(fifo, []byte("to the pipe")); err != nil {
		t.Fatal(err)
	}
	if got := <-read; got != "to the pipe" {
		t.Errorf("the pipe's reader got %q", got)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was removed or replaced: %v %v", st.Mode(), err)
	}
}
