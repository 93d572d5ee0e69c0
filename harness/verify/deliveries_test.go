package verify

import (
	"testing"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

func at(partition int32, offset int64) finding.Place {
	return finding.Place{Partition: partition, Offset: offset, HasOffset: true}
}

// TestDeliveriesClassifyEachOffset walks one partition through a replay, a step back to offsets
// not read before, and the return past them.
func TestDeliveriesClassifyEachOffset(t *testing.T) {
	d := newDeliveries()
	steps := []struct {
		offset int64
		want   delivery
	}{
		{10, fresh}, {11, fresh}, {13, fresh}, // 12: a gap, as after a transaction marker
		{11, redelivery}, {13, redelivery}, {10, redelivery}, // a consumer's replay
		{14, fresh},
		{3, reordered}, {4, fresh}, // back to offsets never read
		{12, rejoined}, // into the gap, past 10 and 11, judged before the break: the run breaks again
		{15, rejoined}, // past 13 and 14
		{12, redelivery}, {16, fresh},
	}
	for i, s := range steps {
		if got, _ := d.see("t", at(0, s.offset), 0); got != s.want {
			t.Fatalf("step %d, offset %d: %d, want %d", i, s.offset, got, s.want)
		}
	}
	if got, want := d.parts[topicPartition{"t", 0}].seen, []report.Gap{{From: 3, To: 4}, {From: 10, To: 16}}; !equalGaps(got, want) {
		t.Errorf("ranges %v, want %v", got, want)
	}
	if got, _ := d.see("other", at(0, 10), 0); got != fresh {
		t.Errorf("the same partition and offset of another topic: %d, want fresh", got)
	}
	if got, _ := d.see("t", at(1, 11), 0); got != fresh {
		t.Errorf("another partition: %d, want fresh", got)
	}
}

// TestDeliveriesKeepRangesNotOffsets: memory grows with the gaps in a capture's offsets, not
// with its records: a million offsets in order, and a replay of them all, hold one range.
func TestDeliveriesKeepRangesNotOffsets(t *testing.T) {
	d := newDeliveries()
	for pass := 0; pass < 2; pass++ {
		for off := int64(0); off < 1_000_000; off++ {
			want := fresh
			if pass == 1 {
				want = redelivery
			}
			if got, _ := d.see("t", at(0, off), 0); got != want {
				t.Fatalf("pass %d, offset %d: %d, want %d", pass, off, got, want)
			}
		}
	}
	if n := len(d.parts[topicPartition{"t", 0}].seen); n != 1 {
		t.Errorf("%d ranges for one run of offsets, want 1", n)
	}
	// Even offsets, then the odd ones (each a step back): every step back closes a gap.
	d = newDeliveries()
	for off := int64(0); off < 1000; off += 2 {
		d.see("t", at(0, off), 0)
	}
	for off := int64(999); off > 0; off -= 2 {
		d.see("t", at(0, off), 0)
	}
	if got := d.parts[topicPartition{"t", 0}].seen; !equalGaps(got, []report.Gap{{From: 0, To: 999}}) {
		t.Errorf("ranges %v, want 0 to 999", got)
	}
}

func equalGaps(a, b []report.Gap) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDeliveriesTellARepeatFromAConflict: a recent offset that comes again with the contents it
// had is a re-delivery; with others it is conflicting, and names the place of the first.
func TestDeliveriesTellARepeatFromAConflict(t *testing.T) {
	d := newDeliveries()
	for off := int64(0); off < 10; off++ {
		d.see("t", at(0, off), uint64(off))
	}
	if got, _ := d.see("t", at(0, 7), 7); got != redelivery {
		t.Errorf("offset 7 with its contents: %d, want redelivery", got)
	}
	if got, first := d.see("t", at(0, 7), 8); got != conflicting || first.Offset != 7 {
		t.Errorf("offset 7 with other contents: %d at %+v, want conflicting at offset 7", got, first)
	}
	for off := int64(10); off < 10+recentWindow; off++ {
		d.see("t", at(0, off), uint64(off))
	}
	if got, _ := d.see("t", at(0, 7), 8); got != redelivery {
		t.Errorf("offset 7, out of the recent window: %d, want redelivery (not compared)", got)
	}
}
