package suite

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestProgressSaysWhatEachFlowWaitsFor: while flows run, the progress line names each one, its
// step and what it waits for; on a terminal a line per flow, dimmed unless colour is off
// (TERM=dumb, NO_COLOR); elsewhere one line; and nothing at all when no flow runs.
func TestProgressSaysWhatEachFlowWaitsFor(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name             string
		terminal, colour bool
		lines            int
		escapes          bool
	}{
		{"CI log", false, true, 1, false},
		{"terminal", true, true, 3, true},
		{"terminal, TERM=dumb or NO_COLOR", true, false, 3, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newProgress(nil, c.terminal, c.colour)
			p.now = func() time.Time { return now }
			if s := p.lines(); s != "" {
				t.Errorf("with no flow running it says %q", s)
			}
			_, outage := p.begin(context.Background(), "outage", 1, 14)
			outage.at(4)
			outage.waits(now.Add(1500*time.Millisecond), "watches DN 5001 for events that should not come (AGENTSTATE_SETTLE 1s)")
			ctx, dnd := p.begin(context.Background(), "do not disturb", 2, 4)
			dnd.at(1)
			statusOf(ctx).waits(now.Add(10*time.Second), "waits for 1 event(s) on DN 5002 (AGENTSTATE_TIMEOUT)")
			s := p.lines()
			for _, want := range []string{"2 flow(s) running, 0 done", "outage (run 1) step 4/14: watches DN 5001 for events that should not come (AGENTSTATE_SETTLE 1s) (1.5s left at most)",
				"do not disturb (run 2) step 1/4: waits for 1 event(s) on DN 5002 (AGENTSTATE_TIMEOUT) (10s left at most)"} {
				if !strings.Contains(s, want) {
					t.Errorf("%q does not say %q", s, want)
				}
			}
			if n := strings.Count(s, "\n"); n != c.lines {
				t.Errorf("%d lines, want %d: %q", n, c.lines, s)
			}
			if strings.Contains(s, "\x1b[") != c.escapes {
				t.Errorf("escape codes %v, want %v: %q", strings.Contains(s, "\x1b["), c.escapes, s)
			}
			outage.end()
			dnd.end()
			if s := p.lines(); s != "" {
				t.Errorf("with every flow done it says %q", s)
			}
		})
	}
}
