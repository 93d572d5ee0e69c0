package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/htmlreport"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/verify"
)

const verifyUsage = `Checks every event of a capture against the contract's schemas, and the order of the events
against the sequence rules (per Kafka partition when the lines are kcat envelopes). FILE holds JSON Lines: one event
per line, or one kcat -J envelope per line ({"topic","partition","offset","key","payload"}),
as the file's first record shows (or --input says). "-" reads standard input.

Examples:
  agentstate verify capture.jsonl
  kcat -C -b kafka:9092 -t voice-agentstate -J -e | agentstate verify --initial-state unknown -
  agentstate verify --strict --format github --report-json report.json capture.jsonl

Each flag is also read from the environment variable named in brackets; a flag given on the
command line wins over its variable.
`

// commonFlags are the flags verify and observe share.
type commonFlags struct {
	ReportJSON   string      `name:"report-json" placeholder:"PATH" help:"write the report as JSON to this path"`
	ReportHTML   string      `name:"report-html" placeholder:"PATH" help:"write the report as a self-contained HTML page to this path: the verdict, a timeline per DN and agent with every finding marked, the coverage"`
	V5Only       bool        `name:"v5-only" help:"judge every event with jsonschema/v5 alone, without the fast path (about 20 times slower; the verdicts are the same)"`
	CrossCheck   recordCount `name:"cross-check" default:"${cross_check}" placeholder:"N" help:"judge again with jsonschema/v5 the fast path's verdict on one record in N, reporting any disagreement as a violation; 1 for every record, 0 for never"`
	Strict       bool        `name:"strict" help:"treat warnings (such as unknown attributes) as violations"`
	InitialState string      `name:"initial-state" default:"unknown" placeholder:"clean|unknown" help:"state before the first event: unknown (a mid-stream capture) or clean (all agents logged out, DNs in service)"`
	ServiceKey   string      `name:"service-key" default:"agent" placeholder:"agent|tenant|unknown" help:"how the producer keys EventDNOutOfService and EventDNBackInService, which carry no AgentID: agent (by the agent on the DN, {tenant}: when none), tenant (always {tenant}:) or unknown (then over Kafka no outage is judged)"`
	Schemas      string      `name:"schemas" placeholder:"DIR" help:"directory of JSON Schemas to use instead of the built-in ones"`
	Format       string      `name:"format" default:"text" placeholder:"text|json|github" help:"how findings are printed: text, json (one object per line, then the verdict) or github (GitHub Actions annotations)"`

	initial check.InitialState // parsed from InitialState by validate
	service check.ServiceKey   // parsed from ServiceKey by validate
}

// commonVars are the defaults the shared flags' tags name.
var commonVars = kong.Vars{"cross_check": strconv.Itoa(verify.DefaultCrossCheck)}

// recordCount is a count of records: a whole number, 0 or more.
type recordCount int

// Decode reads the count, so that "often" or -3 is refused, from a flag or a variable alike.
func (n *recordCount) Decode(ctx *kong.DecodeContext) error {
	s := ""
	switch t := ctx.Scan.Peek(); t.InferredType() {
	case kong.ShortFlagToken: // -3, which kong takes for a flag
		s = "-" + strings.TrimPrefix(fmt.Sprint(ctx.Scan.Pop().Value), "-")
	default:
		v, err := ctx.Scan.PopValue("count")
		if err != nil {
			return err
		}
		s = fmt.Sprint(v.Value)
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return &countError{value: s}
	}
	*n = recordCount(v)
	return nil
}

// countError is a value of --cross-check that is no count.
type countError struct{ value string }

func (e *countError) Error() string { return "expected a count of records, 0 for never" }

func (c *commonFlags) validate() error {
	if _, err := parseFormat(c.Format); err != nil {
		return err
	}
	initial, err := check.ParseInitialState(c.InitialState)
	if err != nil {
		return fmt.Errorf("--initial-state %q: expected clean or unknown", c.InitialState)
	}
	c.initial = initial
	if c.service, err = check.ParseServiceKey(c.ServiceKey); err != nil {
		return fmt.Errorf("--service-key %q: expected agent, tenant or unknown", c.ServiceKey)
	}
	return nil
}

// options are the verify.Options the shared flags set.
func (c *commonFlags) options(set *contract.Set) verify.Options {
	cross := int(c.CrossCheck)
	if cross == 0 {
		cross = -1
	}
	return verify.Options{Schemas: set, Strict: c.Strict, Initial: c.initial, ServiceKey: c.service, V5Only: c.V5Only, CrossCheck: cross}
}

type verifyFlags struct {
	commonFlags `embed:""`
	Input       string   `name:"input" default:"auto" placeholder:"auto|jsonl|kcat" help:"how each FILE is read: auto (as its first record shows), jsonl (every line is an event, whatever it looks like) or kcat (every line is a kcat -J envelope)"`
	Files       []string `arg:"" optional:"" name:"FILE" help:"captures to check; - for standard input"`

	inputFormat record.Format // parsed from Input
}

// verifyCommand is verify's help and flags, filled into v.
func verifyCommand(v *verifyFlags) command {
	return command{name: "verify", about: verifyUsage, flags: v, vars: commonVars}
}

func parseVerify(args []string, out io.Writer, getenv func(string) string) (verifyFlags, error) {
	var v verifyFlags
	if err := verifyCommand(&v).parse(args, out, getenv); err != nil {
		return v, err
	}
	if len(v.Files) == 0 {
		return v, errors.New("verify: no FILE given; pass one or more captures, or - for standard input")
	}
	if err := v.validate(); err != nil {
		return v, fmt.Errorf("verify: %w", err)
	}
	format, err := record.ParseFormat(v.Input)
	if err != nil {
		return v, fmt.Errorf("verify: --input %q: expected auto, jsonl or kcat", v.Input)
	}
	v.inputFormat = format
	return v, nil
}

func runVerify(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	v, err := parseVerify(args, stdout, getenv)
	if code, failed := begin(err, "verify", stderr, setting(args, getenv, "report-json"), setting(args, getenv, "report-html")); failed {
		return code
	}
	set, err := loadSchemas(v.Schemas)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	inputs, closeAll, err := openInputs(v.Files, stdin)
	defer closeAll()
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	out := newPrinter(v.Format, stdout)
	opts := v.options(set)
	opts.OnFinding = out.finding
	opts.Input = v.inputFormat
	var drawn *htmlreport.Stream // the records for --report-html, as verify.Run reads them
	if v.ReportHTML != "" {
		drawn = htmlreport.NewStream()
		opts.OnRecord = drawn.Add
	}
	rep, err := verify.Run(ctx, inputs, opts)
	if rep == nil {
		complain(stderr, err)
		return exitUsage
	}
	code := exitPass
	if err != nil {
		// What was read is judged and reported all the same, but the verdict is not one.
		f := stoppedFinding(err, rep.Lines)
		rep.Add(f)
		out.finding(f)
	}
	out.summary(rep)
	if !rep.Passed() {
		code = exitFindings
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		complain(stderr, err)
		code = exitUsage
	}
	if v.ReportJSON != "" {
		if err := rep.WriteJSON(v.ReportJSON); err != nil {
			complain(stderr, err)
			return exitUsage
		}
		complain(stderr, "report written to "+v.ReportJSON)
	}
	if v.ReportHTML != "" && !writeHTML(v.ReportHTML, "verify", rep, drawn, stderr) {
		return exitUsage
	}
	return code
}

// stoppedFinding is the finding of a verify that stopped before the end of its input: an
// interruption (SIGINT or SIGTERM) is run.interrupted, anything else run.error.
func stoppedFinding(err error, read int) finding.Finding {
	if errors.Is(err, context.Canceled) {
		return finding.Finding{Rule: verify.RuleInterrupted, Severity: finding.Violation,
			Expected: "every record of the input judged", Found: fmt.Sprintf("interrupted after %d records", read),
			Message: fmt.Sprintf("verify was interrupted after %d records, before the end of its input; the verdict covers only what was read", read)}
	}
	return finding.Finding{Rule: verify.RuleError, Severity: finding.Violation, Expected: "a run without I/O errors", Found: err.Error(),
		Message: "the run failed (" + err.Error() + "), so its verdict is not one; fix the cause and run again"}
}

func loadSchemas(dir string) (*contract.Set, error) {
	if dir == "" {
		return contract.Builtin()
	}
	return contract.LoadDir(dir)
}

// openInputs opens every file before any is read, so that a missing file is a usage error and
// not a half-done run.
func openInputs(names []string, stdin io.Reader) ([]verify.Input, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	var inputs []verify.Input
	readsStdin := false
	for _, name := range names {
		if name == "-" {
			if readsStdin {
				return nil, closeAll, errors.New("verify: standard input (-) given more than once")
			}
			readsStdin = true
			inputs = append(inputs, verify.Input{Name: "stdin", R: stdin})
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			return nil, closeAll, fmt.Errorf("open capture: %w", err)
		}
		if st, err := f.Stat(); err == nil && st.IsDir() {
			f.Close()
			return nil, closeAll, fmt.Errorf("open capture: %s is a directory; pass the JSON Lines files in it", name)
		}
		files = append(files, f)
		inputs = append(inputs, verify.Input{Name: name, R: f})
	}
	return inputs, closeAll, nil
}
