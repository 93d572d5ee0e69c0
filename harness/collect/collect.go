// Package collect consumes the topic in the background while a suite drives the system under
// test, keeps every record it consumed in order, and lets the suite wait for the events a
// stimulus should cause. Every record goes through the same pipeline as agentstate observe, so
// the suite's final verdict on the whole stream is observe's verdict.
package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/consume"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/observe"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// Event is one consumed record, decoded.
type Event struct {
	Place    finding.Place
	Key      string
	Value    []byte
	ID       string         // the event's id; "" when it has none or could not be decoded
	Doc      map[string]any // nil when the record is not a JSON object
	Findings []finding.Finding
}

// Str returns a string attribute of the event, or "".
func (e Event) Str(name string) string {
	s, _ := e.Doc[name].(string)
	return s
}

// RefID returns the event's ReferenceID and whether it has one.
func (e Event) RefID() (int64, bool) {
	n, ok := e.Doc["ReferenceID"].(json.Number)
	if !ok {
		return 0, false
	}
	v, err := n.Int64()
	return v, err == nil
}

// Collector consumes the topic from the end offsets it saw when it started.
type Collector struct {
	b      broker.Broker
	cancel context.CancelFunc
	stop   chan struct{} // closed by Stop: the consumer settles as observe's quiet stop does
	done   chan struct{}

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever an event arrives
	events  []Event
	first   map[string]int // the index in events of the first event of each key (not null)
	next    map[int32]int64
	report  *report.Report // the finished report, once the run has ended
	err     error
}

// Options tune a collector.
type Options struct {
	Verify  verify.Options // how the whole stream is judged (schemas, initial state, strictness)
	Capture io.Writer      // if set, every consumed record is written to it as a kcat-style line
}

// Start records the topic's end offsets and starts consuming from them in the background, so
// that older traffic is never mixed in.
func Start(ctx context.Context, b broker.Broker, opts Options) (*Collector, error) {
	starts, err := endOffsets(ctx, b)
	if err != nil {
		return nil, err
	}
	vopts := opts.Verify
	vopts.Docs = true // the steps compare the events' attributes
	if _, err := verify.New(vopts); err != nil {
		return nil, err // the run would fail the same way; say so before anything starts
	}
	cctx, cancel := context.WithCancel(context.Background())
	c := &Collector{b: b, cancel: cancel, stop: make(chan struct{}), done: make(chan struct{}), changed: make(chan struct{}), next: maps.Clone(starts), first: map[string]int{}}
	go c.run(cctx, c.options(vopts, starts, opts.Capture))
	return c, nil
}

// options are observe's, but from the end offsets recorded at the start, stopped by Stop, and
// judging each record as it comes, so that a step sees its events' verdicts at once.
func (c *Collector) options(vopts verify.Options, starts map[int32]int64, capture io.Writer) observe.Options {
	opts := observe.Options{Verify: vopts, From: "end offsets recorded at start", Each: c.add,
		Consume: consume.Options{Offsets: starts, Idle: time.Second, Stop: c.stop, Progress: c.progress}}
	if capture != nil {
		opts.Consume.Capture = func(e record.Envelope) error { return record.WriteEnvelope(capture, e) }
	}
	return opts
}

func endOffsets(ctx context.Context, b broker.Broker) (map[int32]int64, error) {
	cl, err := broker.NewClient(b)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, b.Info().Topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("record end offsets of %s: %w", b.Info().Topic, err)
	}
	out := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) { out[o.Partition] = o.Offset })
	return out, nil
}

func (c *Collector) run(ctx context.Context, opts observe.Options) {
	defer close(c.done)
	rep, err := observe.Run(ctx, c.b, opts)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.report = rep
	if !errors.Is(err, context.Canceled) {
		c.err = err
	}
	c.wake()
}

// add keeps one judged record (judged once: the pipeline's verdict is also the event's) and
// wakes whoever waits.
func (c *Collector) add(r record.Record, res contract.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, Event{Place: r.Place, Key: r.Place.Key, Value: append([]byte(nil), r.Value...),
		ID: res.Event, Doc: res.Doc, Findings: res.Findings})
	if _, seen := c.first[r.Place.Key]; !seen && !r.Place.KeyNull {
		c.first[r.Place.Key] = len(c.events) - 1
	}
	c.wake()
}

// First returns the first event collected with the key (a null key is no key), if any: where
// the run first saw that key's partition.
func (c *Collector) First(key string) (Event, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i, ok := c.first[key]
	if !ok {
		return Event{}, false
	}
	return c.events[i], true
}

// progress keeps the consumer's position per partition, past records and transaction markers
// alike, so that Drain knows when everything produced has been read.
func (c *Collector) progress(partition int32, next int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next[partition] = next
	c.wake()
}

// wake tells whoever waits that something changed. Callers hold c.mu.
func (c *Collector) wake() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Mark returns how many events have been collected: pass it to Since or Wait to look only at
// what came after.
func (c *Collector) Mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

// Since returns a copy of the events collected after mark.
func (c *Collector) Since(mark int) []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Event(nil), c.events[min(mark, len(c.events)):]...)
}

// Wait returns once done, given the events collected after mark, says so, or when ctx ends; it
// returns the events it last saw either way, and ctx's error if done never said so.
func (c *Collector) Wait(ctx context.Context, mark int, done func([]Event) bool) ([]Event, error) {
	for {
		c.mu.Lock()
		evs, changed, failed := append([]Event(nil), c.events[min(mark, len(c.events)):]...), c.changed, c.err
		c.mu.Unlock()
		if done(evs) {
			return evs, nil
		}
		if failed != nil {
			return evs, fmt.Errorf("consumer stopped: %w", failed)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return evs, ctx.Err()
		}
	}
}

// Drain waits until every record produced so far has been consumed: the end offsets listed now
// are all reached. It is how a suite knows nothing it caused is still in flight.
func (c *Collector) Drain(ctx context.Context) error {
	ends, err := endOffsets(ctx, c.b)
	if err != nil {
		return err
	}
	for {
		c.mu.Lock()
		short, changed, failed := c.shortLocked(ends), c.changed, c.err
		c.mu.Unlock()
		switch {
		case len(short) == 0:
			return nil
		case failed != nil:
			return fmt.Errorf("drain %s: consumer stopped: %w; short: %v", c.b.Info().Topic, failed, short)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("drain %s: %w; short: %v", c.b.Info().Topic, ctx.Err(), short)
		}
	}
}

// shortLocked lists the partitions not yet consumed up to ends. Callers hold c.mu.
func (c *Collector) shortLocked(ends map[int32]int64) []string {
	var out []string
	for p, end := range ends {
		if c.next[p] < end {
			out = append(out, fmt.Sprintf("partition %d at %d of %d", p, c.next[p], end))
		}
	}
	sort.Strings(out)
	return out
}

// Stop ends consumption as observe's quiet stop does: the end offsets are listed then, and the
// consumer stops once it has caught up with them. It returns the report of the whole stream, with
// the per-partition accounting; a partition left behind (consume.incomplete) or offsets never read
// (consume.gap) are violations of it. Call it once.
func (c *Collector) Stop(ctx context.Context) (*report.Report, error) {
	close(c.stop)
	var stopErr error
	select {
	case <-c.done:
	case <-ctx.Done():
		c.cancel()
		<-c.done
		stopErr = fmt.Errorf("stop collecting %s: %w before the consumer caught up with the end offsets", c.b.Info().Topic, ctx.Err())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rep := c.report
	if rep == nil {
		return nil, errors.Join(stopErr, c.err)
	}
	if stopErr != nil {
		rep.Add(finding.Finding{Rule: consume.RuleIncomplete, Severity: finding.Violation, Message: stopErr.Error()})
	}
	if inc := rep.Consumed.Incomplete; len(inc) > 0 {
		stopErr = errors.Join(stopErr, fmt.Errorf("stop collecting %s: behind the end offsets: %v", c.b.Info().Topic, inc))
	}
	return rep, errors.Join(stopErr, c.err)
}
