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
)

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
	return r, nil
}

// Merge combines the reports of observers that shared a topic through a consumer group into one
// verdict: counts add up, findings are kept, and the per-partition accounting is checked across
// observers. Offsets judged by two observers are a merge.overlap violation (counts would be
// doubled); offsets between two observers' runs that nobody judged are a merge.gap violation.
// Each observer's stream.empty finding is dropped and decided again on the total.
func Merge(reps []*Report) *Report {
	out := New()
	out.Consumed = &Consumption{Partitions: map[int32]*Partition{}}
	segs := map[int32][]Gap{}
	for _, r := range reps {
		mergeOne(out, r, segs)
	}
	for p, s := range segs {
		out.Consumed.Partitions[p].Segments = checkSegments(out, p, s)
	}
	out.Finish()
	return out
}

func mergeOne(out, r *Report, segs map[int32][]Gap) {
	if out.Schemas == "" {
		out.Schemas, out.Strict, out.InitialState, out.ServiceKey, out.Broker = r.Schemas, r.Strict, r.InitialState, r.ServiceKey, r.Broker
	}
	out.Files = append(out.Files, r.Files...)
	out.Lines, out.Events, out.Undecodable = out.Lines+r.Lines, out.Events+r.Events, out.Undecodable+r.Undecodable
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
	out.Consumed.Group, out.Consumed.From = r.Consumed.Group, r.Consumed.From
	out.Consumed.Handovers = append(out.Consumed.Handovers, r.Consumed.Handovers...)
	out.Consumed.Incomplete = append(out.Consumed.Incomplete, r.Consumed.Incomplete...)
	for p, a := range r.Consumed.Partitions {
		m := out.Consumed.Partitions[p]
		if m == nil {
			m = &Partition{First: a.First, Last: a.Last}
			out.Consumed.Partitions[p] = m
		}
		m.First, m.Last = min(m.First, a.First), max(m.Last, a.Last)
		m.Count += a.Count
		m.Redelivered += a.Redelivered
		m.CaptureErrors += a.CaptureErrors
		m.Gaps = append(m.Gaps, a.Gaps...)
		m.DataLoss = append(m.DataLoss, a.DataLoss...)
		segs[p] = append(segs[p], a.Segments...)
	}
}

// checkSegments sorts the runs of offsets judged in one partition, reports overlaps and holes no
// observer accounted for, and returns the runs joined where they touch.
func checkSegments(out *Report, p int32, s []Gap) []Gap {
	sort.Slice(s, func(i, j int) bool { return s[i].From < s[j].From })
	explained := out.Consumed.Partitions[p].Gaps
	var joined []Gap
	for _, g := range s {
		n := len(joined)
		switch {
		case n == 0:
			joined = append(joined, g)
		case g.From <= joined[n-1].To:
			out.Add(finding.Finding{Rule: RuleMergeOverlap, Severity: finding.Violation,
				Expected: "each offset judged by one observer", Found: fmt.Sprintf("offsets %d to %d judged twice", g.From, min(g.To, joined[n-1].To)),
				Message: fmt.Sprintf("partition %d: offsets %d to %d were judged by two observers; counts are doubled there (was a partition lost, not revoked?)", p, g.From, min(g.To, joined[n-1].To))})
			joined[n-1].To = max(joined[n-1].To, g.To)
		case g.From == joined[n-1].To+1:
			joined[n-1].To = g.To
		default:
			hole := Gap{From: joined[n-1].To + 1, To: g.From - 1}
			if !covered(hole, explained) {
				out.Add(finding.Finding{Rule: RuleMergeGap, Severity: finding.Violation,
					Expected: "every offset judged by some observer", Found: fmt.Sprintf("offsets %d to %d judged by none", hole.From, hole.To),
					Message: fmt.Sprintf("partition %d: offsets %d to %d were judged by no observer; merge the reports of every observer of the group", p, hole.From, hole.To)})
			}
			joined = append(joined, g)
		}
	}
	return joined
}

// covered says whether a hole lies within a gap an observer saw while it owned the partition.
func covered(hole Gap, gaps []Gap) bool {
	for _, g := range gaps {
		if g.From <= hole.From && hole.To <= g.To {
			return true
		}
	}
	return false
}
