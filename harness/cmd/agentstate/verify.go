package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/verify"
)

const verifyUsage = `Usage: agentstate verify [flags] FILE...

Checks every event of a capture against the contract's schemas, and the order of the events
against the sequence rules (per Kafka partition when the lines are kcat envelopes). FILE holds JSON Lines: one event
per line, or one kcat -J envelope per line ({"topic","partition","offset","key","payload"}),
as the file's first record shows (or --input says). "-" reads standard input.

Examples:
  agentstate verify capture.jsonl
  kcat -C -b kafka:9092 -t voice-agentstate -J -e | agentstate verify --initial-state unknown -
  agentstate verify --strict --format github --report-json report.json capture.jsonl

Flags (each also read from the environment variable named in brackets):
`

// commonFlags are the flags verify and observe share.
type commonFlags struct {
	format       string
	strict       bool
	initialState string
	serviceKey   string
	schemas      string
	reportJSON   string
	v5Only       bool
	crossCheck   int
	initial      check.InitialState // parsed from initialState by validate
	service      check.ServiceKey   // parsed from serviceKey by validate
}

func (c *commonFlags) register(fs *flag.FlagSet, getenv func(string) string) error {
	// First, so that a run whose other settings are wrong still knows which report to clear.
	fs.StringVar(&c.reportJSON, "report-json", getenv("AGENTSTATE_REPORT_JSON"), "write the report as JSON to this path [AGENTSTATE_REPORT_JSON]")
	strict, err := envBool(getenv, "AGENTSTATE_STRICT")
	if err != nil {
		return err
	}
	v5Only, err := envBool(getenv, "AGENTSTATE_V5_ONLY")
	if err != nil {
		return err
	}
	crossCheck := verify.DefaultCrossCheck
	if v := getenv("AGENTSTATE_CROSS_CHECK"); v != "" {
		if crossCheck, err = strconv.Atoi(v); err != nil || crossCheck < 0 {
			return fmt.Errorf("AGENTSTATE_CROSS_CHECK=%q: expected a count of records, 0 for never", v)
		}
	}
	fs.BoolVar(&c.v5Only, "v5-only", v5Only, "judge every event with jsonschema/v5 alone, without the fast path (about 20 times slower; the verdicts are the same) [AGENTSTATE_V5_ONLY]")
	fs.IntVar(&c.crossCheck, "cross-check", crossCheck, "judge again with jsonschema/v5 the fast path's verdict on one record in N, reporting any disagreement as a violation; 1 for every record, 0 for never [AGENTSTATE_CROSS_CHECK]")
	fs.BoolVar(&c.strict, "strict", strict, "treat warnings (such as unknown attributes) as violations [AGENTSTATE_STRICT]")
	fs.StringVar(&c.initialState, "initial-state", envOr(getenv, "AGENTSTATE_INITIAL_STATE", "unknown"), "state before the first event: unknown (a mid-stream capture) or clean (all agents logged out, DNs in service) [AGENTSTATE_INITIAL_STATE]")
	fs.StringVar(&c.serviceKey, "service-key", envOr(getenv, "AGENTSTATE_SERVICE_KEY", "agent"), "how the producer keys EventDNOutOfService and EventDNBackInService, which carry no AgentID: agent (by the agent on the DN, {tenant}: when none), tenant (always {tenant}:) or unknown (then over Kafka no outage is judged) [AGENTSTATE_SERVICE_KEY]")
	fs.StringVar(&c.schemas, "schemas", getenv("AGENTSTATE_SCHEMAS"), "directory of JSON Schemas to use instead of the built-in ones [AGENTSTATE_SCHEMAS]")
	fs.StringVar(&c.format, "format", envOr(getenv, "AGENTSTATE_FORMAT", formatText), "how findings are printed: text, json (one object per line, then the verdict) or github (GitHub Actions annotations) [AGENTSTATE_FORMAT]")
	return nil
}

func (c *commonFlags) validate() error {
	if _, err := parseFormat(c.format); err != nil {
		return err
	}
	initial, err := check.ParseInitialState(c.initialState)
	if err != nil {
		return fmt.Errorf("--initial-state %q: expected clean or unknown", c.initialState)
	}
	c.initial = initial
	if c.service, err = check.ParseServiceKey(c.serviceKey); err != nil {
		return fmt.Errorf("--service-key %q: expected agent, tenant or unknown", c.serviceKey)
	}
	if c.crossCheck < 0 {
		return fmt.Errorf("--cross-check %d: expected a count of records, 0 for never", c.crossCheck)
	}
	return nil
}

// options are the verify.Options the shared flags set.
func (c *commonFlags) options(set *contract.Set) verify.Options {
	cross := c.crossCheck
	if cross == 0 {
		cross = -1
	}
	return verify.Options{Schemas: set, Strict: c.strict, Initial: c.initial, ServiceKey: c.service, V5Only: c.v5Only, CrossCheck: cross}
}

type verifyFlags struct {
	commonFlags
	input       string
	inputFormat record.Format // parsed from input
	files       []string
}

func parseVerify(args []string, stderr io.Writer, getenv func(string) string) (verifyFlags, error) {
	var v verifyFlags
	fs := newFlagSet("verify", verifyUsage, stderr)
	if err := v.register(fs, getenv); err != nil {
		return v, err
	}
	fs.StringVar(&v.input, "input", envOr(getenv, "AGENTSTATE_INPUT", "auto"), "how each FILE is read: auto (as its first record shows), jsonl (every line is an event, whatever it looks like) or kcat (every line is a kcat -J envelope) [AGENTSTATE_INPUT]")
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return v, err
		}
		args = fs.Args()
		if len(args) > 0 {
			v.files = append(v.files, args[0])
			args = args[1:]
		}
	}
	if len(v.files) == 0 {
		fs.Usage()
		return v, errors.New("verify: no FILE given; pass one or more captures, or - for standard input")
	}
	if err := v.validate(); err != nil {
		return v, fmt.Errorf("verify: %w", err)
	}
	format, err := record.ParseFormat(v.input)
	if err != nil {
		return v, fmt.Errorf("verify: --input %q: expected auto, jsonl or kcat", v.input)
	}
	v.inputFormat = format
	return v, nil
}

func runVerify(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	v, err := parseVerify(args, stderr, getenv)
	if code, failed := begin(err, stderr, v.reportJSON); failed {
		return code
	}
	set, err := loadSchemas(v.schemas)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	inputs, closeAll, err := openInputs(v.files, stdin)
	defer closeAll()
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	out := newPrinter(v.format, stdout)
	opts := v.options(set)
	opts.OnFinding = out.finding
	opts.Input = v.inputFormat
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
	if v.reportJSON != "" {
		if err := rep.WriteJSON(v.reportJSON); err != nil {
			complain(stderr, err)
			return exitUsage
		}
	}
	return code
}

// stoppedFinding is the finding of a verify that stopped before the end of its input: an
// interruption (SIGINT or SIGTERM) is run.interrupted, anything else run.error.
func stoppedFinding(err error, read int) finding.Finding {
	if errors.Is(err, context.Canceled) {
		return finding.Finding{Rule: ruleInterrupted, Severity: finding.Violation,
			Expected: "every record of the input judged", Found: fmt.Sprintf("interrupted after %d records", read),
			Message: fmt.Sprintf("verify was interrupted after %d records, before the end of its input; the verdict covers only what was read", read)}
	}
	return finding.Finding{Rule: ruleError, Severity: finding.Violation, Expected: "a run without I/O errors", Found: err.Error(),
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
