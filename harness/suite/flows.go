package suite

import (
	"context"
	"fmt"
	"sync"
)

// Play is what one run of a scenario did: its outcomes, and the error that stopped it.
type Play struct {
	Outcomes []Outcome
	Err      error
	_        struct{}
}

// Flows runs a suite's flows and per-event specs, each on agents and DNs of its own, at once
// against one broker, one collector and one system under test, at most Config.Parallel at a
// time, so that their settle windows overlap; each spec then takes its own flow's result. With
// Parallel 1, nothing runs ahead: each flow runs when its spec asks for its result, one after
// another, as a serial suite does.
type Flows struct {
	mu    sync.Mutex
	order []string
	jobs  map[string]*job
	slots chan struct{} // one per flow that may run at once; nil before Start
}

type job struct {
	sc     Scenario
	copies int
	once   sync.Once
	done   chan struct{}
	plays  []Play
}

// Add registers a spec's work under its name: copies runs of a scenario at once (1 for a flow or
// a per-event spec). Every spec's work is added before Start, in the order of the spec tree;
// adding a name again replaces its work in its place.
func (f *Flows) Add(name string, sc Scenario, copies int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.jobs == nil {
		f.jobs = map[string]*job{}
	}
	if f.jobs[name] == nil {
		f.order = append(f.order, name) // a tree built again (a preview, then the run) adds it again
	}
	f.jobs[name] = &job{sc: sc, copies: max(copies, 1), done: make(chan struct{})}
}

// Start declares every added flow to e, so that each flow's ReferenceIDs depend only on its
// name, run and step, and starts the selected ones in the background (all of them when selected
// is nil), at most e.Cfg.Parallel at once; with Parallel 1 it starts none. The flows run until
// they end or ctx ends: pass a context that outlives the spec that calls Start.
func (f *Flows) Start(ctx context.Context, e *Env, selected func(name string) bool) {
	f.mu.Lock()
	var names []string
	for _, n := range f.order {
		names = append(names, f.jobs[n].sc.Name)
	}
	f.slots = make(chan struct{}, max(e.Cfg.Parallel, 1))
	order := append([]string(nil), f.order...)
	f.mu.Unlock()
	e.Declare(names...)
	if e.Cfg.Parallel <= 1 {
		return
	}
	for _, n := range order {
		if selected == nil || selected(n) {
			f.start(ctx, e, n)
		}
	}
}

// Result returns the plays of a spec's work once it is done, starting it now if it has not
// started (with Parallel 1, or a spec Start did not select); it waits at most until ctx ends.
func (f *Flows) Result(ctx context.Context, e *Env, name string) ([]Play, error) {
	j := f.start(ctx, e, name)
	if j == nil {
		return nil, fmt.Errorf("flows: no work named %q was added", name)
	}
	select {
	case <-j.done:
		return j.plays, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for %q: %w", name, ctx.Err())
	}
}

// start starts a job once, in the background, when a slot is free.
func (f *Flows) start(ctx context.Context, e *Env, name string) *job {
	f.mu.Lock()
	j, slots := f.jobs[name], f.slots
	f.mu.Unlock()
	if j == nil {
		return nil
	}
	if slots == nil {
		slots = make(chan struct{}, 1)
	}
	j.once.Do(func() {
		go func() {
			defer close(j.done)
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				j.plays = []Play{{Err: fmt.Errorf("start %s: %w", j.sc.Name, ctx.Err())}}
				return
			}
			j.plays = j.sc.copiesAtOnce(ctx, e, j.copies)
		}()
	})
	return j
}

// copiesAtOnce plays n runs of the scenario at the same time.
func (s Scenario) copiesAtOnce(ctx context.Context, e *Env, n int) []Play {
	plays := make([]Play, n)
	var wg sync.WaitGroup
	for i := range plays {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A flow runs outside Ginkgo's spec, which would have caught a panic of the Driver;
			// one here fails its own spec, not the whole process without reports.
			defer func() {
				if r := recover(); r != nil {
					plays[i].Err = fmt.Errorf("run %s: panic: %v", s.Name, r)
				}
			}()
			plays[i].Outcomes, plays[i].Err = s.Run(ctx, e)
		}()
	}
	wg.Wait()
	return plays
}
