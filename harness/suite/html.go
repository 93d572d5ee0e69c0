package suite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/diff"
	"github.com/voice-agentstate/conformance/harness/htmlreport"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
)

// SummaryHTML is the summary as a page for people (see htmlreport), beside summary.md.
const SummaryHTML = "summary.html"

// captureFile is the capture the suite writes in its report directory.
const captureFile = "capture.jsonl"

// Page is the summary as an HTML page: the verdict and its reason, the run's lines of
// summary.md, each failed spec with the events its stimulus log credits to its stimulus, the
// timelines of the capture in dir, the coverage, and the diff against s.Baseline when one is
// set. A capture or stimulus log dir lacks is left out of the page, not an error: a run that
// failed early has none.
func (s Summary) Page(dir string) htmlreport.Page {
	p := htmlreport.Page{Title: "voice-agentstate conformance", Verdict: s.Decide(), Headline: s.htmlHeadline(), Version: s.Version, Report: s.Report}
	if p.Version.Suite == "" {
		p.Version = report.Version()
	}
	collect := func(format string, args ...any) {
		p.Facts = append(p.Facts, strings.TrimPrefix(fmt.Sprintf(format, args...), "- "))
	}
	s.runLines(collect)
	s.streamLines(collect)
	p.Coverage = s.htmlCoverage()
	capture := filepath.Join(dir, captureFile)
	st := htmlreport.NewStream()
	switch err := st.ReadFile(capture, record.FormatKcat); {
	case err == nil:
		p.Stream = st
	case !errors.Is(err, fs.ErrNotExist):
		p.Facts = append(p.Facts, "the capture could not be read for the timelines: "+err.Error())
	}
	log, err := diff.ReadLog(filepath.Join(dir, diff.LogFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		p.Facts = append(p.Facts, "the stimulus log could not be read: "+err.Error())
	}
	if s.Run != nil {
		for _, f := range s.Run.Failed {
			p.Specs = append(p.Specs, htmlreport.Spec{Name: f.Name, Location: f.Location, Message: f.Message, Log: log})
		}
	}
	if s.Baseline != "" {
		p.CompareWith(s.Baseline, capture)
	}
	return p
}

// htmlHeadline is the verdict's reason: summary.md's headline, which for a FAIL is only the
// word, with what failed.
func (s Summary) htmlHeadline() string {
	if s.Decide() != VerdictFail {
		return s.headline()
	}
	var why []string
	switch r := s.Run; {
	case r == nil:
		why = append(why, "the run's outcome is unknown")
	case len(r.Failed) > 0:
		why = append(why, fmt.Sprintf("%s (of %d specs that ran, and the suite's own nodes)", report.Plural(len(r.Failed), "failure"), r.Ran))
	case r.Ran == 0:
		why = append(why, "no spec ran")
	case !r.Succeeded:
		why = append(why, "the suite failed")
	}
	switch {
	case s.Report == nil:
		why = append(why, "the stream was never judged")
	case !s.Report.Passed():
		why = append(why, fmt.Sprintf("the stream has %s", report.Plural(len(s.Report.Violations), "violation")))
	}
	return strings.Join(why, "; ")
}

func (s Summary) htmlCoverage() []htmlreport.Coverage {
	var out []htmlreport.Coverage
	for _, id := range contract.Events {
		c := s.Coverage[id]
		out = append(out, htmlreport.Coverage{Event: id, Seen: c.Seen, Exercised: c.Exercised, Missed: c.Missed})
	}
	return out
}

// writeHTML writes the page to dir/summary.html.
func (s Summary) writeHTML(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return err
	}
	return s.Page(dir).WriteFile(filepath.Join(dir, SummaryHTML))
}
