package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/voice-agentstate/conformance/harness/htmlreport"
	"github.com/voice-agentstate/conformance/harness/report"
)

// htmlPage is the page of a verify or observe run: its verdict, what it read, and its report.
func htmlPage(command string, rep *report.Report, s *htmlreport.Stream) htmlreport.Page {
	verdict := "PASS"
	if !rep.Passed() {
		verdict = "FAIL"
	}
	p := htmlreport.Page{Title: "agentstate " + command, Verdict: verdict, Version: rep.Version, Report: rep, Stream: s,
		Headline: fmt.Sprintf("%s, %s in %s", plural(len(rep.Violations), "violation"), plural(len(rep.Warnings), "warning"), plural(rep.Events, "event"))}
	p.Facts = append(p.Facts, fmt.Sprintf("%s read: %s checked, %d undecodable (schemas: %s, initial state: %s)",
		plural(rep.Lines, "record"), plural(rep.Events, "event"), rep.Undecodable, rep.Schemas, rep.InitialState))
	if len(rep.Files) > 0 {
		p.Facts = append(p.Facts, "read "+strings.Join(rep.Files, ", "))
	}
	if rep.Broker != nil {
		p.Facts = append(p.Facts, "from "+rep.Broker.String())
	}
	if c := rep.Consumed; c != nil {
		p.Facts = append(p.Facts, fmt.Sprintf("consumed from %s; stopped: %s", c.From, c.Stopped))
	}
	return p
}

// writeHTML writes the run's page to path (--report-html) and says so; false on an I/O error.
func writeHTML(path, command string, rep *report.Report, s *htmlreport.Stream, stderr io.Writer) bool {
	if err := htmlPage(command, rep, s).WriteFile(path); err != nil {
		complain(stderr, err)
		return false
	}
	complain(stderr, "HTML report written to "+path)
	return true
}
