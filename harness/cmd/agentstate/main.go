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
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
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
  agentstate completion bash|zsh      print a shell completion script
  agentstate help [COMMAND]           print this, or a command's flags and examples

Run 'agentstate help COMMAND' (or 'agentstate COMMAND --help') for a command's flags and
examples; 'agentstate --version' for the version. Every flag is also read from an AGENTSTATE_*
variable (--max-events from AGENTSTATE_MAX_EVENTS); the command line wins over the variable,
the variable over the default. Output has no colour, so it reads the same in a CI log.
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
		return runMerge(args[1:], stdout, stderr, getenv)
	case "diff":
		return runDiff(args[1:], stdout, stderr, getenv)
	case "schemas":
		return runSchemas(args[1:], stdout, stderr, getenv)
	case "completion":
		return runCompletion(args[1:], stdout, stderr)
	case "help":
		return runHelp(ctx, args[1:], stdin, stdout, stderr, getenv)
	case "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitPass
	case "--version", "-version", "version":
		fmt.Fprintln(stdout, "agentstate", version())
		return exitPass
	}
	complain(stderr, fmt.Sprintf("unknown command %q; the commands are: %s", args[0], strings.Join(commands, ", ")))
	complain(stderr, usageHint(""))
	return exitUsage
}

// commands are the subcommands, in the order the usage lists them.
var commands = []string{"verify", "observe", "broker", "merge", "diff", "schemas", "completion", "help"}

// runHelp is 'agentstate help [COMMAND]': the usage, or the command's own --help.
func runHelp(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	switch {
	case len(args) == 0 || args[0] == "help" || args[0] == "completion":
		fmt.Fprint(stdout, usage)
		return exitPass
	case !slices.Contains(commands, args[0]):
		complain(stderr, fmt.Sprintf("help: unknown command %q; the commands are: %s", args[0], strings.Join(commands, ", ")))
		return exitUsage
	}
	return run(ctx, []string{args[0], "--help"}, stdin, stdout, stderr, getenv)
}

// setting is what a flag is set to, from args or else its variable, read without parsing: a run
// whose flags are wrong must still clear the report it would have written.
func setting(args []string, getenv func(string) string, flag string) string {
	for i, a := range args {
		a = "-" + strings.TrimLeft(a, "-")
		switch {
		case a == "-"+flag && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(a, "-"+flag+"="):
			return strings.TrimPrefix(a, "-"+flag+"=")
		}
	}
	return getenv(envName(flag))
}

// version is what --version prints: this build's suite version, schema set and spec revision.
func version() string { return report.Version().String() }

// complain writes one line on stderr: "agentstate: " and the words, made Printable, since errors
// name files and carry keys and values from records.
func complain(stderr io.Writer, a ...any) {
	fmt.Fprintln(stderr, finding.Printable("agentstate: "+strings.TrimSuffix(fmt.Sprintln(a...), "\n")))
}

// begin starts a run whose flags were parsed, well or not: unless it only asked for --help, it
// clears the paths it writes (its report, its capture) first, so that they never hold an earlier
// run's verdict or records whatever this run ends with, then turns a parse error into its exit
// code. stop says the run ends here.
func begin(err error, name string, stderr io.Writer, outputs ...string) (code int, stop bool) {
	if errors.Is(err, errHelp) {
		return exitPass, true
	}
	for _, path := range outputs {
		if cerr := report.Clear(path); cerr != nil {
			complain(stderr, cerr)
			return exitUsage, true
		}
	}
	return parseFailed(err, name, stderr)
}

// parseFailed turns a parsing error into the exit code: 0 for --help (the help is already
// printed), 2 for anything else, with one line saying why and one saying where the flags are
// described. failed is false when there was no error.
func parseFailed(err error, name string, stderr io.Writer) (code int, failed bool) {
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, errHelp):
		return exitPass, true
	}
	complain(stderr, err)
	complain(stderr, usageHint(name))
	return exitUsage, true
}
