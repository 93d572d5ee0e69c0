package drive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// NewExec returns a Driver that runs command once per stimulus: the request body goes to its
// standard input, and its standard output must be one answer body of the protocol. The stimulus's
// name is also in the variable AGENTSTATE_STIMULUS. A command that exits with a non-zero status,
// outlives the timeout (it is killed, with the processes it started) or writes more than the size
// limit gives an *AdapterError quoting its output.
func NewExec(command []string, opts ...Opt) (*Adapter, error) {
	c, err := newCfg(opts)
	if err != nil {
		return nil, fmt.Errorf("new exec adapter: %w", err)
	}
	if len(command) == 0 || command[0] == "" {
		return nil, fmt.Errorf("new exec adapter: %w", &UsageError{
			Setting: "adapter command", Expected: "a command line, e.g. ./adapter.sh --env test",
		})
	}
	t := &execTransport{argv: append([]string(nil), command...), env: c.env, dir: c.dir, maxBody: c.maxBody}
	return &Adapter{name: "exec " + strings.Join(command, " "), t: t, cfg: c}, nil
}

// waitDelay bounds the wait for a killed command's output pipes, which a grandchild that escaped
// the kill may hold open.
const waitDelay = 2 * time.Second

type execTransport struct {
	argv    []string
	env     []string
	dir     string
	maxBody int64
}

func (e *execTransport) exchange(ctx context.Context, body []byte, s Stimulus) (answer, *AdapterError) {
	cmd := exec.CommandContext(ctx, e.argv[0], e.argv[1:]...)
	cmd.Env = append(append(os.Environ(), e.env...), "AGENTSTATE_STIMULUS="+string(s))
	cmd.Dir = e.dir
	cmd.Stdin = bytes.NewReader(body)
	stdout := &capped{limit: e.maxBody}
	stderr := &capped{limit: answerLimit}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = waitDelay
	killGroup(cmd)
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return answer{}, &AdapterError{Problem: "did not finish", Answer: quote(stdout.Bytes()), Err: ctx.Err()}
	case errors.As(err, &exit):
		problem := fmt.Sprintf("exited with status %d; stderr: %s", exit.ExitCode(), quote(stderr.Bytes()))
		return answer{}, &AdapterError{Problem: problem, Answer: quote(stdout.Bytes())}
	case err != nil:
		return answer{}, &AdapterError{Problem: "could not run the command", Err: err}
	case stdout.over:
		return answer{}, &AdapterError{Problem: fmt.Sprintf("answered more than the limit of %d bytes", e.maxBody), Answer: quote(stdout.Bytes())}
	}
	return answer{body: stdout.Bytes()}, nil
}

// capped keeps the first limit bytes written to it and discards the rest, noting that it did, so
// that a chatty command never blocks on a full pipe nor fills the harness's memory. The buffer is
// a field, not embedded: an embedded bytes.Buffer's ReadFrom would let io.Copy bypass Write.
type capped struct {
	buf   bytes.Buffer
	limit int64
	over  bool
}

// Write keeps what fits and reports all of p written, so that the command never sees an error.
func (c *capped) Write(p []byte) (int, error) {
	room := c.limit - int64(c.buf.Len())
	if int64(len(p)) > room {
		c.over = true
		c.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.buf.Write(p)
}

// Bytes returns what was kept.
func (c *capped) Bytes() []byte { return c.buf.Bytes() }
