package main

import (
	"fmt"
	"io"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

const mergeUsage = `Combines the JSON reports of observers that shared the topic through a consumer group
('agentstate observe --group NAME --report-json ...') into one verdict: counts add up, every
finding is kept, and the partitions are checked across observers: offsets judged twice, or by
nobody between two observers' runs, are violations. Exit codes as verify.

Each flag is also read from the environment variable named in brackets; a flag given on the
command line wins over its variable.
`

// mergeFlags are the flags and arguments of merge.
type mergeFlags struct {
	ReportJSON string   `name:"report-json" placeholder:"PATH" help:"write the merged report as JSON to this path"`
	Reports    []string `arg:"" optional:"" name:"REPORT" help:"the JSON report of every observer"`
}

func runMerge(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	var m mergeFlags
	err := command{name: "merge", about: mergeUsage, flags: &m}.parse(args, stdout, getenv)
	if code, failed := begin(err, "merge", stderr, setting(args, getenv, "report-json")); failed {
		return code
	}
	if len(m.Reports) == 0 {
		complain(stderr, "merge: no REPORT given; pass the JSON report of every observer")
		complain(stderr, usageHint("merge"))
		return exitUsage
	}
	out := &m.ReportJSON
	var reps []*report.Report
	for _, path := range m.Reports {
		r, err := report.Read(path)
		if err != nil {
			complain(stderr, err)
			return exitUsage
		}
		reps = append(reps, r)
	}
	merged := report.Merge(reps)
	for _, list := range [][]finding.Finding{merged.Violations, merged.Warnings} {
		for _, f := range list {
			fmt.Fprintln(stdout, f)
		}
	}
	merged.Summary(stdout)
	if *out != "" {
		if err := merged.WriteJSON(*out); err != nil {
			complain(stderr, err)
			return exitUsage
		}
		complain(stderr, "report written to "+*out)
	}
	if !merged.Passed() {
		return exitFindings
	}
	return exitPass
}
