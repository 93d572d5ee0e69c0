package consume

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
)

// TestRedeliveriesAndGapsAreCountedNotJudged feeds the accounting what a rebalance or a retry can
// produce: a record seen twice, and offsets skipped.
func TestRedeliveriesAndGapsAreCountedNotJudged(t *testing.T) {
	var judged []int64
	res := Result{Partitions: map[int32]*report.Partition{}}
	c := &consumer{res: &res, next: map[int32]int64{0: 0}, sink: func(r record.Record) { judged = append(judged, r.Place.Offset) }}
	for _, off := range []int64{0, 1, 1, 0, 2, 5, 6, 6} {
		c.one(&kgo.Record{Partition: 0, Offset: off, Value: []byte(`{}`)})
	}
	a := res.Partitions[0]
	if len(judged) != 5 || a.Count != 5 || a.Redelivered != 3 || res.Records != 5 {
		t.Errorf("judged %v, accounting %+v", judged, a)
	}
	if len(a.Gaps) != 1 || a.Gaps[0] != (report.Gap{From: 3, To: 4}) || a.First != 0 || a.Last != 6 {
		t.Errorf("gaps %+v, first %d, last %d", a.Gaps, a.First, a.Last)
	}
}
