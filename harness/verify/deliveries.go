package verify

import (
	"fmt"
	"hash/maphash"
	"sort"
	"strconv"

	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
)

// RuleCaptureOrder is the finding of a capture whose offsets go back, within a partition, to an
// offset it had not read before: Kafka delivers a partition in offset order, so the file is not
// one consumer's reading of the topic (captures concatenated out of order, or edited), and cannot
// be judged as Kafka delivered it.
const RuleCaptureOrder = "capture.order"

// RuleCaptureConflict is the finding of an offset that a capture holds twice with different
// contents: Kafka never changes the record at an offset, so the second is no re-delivery (two
// clusters' captures joined, or an edited file), and skipping it would leave it judged by nobody.
const RuleCaptureConflict = "capture.conflict"

// recentWindow is how many of the latest offsets of each partition a re-delivery is compared
// with: a consumer replays what it read since its last commit, a few batches at most. A repeat
// of an older offset is counted as a re-delivery without the comparison (README).
const recentWindow = 4096

// delivery is what the Kafka coordinates of a record say of it, among the records read before.
type delivery int

const (
	fresh       delivery = iota // the next record of its partition
	redelivery                  // an offset already judged: counted, not judged again
	reordered                   // an offset not read before, below the last one judged: capture.order
	conflicting                 // an offset already judged, with other contents: capture.conflict
	rejoined                    // an offset past others judged after a reorder: the run of events breaks
)

type topicPartition struct {
	topic     string
	partition int32
}

// deliveries accounts, per topic and partition, for the offsets of the records judged, so that
// an offset is judged once however often a capture holds it. Offsets are kept as ranges: a
// capture read in one pass costs one range per partition, and each gap in its offsets one more.
type deliveries struct {
	parts map[topicPartition]*delivered
}

type delivered struct {
	seen   []report.Gap  // disjoint, sorted ranges of the offsets judged, none adjacent to the next
	last   finding.Place // the place of the last record judged
	recent []judgedAt    // by offset modulo recentWindow: what the latest offsets held, once used
}

// judgedAt is what a record judged at an offset held (a hash of its key and value), and the file
// and line it was read from: 40 bytes, so the window costs 160 KiB per partition at most.
type judgedAt struct {
	next int64 // the offset after the one judged; 0 for a slot never used
	sum  uint64
	file string
	line int
}

var contentSeed = maphash.MakeSeed()

// contents hashes what Kafka keeps unchanged at an offset: the key (or its absence) and the value
// (or, for a record that could not be read, the problem it was).
func contents(place finding.Place, value []byte, problem string) uint64 {
	var h maphash.Hash
	h.SetSeed(contentSeed)
	var head [32]byte
	b := append(head[:0], boolByte(place.HasKey), boolByte(place.KeyNull))
	b = strconv.AppendInt(b, int64(len(place.Key)), 10)
	b = strconv.AppendInt(append(b, ':'), int64(len(problem)), 10)
	h.Write(append(b, ':'))
	h.WriteString(place.Key)
	h.WriteString(problem)
	h.Write(value)
	return h.Sum64()
}

func boolByte(b bool) byte {
	if b {
		return '1'
	}
	return '0'
}

// remember keeps what the record at place held, for comparison with a later repeat.
func (dp *delivered) remember(place finding.Place, sum uint64) {
	if dp.recent == nil {
		dp.recent = make([]judgedAt, recentWindow)
	}
	dp.recent[place.Offset%recentWindow] = judgedAt{next: place.Offset + 1, sum: sum, file: place.File, line: place.Line}
}

// first returns what was judged at off, if it is still among the recent offsets.
func (dp *delivered) first(off int64) (judgedAt, bool) {
	if dp.recent == nil || off < 0 {
		return judgedAt{}, false
	}
	j := dp.recent[off%recentWindow]
	return j, j.next == off+1
}

func newDeliveries() *deliveries { return &deliveries{parts: map[topicPartition]*delivered{}} }

// see says what the record at place is, and records its offset when it is to be judged. prev is
// the place of the record judged before it in its partition.
// A repeat of a recent offset whose contents (sum) differ is conflicting, and prev is then the
// place of the first record at that offset.
func (d *deliveries) see(topic string, place finding.Place, sum uint64) (what delivery, prev finding.Place) {
	tp := topicPartition{topic, place.Partition}
	dp := d.parts[tp]
	if dp == nil {
		dp = &delivered{seen: []report.Gap{{From: place.Offset, To: place.Offset}}, last: place}
		d.parts[tp] = dp
		dp.remember(place, sum)
		return fresh, finding.Place{}
	}
	off := place.Offset
	if dp.has(off) {
		if j, ok := dp.first(off); ok && j.sum != sum {
			return conflicting, finding.Place{File: j.file, Line: j.line, Partition: place.Partition, Offset: off, HasOffset: true}
		}
		return redelivery, dp.last
	}
	dp.remember(place, sum)
	switch {
	case off < dp.last.Offset:
		what = reordered
	case dp.seenBetween(dp.last.Offset, off):
		what = rejoined
	}
	dp.add(off)
	prev, dp.last = dp.last, place
	return what, prev
}

// index is the first range that ends at or after off.
func (dp *delivered) index(off int64) int {
	return sort.Search(len(dp.seen), func(i int) bool { return dp.seen[i].To >= off })
}

func (dp *delivered) has(off int64) bool {
	i := dp.index(off)
	return i < len(dp.seen) && dp.seen[i].From <= off
}

// seenBetween says whether an offset strictly between a and b (a < b) was judged.
func (dp *delivered) seenBetween(a, b int64) bool {
	i := dp.index(a + 1)
	return i < len(dp.seen) && dp.seen[i].From < b
}

// add records an offset not yet judged, merging it with the ranges it touches.
func (dp *delivered) add(off int64) {
	i := dp.index(off) // every range before i ends before off; seen[i], if any, starts after it
	left := i > 0 && dp.seen[i-1].To == off-1
	right := i < len(dp.seen) && dp.seen[i].From == off+1
	switch {
	case left && right:
		dp.seen[i-1].To = dp.seen[i].To
		dp.seen = append(dp.seen[:i], dp.seen[i+1:]...)
	case left:
		dp.seen[i-1].To = off
	case right:
		dp.seen[i].From = off
	default:
		dp.seen = append(dp.seen, report.Gap{})
		copy(dp.seen[i+1:], dp.seen[i:])
		dp.seen[i] = report.Gap{From: off, To: off}
	}
}

// captureOrder is the finding of a record whose offset goes back to one not read before; before
// is how many findings of the sequence rules were reported at higher offsets of its partition.
func captureOrder(place, prev finding.Place, before int) finding.Finding {
	at := prev
	earlier := ""
	switch {
	case before == 1:
		earlier = fmt.Sprintf(" (the finding of the sequence rules already reported for partition %d above offset %d was judged without the records from here on, so it too may come from the capture's order, not from the producer)", place.Partition, place.Offset)
	case before > 1:
		earlier = fmt.Sprintf(" (the %d findings of the sequence rules already reported for partition %d above offset %d were judged without the records from here on, so they too may come from the capture's order, not from the producer)", before, place.Partition, place.Offset)
	}
	return finding.Finding{
		Rule: RuleCaptureOrder, Severity: finding.Violation, Place: place, Context: &at,
		Expected: fmt.Sprintf("offsets of partition %d in increasing order, as Kafka delivers them (an offset read again is a re-delivery)", place.Partition),
		Found:    fmt.Sprintf("offset %d after offset %d", place.Offset, prev.Offset),
		Message: fmt.Sprintf("partition %d goes back from offset %d (at %s) to offset %d, which the capture had not held before: "+
			"Kafka delivers a partition in offset order, so this file is not one consumer's reading of the topic (captures joined out of order, or edited?) "+
			"and cannot be judged as Kafka delivered it; the sequence rules start again from an unknown state here, so nothing across the break is blamed on the producer%s: "+
			"capture the topic in one pass (kcat -C -J -o beginning -e) and verify that", place.Partition, prev.Offset, prev, place.Offset, earlier),
	}
}

// captureConflict is the finding of a record at an offset the capture held before with other
// contents; first is the place of that earlier record.
func captureConflict(place, first finding.Place) finding.Finding {
	at := first
	return finding.Finding{
		Rule: RuleCaptureConflict, Severity: finding.Violation, Place: place, Context: &at,
		Expected: fmt.Sprintf("offset %d of partition %d again only as the record first read there (a re-delivery)", place.Offset, place.Partition),
		Found:    "another key or value at the same offset",
		Message: fmt.Sprintf("partition %d, offset %d comes again with another key or value than at %s: Kafka never changes the record at an offset, "+
			"so this is no re-delivery (captures of two clusters or topics joined, or an edited file?), and this record is not judged: "+
			"capture each topic of one cluster in one pass (kcat -C -J -o beginning -e) and verify that", place.Partition, place.Offset, first),
	}
}
