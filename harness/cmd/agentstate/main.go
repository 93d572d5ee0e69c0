// Command agentstate checks that the events a service publishes on the voice-agentstate Kafka
// topic honour the contract.
//
// Usage:
//
//	agentstate verify [--strict] [--initial-state clean|unknown] [--schemas DIR] [--report-json PATH] FILE...
//	agentstate observe --bootstrap HOST:PORT [--from earliest|latest|TIME] [--max-events N] [--duration D] [--until-end] [--record PATH] ...
//	agentstate broker [--listen 127.0.0.1:9092] [--partitions 3]
//
// Exit codes: 0 no violation, 1 at least one violation, 2 usage or I/O error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

// Exit codes, the same for every subcommand.
const (
	exitPass     = 0
	exitFindings = 1
	exitUsage    = 2
)

const usage = `agentstate checks events on the voice-agentstate topic against the contract.

Usage:
  agentstate verify [flags] FILE...   check a capture (JSON Lines or kcat -J envelopes; - is stdin)
  agentstate observe [flags]          consume the topic of a running cluster and check it live
  agentstate broker [flags]           run the embedded Kafka broker for local development
  agentstate merge REPORT...          combine the reports of observers that shared a consumer group
  agentstate diff BASELINE CANDIDATE  what a build changed in the events, against a baseline capture
  agentstate schemas diff OLD NEW     backward/forward/full compatibility of two schema sets

Run 'agentstate COMMAND --help' for a command's flags and examples; 'agentstate --version' for
the version. Output has no colour, so it reads the same in a CI log.
Exit codes: 0 no violation, 1 at least one violation, 2 usage or I/O error.
`

func main() {
	// SIGTERM is what timeout, GitLab, Kubernetes and most CI runners send: it stops a run as
	// Ctrl-C does, with the report written and a non-zero exit, never death by signal.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run is the whole command, with its environment passed in so tests can drive it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "verify":
		return runVerify(ctx, args[1:], stdin, stdout, stderr, getenv)
	case "observe":
		return runObserve(ctx, args[1:], stdout, stderr, getenv)
	case "broker":
		return runBroker(ctx, args[1:], stdout, stderr, getenv)
	case "merge":
		return runMerge(args[1:], stdout, stderr)
	case "diff":
		return runDiff(args[1:], stdout, stderr, getenv)
	case "schemas":
		return runSchemas(args[1:], stdout, stderr, getenv)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitPass
	case "--version", "-version", "version":
		fmt.Fprintln(stdout, "agentstate", version())
		return exitPass
	}
	complain(stderr, fmt.Sprintf("unknown command %q; the commands are: verify, observe, broker, merge", args[0]))
	return exitUsage
}

// envBool reads a boolean setting such as AGENTSTATE_STRICT=1.
func envBool(getenv func(string) string, name string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(getenv(name))) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("%s=%q: expected true or false", name, getenv(name))
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// version names the module version the binary was built from, and its VCS revision if known.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " (" + s.Value[:12] + ")"
		}
	}
	return v
}

// complain writes one line on stderr: "agentstate: " and the words, made Printable, since errors
// name files and carry keys and values from records.
func complain(stderr io.Writer, a ...any) {
	fmt.Fprintln(stderr, finding.Printable("agentstate: "+strings.TrimSuffix(fmt.Sprintln(a...), "\n")))
}

// newFlagSet returns the flag set of a command, whose --help prints usage and then the flags on
// stderr. The flag package itself prints nothing: it would print an unknown flag's name raw (a
// file named "-\n::error::x" passed by a glob), so the command prints the error with complain.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// begin starts a run whose flags were parsed, well or not: unless it only asked for --help, it
// clears the paths it writes (its report, its capture) first, so that they never hold an earlier
// run's verdict or records whatever this run ends with, then turns a parse error into its exit
// code. stop says the run ends here.
func begin(err error, stderr io.Writer, outputs ...string) (code int, stop bool) {
	if errors.Is(err, flag.ErrHelp) {
		return exitPass, true
	}
	for _, path := range outputs {
		if cerr := report.Clear(path); cerr != nil {
			complain(stderr, cerr)
			return exitUsage, true
		}
	}
	return parseFailed(err, stderr)
}

// parseFailed turns a flag-parsing error into the exit code: 0 for --help (the usage is already
// printed), 2 with the reason for anything else. ok is false when there was no error.
func parseFailed(err error, stderr io.Writer) (code int, failed bool) {
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		return exitPass, true
	}
	complain(stderr, err)
	return exitUsage, true
}
