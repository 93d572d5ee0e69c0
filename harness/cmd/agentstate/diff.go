package main

import (
	"fmt"
	"io"

	"github.com/voice-agentstate/conformance/harness/diff"
)

const diffUsage = `Says what a candidate build changed in the events consumers see, against a baseline: two
captures of the conformance suite driven with the same stimuli (BASELINE from the release in
production, CANDIDATE from the build to certify). Each is a capture.jsonl, or the report
directory holding it, with the stimulus log stimuli.jsonl the suite writes beside it. Events
are paired stimulus by stimulus (flow and step), with fresh agent and DN numbers, ConnIDs,
ReferenceIDs and times normalised away. Every difference is breaking, notable or same (rules in
the README, "agentstate diff").

Examples:
  agentstate diff baseline/capture.jsonl reports/conformance/capture.jsonl
  agentstate diff --format github baseline reports/conformance

Exit codes: 0 nothing breaking, 1 a breaking difference, 2 usage or I/O error (or runs not
driven with the same stimuli).

Each flag is also read from the environment variable named in brackets; a flag given on the
command line wins over its variable.
`

// diffFlags are the flags and arguments of diff.
type diffFlags struct {
	Format  string   `name:"format" default:"text" placeholder:"text|json|github" help:"how differences are printed: text, json (one object) or github (GitHub Actions annotations)"`
	Schemas string   `name:"schemas" placeholder:"DIR" help:"directory of JSON Schemas that say which attributes are enumerations, instead of the built-in ones"`
	Runs    []string `arg:"" optional:"" name:"RUN" help:"BASELINE and CANDIDATE: each a capture.jsonl or the report directory holding it"`
}

func runDiff(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	var d diffFlags
	err := command{name: "diff", about: diffUsage, flags: &d}.parse(args, stdout, getenv)
	if code, failed := begin(err, "diff", stderr); failed {
		return code
	}
	if _, err := parseFormat(d.Format); err != nil {
		complain(stderr, err)
		return exitUsage
	}
	if len(d.Runs) != 2 {
		complain(stderr, fmt.Sprintf("diff: expected BASELINE and CANDIDATE (two captures of the suite), got %s", plural(len(d.Runs), "argument")))
		complain(stderr, usageHint("diff"))
		return exitUsage
	}
	res, err := diffRuns(d.Runs[0], d.Runs[1], d.Schemas)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	printDiff(stdout, res, d.Format, d.Runs[1])
	if res.Breaking() {
		return exitFindings
	}
	return exitPass
}

func diffRuns(baseline, candidate, schemaDir string) (diff.Result, error) {
	set, err := loadSchemas(schemaDir)
	if err != nil {
		return diff.Result{}, err
	}
	return diff.CompareRuns(baseline, candidate, diff.Options{Enums: diff.EnumsOf(set)})
}

func printDiff(w io.Writer, res diff.Result, format, candidate string) {
	switch format {
	case formatJSON:
		_ = res.WriteJSON(w)
	case formatGitHub:
		res.WriteGitHub(w, candidate)
	default:
		res.WriteText(w)
	}
}
