package suite_test

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/reporters"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
	. "github.com/voice-agentstate/conformance/harness/suite"
)

// TestTheSummaryAndJUnitCarryTheVersions: summary.json, summary.md and the JUnit properties say
// which suite, schema set and spec revision judged.
func TestTheSummaryAndJUnitCarryTheVersions(t *testing.T) {
	dir, v := t.TempDir(), report.Version()
	if err := (Summary{Run: &Run{Succeeded: true, Total: 1, Selected: 1, Ran: 1}, Report: report.New()}).Write(dir); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Version report.Versions `json:"version"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, SummaryJSON))
	if err := json.Unmarshal(b, &got); err != nil || got.Version != v {
		t.Errorf("summary.json version %+v (%v), want %+v", got.Version, err, v)
	}
	if md, _ := os.ReadFile(filepath.Join(dir, SummaryMD)); !strings.Contains(string(md), "- versions: "+v.String()) {
		t.Errorf("summary.md lacks the versions:\n%s", md)
	}
	junit := []byte(`<?xml version="1.0"?><testsuites tests="1"><testsuite name="s" tests="1"><properties><property name="SuiteSucceeded" value="true"></property></properties><testcase name="c"></testcase></testsuite></testsuites>`)
	stamped, err := StampJUnit(junit, v)
	if err != nil {
		t.Fatal(err)
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(stamped, &suites); err != nil {
		t.Fatal(err)
	}
	props := suites.TestSuites[0].Properties
	if props.WithName("suite_version") != v.Suite || props.WithName("schema_version") != v.Schemas || props.WithName("spec_revision") != v.Spec || props.WithName("SuiteSucceeded") != "true" {
		t.Errorf("stamped properties %+v", props)
	}
	if len(suites.TestSuites[0].TestCases) != 1 {
		t.Errorf("stamping lost the test cases:\n%s", stamped)
	}
}

// TestTheSummaryStreamLineCountsInGoodGrammar: "1 violation", not "1 violations".
func TestTheSummaryStreamLineCountsInGoodGrammar(t *testing.T) {
	r := report.New()
	r.CountEvent("EventDNDOn")
	r.Add(finding.Finding{Rule: "x", Severity: finding.Violation})
	var md strings.Builder
	Summary{Report: r}.Markdown(&md)
	if want := "- stream: 1 record, 1 event, 0 undecodable; 1 violation, 0 warnings"; !strings.Contains(md.String(), want) {
		t.Errorf("summary.md lacks %q:\n%s", want, md.String())
	}
}
