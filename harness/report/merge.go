package report

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// Rules of the findings Merge adds.
const (
	RuleMergeOverlap = "merge.overlap"
	RuleMergeGap     = "merge.gap"
	// RuleMergeMismatch: a report judged under other settings than the first (topic, group,
	// schemas, strictness, initial state, service key, gaps allowed), so the reports cannot add
	// up to one verdict.
	RuleMergeMismatch = "merge.mismatch"
)

// Rules lists the rule IDs of the findings a report adds of its own: an empty stream, and
// Merge's.
func Rules() []string { return []string{RuleEmpty, RuleMergeOverlap, RuleMergeGap, RuleMergeMismatch} }

// Read reads a report written by WriteJSON.
func Read(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	r := New()
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("read report %s: %w", path, err)
	}
	if r.PerEvent == nil {
		r.PerEvent = map[string]int{}
	}
	r.source = path
	return r, nil
}

// Merge combines the reports of observers that shared a topic through a consumer group into one
// verdict: counts add up, findings are kept, and the per-partition accounting is checked across
// observers. Offsets judged by two observers are a merge.overlap violation (counts would be
// doubled). Every partition of the topic must be judged from the earliest offset any observer
// was responsible from to the latest end any observer listed: offsets nobody judged (between two
// observers' runs, before the first, after the last, or a whole partition) are a merge.gap
// violation, as is a report that does not say which range its observer was responsible for.
// Each observer's stream.empty finding is dropped and decided again on the total.
func Merge(reps []*Report) *Report {
	out := New()
	out.merged = true
	out.Consumed = &Consumption{Partitions: map[int32]*Partition{}, Starts: map[int32]int64{}, Ends: map[int32]int64{}}
	segs := map[int32][]Gap{}
	for i, r := range reps {
		if i > 0 {
			requireSameSettings(out, reps[0], r, i)
		}
		mergeOne(out, r, segs)
		requireRange(out, r, i)
	}
	for _, p := range topicPartitions(out, segs) {
		joined := checkSegments(out, p, segs[p])
		checkEnds(out, p, joined)
		if a := out.Consumed.Partitions[p]; a != nil {
			a.Segments = joined
		}
	}
	out.Finish()
	return out
}

func mergeOne(out, r *Report, segs map[int32][]Gap) {
	if out.Schemas == "" {
		out.Schemas, out.Strict, out.InitialState, out.ServiceKey, out.Broker = r.Schemas, r.Strict, r.InitialState, r.ServiceKey, r.Broker
	}
	if r.Broker != nil && out.Broker != nil && r.Broker.Partitions > out.Broker.Partitions {
		out.Broker = r.Broker
	}
	out.Files = append(out.Files, r.Files...)
	out.Lines, out.Events, out.Undecodable = out.Lines+r.Lines, out.Events+r.Events, out.Undecodable+r.Undecodable
	out.ServiceUnjudged += r.ServiceUnjudged
	for id, n := range r.PerEvent {
		out.PerEvent[id] += n
	}
	if j := r.Judged; j != nil {
		if out.Judged == nil {
			out.Judged = &Judged{FastPath: j.FastPath, Gaps: j.Gaps}
		}
		out.Judged.Fast += j.Fast
		out.Judged.V5 += j.V5
		out.Judged.CrossChecked += j.CrossChecked
		out.Judged.Disagreements += j.Disagreements
	}
	for _, f := range append(append([]finding.Finding(nil), r.Violations...), r.Warnings...) {
		if f.Rule != RuleEmpty {
			out.Add(f)
		}
	}
	if r.Consumed == nil {
		return
	}
	mergeConsumption(out.Consumed, r.Consumed, segs)
}

func mergeConsumption(m, c *Consumption, segs map[int32][]Gap) {
	m.Group, m.From = c.Group, c.From
	m.AllowGaps = m.AllowGaps || c.AllowGaps
	m.Handovers = append(m.Handovers, c.Handovers...)
	m.Incomplete = append(m.Incomplete, c.Incomplete...)
	for p, off := range c.Starts {
		if cur, ok := m.Starts[p]; !ok || off < cur {
			m.Starts[p] = off
		}
	}
	for p, off := range c.Ends {
		m.Ends[p] = max(m.Ends[p], off)
	}
	for p, a := range c.Partitions {
		acct := m.Partitions[p]
		if acct == nil {
			acct = &Partition{First: a.First, Last: a.Last}
			m.Partitions[p] = acct
		}
		acct.First, acct.Last = min(acct.First, a.First), max(acct.Last, a.Last)
		acct.Count += a.Count
		acct.Control += a.Control
		acct.Redelivered += a.Redelivered
		acct.CaptureErrors += a.CaptureErrors
		acct.Gaps = append(acct.Gaps, a.Gaps...)
		acct.DataLoss = append(acct.DataLoss, a.DataLoss...)
		segs[p] = append(segs[p], a.Segments...)
	}
}

// requireRange fails the merge for a report that cannot say what its observer was responsible
// for: without that, a partition nobody judged would pass unseen.
func requireRange(out, r *Report, i int) {
	name := r.name(i)
	var missing string
	switch {
	case r.Consumed == nil:
		missing = "no consumption accounting (it is not a report of agentstate observe)"
	case r.Consumed.Starts == nil || r.Consumed.Ends == nil:
		missing = "no responsible range per partition (responsible_from, responsible_to: it was written by an older agentstate)"
	default:
		return
	}
	out.Add(finding.Finding{Rule: RuleMergeGap, Severity: finding.Violation, Place: finding.Place{File: name},
		Expected: "each report records the range of offsets its observer was responsible for", Found: missing,
		Message: fmt.Sprintf("the report has %s, so merge cannot prove that every offset was judged; run every observer again with this version of agentstate", missing)})
}

// topicPartitions lists every partition of the topic: as many as the broker reported, and any
// other a report names.
func topicPartitions(out *Report, segs map[int32][]Gap) []int32 {
	seen := map[int32]bool{}
	if out.Broker != nil {
		for p := int32(0); p < int32(out.Broker.Partitions); p++ {
			seen[p] = true
		}
	}
	for p := range out.Consumed.Starts {
		seen[p] = true
	}
	for p := range out.Consumed.Ends {
		seen[p] = true
	}
	for p := range segs {
		seen[p] = true
	}
	ps := make([]int32, 0, len(seen))
	for p := range seen {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	return ps
}

// checkSegments sorts the runs of offsets judged in one partition, reports overlaps and holes no
// observer accounted for, and returns the runs joined where they touch.
func checkSegments(out *Report, p int32, s []Gap) []Gap {
	sort.Slice(s, func(i, j int) bool { return s[i].From < s[j].From })
	var joined []Gap
	for _, g := range s {
		n := len(joined)
		switch {
		case n == 0:
			joined = append(joined, g)
		case g.From <= joined[n-1].To:
			out.Add(finding.Finding{Rule: RuleMergeOverlap, Severity: finding.Violation,
				Place:    finding.Place{Partition: p, Offset: g.From, HasOffset: true},
				Expected: "each offset judged by one observer", Found: fmt.Sprintf("offsets %d to %d judged twice", g.From, min(g.To, joined[n-1].To)),
				Message: fmt.Sprintf("partition %d: offsets %d to %d were judged by two observers; counts are doubled there (was a partition lost, not revoked?)", p, g.From, min(g.To, joined[n-1].To))})
			joined[n-1].To = max(joined[n-1].To, g.To)
		case g.From == joined[n-1].To+1:
			joined[n-1].To = g.To
		default:
			hole(out, p, Gap{From: joined[n-1].To + 1, To: g.From - 1}, "between two observers' runs")
			joined = append(joined, g)
		}
	}
	return joined
}

// checkEnds reports what nobody judged of a partition's responsible range before the first run
// of offsets judged, after the last, or all of it when nobody judged any.
func checkEnds(out *Report, p int32, joined []Gap) {
	from, hasFrom := out.Consumed.Starts[p]
	to, hasTo := out.Consumed.Ends[p]
	if !hasFrom || !hasTo {
		if len(joined) == 0 {
			unranged(out, p)
		}
		return
	}
	if len(joined) == 0 {
		if to > from {
			hole(out, p, Gap{From: from, To: to - 1}, "no observer judged this partition")
		}
		return
	}
	if first := joined[0].From; first > from {
		hole(out, p, Gap{From: from, To: first - 1}, "before the first observer's run")
	}
	if last := joined[len(joined)-1].To; last+1 < to {
		hole(out, p, Gap{From: last + 1, To: to - 1}, "after the last observer's run")
	}
}

// hole reports offsets of a partition nobody judged, unless an observer saw them as a gap while
// it owned the partition (that observer's consume.gap finding, kept in the merge, tells of it).
func hole(out *Report, p int32, g Gap, where string) {
	if covered(g, out.Consumed.Partitions[p]) {
		return
	}
	out.Add(finding.Finding{Rule: RuleMergeGap, Severity: finding.Violation,
		Place:    finding.Place{Partition: p, Offset: g.From, HasOffset: true},
		Expected: "every offset judged by some observer", Found: fmt.Sprintf("offsets %d to %d judged by none", g.From, g.To),
		Message: fmt.Sprintf("partition %d: offsets %d to %d were judged by no observer (%s); merge the reports of every observer of the group, and judge again what a killed observer had judged", p, g.From, g.To, where)})
}

// unranged reports a partition of the topic that no observer judged and no report recorded a
// range for: nothing says which offsets it held, so nothing proves they were judged.
func unranged(out *Report, p int32) {
	out.Add(finding.Finding{Rule: RuleMergeGap, Severity: finding.Violation,
		Expected: "every partition of the topic judged by some observer", Found: "no observer judged it, and no report recorded its range",
		Message: fmt.Sprintf("partition %d: no observer judged any offset of it and no report recorded its range; merge the reports of every observer of the group", p)})
}

// covered says whether a hole lies within a gap an observer saw while it owned the partition.
func covered(g Gap, a *Partition) bool {
	if a == nil {
		return false
	}
	for _, seen := range a.Gaps {
		if seen.From <= g.From && g.To <= seen.To {
			return true
		}
	}
	return false
}

// name is how merge's findings name the i-th report: its file, when it was read from one.
func (r *Report) name(i int) string {
	if r.source == "" {
		return fmt.Sprintf("report %d", i+1)
	}
	return r.source
}

// settings are what a run was judged under, as merge compares them.
func (r *Report) settings() [][2]string {
	var topic, group string
	var allowGaps bool
	if r.Broker != nil {
		topic = r.Broker.Topic
	}
	if r.Consumed != nil {
		group, allowGaps = r.Consumed.Group, r.Consumed.AllowGaps
	}
	return [][2]string{
		{"topic", topic}, {"group", group}, {"schemas", r.Schemas}, {"strict", fmt.Sprint(r.Strict)},
		{"initial state", r.InitialState}, {"service key", r.ServiceKey}, {"allow gaps", fmt.Sprint(allowGaps)},
	}
}

// requireSameSettings reports each setting the i-th report was judged under that differs from
// the first report's: the merged verdict would claim a setting some observers did not apply.
func requireSameSettings(out, first, r *Report, i int) {
	want, got := first.settings(), r.settings()
	for k := range want {
		if want[k][1] == got[k][1] {
			continue
		}
		out.Add(finding.Finding{Rule: RuleMergeMismatch, Severity: finding.Violation, Place: finding.Place{File: r.name(i)},
			Expected: fmt.Sprintf("%s %q, as in %s", want[k][0], want[k][1], first.name(0)), Found: fmt.Sprintf("%s %q", got[k][0], got[k][1]),
			Message: fmt.Sprintf("this report was judged with %s %q, the first (%s) with %q: reports judged differently do not add up to one verdict; run every observer of the group with the same settings",
				got[k][0], got[k][1], first.name(0), want[k][1])})
	}
}
