// Package verify runs the offline pipeline over captured traffic: read each record, judge it
// against the contract, and gather a report in which every record read is counted.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"

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

// Options tune a run. The zero value checks against the built-in schemas, not strictly.
type Options struct {
	Schemas   *contract.Set         // nil: the built-in set
	Strict    bool                  // warnings count as violations
	OnFinding func(finding.Finding) // called for each finding as it arises, if set
}

// Run reads every input in order and returns the report. An error means an input could not be
// read; the report then holds what was read before it.
func Run(ctx context.Context, inputs []Input, opts Options) (*report.Report, error) {
	set := opts.Schemas
	if set == nil {
		var err error
		if set, err = contract.Builtin(); err != nil {
			return nil, err
		}
	}
	rep := report.New()
	rep.Schemas, rep.Strict = set.Source(), opts.Strict
	add := func(f finding.Finding) {
		if opts.Strict && f.Severity == finding.Warning {
			f.Severity = finding.Violation
		}
		rep.Add(f)
		if opts.OnFinding != nil {
			opts.OnFinding(f)
		}
	}
	for _, in := range inputs {
		rep.Files = append(rep.Files, in.Name)
		if err := runOne(ctx, set, in, rep, add); err != nil {
			return rep, err
		}
	}
	before := len(rep.Violations)
	rep.Finish()
	for _, f := range rep.Violations[before:] {
		if opts.OnFinding != nil {
			opts.OnFinding(f)
		}
	}
	return rep, nil
}

func runOne(ctx context.Context, set *contract.Set, in Input, rep *report.Report, add func(finding.Finding)) error {
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
		Judge(set, rec, rep, add)
	}
}

// Judge checks one record, counts it in rep and passes each finding to add with its place.
func Judge(set *contract.Set, rec record.Record, rep *report.Report, add func(finding.Finding)) contract.Result {
	if rec.Problem != nil {
		rep.CountUndecodable()
		add(*rec.Problem)
		return contract.Result{}
	}
	res := set.Validate(rec.Value)
	if res.Decoded() {
		rep.CountEvent(res.Event)
	} else {
		rep.CountUndecodable()
	}
	for _, f := range res.Findings {
		f.Place = rec.Place
		add(f)
	}
	return res
}
