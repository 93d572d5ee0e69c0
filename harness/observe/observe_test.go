package observe_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/observe"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
)

// TestOneAtATimeAndInParallelGiveOneVerdict: the suite's collector judges each record as it
// comes (Each) and agentstate observe judges on every CPU; over the same topic both give the
// same report, with the broker and the accounting of the consumption.
func TestOneAtATimeAndInParallelGiveOneVerdict(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	var recs []brokertest.Record
	for i := 0; i < 300; i++ {
		value := fmt.Sprintf(`{"id":"EventDNDOn","Server":3,"ThisDN":"50%02d","time":{"seconds":%d,"useconds":0}}`, i%3, 1764035100+i)
		if i%41 == 0 {
			value = `{"id":"EventDNDOn","Server":3}` // no ThisDN nor time: violations
		}
		recs = append(recs, brokertest.Record{Partition: int32(i % 3), Key: []byte(fmt.Sprintf("t1:%d", i%3)), Value: []byte(value)})
	}
	brokertest.Produce(t, b, recs...)
	var each int
	one, err := observe.Run(context.Background(), b, observe.Options{Consume: consume.Options{UntilEnd: true},
		Each: func(record.Record, contract.Result) { each++ }})
	if err != nil {
		t.Fatal(err)
	}
	par, err := observe.Run(context.Background(), b, observe.Options{Consume: consume.Options{UntilEnd: true}})
	if err != nil {
		t.Fatal(err)
	}
	if each != 300 || one.Events != 300 || par.Events != 300 {
		t.Errorf("Each saw %d, one at a time judged %d events, in parallel %d; produced 300", each, one.Events, par.Events)
	}
	if got, want := rules(par), rules(one); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("in parallel %v, one at a time %v", got, want)
	}
	if one.Broker == nil || one.Consumed == nil || one.Consumed.From != "earliest" || len(one.Consumed.Partitions) != 3 {
		t.Errorf("accounting: broker %v, consumed %+v", one.Broker, one.Consumed)
	}
}

// rules lists a report's violations as rule and place, sorted.
func rules(r *report.Report) []string {
	var out []string
	for _, f := range r.Violations {
		out = append(out, fmt.Sprintf("%s p%d@%d", f.Rule, f.Place.Partition, f.Place.Offset))
	}
	slices.Sort(out)
	return out
}
