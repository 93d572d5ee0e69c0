// Package verify runs the checking pipeline over captured or consumed traffic: judge each record
// against the contract, and gather a report in which every record read is counted. Offline
// captures (Run) and live Kafka records (Pipeline.Judge, fed by the consumer) go through the
// same pipeline, so both give the same verdict on the same records.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
)

// Input is one named stream of JSON Lines.
type Input struct {
	Name string
	R    io.Reader
}

// Options tune a run. The zero value checks against the built-in schemas and the sequence rules
// from an unknown initial state with service events keyed by the agent on the DN, not strictly, with the fast path on and one event in
// DefaultCrossCheck judged again by jsonschema/v5.
type Options struct {
	Schemas *contract.Set      // nil: the built-in set
	Initial check.InitialState // the state before the first event: check.Unknown or check.Clean
	// ServiceKey is how the producer keys the service events; the zero value is check.ServiceKeyAgent.
	ServiceKey check.ServiceKey
	Strict     bool                  // warnings count as violations
	OnFinding  func(finding.Finding) // called for each finding as it arises, if set: in record order, one call at a time (from another goroutine when Run judges in parallel)

	// V5Only judges every event with jsonschema/v5 alone, never the fast path: about 20 times
	// slower, for whoever wants no second validator in the loop.
	V5Only bool
	// CrossCheck judges again with jsonschema/v5 the events the fast path accepts at every
	// CrossCheck-th record (1: all of them), and reports any disagreement as a violation, v5's
	// verdict standing. 0 means DefaultCrossCheck; a negative value never cross-checks.
	CrossCheck int
	// Workers is how many goroutines Run judges records with against the schemas; 0 means
	// GOMAXPROCS. Records are applied to the report and the checker in order whatever it is.
	Workers int
	// Input is how Run reads its inputs: in the format each file's first record shows (the
	// zero value), as JSON Lines, or as kcat -J envelopes. Judge takes records as they come.
	Input record.Format
	// Docs makes Judge return the decoded document of every event (the suite's collector reads
	// them), at the cost of the decoding the fast path saves.
	Docs bool
	// OnRecord, if set, is called by Run with every record it reads, in reading order, before it
	// is judged (for a report that draws the records, so that the inputs are read once).
	OnRecord func(record.Record)
}

// DefaultCrossCheck is how often, by default, a fast verdict is judged again by jsonschema/v5:
// the contract's default, named here for the flags.
const DefaultCrossCheck = contract.DefaultCrossCheck

// Pipeline judges records one at a time, in consumption order, into one report: each against
// its event's schema, then the stream against the sequence rules.
type Pipeline struct {
	set  *contract.Set
	chk  *check.Checker
	opts Options
	rep  *report.Report
	seq  uint64          // records judged so far
	last contract.Result // Judge's record, kept here so that it is not allocated each time
	// judges is Judge's checker of the schemas; each of a Stream's workers has its own.
	judges *contract.Checker
	// offsets judges each Kafka coordinate of a capture once (Run sets it); nil for Judge, whose
	// consumer accounts for re-deliveries itself.
	offsets *deliveries
}

// New returns a pipeline with an empty report.
func New(opts Options) (*Pipeline, error) {
	set := opts.Schemas
	if set == nil {
		var err error
		if set, err = contract.Builtin(); err != nil {
			return nil, err
		}
	}
	rep := report.New()
	rep.Schemas, rep.Strict, rep.InitialState = set.Source(), opts.Strict, opts.Initial.String()
	rep.ServiceKey = opts.ServiceKey.String()
	rep.Invariants = ruleIDs()
	rep.Judged = &report.Judged{FastPath: !opts.V5Only}
	if !opts.V5Only {
		rep.Judged.Gaps = set.FastPathGaps()
	}
	p := &Pipeline{set: set, chk: check.New(check.WithInitialState(opts.Initial), check.WithServiceKey(opts.ServiceKey)), opts: opts, rep: rep}
	p.judges = p.checker()
	return p, nil
}

// checker returns a checker of the schemas with the run's options, for one goroutine.
func (p *Pipeline) checker() *contract.Checker {
	return p.set.Checker(contract.CheckOptions{CrossCheck: p.opts.CrossCheck, V5Only: p.opts.V5Only, Docs: p.opts.Docs})
}

func ruleIDs() []string {
	var ids []string
	for _, r := range check.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

// Report returns the report being gathered.
func (p *Pipeline) Report() *report.Report { return p.rep }

func (p *Pipeline) add(f finding.Finding) {
	if p.opts.Strict && f.Severity == finding.Warning {
		f.Severity = finding.Violation
	}
	p.rep.Add(f)
	if p.opts.OnFinding != nil {
		p.opts.OnFinding(f)
	}
}

// AddRun files a finding about the run itself, such as an interruption, with strict mode applied.
func (p *Pipeline) AddRun(f finding.Finding) { p.add(f) }

// Forget drops what the pipeline keeps about partitions this observer no longer owns, after a
// consumer-group rebalance: their next owner judges them from there.
func (p *Pipeline) Forget(partitions []int32) { p.chk.Forget(partitions...) }

// Judge checks one record, counts it, and returns what the schemas made of it (findings placed
// at the record). The document of an event the fast path accepted is nil unless Options.Docs.
func (p *Pipeline) Judge(rec record.Record) contract.Result {
	p.seq++
	p.last = p.judge(rec, p.seq, p.judges)
	p.apply(&rec, &p.last)
	return p.last
}

// judge applies the schemas to the seq-th record with c. It only reads the pipeline, so records
// can be judged concurrently, each goroutine with its own checker; apply must then take them in
// order.
func (p *Pipeline) judge(rec record.Record, seq uint64, c *contract.Checker) contract.Result {
	if rec.Problem != nil {
		return contract.Result{Findings: []finding.Finding{*rec.Problem}}
	}
	return c.Check(rec.Value, seq)
}

// apply counts a judged record into the report and steps the sequence checker; records must come
// in consumption order.
func (p *Pipeline) apply(rec *record.Record, res *contract.Result) {
	if !p.delivered(rec) {
		return
	}
	if rec.Note != nil {
		p.add(*rec.Note)
	}
	if rec.Problem != nil {
		p.rep.CountUndecodable()
		p.add(*rec.Problem)
		return
	}
	if res.Decoded() {
		p.count(res) // the schema accounting is of events: an undecodable line met no schema
		p.rep.CountEvent(res.Event)
	} else {
		p.rep.CountUndecodable()
	}
	for i := range res.Findings {
		res.Findings[i].Place = rec.Place
		p.add(res.Findings[i])
	}
	if !res.Decoded() {
		return
	}
	for _, f := range p.chk.Step(check.Event{ID: res.Event, Attrs: res.Attrs, Place: rec.Place}) {
		p.add(f)
	}
}

// delivered accounts for a captured record's Kafka coordinates, and says whether it is to be
// judged: a re-delivery is counted, not judged; an offset out of order is a capture.order
// finding, and the sequence rules of its partition start again from an unknown state there.
func (p *Pipeline) delivered(rec *record.Record) bool {
	if p.offsets == nil || !rec.Place.HasOffset {
		return true
	}
	problem := ""
	if rec.Problem != nil {
		problem = rec.Problem.Rule + " " + rec.Problem.Message
	}
	switch what, prev := p.offsets.see(rec.Topic, rec.Place, contents(rec.Place, rec.Value, problem)); what {
	case redelivery:
		p.rep.Redelivered++
		return false
	case conflicting:
		p.rep.Redelivered++
		p.add(captureConflict(rec.Place, prev))
		return false
	case reordered:
		p.add(captureOrder(rec.Place, prev, p.sequenceFindingsAbove(rec.Place)))
		p.chk.Restart(rec.Place.Partition)
	case rejoined:
		p.chk.Restart(rec.Place.Partition)
	}
	return true
}

// sequenceFindingsAbove counts the findings of the sequence rules already reported in the
// partition of place at higher offsets: judged without the records the capture holds from place
// on, they may come from the capture's order rather than from the producer.
func (p *Pipeline) sequenceFindingsAbove(place finding.Place) int {
	n := 0
	for _, list := range [][]finding.Finding{p.rep.Violations, p.rep.Warnings} {
		for _, f := range list {
			if f.Place.HasOffset && f.Place.Partition == place.Partition && f.Place.Offset > place.Offset && slices.Contains(p.rep.Invariants, f.Rule) {
				n++
			}
		}
	}
	return n
}

func (p *Pipeline) count(res *contract.Result) {
	c := p.rep.Judged
	if res.Fast {
		c.Fast++
	} else {
		c.V5++
	}
	if res.CrossChecked {
		c.CrossChecked++
	}
	if res.Disagreed {
		c.Disagreements++
	}
}

// Finish adds the findings only the whole run can show and returns the report. Call it once.
func (p *Pipeline) Finish() *report.Report {
	p.rep.ServiceUnjudged = p.chk.UnjudgedServiceEvents()
	before := len(p.rep.Violations)
	p.rep.Finish()
	if p.opts.OnFinding != nil {
		for _, f := range p.rep.Violations[before:] {
			p.opts.OnFinding(f)
		}
	}
	return p.rep
}

// Run reads every input in order and returns the report. An error means an input could not be
// read; the report then holds what was read before it, unfinished. With more than one CPU
// (GOMAXPROCS), records are judged against the schemas in parallel and applied to the report and
// the sequence checker in their order, so the verdict is the same as with one.
func Run(ctx context.Context, inputs []Input, opts Options) (*report.Report, error) {
	p, err := New(opts)
	if err != nil {
		return nil, err
	}
	p.offsets = newDeliveries()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	judge := func(rec record.Record) { p.Judge(rec) }
	done := func() {}
	if workers > 1 {
		s := p.Stream(workers, 0)
		judge, done = s.Add, s.Close
	}
	for _, in := range inputs {
		p.rep.Files = append(p.rep.Files, in.Name)
		if err := readAll(ctx, in, opts.Input, opts.OnRecord, judge); err != nil {
			done() // every record read is counted, even when the run stops
			return p.rep, err
		}
	}
	done()
	return p.Finish(), nil
}

func readAll(ctx context.Context, in Input, format record.Format, seen, judge func(record.Record)) error {
	rd := record.NewReaderFormat(interruptible(ctx, in.R), in.Name, format)
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("verify %s: %w", in.Name, err)
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", in.Name, err)
		}
		if seen != nil {
			seen(rec)
		}
		judge(rec)
	}
}

// interruptible returns r as a reader whose Read returns ctx's error as soon as ctx is done, even
// while the Read underneath blocks (a capture piped in from a writer that stalls), so that an
// interrupted verify stops at once and writes its report. The blocked Read is left to finish on
// its own; its bytes are never used.
func interruptible(ctx context.Context, r io.Reader) io.Reader {
	if ctx.Done() == nil {
		return r
	}
	return &ctxReader{ctx: ctx, r: r, res: make(chan readResult, 1)}
}

type readResult struct {
	n   int
	err error
}

type ctxReader struct {
	ctx     context.Context
	r       io.Reader
	buf     []byte // the Read underneath fills this, never the caller's slice
	res     chan readResult
	pending bool
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if !c.pending {
		if len(c.buf) < len(p) {
			c.buf = make([]byte, len(p))
		}
		buf := c.buf[:len(p)]
		c.pending = true
		go func() {
			n, err := c.r.Read(buf)
			c.res <- readResult{n, err}
		}()
	}
	select {
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	case r := <-c.res:
		c.pending = false
		return copy(p, c.buf[:r.n]), r.err
	}
}
