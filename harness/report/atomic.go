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
// directory; the file is readable by its owner's group only.
func WriteFile(path string, data []byte) error {
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
// an earlier run's verdict. A path where no file can be found is already clear.
func Clear(path string) error {
	if path == "" {
		return nil
	}
	if _, err := os.Lstat(path); err != nil {
		return nil // nothing there to mistake for this run's report; writing it will say why it cannot
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("clear earlier report: %w", err)
	}
	return nil
}
