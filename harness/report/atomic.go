package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically: into a temporary file beside it, which is then
// renamed over path, so that a reader (a CI step, a person) sees the earlier content or the new,
// never a part of either, even when the run is killed while writing. It creates path's
// directory; the file is readable by its owner's group only. A symbolic link is followed, so the
// link stays and its target is replaced; a path that is not a regular file (/dev/stdout, a pipe)
// is written in place, as there is no file to replace.
func WriteFile(path string, data []byte) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return os.WriteFile(path, data, 0o640)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = errors.Join(writeSynced(f, data), f.Close())
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func writeSynced(f *os.File, data []byte) error {
	if err := f.Chmod(0o640); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Sync()
}

// Clear removes the report a previous run left at path, if any. A run calls it before it does
// anything else, so that whatever it ends with (a verdict, an error, a kill) the path never holds
// an earlier run's verdict. A symbolic link to a file is kept and the file emptied; a path that
// is not a file (/dev/stdout, a pipe), or where none can be found, is already clear.
func Clear(path string) error {
	if path == "" {
		return nil
	}
	st, err := os.Lstat(path)
	switch {
	case err != nil:
		return nil // nothing there to mistake for this run's report; writing it will say why it cannot
	case st.Mode()&fs.ModeSymlink != 0:
		if target, err := os.Stat(path); err == nil && target.Mode().IsRegular() {
			err = os.Truncate(path, 0)
			return wrapClear(err)
		}
		return nil
	case !st.Mode().IsRegular():
		return nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return wrapClear(err)
	}
	return nil
}

func wrapClear(err error) error {
	if err != nil {
		return fmt.Errorf("clear earlier report: %w", err)
	}
	return nil
}
