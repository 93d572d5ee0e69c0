//go:build !unix

package drive

import "os/exec"

// killGroup leaves the default: only the command itself is killed when the context ends. Its
// children may outlive it; WaitDelay still bounds the wait for its output.
func killGroup(*exec.Cmd) {}
