package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

const observeUsage = `Usage: agentstate observe --bootstrap HOST:PORT [flags]

Consumes the voice-agentstate topic of a running cluster (a staging cluster, or a local broker
started with 'agentstate broker') and judges every record as verify does, in partition order.
It stops at --max-events, after --duration, with --until-end at the end offsets it saw when it
started, with --stop-when-quiet once the topic has been quiet that long, or on Ctrl-C or
SIGTERM (which still write the report, and exit 1: an interrupted run is not a verdict). A
quiet or duration stop lists the end offsets then and first catches up with them: a partition
left behind is consume.incomplete, offsets never read are consume.gap.

Examples:
  agentstate observe --bootstrap 127.0.0.1:9092 --from earliest --until-end
  agentstate observe --bootstrap kafka:9093 --tls --sasl-mechanism SCRAM-SHA-512 --sasl-user probe \
      --duration 10m --report-json report.json --record capture.jsonl

Flags (each also read from the environment variable named in brackets):
`

// Rules of findings about the run itself rather than an event; consume.incomplete and
// consume.gap come from consume.Findings.
const (
	ruleInterrupted = "run.interrupted"
	ruleError       = "run.error"
)

type observeFlags struct {
	common    commonFlags
	broker    broker.Config
	from      string
	maxEvents int
	duration  time.Duration
	untilEnd  bool
	quietFor  time.Duration
	record    string
	quiet     bool
	passFile  string
	bootstrap string
	group     string
	allowGaps bool
}

func parseObserve(args []string, stderr io.Writer, getenv func(string) string) (observeFlags, error) {
	var o observeFlags
	fs := newFlagSet("observe", observeUsage, stderr)
	if err := o.common.register(fs, getenv); err != nil {
		return o, err
	}
	cfg, err := broker.FromEnv(getenv)
	if err != nil {
		return o, err
	}
	o.broker = cfg
	maxEvents, _ := strconv.Atoi(getenv("AGENTSTATE_MAX_EVENTS"))
	allowGaps, err := envBool(getenv, "AGENTSTATE_ALLOW_GAPS")
	if err != nil {
		return o, err
	}
	dur, _ := time.ParseDuration(getenv("AGENTSTATE_DURATION"))
	fs.StringVar(&o.bootstrap, "bootstrap", getenv("AGENTSTATE_BOOTSTRAP"), "seed brokers, host:port[,host:port...] [AGENTSTATE_BOOTSTRAP]")
	fs.StringVar(&o.broker.Topic, "topic", cfg.Topic, "topic to consume [AGENTSTATE_TOPIC]")
	fs.StringVar(&o.from, "from", envOr(getenv, "AGENTSTATE_FROM", "earliest"), "where to start: earliest, latest or an RFC 3339 time [AGENTSTATE_FROM]")
	fs.IntVar(&o.maxEvents, "max-events", maxEvents, "stop after this many records; 0 for no limit [AGENTSTATE_MAX_EVENTS]")
	fs.DurationVar(&o.duration, "duration", dur, "stop after this long, e.g. 10m; 0 for no limit [AGENTSTATE_DURATION]")
	fs.BoolVar(&o.untilEnd, "until-end", false, "stop at the end offsets of the topic when observe started")
	fs.DurationVar(&o.quietFor, "stop-when-quiet", 0, "stop once no record has arrived for this long, e.g. 5s; 0 for never")
	fs.StringVar(&o.record, "record", getenv("AGENTSTATE_RECORD"), "save every consumed record to this JSON Lines capture, which verify re-checks offline [AGENTSTATE_RECORD]")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress line on stderr")
	fs.BoolVar(&o.broker.AllowCreate, "allow-create-topic", cfg.AllowCreate, "create the topic when the cluster lacks it, instead of failing [AGENTSTATE_ALLOW_CREATE_TOPIC]")
	fs.BoolVar(&o.allowGaps, "allow-gaps", allowGaps, "accept offsets never read (a compacted topic): report them as consume.gap warnings, not violations [AGENTSTATE_ALLOW_GAPS]")
	fs.StringVar(&o.group, "group", getenv("AGENTSTATE_GROUP"), "join this consumer group, sharing the partitions with other observers; combine their reports with 'agentstate merge' [AGENTSTATE_GROUP]")
	fs.DurationVar(&o.broker.DialTimeout, "connect-timeout", cfg.DialTimeout, "how long to wait for the cluster to answer [AGENTSTATE_CONNECT_TIMEOUT]")
	fs.BoolVar(&o.broker.TLS.Enabled, "tls", cfg.TLS.Enabled, "connect with TLS [AGENTSTATE_TLS]")
	fs.StringVar(&o.broker.TLS.CA, "tls-ca", cfg.TLS.CA, "PEM file of the CA to trust [AGENTSTATE_TLS_CA]")
	fs.StringVar(&o.broker.TLS.Cert, "tls-cert", cfg.TLS.Cert, "PEM client certificate, for mutual TLS [AGENTSTATE_TLS_CERT]")
	fs.StringVar(&o.broker.TLS.Key, "tls-key", cfg.TLS.Key, "PEM key of the client certificate [AGENTSTATE_TLS_KEY]")
	fs.StringVar(&o.broker.SASL.Mechanism, "sasl-mechanism", cfg.SASL.Mechanism, "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 [AGENTSTATE_SASL_MECHANISM]")
	fs.StringVar(&o.broker.SASL.User, "sasl-user", cfg.SASL.User, "SASL user [AGENTSTATE_SASL_USER]")
	fs.StringVar(&o.passFile, "sasl-password-file", "", "file whose first line is the SASL password; or set AGENTSTATE_SASL_PASSWORD (never a flag, so it stays out of process lists)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("observe: unexpected argument %q; observe reads from Kafka, verify reads files", fs.Arg(0))
	}
	return o, o.finish()
}

func (o *observeFlags) finish() error {
	o.broker.Bootstrap = broker.SplitList(o.bootstrap)
	o.broker.Provider = broker.External
	if len(o.broker.Bootstrap) == 0 {
		return errors.New("observe: no cluster given; pass --bootstrap host:port (or AGENTSTATE_BOOTSTRAP), e.g. the address 'agentstate broker' prints")
	}
	if o.passFile != "" {
		if err := o.broker.SASL.ReadPasswordFile(o.passFile); err != nil {
			return err
		}
	}
	if o.maxEvents < 0 || o.duration < 0 || o.quietFor < 0 {
		return errors.New("observe: --max-events, --duration and --stop-when-quiet must not be negative")
	}
	return o.common.validate()
}

func runObserve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseObserve(args, stderr, getenv)
	if code, failed := begin(err, stderr, o.common.reportJSON, o.record); failed {
		return code
	}
	from, err := consume.ParseStart(o.from)
	if err != nil {
		complain(stderr, "observe:", err)
		return exitUsage
	}
	b, err := broker.Start(ctx, o.broker)
	if err != nil {
		complain(stderr, "observe:", err)
		return exitUsage
	}
	defer b.Close()
	return o.observe(ctx, b, from, stdout, stderr)
}

func (o *observeFlags) observe(ctx context.Context, b broker.Broker, from consume.Start, stdout, stderr io.Writer) int {
	set, err := loadSchemas(o.common.schemas)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	out := newPrinter(o.common.format, stdout)
	var violations, warnings atomic.Int64
	opts := o.common.options(set)
	opts.OnFinding = func(f finding.Finding) {
		if f.Severity == finding.Violation {
			violations.Add(1)
		} else {
			warnings.Add(1)
		}
		out.finding(f)
	}
	p, err := verify.New(opts)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	capture, closeCapture, err := openCapture(o.record)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	info := b.Info()
	complain(stderr, "observing", info)
	var seen atomic.Int64
	stopProgress := progress(stderr, o.quiet, &seen, &violations, &warnings)
	// Records are judged on every CPU and applied in consumption order; a quiet topic's
	// findings wait at most judgeLatency.
	s := p.Stream(0, judgeLatency)
	res, cerr := consume.Run(ctx, b, consume.Options{
		Topic: info.Topic, From: from, MaxEvents: o.maxEvents, Duration: o.duration, UntilEnd: o.untilEnd, Quiet: o.quietFor, Capture: capture,
		Group: o.group, OnRevoke: func(partitions []int32) { s.Sync(); p.Forget(partitions) },
	}, func(r record.Record) { seen.Add(1); s.Add(r) })
	s.Close()
	stopProgress()
	captureErr := closeCapture()
	rep := p.Report()
	rep.Broker = &info
	rep.Consumed = &report.Consumption{From: from.String(), Stopped: res.Stopped, Partitions: res.Partitions, Incomplete: res.Incomplete, Group: o.group, Handovers: res.Handovers,
		Starts: res.Starts, Ends: res.Ends, AllowGaps: o.allowGaps}
	o.runFindings(p, res, cerr)
	rep = p.Finish()
	return o.conclude(rep, out, cerr, captureErr, stderr)
}

// judgeLatency bounds how long observe holds records before judging them, on a slow topic.
const judgeLatency = 100 * time.Millisecond

// runFindings records what made the run itself fall short: an interruption, partitions that
// never reached their end, or offsets never read. Each means the verdict covers only part of
// what the run was responsible for, so it fails (gaps only warn with --allow-gaps).
func (o *observeFlags) runFindings(p *verify.Pipeline, res consume.Result, cerr error) {
	if errors.Is(cerr, context.Canceled) {
		p.AddRun(finding.Finding{Rule: ruleInterrupted, Severity: finding.Violation,
			Message: fmt.Sprintf("observe was interrupted after %d records, before any stop condition; the verdict covers only what was read (use --duration, --max-events or --until-end for a gating run)", res.Records)})
	}
	for _, f := range consume.Findings(res, o.allowGaps) {
		p.AddRun(f)
	}
}

func (o *observeFlags) conclude(rep *report.Report, out *printer, cerr, captureErr error, stderr io.Writer) int {
	var runErrs []string
	if cerr != nil && !errors.Is(cerr, context.Canceled) {
		runErrs = append(runErrs, "observe: "+cerr.Error())
	}
	if captureErr != nil {
		runErrs = append(runErrs, captureErr.Error())
	}
	// A run that exits 2 writes its report all the same, for its accounting, but that report
	// must never read as a pass.
	for _, e := range runErrs {
		f := finding.Finding{Rule: ruleError, Severity: finding.Violation, Expected: "a run without I/O errors", Found: e,
			Message: "the run failed (" + e + "), so its verdict is not one; fix the cause and run again"}
		rep.Add(f)
		out.finding(f)
	}
	out.summary(rep)
	code := exitPass
	if !rep.Passed() {
		code = exitFindings
	}
	for _, e := range runErrs {
		complain(stderr, e)
		code = exitUsage
	}
	if o.common.reportJSON != "" {
		if err := rep.WriteJSON(o.common.reportJSON); err != nil {
			complain(stderr, err)
			code = exitUsage
		}
	}
	return code
}

// openCapture opens the --record file; the returned close reports any write error.
func openCapture(path string) (func(record.Envelope) error, func() error, error) {
	if path == "" {
		return nil, func() error { return nil }, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, nil, fmt.Errorf("open capture: %w", err)
	}
	var werr error
	write := func(e record.Envelope) error {
		if err := record.WriteEnvelope(f, e); err != nil {
			werr = err
			return err
		}
		return nil
	}
	closeFn := func() error {
		if err := f.Close(); err != nil && werr == nil {
			werr = fmt.Errorf("close capture: %w", err)
		}
		return werr
	}
	return write, closeFn, nil
}

// progress prints a status line on stderr every second while stderr is a terminal.
func progress(w io.Writer, quiet bool, seen, violations, warnings *atomic.Int64) func() {
	f, ok := w.(*os.File)
	if quiet || !ok || !isTerminal(f) {
		return func() {}
	}
	start, done := time.Now(), make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-tick.C:
				n := seen.Load()
				fmt.Fprintf(w, "\r\033[Kobserve: %d events, %.0f/s, %d violations, %d warnings", n, float64(n)/time.Since(start).Seconds(), violations.Load(), warnings.Load())
			}
		}
	}()
	return func() { close(done); <-stopped }
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
