//go:build unix

package drive

import (
	"os/exec"
	"syscall"
)

// killGroup runs the command in a process group of its own and kills the whole group when the
// context ends, so that a script's children (a curl, a sleep) die with it.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
