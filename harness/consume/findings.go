package consume

import (
	"fmt"
	"sort"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// Rules of the findings about a consumption itself rather than an event.
const (
	// RuleIncomplete: a partition did not reach the end offset the run was held to (listed at
	// the start with UntilEnd, at the stop otherwise), so records are missing from the verdict.
	RuleIncomplete = "consume.incomplete"
	// RuleGap: offsets of the range the run was responsible for were never read (deleted ahead
	// of the reader, lost by the broker, removed by compaction), so nothing judged them.
	RuleGap = "consume.gap"
)

// Rules lists the rule IDs of the findings about a consumption.
func Rules() []string { return []string{RuleIncomplete, RuleGap} }

// Findings returns what makes a consumption fall short of the range it was responsible for:
// each partition behind its end (consume.incomplete) and each range of offsets never read
// (consume.gap). Gaps are violations unless allowGaps, for a compacted topic: then warnings.
func Findings(res Result, allowGaps bool) []finding.Finding {
	var out []finding.Finding
	for _, s := range res.Incomplete {
		out = append(out, finding.Finding{Rule: RuleIncomplete, Severity: finding.Violation,
			Expected: "every partition read up to its end offset", Found: s,
			Message: fmt.Sprintf("%s: consumption stopped (%s) before the end offset it was held to; records are missing from the verdict (check the broker's health, or give the run longer)", s, res.Stopped)})
	}
	ps := make([]int32, 0, len(res.Partitions))
	for p := range res.Partitions {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	for _, p := range ps {
		for _, g := range res.Partitions[p].Gaps {
			out = append(out, gapFinding(p, g.From, g.To, allowGaps))
		}
	}
	return out
}

func gapFinding(p int32, from, to int64, allowed bool) finding.Finding {
	f := finding.Finding{Rule: RuleGap, Severity: finding.Violation,
		Place:    finding.Place{Partition: p, Offset: from, HasOffset: true},
		Expected: fmt.Sprintf("offsets %d to %d read and judged", from, to), Found: "never read: the broker no longer had them or skipped them",
		Message: fmt.Sprintf("partition %d: offsets %d to %d were never read, so nothing judged them (deleted ahead of the reader by retention or DeleteRecords, lost by the broker, or removed by compaction); read them while they exist, or allow gaps if the topic is compacted", p, from, to)}
	if allowed {
		f.Severity = finding.Warning
		f.Message = fmt.Sprintf("partition %d: offsets %d to %d were never read (accepted: gaps are allowed)", p, from, to)
	}
	return f
}
