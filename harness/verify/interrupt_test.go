package verify

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/contract"
)

// TestRunStopsWhileItsInputBlocks: a capture piped in from a producer of it that stalls (the
// pipe open, nothing more written) does not hold an interrupted verify: Run returns the
// cancellation at once, with what it read counted, instead of waiting for the next byte.
func TestRunStopsWhileItsInputBlocks(t *testing.T) {
	set, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	defer pw.Close()
	go io.Copy(pw, strings.NewReader(`{"id":"EventDNDOn","ThisDN":"5001"}`+"\n"))
	ctx, cancel := context.WithCancel(context.Background())
	// Cancelled once the line has been read and Run waits for more: the pipe stays open, as a
	// stalled writer leaves it.
	in := &cancelOnRead{r: pr, after: 2, cancel: cancel}
	done := make(chan error, 1)
	go func() {
		rep, err := Run(ctx, []Input{{Name: "stdin", R: in}}, Options{Schemas: set, Workers: 1})
		if rep == nil || rep.Lines != 1 {
			t.Errorf("report %+v, want the one line read counted", rep)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want the cancellation", err)
		}
	case <-time.After(30 * time.Second): // a watchdog, not a timing assertion
		t.Fatal("Run still waits on its blocked input 30 s after it was cancelled")
	}
}

// cancelOnRead calls cancel when Read is called for the after-th time, then reads on.
type cancelOnRead struct {
	r      io.Reader
	after  int
	cancel func()
}

func (c *cancelOnRead) Read(p []byte) (int, error) {
	if c.after--; c.after == 0 {
		c.cancel()
	}
	return c.r.Read(p)
}
