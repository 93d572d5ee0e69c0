package main

import (
	"fmt"
	"io"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

const mergeUsage = `Usage: agentstate merge [--report-json PATH] REPORT...

Combines the JSON reports of observers that shared the topic through a consumer group
('agentstate observe --group NAME --report-json ...') into one verdict: counts add up, every
finding is kept, and the partitions are checked across observers: offsets judged twice, or by
nobody between two observers' runs, are violations. Exit codes as verify.

Flags:
`

func runMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("merge", mergeUsage, stderr)
	out := fs.String("report-json", "", "write the merged report as JSON to this path")
	if code, failed := begin(fs.Parse(args), stderr, *out); failed {
		return code
	}
	if fs.NArg() == 0 {
		complain(stderr, "merge: no REPORT given; pass the JSON report of every observer")
		return exitUsage
	}
	var reps []*report.Report
	for _, path := range fs.Args() {
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
	}
	if !merged.Passed() {
		return exitFindings
	}
	return exitPass
}
