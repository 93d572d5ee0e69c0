package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/voice-agentstate/conformance/harness/htmlreport"
	"github.com/voice-agentstate/conformance/harness/record"
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

// spooled keeps a copy of standard input while verify reads it, so that --report-html can draw
// its records after the run; the copy is removed by the returned cleanup.
func spooled(stdin io.Reader) (io.Reader, *os.File, func(), error) {
	f, err := os.CreateTemp("", "agentstate-stdin-*.jsonl")
	if err != nil {
		return nil, nil, func() {}, fmt.Errorf("spool standard input: %w", err)
	}
	return io.TeeReader(stdin, f), f, func() { f.Close(); os.Remove(f.Name()) }, nil
}

// verifiedStream reads again the inputs verify judged, for the page: each file by its name,
// standard input from its spooled copy.
func verifiedStream(files []string, spool *os.File, format record.Format) (*htmlreport.Stream, error) {
	s := htmlreport.NewStream()
	for _, name := range files {
		if name != "-" {
			if err := s.ReadFile(name, format); err != nil {
				return nil, err
			}
			continue
		}
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("read spooled standard input: %w", err)
		}
		if err := s.Read(spool, "stdin", format); err != nil {
			return nil, err
		}
	}
	return s, nil
}
