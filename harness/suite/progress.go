package suite

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// How often progress lines come while flows run: on a terminal, every terminalEvery, naming each
// running flow and what it waits for; elsewhere (a CI log), one line every plainEvery at most, so
// that a job is never silent for long and its log stays short.
const (
	terminalEvery = 2 * time.Second
	plainEvery    = 10 * time.Second
)

// progress keeps what each running flow is doing, and writes it every so often.
type progress struct {
	out      io.Writer
	terminal bool
	colour   bool
	now      func() time.Time

	mu      sync.Mutex
	running []*flowStatus
	done    int
	stop    chan struct{}
	stopped chan struct{}
}

// flowStatus is what one run of a flow is doing.
type flowStatus struct {
	p        *progress
	flow     string
	instance int
	steps    int

	step  int       // the step it is at, from 1
	what  string    // what it waits for
	until time.Time // when that wait ends at the latest; zero if none
}

type statusKey struct{}

// newProgress returns a progress that writes to out (nil: nowhere).
func newProgress(out io.Writer, terminal, colour bool) *progress {
	return &progress{out: out, terminal: terminal, colour: colour, now: time.Now}
}

// begin registers a run of a flow and returns ctx carrying its status, for Env.Run to fill in.
func (p *progress) begin(ctx context.Context, flow string, instance, steps int) (context.Context, *flowStatus) {
	if p == nil {
		return ctx, nil
	}
	st := &flowStatus{p: p, flow: flow, instance: instance, steps: steps}
	p.mu.Lock()
	p.running = append(p.running, st)
	p.mu.Unlock()
	return context.WithValue(ctx, statusKey{}, st), st
}

// end takes a run of a flow off the running ones.
func (st *flowStatus) end() {
	if st == nil {
		return
	}
	p := st.p
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, r := range p.running {
		if r == st {
			p.running = append(p.running[:i], p.running[i+1:]...)
			break
		}
	}
	p.done++
}

func statusOf(ctx context.Context) *flowStatus {
	st, _ := ctx.Value(statusKey{}).(*flowStatus)
	return st
}

// at says the run is at a step.
func (st *flowStatus) at(step int) {
	if st == nil {
		return
	}
	st.p.mu.Lock()
	defer st.p.mu.Unlock()
	st.step, st.what, st.until = step, "its stimulus", time.Time{}
}

// waits says what the run waits for, and until when at the latest.
func (st *flowStatus) waits(until time.Time, format string, args ...any) {
	if st == nil {
		return
	}
	st.p.mu.Lock()
	defer st.p.mu.Unlock()
	st.what, st.until = fmt.Sprintf(format, args...), until
}

// run writes the progress lines until close.
func (p *progress) run() {
	if p == nil || p.out == nil {
		return
	}
	p.stop, p.stopped = make(chan struct{}), make(chan struct{})
	every := plainEvery
	if p.terminal {
		every = terminalEvery
	}
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				if s := p.lines(); s != "" {
					_, _ = io.WriteString(p.out, s)
				}
			}
		}
	}()
}

func (p *progress) close() {
	if p == nil || p.stop == nil {
		return
	}
	close(p.stop)
	<-p.stopped
	p.stop = nil
}

// lines words what runs now: "" when no flow runs. On a terminal, a line for each running flow,
// dimmed unless colour is off (TERM=dumb, NO_COLOR); elsewhere, one line.
func (p *progress) lines() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.running) == 0 {
		return ""
	}
	now := p.now()
	head := fmt.Sprintf("progress %s: %d flow(s) running, %d done", now.Format("15:04:05"), len(p.running), p.done)
	var each []string
	for _, st := range p.running {
		each = append(each, st.describe(now))
	}
	if !p.terminal {
		return head + ": " + strings.Join(each, "; ") + "\n"
	}
	out := head + "\n  " + strings.Join(each, "\n  ") + "\n"
	if p.colour {
		out = "\x1b[2m" + strings.TrimSuffix(out, "\n") + "\x1b[0m\n"
	}
	return out
}

// describe words what a run of a flow waits for. Callers hold p.mu.
func (st *flowStatus) describe(now time.Time) string {
	s := fmt.Sprintf("%s (run %d) step %d/%d: %s", st.flow, st.instance, st.step, st.steps, st.what)
	if !st.until.IsZero() {
		s += fmt.Sprintf(" (%s left at most)", max(st.until.Sub(now), 0).Round(100*time.Millisecond))
	}
	return s
}
