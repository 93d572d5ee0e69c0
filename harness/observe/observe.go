// Package observe judges a live topic: it consumes from a broker and feeds every record, in
// partition order, through the verify pipeline, then holds the run to the range of offsets it
// was responsible for. agentstate observe and the suite's collector both run it, so the suite's
// verdict on its stream is observe's verdict.
//
// It is a package of its own, not a function of verify, so that verify (and the Gomega matchers
// built on it) does not depend on the Kafka client and the container runtime that consuming
// needs.
package observe

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// Options tune a run. The zero value judges as verify.Options' zero value does, consumes the
// broker's topic from the earliest offsets with no stop condition, and judges records on every
// CPU.
type Options struct {
	Verify verify.Options // how each record is judged
	// Consume says where to start and when to stop. Its Topic defaults to the broker's; its
	// OnRevoke is the run's own (the pipeline forgets what it kept of a partition taken away).
	Consume consume.Options
	// From names where the run started, in the report; "" names Consume.From.
	From string
	// AllowGaps reports offsets never read (a compacted topic) as consume.gap warnings, not
	// violations.
	AllowGaps bool
	// OnRecord, if set, is called with every record as it is consumed, before it is judged.
	OnRecord func(record.Record)
	// Each, if set, is called with every record and what the schemas made of it, in consumption
	// order, on the consumer's goroutine: the records are then judged one at a time, as they
	// come. Without it they are judged on every CPU and applied in consumption order, and a slow
	// topic's findings wait at most Latency.
	Each func(record.Record, contract.Result)
	// Latency bounds how long a record waits to be judged when records are judged in parallel;
	// 0 means DefaultLatency.
	Latency time.Duration
}

// DefaultLatency is how long, by default, a record waits to be judged on a slow topic.
const DefaultLatency = 100 * time.Millisecond

// Run consumes from b until a stop condition of opts.Consume holds or ctx is done, and returns
// the finished report, with the broker and the accounting of the consumption. An interrupted run
// (ctx done) is verify.RuleInterrupted, each partition short of its end consume.incomplete, and
// offsets never read consume.gap: each means the verdict covers only part of what the run was
// responsible for. The error is the consumption's, ctx's included; the report is then still
// whole and never a pass by accident. The report is nil only when the pipeline cannot be built.
func Run(ctx context.Context, b broker.Broker, opts Options) (*report.Report, error) {
	p, err := verify.New(opts.Verify)
	if err != nil {
		return nil, err
	}
	info := b.Info()
	copts := opts.Consume
	if copts.Topic == "" {
		copts.Topic = info.Topic
	}
	res, cerr := consumeInto(ctx, b, p, copts, opts)
	from := opts.From
	if from == "" {
		from = copts.From.String()
	}
	rep := p.Report()
	rep.Broker = &info
	rep.Consumed = &report.Consumption{From: from, Stopped: res.Stopped, Partitions: res.Partitions, Incomplete: res.Incomplete,
		Group: copts.Group, Handovers: res.Handovers, Starts: res.Starts, Ends: res.Ends, AllowGaps: opts.AllowGaps}
	if errors.Is(cerr, context.Canceled) {
		p.AddRun(interrupted(res.Records))
	}
	for _, f := range consume.Findings(res, opts.AllowGaps) {
		p.AddRun(f)
	}
	return p.Finish(), cerr
}

// consumeInto runs the consumption, judging each record one at a time (opts.Each) or on a
// stream of workers.
func consumeInto(ctx context.Context, b broker.Broker, p *verify.Pipeline, copts consume.Options, opts Options) (consume.Result, error) {
	seen := func(r record.Record) {
		if opts.OnRecord != nil {
			opts.OnRecord(r)
		}
	}
	if opts.Each != nil {
		copts.OnRevoke = func(partitions []int32) { p.Forget(partitions) }
		return consume.Run(ctx, b, copts, func(r record.Record) { seen(r); opts.Each(r, p.Judge(r)) })
	}
	latency := opts.Latency
	if latency <= 0 {
		latency = DefaultLatency
	}
	s := p.Stream(0, latency)
	copts.OnRevoke = func(partitions []int32) { s.Sync(); p.Forget(partitions) }
	res, err := consume.Run(ctx, b, copts, func(r record.Record) { seen(r); s.Add(r) })
	s.Close()
	return res, err
}

// interrupted is the finding of a run stopped before any of its stop conditions held.
func interrupted(records int) finding.Finding {
	return finding.Finding{Rule: verify.RuleInterrupted, Severity: finding.Violation,
		Expected: "a run that ends at one of its stop conditions", Found: fmt.Sprintf("interrupted after %d records", records),
		Message: fmt.Sprintf("observe was interrupted after %d records, before any stop condition; the verdict covers only what was read (a gating run needs a stop condition: a duration, a number of events, or the end offsets)", records)}
}
