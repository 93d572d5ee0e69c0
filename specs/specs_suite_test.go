// Package specs holds the Ginkgo conformance specs of the voice-agentstate contract: they start a
// broker, drive the system under test, consume what it publishes and judge it. Select subsets
// with labels, e.g. ginkgo --label-filter='EventMuteOff || outage' ./specs. Settings come from
// AGENTSTATE_* variables (see README).
package specs_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/suite"
)

// env is the run's world: broker, system under test, collector.
var env *suite.Env

// cfg is the run's configuration, read once from the AGENTSTATE_* variables; cfgErr says what is
// wrong with them, which BeforeSuite reports.
var cfg, cfgErr = suite.ConfigFromEnv(os.Getenv)

// selected holds the full text of every spec the run's labels, focus and skips select, as
// Ginkgo's preview of the run says: BeforeSuite starts only their flows ahead.
var selected = map[string]bool{}

func TestSpecs(t *testing.T) {
	RegisterFailHandler(Fail)
	for _, r := range PreviewSpecs("voice-agentstate conformance").SpecReports {
		if r.LeafNodeType == types.NodeTypeIt && r.State != types.SpecStateSkipped && r.State != types.SpecStatePending {
			selected[r.FullText()] = true
		}
	}
	RunSpecs(t, "voice-agentstate conformance")
}

// procsRefused is why the suite refuses ginkgo --procs: its flows already run at once in one
// process, and several processes would each start a broker, a collector and a system under test,
// and each judge a part of the stream.
const procsRefused = "ginkgo --procs (or -p) is refused: the suite runs its flows at once inside one process " +
	"(AGENTSTATE_PARALLEL, default %d), against one broker, one collector and one system under test, and judges the whole " +
	"stream once; %d processes would each start their own and judge only a part. Run it without --procs; " +
	"set AGENTSTATE_PARALLEL to change how many flows run at once"

// runFlows is the context of the flows BeforeSuite starts: it outlives BeforeSuite, and
// AfterSuite ends it.
var runFlows, stopFlows = context.WithCancel(context.Background())

// must fails the node on an error, saying what was being done and the error's chain once, as
// text: Gomega's HaveOccurred prints every wrapped error's struct, which repeats the sentence
// and buries it under some 40 lines of <*fmt.wrapError | 0x...>.
func must(err error, what string) {
	GinkgoHelper()
	if err == nil {
		return
	}
	if what != "" {
		Fail(what + ": " + err.Error())
	}
	Fail(err.Error())
}

// reportDir is AGENTSTATE_REPORT_DIR, or reports/conformance at the top of the repository (or of
// the working directory, for a test binary run elsewhere).
func reportDir() string {
	if dir := cfg.ReportDir; dir != "" {
		// The suite runs in specs/: a relative directory is the user's, where they ran from.
		if wd := cfg.Adapter.Workdir; wd != "" && !filepath.IsAbs(dir) {
			return filepath.Join(wd, dir)
		}
		return dir
	}
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "reports", "conformance")
		}
	}
	return filepath.Join(dir, "reports", "conformance")
}

var _ = BeforeSuite(func(ctx SpecContext) {
	if c, _ := GinkgoConfiguration(); c.ParallelTotal > 1 {
		Fail(fmt.Sprintf(procsRefused, suite.DefaultParallel, c.ParallelTotal))
	}
	must(cfgErr, "settings")
	run := cfg
	run.ReportDir = reportDir()
	run.Progress, run.Terminal = os.Stdout, isTerminal(os.Stdout)
	must(suite.ClearReports(run.ReportDir), "clear the reports of an earlier run")
	var err error
	env, err = suite.Start(ctx, run)
	must(err, "start the broker, the collector and the system under test")
	AddReportEntry("broker", env.Broker.Info().String())
	AddReportEntry("system under test", cfg.SUT+" "+cfg.Fault)
	flows.Start(runFlows, env, func(name string) bool { return selected[name] })
}, NodeTimeout(2*time.Minute))

// isTerminal says whether f is a terminal (ginkgo hands a serial suite its own standard output).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// stream is the summary of the whole consumed stream, made by AfterSuite; ReportAfterSuite adds
// the run's outcome and writes it. nil when the stream was never judged.
var stream *suite.Summary

var _ = AfterSuite(func() {
	stopFlows()
	if env == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := env.Stop(ctx)
	if rep == nil {
		must(err, "")
		return
	}
	summary := env.Summarize(rep)
	stream = &summary
	rep.Summary(GinkgoWriter)
	must(err, "drain and stop")
	By("judging the whole consumed stream with the sequence rules from a clean initial state")
	Expect(rep.Events).To(BeNumerically(">", 0), "the system under test published nothing the whole run")
	var violations []string
	for _, f := range rep.Violations {
		violations = append(violations, f.String())
	}
	// With flows at once, an event belongs to the flow that owns its DN; one on no flow's DN
	// was judged by no step, and is a finding of its own.
	violations = append(violations, env.Unowned()...)
	Expect(violations).To(BeEmpty(), "the consumed stream breaks the contract (re-check it with: agentstate verify --initial-state clean --service-key %s %s)", env.Cfg.ServiceKey, filepath.Join(env.Cfg.ReportDir, "capture.jsonl"))
})

// ReportAfterSuite writes the reports, each atomically: Ginkgo's JUnit and JSON reports, and the
// summary, whose verdict is the run's (see suite.Summary.Decide). A dry run writes nothing, so
// that it never replaces the reports of a run that judged something.
var _ = ReportAfterSuite("JUnit and JSON reports, and the summary", func(r Report) {
	if r.SuiteConfig.DryRun {
		return
	}
	dir := reportDir()
	must(os.MkdirAll(dir, 0o750), "write the reports")
	must(atomically(filepath.Join(dir, suite.JUnitXML), func(path string) error { return stampedJUnit(r, path) }), "write the reports")
	must(atomically(filepath.Join(dir, suite.GinkgoJSON), func(path string) error { return reporters.GenerateJSONReport(r, path) }), "write the reports")
	summary := suite.Summary{Coverage: map[string]suite.EventCoverage{}}
	if stream != nil {
		summary = *stream
	} else if cfgErr == nil {
		summary.SUT, summary.Fault = cfg.SUT, cfg.Fault
	}
	summary.Run = runOf(r)
	summary.Baseline = os.Getenv("AGENTSTATE_BASELINE") // summary.html shows the diff against it ('make conformance BASELINE=...')
	must(summary.Write(dir), "write the reports")
	if r.SuiteSucceeded {
		Expect(summary.Decide()).NotTo(Equal(suite.VerdictFail), "the suite verified nothing (see %s)", filepath.Join(dir, suite.SummaryMD))
		// A filtered run, or one with a spec that skipped itself, judged part of the contract: it
		// is no certification, so it is not a green either, unless asked for (a person running a
		// few specs while working on them).
		if summary.Decide() == suite.VerdictPartial && !cfg.AllowPartial {
			Fail("a run of part of the suite (" + summary.PartOf() + ") certifies only part of the contract, so it exits non-zero; set AGENTSTATE_ALLOW_PARTIAL=true to accept it (see " + filepath.Join(dir, suite.SummaryMD) + ")")
		}
	}
})

// stampedJUnit writes Ginkgo's JUnit report with the run's versions among its properties.
func stampedJUnit(r Report, path string) error {
	if err := reporters.GenerateJUnitReport(r, path); err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if b, err = suite.StampJUnit(b, report.Version()); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// atomically has write (a Ginkgo reporter, which writes to a path) produce the report in a
// directory of its own, then puts it at path with report.WriteFile, so that path holds the
// earlier report or the new one, never a part.
func atomically(path string, write func(string) error) error {
	dir, err := os.MkdirTemp("", "agentstate-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, filepath.Base(path))
	if err := write(tmp); err != nil {
		return err
	}
	b, err := os.ReadFile(tmp)
	if err != nil {
		return err
	}
	return report.WriteFile(path, b)
}

// runOf is the account of the Ginkgo run for the summary: its outcome, the specs that ran and
// failed, and how specs were selected.
func runOf(r Report) *suite.Run {
	run := &suite.Run{Succeeded: r.SuiteSucceeded, Total: r.PreRunStats.TotalSpecs, Selected: r.PreRunStats.SpecsThatWillRun,
		Reasons: r.SpecialSuiteFailureReasons, Filter: selection(r)}
	for _, spec := range r.SpecReports {
		it := spec.LeafNodeType == types.NodeTypeIt
		switch {
		case spec.Failed():
			run.Failed = append(run.Failed, outcomeOf(spec))
		case it && spec.State == types.SpecStateSkipped && spec.Failure.Message != "":
			run.Skipped = append(run.Skipped, outcomeOf(spec)) // Skip() at run time; a filter's skip has no message
		}
		if it && spec.State != types.SpecStateSkipped && spec.State != types.SpecStatePending {
			run.Ran++
		}
		if it && spec.State == types.SpecStatePassed {
			run.Passed++
		}
	}
	return run
}

func outcomeOf(spec SpecReport) suite.SpecOutcome {
	name := spec.FullText()
	if spec.LeafNodeType != types.NodeTypeIt {
		name = strings.TrimSpace("[" + spec.LeafNodeType.String() + "] " + name)
	}
	return suite.SpecOutcome{Name: name, Location: spec.Failure.Location.String(), Message: spec.Failure.Message}
}

// selection says how the run selected specs: its label filter, focus and skip, by name, file or
// in the code; "" when it ran the whole suite.
func selection(r Report) string {
	c := r.SuiteConfig
	var parts []string
	add := func(what string, values ...string) {
		if len(values) > 0 && strings.Join(values, "") != "" {
			parts = append(parts, what+" '"+strings.Join(values, "', '")+"'")
		}
	}
	add("label filter", c.LabelFilter)
	add("semver filter", c.SemVerFilter)
	add("focus", c.FocusStrings...)
	add("skip", c.SkipStrings...)
	add("focus file", c.FocusFiles...)
	add("skip file", c.SkipFiles...)
	if r.SuiteHasProgrammaticFocus {
		parts = append(parts, "focused specs in the code (FIt, FDescribe)")
	}
	return strings.Join(parts, ", ")
}
