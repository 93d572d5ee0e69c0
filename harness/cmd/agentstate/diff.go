package main

import (
	"fmt"
	"io"

	"github.com/voice-agentstate/conformance/harness/diff"
)

const diffUsage = `Usage: agentstate diff [flags] BASELINE CANDIDATE

Says what a candidate build changed in the events consumers see, against a baseline: two
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

Flags (each also read from the environment variable named in brackets):
`

func runDiff(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("diff", diffUsage, stderr)
	format := fs.String("format", envOr(getenv, "AGENTSTATE_FORMAT", formatText), "how differences are printed: text, json (one object) or github (GitHub Actions annotations) [AGENTSTATE_FORMAT]")
	schemas := fs.String("schemas", getenv("AGENTSTATE_SCHEMAS"), "directory of JSON Schemas that say which attributes are enumerations, instead of the built-in ones [AGENTSTATE_SCHEMAS]")
	if code, failed := parseFailed(fs.Parse(args), stderr); failed {
		return code
	}
	if _, err := parseFormat(*format); err != nil {
		complain(stderr, err)
		return exitUsage
	}
	if fs.NArg() != 2 {
		complain(stderr, fmt.Sprintf("diff: expected BASELINE and CANDIDATE (two captures of the suite), got %d arguments", fs.NArg()))
		return exitUsage
	}
	res, err := diffRuns(fs.Arg(0), fs.Arg(1), *schemas)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	printDiff(stdout, res, *format, fs.Arg(1))
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
	base, err := diff.Load(baseline)
	if err != nil {
		return diff.Result{}, fmt.Errorf("baseline: %w", err)
	}
	cand, err := diff.Load(candidate)
	if err != nil {
		return diff.Result{}, fmt.Errorf("candidate: %w", err)
	}
	return diff.Compare(base, cand, diff.Options{Enums: diff.EnumsOf(set)})
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
