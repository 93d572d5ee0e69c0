package report_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/report"
)

// merged reads the reports at paths, as agentstate merge does, and merges them; it returns the
// merged report and every finding of it, one per line.
func merged(t *testing.T, paths ...string) (*report.Report, string) {
	t.Helper()
	var reps []*report.Report
	for _, path := range paths {
		r, err := report.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, r)
	}
	m := report.Merge(reps)
	var lines []string
	for _, f := range append(m.Violations[:len(m.Violations):len(m.Violations)], m.Warnings...) {
		lines = append(lines, f.String())
	}
	return m, strings.Join(lines, "\n")
}

// writeReport writes r as a JSON report named name in dir and returns its path.
func writeReport(t *testing.T, dir, name string, r *report.Report) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := r.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMergeFindsOffsetsJudgedTwiceOrByNobody merges hand-written reports of a two-partition
// topic whose observers were responsible from offset 0 of each partition to offset 30: offsets
// judged twice are merge.overlap; offsets judged by nobody, between runs, before the first,
// after the last or in a whole partition, are merge.gap, and so is a report that records no
// responsible range.
func TestMergeFindsOffsetsJudgedTwiceOrByNobody(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, ranged bool, segs ...report.Gap) string {
		r := report.New()
		r.Events, r.Lines, r.PerEvent["EventDNDOn"] = 10, 10, 10
		r.Broker = &report.Broker{Provider: "external", Topic: "voice-agentstate", Partitions: 2}
		r.Consumed = &report.Consumption{Partitions: map[int32]*report.Partition{0: {Segments: segs, Count: 10}}}
		if ranged {
			r.Consumed.Starts, r.Consumed.Ends = map[int32]int64{0: 0, 1: 0}, map[int32]int64{0: 30, 1: 0}
		}
		return writeReport(t, dir, name, r)
	}
	a := write("a.json", true, report.Gap{From: 0, To: 9})
	b := write("b.json", true, report.Gap{From: 10, To: 19})
	c := write("c.json", true, report.Gap{From: 20, To: 29})
	// Partition 1 had records: an observer listed its end at 7, and nobody judged it.
	absent := report.New()
	absent.Events, absent.Lines = 1, 1
	absent.Consumed = &report.Consumption{Partitions: map[int32]*report.Partition{}, Starts: map[int32]int64{0: 0, 1: 0}, Ends: map[int32]int64{0: 0, 1: 7}}
	for _, tc := range []struct {
		name    string
		reports []string
		want    string // "" for a pass
	}{
		{"all covered", []string{a, b, c}, ""},
		{"overlap", []string{a, b, c, write("overlap.json", true, report.Gap{From: 5, To: 14})}, "[merge.overlap] partition 0: offsets 5 to 9 were judged by two observers"},
		{"between runs", []string{a, c}, "(partition 0, offset 10): violation [merge.gap] partition 0: offsets 10 to 19 were judged by no observer (between two observers' runs)"},
		{"leading range", []string{b, c}, "[merge.gap] partition 0: offsets 0 to 9 were judged by no observer (before the first observer's run)"},
		{"trailing range", []string{a, b}, "[merge.gap] partition 0: offsets 20 to 29 were judged by no observer (after the last observer's run)"},
		{"older report", []string{a, b, write("old.json", false, report.Gap{From: 20, To: 29})}, "old.json: violation [merge.gap] the report has no responsible range per partition"},
		{"absent partition", []string{a, b, c, writeReport(t, dir, "absent.json", absent)}, "[merge.gap] partition 1: offsets 0 to 6 were judged by no observer (no observer judged this partition)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, findings := merged(t, tc.reports...)
			if m.Passed() != (tc.want == "") || !strings.Contains(findings, tc.want) {
				t.Errorf("passed %v, want %v with %q\n%s", m.Passed(), tc.want == "", tc.want, findings)
			}
		})
	}
}

// TestMergeRefusesReportsJudgedDifferently: reports judged under other settings (another topic
// or group, strict against not, other schemas, initial state or service key, gaps allowed or
// not) cannot add up to one verdict: the merged one would claim settings some observers did not
// apply. Each difference is a merge.mismatch violation naming the report.
func TestMergeRefusesReportsJudgedDifferently(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, edit func(*report.Report)) string {
		r := report.New()
		r.Events, r.Lines, r.PerEvent["EventDNDOn"] = 10, 10, 10
		r.Schemas, r.InitialState, r.ServiceKey = "built-in", "unknown", "agent"
		r.Broker = &report.Broker{Provider: "external", Topic: "voice-agentstate", Partitions: 1}
		r.Consumed = &report.Consumption{Group: "g", Partitions: map[int32]*report.Partition{0: {Segments: []report.Gap{{From: 0, To: 9}}, Count: 10}},
			Starts: map[int32]int64{0: 0}, Ends: map[int32]int64{0: 20}}
		if edit != nil {
			edit(r)
		}
		return writeReport(t, dir, name, r)
	}
	base := write("a.json", nil)
	for _, c := range []struct {
		setting string
		edit    func(*report.Report)
	}{
		{"strict", func(r *report.Report) { r.Strict = true }},
		{"schemas", func(r *report.Report) { r.Schemas = "/tmp/my-schemas" }},
		{"initial state", func(r *report.Report) { r.InitialState = "clean" }},
		{"service key", func(r *report.Report) { r.ServiceKey = "tenant" }},
		{"topic", func(r *report.Report) { r.Broker.Topic = "voice-agentstate-staging" }},
		{"group", func(r *report.Report) { r.Consumed.Group = "other" }},
		{"allow gaps", func(r *report.Report) { r.Consumed.AllowGaps = true }},
	} {
		t.Run(c.setting, func(t *testing.T) {
			// The second observer judged offsets 10 to 19, after the first: only the settings differ.
			other := write("b.json", func(r *report.Report) {
				r.Consumed.Partitions[0].Segments = []report.Gap{{From: 10, To: 19}}
				c.edit(r)
			})
			m, findings := merged(t, base, other)
			if m.Passed() || !strings.Contains(findings, "b.json: violation [merge.mismatch]") || !strings.Contains(findings, c.setting) {
				t.Errorf("merge of reports whose %s differ: passed %v, want merge.mismatch naming it\n%s", c.setting, m.Passed(), findings)
			}
		})
	}
}

// TestMergeDecidesEmptinessOnTheTotal: an observer that judged nothing (assigned no partition)
// fails alone with stream.empty; merged with the others its finding is dropped and emptiness is
// decided on the total.
func TestMergeDecidesEmptinessOnTheTotal(t *testing.T) {
	idle := report.New()
	idle.Consumed = &report.Consumption{Group: "g", Partitions: map[int32]*report.Partition{}, Starts: map[int32]int64{0: 0}, Ends: map[int32]int64{0: 10}}
	busy := report.New()
	busy.Events, busy.Lines, busy.PerEvent["EventDNDOn"] = 10, 10, 10
	busy.Consumed = &report.Consumption{Group: "g", Partitions: map[int32]*report.Partition{0: {Segments: []report.Gap{{From: 0, To: 9}}, Count: 10}},
		Starts: map[int32]int64{0: 0}, Ends: map[int32]int64{0: 10}}
	idle.Finish()
	if idle.Passed() || len(idle.Violations) != 1 || !strings.Contains(idle.Violations[0].Message, "assigned no partition") {
		t.Fatalf("the idle observer alone: %v", idle.Violations)
	}
	if m := report.Merge([]*report.Report{idle, busy}); !m.Passed() {
		t.Errorf("merge of an idle and a busy observer: %v", m.Violations)
	}
	m := report.Merge([]*report.Report{idle, idle})
	if m.Passed() {
		t.Fatal("merge of two idle observers passed")
	}
	for _, f := range m.Violations {
		if f.Rule == report.RuleEmpty && strings.Contains(f.Message, "this observer") {
			t.Errorf("the merged report speaks of one observer: %s", f)
		}
	}
}
