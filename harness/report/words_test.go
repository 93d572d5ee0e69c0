package report

import (
	"strings"
	"testing"
)

// TestTheSummaryCountsInGoodGrammar: "1 record", not "1 records".
func TestTheSummaryCountsInGoodGrammar(t *testing.T) {
	r := New()
	r.CountEvent("EventDNDOn")
	r.Consumed = &Consumption{From: "earliest", Stopped: "until-end", Partitions: map[int32]*Partition{0: {Count: 1, Redelivered: 1, Gaps: []Gap{{1, 1}}}}}
	var b strings.Builder
	r.Summary(&b)
	out := b.String()
	for _, want := range []string{"read 1 record: 1 event checked, 0 undecodable", "partition 0: 1 record, offsets 0 to 0, 1 gap, 1 re-delivery skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

// TestTheEmptyStreamHintFitsTheInput: a topic is not "one JSON event per line".
func TestTheEmptyStreamHintFitsTheInput(t *testing.T) {
	file, topic := New(), New()
	topic.Broker = &Broker{Provider: "external", Bootstrap: []string{"k:9092"}, Topic: "voice-agentstate"}
	file.Finish()
	topic.Finish()
	if m := file.Violations[0].Message; !strings.Contains(m, "one JSON event per line") {
		t.Errorf("file: %q", m)
	}
	if m := topic.Violations[0].Message; strings.Contains(m, "per line") || !strings.Contains(m, "voice-agentstate") {
		t.Errorf("topic: %q; want a hint about the topic, not about lines", m)
	}
}
