package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alecthomas/kong"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/htmlreport"
	"github.com/voice-agentstate/conformance/harness/observe"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

const observeUsage = `Consumes the voice-agentstate topic of a running cluster (a staging cluster, or a local broker
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

Each flag is also read from the environment variable named in brackets; a flag given on the
command line wins over its variable.
`

type observeFlags struct {
	commonFlags `embed:""`
	Bootstrap   string        `name:"bootstrap" placeholder:"HOST:PORT" help:"seed brokers, host:port[,host:port...]"`
	Topic       string        `name:"topic" default:"${topic}" help:"topic to consume"`
	From        string        `name:"from" default:"earliest" placeholder:"earliest|latest|TIME" help:"where to start: earliest, latest or an RFC 3339 time"`
	MaxEvents   int           `name:"max-events" placeholder:"N" help:"stop after this many records; 0 for no limit"`
	Duration    time.Duration `name:"duration" placeholder:"D" help:"stop after this long, e.g. 10m (a unit is needed); 0 for no limit"`
	UntilEnd    bool          `name:"until-end" help:"stop at the end offsets of the topic when observe started"`
	QuietFor    time.Duration `name:"stop-when-quiet" placeholder:"D" help:"stop once no record has arrived for this long, e.g. 5s; 0 for never"`
	Record      string        `name:"record" placeholder:"PATH" help:"save every consumed record to this JSON Lines capture, which verify re-checks offline"`
	Quiet       bool          `name:"quiet" help:"no progress line on stderr"`
	AllowCreate bool          `name:"allow-create-topic" help:"create the topic when the cluster lacks it, instead of failing"`
	AllowGaps   bool          `name:"allow-gaps" help:"accept offsets never read (a compacted topic): report them as consume.gap warnings, not violations"`
	Group       string        `name:"group" help:"join this consumer group, sharing the partitions with other observers; combine their reports with 'agentstate merge'"`
	Connect     time.Duration `name:"connect-timeout" default:"${connect_timeout}" placeholder:"D" help:"how long to wait for the cluster to answer"`
	TLS         bool          `name:"tls" help:"connect with TLS"`
	TLSCA       string        `name:"tls-ca" placeholder:"PATH" help:"PEM file of the CA to trust"`
	TLSCert     string        `name:"tls-cert" placeholder:"PATH" help:"PEM client certificate, for mutual TLS"`
	TLSKey      string        `name:"tls-key" placeholder:"PATH" help:"PEM key of the client certificate"`
	Mechanism   string        `name:"sasl-mechanism" placeholder:"NAME" help:"PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"`
	User        string        `name:"sasl-user" help:"SASL user"`
	PassFile    string        `name:"sasl-password-file" placeholder:"PATH" help:"file whose first line is the SASL password; or set AGENTSTATE_SASL_PASSWORD (never a flag, so it stays out of process lists)"`
	Args        []string      `arg:"" optional:"" hidden:""`

	broker broker.Config      // from the environment (AGENTSTATE_BROKER, ...), then the flags above
	term   terminal           // what stderr can show of the progress line
	drawn  *htmlreport.Stream // the records for --report-html; nil without it
}

func parseObserve(args []string, out io.Writer, getenv func(string) string) (observeFlags, error) {
	var o observeFlags
	cfg, err := broker.FromEnv(getenv)
	if err != nil {
		return o, err
	}
	if err := (command{name: "observe", about: observeUsage, flags: &o, vars: observeVars(cfg.Topic, cfg.DialTimeout.String())}).parse(args, out, getenv); err != nil {
		return o, err
	}
	if len(o.Args) > 0 {
		return o, fmt.Errorf("observe: unexpected argument %q; observe reads from Kafka, verify reads files", o.Args[0])
	}
	o.broker = cfg
	o.term = terminalOf(getenv)
	return o, o.finish()
}

// observeVars are the defaults observe's tags name: the shared ones, and the topic and the
// connect timeout broker.FromEnv defaults to.
func observeVars(topic, connectTimeout string) kong.Vars {
	vars := kong.Vars{"topic": topic, "connect_timeout": connectTimeout}
	for k, v := range commonVars {
		vars[k] = v
	}
	return vars
}

func (o *observeFlags) finish() error {
	b := &o.broker
	b.Bootstrap, b.Topic, b.AllowCreate, b.DialTimeout = broker.SplitList(o.Bootstrap), o.Topic, o.AllowCreate, o.Connect
	b.TLS.Enabled, b.TLS.CA, b.TLS.Cert, b.TLS.Key = o.TLS, o.TLSCA, o.TLSCert, o.TLSKey
	b.SASL.Mechanism, b.SASL.User = strings.ToUpper(o.Mechanism), o.User
	b.Provider = broker.External
	if len(b.Bootstrap) == 0 {
		return errors.New("observe: no cluster given; pass --bootstrap host:port (or AGENTSTATE_BOOTSTRAP), e.g. the address 'agentstate broker' prints")
	}
	if o.PassFile != "" {
		if err := b.SASL.ReadPasswordFile(o.PassFile); err != nil {
			return err
		}
	}
	if o.MaxEvents < 0 || o.Duration < 0 || o.QuietFor < 0 {
		return errors.New("observe: --max-events, --duration and --stop-when-quiet must not be negative")
	}
	return o.validate()
}

func runObserve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseObserve(args, stdout, getenv)
	if code, failed := begin(err, "observe", stderr, setting(args, getenv, "report-json"), setting(args, getenv, "report-html"), setting(args, getenv, "record")); failed {
		return code
	}
	from, err := consume.ParseStart(o.From)
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
	set, err := loadSchemas(o.Schemas)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	out := newPrinter(o.Format, stdout)
	var seen, violations, warnings atomic.Int64
	vopts := o.options(set)
	vopts.OnFinding = func(f finding.Finding) {
		if f.Severity == finding.Violation {
			violations.Add(1)
		} else {
			warnings.Add(1)
		}
		out.finding(f)
	}
	capture, closeCapture, err := openCapture(o.Record)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	info := b.Info()
	complain(stderr, "observing", info)
	if o.ReportHTML != "" {
		o.drawn = htmlreport.NewStream()
	}
	stopProgress := progress(stderr, o.Quiet, o.term, &seen, &violations, &warnings)
	rep, cerr := observe.Run(ctx, b, observe.Options{Verify: vopts, AllowGaps: o.AllowGaps, OnRecord: func(r record.Record) { seen.Add(1); o.drawn.Add(r) },
		Consume: consume.Options{Topic: info.Topic, From: from, MaxEvents: o.MaxEvents, Duration: o.Duration, UntilEnd: o.UntilEnd, Quiet: o.QuietFor, Capture: capture, Group: o.Group}})
	stopProgress()
	captureErr := closeCapture()
	if rep == nil {
		complain(stderr, cerr)
		return exitUsage
	}
	if o.Record != "" && captureErr == nil {
		complain(stderr, "capture written to "+o.Record)
	}
	return o.conclude(rep, out, cerr, captureErr, stderr)
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
		f := finding.Finding{Rule: verify.RuleError, Severity: finding.Violation, Expected: "a run without I/O errors", Found: e,
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
	if o.ReportJSON != "" {
		if err := rep.WriteJSON(o.ReportJSON); err != nil {
			complain(stderr, err)
			code = exitUsage
		} else {
			complain(stderr, "report written to "+o.ReportJSON)
		}
	}
	if o.ReportHTML != "" && !writeHTML(o.ReportHTML, "observe", rep, o.drawn, stderr) {
		code = exitUsage
	}
	return code
}

// openCapture opens the --record file; the returned close reports any write error. Lines are
// buffered (a write per record cost a system call each) and flushed every captureFlush and when
// the capture is closed, so that the file follows the consumption closely.
func openCapture(path string) (func(record.Envelope) error, func() error, error) {
	if path == "" {
		return nil, func() error { return nil }, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, nil, fmt.Errorf("open capture: %w", err)
	}
	c := &capture{w: bufio.NewWriterSize(f, 256<<10), stop: make(chan struct{}), flushed: make(chan struct{})}
	go c.flushEvery(captureFlush)
	closeFn := func() error {
		close(c.stop)
		<-c.flushed
		c.flush()
		if err := f.Close(); err != nil && c.err == nil {
			c.err = fmt.Errorf("close capture: %w", err)
		}
		return c.err
	}
	return c.write, closeFn, nil
}

// captureFlush is how far, at most, the --record file lags behind the consumption.
const captureFlush = 100 * time.Millisecond

// capture is the --record file being written.
type capture struct {
	mu      sync.Mutex
	w       *bufio.Writer
	err     error // the first write error
	stop    chan struct{}
	flushed chan struct{} // closed when flushEvery has returned
}

func (c *capture) write(e record.Envelope) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := record.WriteEnvelope(c.w, e); err != nil {
		if c.err == nil {
			c.err = err
		}
		return err
	}
	return nil
}

func (c *capture) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.w.Flush(); err != nil && c.err == nil {
		c.err = fmt.Errorf("write capture: %w", err)
	}
}

func (c *capture) flushEvery(d time.Duration) {
	defer close(c.flushed)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.flush()
		}
	}
}

// terminal is how the progress line may be drawn on a terminal: with TERM=dumb or NO_COLOR
// set, no escape sequence is written (a carriage return and spaces redraw the line instead).
type terminal struct{ plain bool }

func terminalOf(getenv func(string) string) terminal {
	return terminal{plain: getenv("TERM") == "dumb" || getenv("NO_COLOR") != ""}
}

// progressWidth is how many columns a plain redraw blanks out.
const progressWidth = 79

// frame is the bytes that redraw the progress line as text; an empty text clears it.
func (t terminal) frame(text string) string {
	if !t.plain {
		return "\r\033[K" + text
	}
	if pad := progressWidth - len(text); pad > 0 {
		text += strings.Repeat(" ", pad)
	}
	return "\r" + text + "\r"
}

// progress prints a status line on stderr every second while stderr is a terminal.
func progress(w io.Writer, quiet bool, term terminal, seen, violations, warnings *atomic.Int64) func() {
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
				fmt.Fprint(w, term.frame(""))
				return
			case <-tick.C:
				n := seen.Load()
				fmt.Fprint(w, term.frame(fmt.Sprintf("observe: %s, %.0f/s, %s, %s", plural(n, "event"), float64(n)/time.Since(start).Seconds(),
					plural(violations.Load(), "violation"), plural(warnings.Load(), "warning"))))
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// plural is n and the noun, with an s unless n is 1.
func plural[N int | int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
