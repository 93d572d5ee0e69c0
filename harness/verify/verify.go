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
// from an unknown initial state, not strictly.
type Options struct {
	Schemas   *contract.Set         // nil: the built-in set
	Initial   check.InitialState    // the state before the first event: check.Unknown or check.Clean
	Strict    bool                  // warnings count as violations
	OnFinding func(finding.Finding) // called for each finding as it arises, if set
}

// Pipeline judges records one at a time, in consumption order, into one report: each against
// its event's schema, then the stream against the sequence rules.
type Pipeline struct {
	set  *contract.Set
	chk  *check.Checker
	opts Options
	rep  *report.Report
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
	rep.Invariants = ruleIDs()
	return &Pipeline{set: set, chk: check.New(check.WithInitialState(opts.Initial)), opts: opts, rep: rep}, nil
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
// at the record), so that a caller needing the decoded event does not decode it again.
func (p *Pipeline) Judge(rec record.Record) contract.Result {
	if rec.Problem != nil {
		p.rep.CountUndecodable()
		p.add(*rec.Problem)
		return contract.Result{Findings: []finding.Finding{*rec.Problem}}
	}
	res := p.set.Validate(rec.Value)
	if res.Decoded() {
		p.rep.CountEvent(res.Event)
	} else {
		p.rep.CountUndecodable()
	}
	for i := range res.Findings {
		res.Findings[i].Place = rec.Place
		p.add(res.Findings[i])
	}
	if res.Decoded() {
		for _, f := range p.chk.Step(check.Event{ID: res.Event, Doc: res.Doc, Place: rec.Place}) {
			p.add(f)
		}
	}
	return res
}

// Finish adds the findings only the whole run can show and returns the report. Call it once.
func (p *Pipeline) Finish() *report.Report {
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
// read; the report then holds what was read before it, unfinished.
func Run(ctx context.Context, inputs []Input, opts Options) (*report.Report, error) {
	p, err := New(opts)
	if err != nil {
		return nil, err
	}
	for _, in := range inputs {
		p.rep.Files = append(p.rep.Files, in.Name)
		if err := p.readAll(ctx, in); err != nil {
			return p.rep, err
		}
	}
	return p.Finish(), nil
}

func (p *Pipeline) readAll(ctx context.Context, in Input) error {
	rd := record.NewReader(in.R, in.Name)
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
		p.Judge(rec)
	}
}
