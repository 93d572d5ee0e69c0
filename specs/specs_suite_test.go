// Package specs holds the Ginkgo conformance specs of the voice-agentstate contract: they start a
// broker, drive the system under test, consume what it publishes and judge it. Select subsets
// with labels, e.g. ginkgo --label-filter='EventMuteOff || outage' ./specs. Settings come from
// AGENTSTATE_* variables (see README).
package specs_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/harness/suite"
)

// env is the run's world: broker, system under test, collector.
var env *suite.Env

func TestSpecs(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "voice-agentstate conformance")
}

// reportDir is AGENTSTATE_REPORT_DIR, or reports/conformance at the top of the repository (or of
// the working directory, for a test binary run elsewhere).
func reportDir() string {
	if dir := os.Getenv("AGENTSTATE_REPORT_DIR"); dir != "" {
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
	cfg, err := suite.ConfigFromEnv(os.Getenv)
	Expect(err).NotTo(HaveOccurred(), "settings")
	cfg.ReportDir = reportDir()
	env, err = suite.Start(ctx, cfg, os.Getenv)
	Expect(err).NotTo(HaveOccurred(), "start the broker, the collector and the system under test")
	AddReportEntry("broker", env.Broker.Info().String())
	AddReportEntry("system under test", cfg.SUT+" "+cfg.Fault)
}, NodeTimeout(2*time.Minute))

var _ = AfterSuite(func() {
	if env == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := env.Stop(ctx)
	if rep == nil {
		Expect(err).NotTo(HaveOccurred())
		return
	}
	summary := env.Summarize(rep)
	Expect(summary.Write(env.Cfg.ReportDir)).To(Succeed())
	rep.Summary(GinkgoWriter)
	Expect(err).NotTo(HaveOccurred(), "drain and stop")
	By("judging the whole consumed stream with the sequence rules from a clean initial state")
	Expect(rep.Events).To(BeNumerically(">", 0), "the system under test published nothing the whole run")
	var violations []string
	for _, f := range rep.Violations {
		violations = append(violations, f.String())
	}
	Expect(violations).To(BeEmpty(), "the consumed stream breaks the contract (re-check it with: agentstate verify --initial-state clean --service-key %s %s)", env.Cfg.ServiceKey, filepath.Join(env.Cfg.ReportDir, "capture.jsonl"))
})

var _ = ReportAfterSuite("JUnit and JSON reports", func(r Report) {
	dir := reportDir()
	Expect(os.MkdirAll(dir, 0o750)).To(Succeed())
	Expect(reporters.GenerateJUnitReport(r, filepath.Join(dir, "junit.xml"))).To(Succeed())
	Expect(reporters.GenerateJSONReport(r, filepath.Join(dir, "ginkgo.json"))).To(Succeed())
})
