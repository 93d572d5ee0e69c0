package htmlreport

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/diff"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// verified judges a capture as agentstate verify does and returns the page of its report.
func verified(t *testing.T, path string, initial check.InitialState) Page {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := verify.Run(context.Background(), []verify.Input{{Name: path, R: f}}, verify.Options{Initial: initial})
	if err != nil {
		t.Fatal(err)
	}
	s := NewStream()
	if err := s.ReadFile(path, record.FormatAuto); err != nil {
		t.Fatal(err)
	}
	verdict := "PASS"
	if !rep.Passed() {
		verdict = "FAIL"
	}
	return Page{Title: "agentstate verify", Verdict: verdict, Report: rep, Stream: s, Version: report.Version()}
}

func render(t *testing.T, p Page) string {
	t.Helper()
	var b bytes.Buffer
	if err := p.Render(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPageShowsTheVerdictFirst(t *testing.T) {
	html := render(t, verified(t, "../../fixtures/streams/out-of-order.kcat.jsonl", check.Clean))
	body := html[strings.Index(html, "<body>")+len("<body>"):]
	if !strings.HasPrefix(strings.TrimSpace(body), `<header class="verdict fail" id="verdict"><span class="word">FAIL</span>`) {
		t.Fatalf("the page does not open with the verdict; its body starts:\n%.300s", body)
	}
}

// A finding is a red mark on the timeline that links to its entry; the entry links to its
// record and to the record of the earlier event that set its context, and the timeline draws
// the line back to that event.
func TestTimelineMarksEachFindingLinkedToItsRecordAndContext(t *testing.T) {
	p := verified(t, "../../fixtures/streams/out-of-order.kcat.jsonl", check.Clean)
	if len(p.Report.Violations) != 1 || p.Report.Violations[0].Context == nil {
		t.Fatalf("the fixture should give one violation with a context, got %v", p.Report.Violations)
	}
	f := p.Report.Violations[0]
	html := render(t, p)
	atRecord, _ := p.Stream.at(&f.Place)
	atContext, _ := p.Stream.at(f.Context)
	rec, ctx := eventAnchor(p.Stream.events[atRecord].N), eventAnchor(p.Stream.events[atContext].N)
	for _, want := range []string{
		`<a href="#finding-1"><path class="bad"`,    // the red mark, linked to the finding
		`<div class="card finding" id="finding-1">`, // the finding's entry
		`<a href="#` + rec + `">`,                   // linked to its record
		`context set by the earlier event at <a href="#` + ctx + `">`,
		`<pre id="` + rec + `">`, `<pre id="` + ctx + `">`, // both records shown
		`<path class="ctx"`, // the line back to the context's event
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if n := strings.Count(html, `<g class="lane">`); n < 2 {
		t.Errorf("expected a lane per DN and per agent, got %d lanes", n)
	}
}

// Every text from a record is escaped: a record cannot add markup, a script or a link to the
// page, and the page fetches nothing.
func TestPageEscapesHostileRecords(t *testing.T) {
	hostile := `{"id":"EventAgentReady</text><script>alert(1)</script>","ThisDN":"<img src=x onerror=alert(2)>","AgentID":"\u202egnp.exe","ReferenceID":"<a href=https://evil.example/>x</a>"}`
	s := NewStream()
	s.Add(record.Record{Place: finding.Place{File: "<b>f</b>.jsonl", Line: 1}, Value: []byte(hostile)})
	f := finding.Finding{Rule: "schema.<i>x</i>", Severity: finding.Violation, Event: "</pre><script>alert(3)</script>", Message: "<style>body{display:none}</style>",
		Expected: "\x1b[31m", Found: "</code><iframe src=//evil.example>", Place: finding.Place{File: "<b>f</b>.jsonl", Line: 1}}
	rep := report.New()
	rep.Add(f)
	rep.CountEvent("EventAgentReady</text><script>")
	p := Page{Verdict: "FAIL", Headline: "<script>alert(4)</script>", Report: rep, Stream: s,
		Specs: []Spec{{Name: "<script>alert(5)</script>", Message: "stimulus: <b>login</b>\n  missing: <script>alert(6)</script>"}},
		Diff:  &diff.Result{Differences: []diff.Difference{{Class: diff.Breaking, Rule: "diff.value-changed", Event: "<svg onload=alert(7)>", Baseline: "<x>", Candidate: "</td>", Message: "m"}}}}
	html := render(t, p)
	for _, bad := range []string{"<script", "<img", "<iframe", "<style>body", "<a href=https", "<svg onload", "<b>", "<i>", "\u202e", "\x1b", "</td></td>"} {
		if strings.Contains(html, bad) {
			t.Errorf("a record's text reached the page unescaped: %q", bad)
		}
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the record's text is not shown escaped")
	}
	assertOffline(t, html)
}

// assertOffline fails when the page names anything to fetch: only the SVG namespace, which
// nothing fetches, may be a URL, and the page carries no script.
func assertOffline(t *testing.T, html string) {
	t.Helper()
	urls := regexp.MustCompile(`(?i)(src|href)\s*=\s*"([^"#][^"]*)"`).FindAllStringSubmatch(html, -1)
	for _, u := range urls {
		t.Errorf("the page links to %s, which a browser would fetch", u[2])
	}
	if strings.Contains(strings.ToLower(html), "<script") || strings.Contains(html, "@import") || strings.Contains(html, "url(") {
		t.Errorf("the page carries a script, an import or a url()")
	}
	if !strings.Contains(html, `default-src 'none'`) {
		t.Errorf("the page lacks the policy that forbids fetching")
	}
}

func TestFailedSpecShowsStimulusExpectedAndActualEvents(t *testing.T) {
	s := NewStream()
	s.Add(record.Record{Place: finding.Place{File: "capture.jsonl", Line: 1, Partition: 0, Offset: 7, HasOffset: true},
		Value: []byte(`{"id":"EventAgentNotReady","ThisDN":"5001","AgentID":"4001"}`)})
	msg := "stimulus: ready of agent 4001 on DN 5001 (ReferenceID 9)\n" +
		"  missing: EventAgentReady on DN 5001, expected by 2026-12-01T00:00:00Z (timeout AGENTSTATE_TIMEOUT)\n" +
		"  unexpected: EventAgentNotReady at capture.jsonl:1: {...}\n" +
		"  events seen on DN 5001 after the stimulus: EventAgentNotReady\n"
	log := []diff.Entry{{Flow: "EventAgentReady", Step: 2, Stimulus: "ready of agent 4001 on DN 5001 (ReferenceID 9)", Events: []diff.Position{{Partition: 0, Offset: 7}}}}
	p := Page{Verdict: "FAIL", Stream: s, Specs: []Spec{{Name: "events EventAgentReady is published for a ready", Location: "specs/events_test.go:40", Message: msg, Log: log}}}
	v := p.specViews()[0]
	if v.Stimulus != "ready of agent 4001 on DN 5001 (ReferenceID 9)" || len(v.Expected) != 1 || len(v.Actual) != 2 || len(v.Events) != 1 {
		t.Fatalf("the spec's failure was not sorted into stimulus, expected and actual: %+v", v)
	}
	html := render(t, p)
	for _, want := range []string{`<span class="k">stimulus</span>ready of agent 4001`, `<span class="k">expected</span><ul><li>missing: EventAgentReady`,
		`<span class="k">events seen after the stimulus</span><pre>capture.jsonl:1 (partition 0, offset 7) EventAgentNotReady`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// A long run draws its first events and says so; every record is still counted.
func TestStreamKeepsItsBoundAndCountsTheRest(t *testing.T) {
	s := NewStream()
	s.MaxEvents = 3
	for i := range 10 {
		s.Add(record.Record{Place: finding.Place{Line: i + 1}, Value: []byte(`{"id":"EventDNDOn","ThisDN":"1"}`)})
	}
	s.Add(record.Record{Place: finding.Place{Line: 11}, Value: []byte(`not json`)})
	if s.Kept() != 3 || s.Total() != 11 || s.seen["EventDNDOn"] != 10 || s.undecodable != 1 {
		t.Fatalf("kept %d of %d, counted %d EventDNDOn and %d undecodable; want 3 of 11, 10 and 1", s.Kept(), s.Total(), s.seen["EventDNDOn"], s.undecodable)
	}
	html := render(t, Page{Verdict: "PASS", Report: report.New(), Stream: s})
	if !strings.Contains(html, "the timelines draw the first 3 of 11 records; every one was judged") {
		t.Errorf("the page does not say that it draws only part of the stream")
	}
}

func TestWriteFileWritesThePage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "report.html")
	if err := (Page{Verdict: "PASS", Report: report.New()}).WriteFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "<!DOCTYPE html>") {
		t.Fatalf("expected an HTML page at %s, got %.60q (%v)", path, b, err)
	}
}

// TestThePageOfTheHostileFixturesIsClean: the pages of fixtures/hostile (over-long lines, bytes
// that are not UTF-8, deep nesting, escaped control characters) are valid UTF-8 with no control
// character but newlines, no bidirectional control, and nothing to fetch. Control characters
// that decoding makes real (in a lane's name, a finding) are TestPageEscapesHostileRecords's.
func TestThePageOfTheHostileFixturesIsClean(t *testing.T) {
	for _, name := range []string{"verify.jsonl", "verify.kcat.jsonl"} {
		t.Run(name, func(t *testing.T) {
			html := render(t, verified(t, "../../fixtures/hostile/"+name, check.Unknown))
			if !utf8.ValidString(html) {
				t.Errorf("the page is not valid UTF-8")
			}
			for i, r := range html {
				if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029 {
					t.Fatalf("the page holds %U at byte %d: …%s…", r, i, html[max(0, i-60):i])
				}
			}
			if !strings.Contains(html, `<span class="word">FAIL</span>`) || !strings.Contains(html, `<g class="lane">`) {
				t.Errorf("the hostile capture's page lacks its FAIL verdict or its timelines")
			}
			assertOffline(t, html)
		})
	}
}

// The coverage matrix draws, per event, a green cell for each declared attribute the stream
// carried and a red one for each it never carried; the rules' picture marks the rules with
// findings.
func TestCoverageMatrixAndRulesArePictures(t *testing.T) {
	s := NewStream()
	s.Add(record.Record{Place: finding.Place{Line: 1}, Value: []byte(`{"id":"EventDNDOn","ThisDN":"5001","Server":3}`)})
	set, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cov := CoverageOf(s, set)
	m := drawMatrix(cov)
	var dnd row
	for _, r := range m.Rows {
		if r.Event == "EventDNDOn" {
			dnd = r
		}
	}
	seen := 0
	for _, c := range dnd.Cells {
		if c.Class == "cov-seen" {
			seen++
		}
	}
	if dnd.Seen != 1 || seen != 3 || len(dnd.Cells) != len(set.Attributes("EventDNDOn")) {
		t.Fatalf("EventDNDOn's row: seen %d, %d green cells of %d; want 1, 3 (id, ThisDN, Server) of %d", dnd.Seen, seen, len(dnd.Cells), len(set.Attributes("EventDNDOn")))
	}
	rep := report.New()
	rep.Invariants = []string{"dnd.off-after-on"}
	rep.Add(finding.Finding{Rule: "schema.required", Severity: finding.Violation})
	html := render(t, Page{Verdict: "FAIL", Report: rep, Stream: s, Coverage: cov})
	for _, want := range []string{`<rect class="cov-seen"`, `<rect class="cov-missed"`, `<rect class="rule-ok" x="4" y="0" width="360" height="14"><title>dnd.off-after-on: 0</title>`,
		`<rect class="rule-bad" x="4" y="16" width="360" height="14"><title>schema.required: 1</title>`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}
