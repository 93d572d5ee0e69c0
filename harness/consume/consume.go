// Package consume reads the voice-agentstate topic exactly: from a chosen start, in partition
// order, with per-partition accounting (first and last offset, count, gaps, re-deliveries), and
// hands every record to a sink. No consumed record is dropped without being counted.
package consume

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/record"
	"github.com/voice-agentstate/conformance/harness/report"
)

// Start says where consumption begins.
type Start struct {
	kind startKind
	at   time.Time
}

type startKind int

const (
	startEarliest startKind = iota
	startLatest
	startTime
)

// Earliest starts at the oldest record still on the topic; Latest at the next record produced.
var (
	Earliest = Start{kind: startEarliest}
	Latest   = Start{kind: startLatest}
)

// At starts at the first record produced at or after t.
func At(t time.Time) Start { return Start{kind: startTime, at: t} }

// ParseStart reads earliest, latest or an RFC 3339 time.
func ParseStart(s string) (Start, error) {
	switch s {
	case "earliest", "":
		return Earliest, nil
	case "latest":
		return Latest, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return Start{}, fmt.Errorf("start %q: expected earliest, latest or an RFC 3339 time such as 2026-11-25T10:00:00Z", s)
	}
	return At(t), nil
}

// String renders the start as ParseStart reads it.
func (s Start) String() string {
	switch s.kind {
	case startLatest:
		return "latest"
	case startTime:
		return s.at.Format(time.RFC3339)
	}
	return "earliest"
}

// Options say what to consume and when to stop.
type Options struct {
	Topic     string                      // default voice-agentstate
	From      Start                       // where to begin, unless Offsets is set
	Offsets   map[int32]int64             // exact start offsets per partition, e.g. end offsets recorded before a scenario
	MaxEvents int                         // stop after this many records; 0: no limit
	Duration  time.Duration               // stop after this long; 0: no limit
	UntilEnd  bool                        // stop at the end offsets listed when consumption starts
	Idle      time.Duration               // with UntilEnd: give up when nothing arrives for this long (default 10s)
	Quiet     time.Duration               // stop once nothing has arrived for this long; 0: never
	Capture   func(record.Envelope) error // called with every record consumed, before the sink
	// Stop, when closed, ends the run as a quiet topic does: the end offsets are listed then, and
	// the run returns once it has caught up with them (incomplete if it cannot).
	Stop <-chan struct{}
	// Progress, if set, is told each time a partition's position moves: past a record judged, a
	// transaction marker counted, or a range deleted ahead. It is called between records; it
	// must not call back into the consumption.
	Progress func(partition int32, next int64)

	// Group joins a consumer group of that name: several observers share the partitions. Offsets
	// are committed after each batch, before any rebalance may take partitions away.
	Group string
	// OnRevoke is called, between batches, with the partitions a rebalance took away, so that
	// state kept for them can be dropped.
	OnRevoke func(partitions []int32)
}

// Result is what a consumption did.
type Result struct {
	Records    int                         // records handed to the sink
	Partitions map[int32]*report.Partition // accounting per partition
	Stopped    string                      // why consumption stopped
	Incomplete []string                    // partitions that did not reach the end offset they were held to
	Handovers  []report.Handover           // partitions assigned to or taken from this consumer, in group mode

	// Starts holds, for every partition of the topic, the offset the run was responsible from
	// when it started: the group's committed offset, or the --from position resolved then.
	Starts map[int32]int64
	// Ends holds the offset the run was responsible up to (exclusive): the end offsets listed at
	// the stop (or at the start with UntilEnd), for every partition; after a --max-events stop or
	// an interruption, the position reached in each partition read.
	Ends map[int32]int64
}

// Run consumes from the broker and calls sink with each record, one at a time, in partition
// order. It returns when a stop condition is met or ctx is done; the Result is valid in every case.
func Run(ctx context.Context, b broker.Broker, opts Options, sink func(record.Record)) (Result, error) {
	if opts.Topic == "" {
		opts.Topic = broker.DefaultTopic
	}
	if opts.Idle <= 0 {
		opts.Idle = 10 * time.Second
	}
	if opts.Group != "" && opts.Offsets != nil {
		return Result{}, errors.New("consume: a consumer group starts at its committed offsets; explicit start offsets cannot be given with a group")
	}
	res := Result{Partitions: map[int32]*report.Partition{}}
	c := &consumer{opts: opts, res: &res, sink: sink, next: map[int32]int64{}, last: time.Now(), began: time.Now()}
	if err := c.plan(ctx, b); err != nil {
		return res, err
	}
	consumeOpts := []kgo.Opt{kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{opts.Topic: c.starts})}
	if opts.Group != "" {
		consumeOpts = c.groupOpts()
	}
	// Read uncommitted, with the transaction markers kept: then every offset arrives, as a record
	// judged or as a control record counted, and an offset that never arrives is a gap.
	consumeOpts = append(consumeOpts, kgo.FetchIsolationLevel(kgo.ReadUncommitted()), kgo.KeepControlRecords())
	cl, err := broker.NewClient(b, consumeOpts...)
	if err != nil {
		return res, err
	}
	defer cl.Close()
	err = errors.Join(c.loop(ctx, cl), c.leave(cl))
	c.recordEnds()
	return res, err
}

type consumer struct {
	mu           sync.Mutex // guards next, owned and res against the group's rebalance callbacks
	owned        map[int32]bool
	opts         Options
	res          *Result
	sink         func(record.Record)
	starts       map[int32]kgo.Offset
	next         map[int32]int64 // the next offset expected per partition, once known
	listed       map[int32]int64 // start offsets listed when consumption began
	last         time.Time       // when the last record arrived or partitions were assigned, or consumption began
	began        time.Time
	assignedOnce bool            // in group mode: the group assigned this consumer partitions at least once
	ends         map[int32]int64 // where to stop: with UntilEnd from the start, otherwise once settling
	settling     string          // why the run is stopping, while it catches up with the ends listed then
}

// plan resolves the start offsets of every partition, and the end offsets when UntilEnd.
func (c *consumer) plan(ctx context.Context, b broker.Broker) error {
	cl, err := broker.NewClient(b)
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	var listed kadm.ListedOffsets
	switch {
	case c.opts.Offsets != nil:
		listed = kadm.ListedOffsets{}
	case c.opts.From.kind == startLatest:
		listed, err = adm.ListEndOffsets(ctx, c.opts.Topic)
	case c.opts.From.kind == startTime:
		listed, err = adm.ListOffsetsAfterMilli(ctx, c.opts.From.at.UnixMilli(), c.opts.Topic)
	default:
		listed, err = adm.ListStartOffsets(ctx, c.opts.Topic)
	}
	if err == nil {
		err = listed.Error()
	}
	if err != nil {
		return fmt.Errorf("list start offsets of %s: %w", c.opts.Topic, err)
	}
	c.starts, c.listed = map[int32]kgo.Offset{}, map[int32]int64{}
	listed.Each(func(o kadm.ListedOffset) {
		c.starts[o.Partition], c.listed[o.Partition] = kgo.NewOffset().At(o.Offset), o.Offset
		if c.opts.Group == "" {
			c.next[o.Partition] = o.Offset
		}
	})
	for p, off := range c.opts.Offsets {
		c.starts[p], c.next[p] = kgo.NewOffset().At(off), off
	}
	if len(c.starts) == 0 {
		return fmt.Errorf("consume %s: the topic has no partitions to read", c.opts.Topic)
	}
	if err := c.recordStarts(ctx, adm); err != nil {
		return err
	}
	if !c.opts.UntilEnd {
		return nil
	}
	ends, err := adm.ListEndOffsets(ctx, c.opts.Topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return fmt.Errorf("list end offsets of %s: %w", c.opts.Topic, err)
	}
	c.ends = map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) { c.ends[o.Partition] = o.Offset })
	return nil
}

// recordStarts notes, for every partition of the topic, where this run's responsibility begins:
// the offset it starts at, or in a group the group's committed offset (the listed start when the
// group has none), so that merge knows where the group began even for partitions this observer
// never owned.
func (c *consumer) recordStarts(ctx context.Context, adm *kadm.Client) error {
	c.res.Starts = map[int32]int64{}
	for p := range c.starts {
		if off, ok := c.listed[p]; ok {
			c.res.Starts[p] = off
		}
		if off, ok := c.opts.Offsets[p]; ok {
			c.res.Starts[p] = off
		}
	}
	if c.opts.Group == "" {
		return nil
	}
	committed, err := fetchCommitted(ctx, adm, c.opts.Group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return nil // a new group: it starts where --from says
	}
	if err != nil {
		return fmt.Errorf("fetch committed offsets of group %s: %w", c.opts.Group, err)
	}
	committed.Each(func(o kadm.OffsetResponse) {
		if _, ours := c.res.Starts[o.Partition]; ours && o.Topic == c.opts.Topic && o.At >= 0 {
			c.res.Starts[o.Partition] = o.At
		}
	})
	return nil
}

// coordinatorWait bounds how long a group member asks again for its group's committed offsets
// while the coordinator is not ready: a cluster that has just started answers
// COORDINATOR_NOT_AVAILABLE until its __consumer_offsets topic is up.
const coordinatorWait = 30 * time.Second

// fetchCommitted fetches a group's committed offsets, asking again while the answer is an error
// Kafka calls retriable (the coordinator not available, loading, or moved), for coordinatorWait.
func fetchCommitted(ctx context.Context, adm *kadm.Client, group string) (kadm.OffsetResponses, error) {
	ctx, cancel := context.WithTimeout(ctx, coordinatorWait)
	defer cancel()
	return retry(ctx, 250*time.Millisecond, kerr.IsRetriable, func() (kadm.OffsetResponses, error) {
		committed, err := adm.FetchOffsets(ctx, group)
		if err == nil {
			err = committed.Error()
		}
		return committed, err
	})
}

// retry calls f until it succeeds, ctx ends, or it fails with an error again does not accept,
// pausing between calls; it returns f's last answer.
func retry[T any](ctx context.Context, pause time.Duration, again func(error) bool, f func() (T, error)) (T, error) {
	for {
		v, err := f()
		if err == nil || !again(err) || ctx.Err() != nil {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(pause):
		}
	}
}

// recordEnds fills in, when the run listed no end offsets, where its responsibility ends: the
// position reached in each partition it read.
func (c *consumer) recordEnds() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ends != nil {
		c.res.Ends = maps.Clone(c.ends)
		return
	}
	c.res.Ends = map[int32]int64{}
	for p, next := range c.next {
		if c.owned == nil || c.owned[p] {
			c.res.Ends[p] = next
		}
	}
}

// loop polls until a stop condition is met. The window is ctx bounded by --duration; once a
// quiet or duration stop has listed the end offsets, polling goes on under ctx alone until the
// run has caught up with them.
func (c *consumer) loop(ctx context.Context, cl *kgo.Client) error {
	window := ctx
	if c.opts.Duration > 0 {
		var cancel context.CancelFunc
		window, cancel = context.WithTimeout(ctx, c.opts.Duration)
		defer cancel()
	}
	if c.opts.Stop != nil {
		var cancel context.CancelCauseFunc
		window, cancel = context.WithCancelCause(window)
		defer cancel(nil)
		go func() {
			select {
			case <-c.opts.Stop:
				cancel(errStopped)
			case <-window.Done():
			}
		}()
	}
	for {
		if reason := c.done(); reason != "" {
			c.res.Stopped = reason
			return nil
		}
		pollIn := window
		if c.settling != "" {
			pollIn = ctx
		}
		fetches := c.poll(pollIn, cl)
		if err := c.take(fetches); err != nil {
			return err
		}
		if err := c.commit(ctx, cl); err != nil {
			return err
		}
		if stop, err := c.stopped(ctx, window, cl, fetches); stop {
			return err
		}
	}
}

// errStopped is the cause of the window's end when Options.Stop was closed.
var errStopped = errors.New("stopped by the caller")

// endProbe is how often a run held to end offsets looks again at the partitions' bounds while
// nothing arrives.
const endProbe = time.Second

// poll waits for records at most the idle time, until the quiet time would be up, or, when held
// to end offsets, until it is time to look at the bounds again.
func (c *consumer) poll(ctx context.Context, cl *kgo.Client) kgo.Fetches {
	wait := c.opts.Idle
	if c.opts.Quiet > 0 && c.settling == "" {
		wait = min(wait, c.opts.Quiet-c.sinceLast())
	}
	if c.ends != nil {
		wait = min(wait, endProbe)
	}
	pollCtx, cancel := context.WithTimeout(ctx, max(wait, time.Millisecond))
	defer cancel()
	fetches := cl.PollFetches(pollCtx)
	if fetches.NumRecords() > 0 {
		c.touch()
	}
	return fetches
}

// touch notes that something happened: a record arrived, or partitions were assigned, so that
// --stop-when-quiet counts quiet from then (a new group's first assignment may take seconds).
func (c *consumer) touch() {
	c.mu.Lock()
	c.last = time.Now()
	c.mu.Unlock()
}

func (c *consumer) sinceLast() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Since(c.last)
}

// groupJoinGrace is how long a member of a consumer group may wait for its first assignment
// before --stop-when-quiet starts counting: a real broker holds a new group's first assignment
// back (group.initial.rebalance.delay.ms, 3 s by default, again as members join).
const groupJoinGrace = 30 * time.Second

// quietFor is how long the topic has been quiet for this consumer; in group mode the clock only
// runs once the group has assigned partitions, so joining never counts as quiet.
func (c *consumer) quietFor() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opts.Group != "" && !c.assignedOnce {
		return 0
	}
	return time.Since(c.last)
}

// neverAssigned says whether a group member has waited past the grace for any assignment.
func (c *consumer) neverAssigned() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opts.Group != "" && !c.assignedOnce && time.Since(c.began) >= groupJoinGrace+c.opts.Quiet
}

// stopped decides, after a poll, whether the run ends. An interruption ends it at once. A quiet
// topic, the end of --duration or a group that assigns nothing start settling: the run lists the
// end offsets then and goes on until it has caught up with them. With end offsets to reach
// (UntilEnd, or settling), a poll that brings nothing for the idle time ends the run, and every
// partition still behind is incomplete.
func (c *consumer) stopped(ctx, window context.Context, cl *kgo.Client, fetches kgo.Fetches) (bool, error) {
	switch {
	case ctx.Err() != nil:
		c.res.Stopped = "interrupted"
		return true, ctx.Err()
	case c.settling != "": // already settling: only catching up, or giving up, remains
	case errors.Is(context.Cause(window), errStopped):
		return c.settle(ctx, cl, "stopped by the caller")
	case window.Err() != nil:
		return c.settle(ctx, cl, "duration "+c.opts.Duration.String()+" elapsed")
	case c.opts.Quiet > 0 && c.quietFor() >= c.opts.Quiet:
		return c.settle(ctx, cl, "nothing arrived for "+c.opts.Quiet.String()+" (quiet)")
	case c.opts.Quiet > 0 && c.neverAssigned():
		return c.settle(ctx, cl, fmt.Sprintf("the group assigned no partition within %s", groupJoinGrace+c.opts.Quiet))
	}
	if fetches.NumRecords() > 0 || c.ends == nil || fetches.IsClientClosed() {
		return false, nil
	}
	// Nothing came: a partition may be behind only because its records were deleted ahead.
	if _, err := c.listBounds(ctx, cl); err != nil {
		c.res.Stopped = "nothing arrived, and the broker did not list its offsets"
		return true, err
	}
	if c.sinceLast() < c.opts.Idle {
		return false, nil
	}
	c.res.Stopped = "nothing arrived for " + c.opts.Idle.String()
	if c.settling != "" {
		c.res.Stopped = c.settling + ", then " + c.res.Stopped + " while behind the end offsets listed at the stop"
	}
	c.res.Incomplete = c.short()
	return true, nil
}

// settle starts the end of a run: it lists the partitions' bounds now, accounts for any range
// deleted ahead of the reader, and holds the run to the end offsets listed. A broker that does
// not list them within the idle time fails the run: without them nothing proves it caught up.
func (c *consumer) settle(ctx context.Context, cl *kgo.Client, reason string) (bool, error) {
	c.settling = reason
	ends, err := c.listBounds(ctx, cl)
	if err != nil {
		c.res.Stopped = reason + "; the broker did not list its offsets"
		return true, err
	}
	c.mu.Lock()
	if c.ends == nil { // with UntilEnd, the ends listed at the start still bound the run
		c.ends = ends
	}
	c.last = time.Now()
	c.mu.Unlock()
	return false, nil
}

// listBounds lists the start and end offsets of the topic, within the idle time. A partition
// whose records before its start offset were never read lost them (retention, DeleteRecords):
// that range is a gap, and the partition's position moves to the start. It returns the ends.
func (c *consumer) listBounds(ctx context.Context, cl *kgo.Client) (map[int32]int64, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Idle)
	defer cancel()
	adm := kadm.NewClient(cl)
	starts, err := listOffsets(ctx, func() (kadm.ListedOffsets, error) { return adm.ListStartOffsets(ctx, c.opts.Topic) })
	if err != nil {
		return nil, fmt.Errorf("list start offsets of %s at the stop, within %s: %w", c.opts.Topic, c.opts.Idle, err)
	}
	ends, err := listOffsets(ctx, func() (kadm.ListedOffsets, error) { return adm.ListEndOffsets(ctx, c.opts.Topic) })
	if err != nil {
		return nil, fmt.Errorf("list end offsets of %s at the stop, within %s: %w", c.opts.Topic, c.opts.Idle, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	starts.Each(func(o kadm.ListedOffset) { c.skipDeleted(o.Partition, o.Offset) })
	out := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) { out[o.Partition] = o.Offset })
	return out, nil
}

// listOffsets lists offsets until the broker answers or ctx ends: a broker restarting refuses
// connections for a while, and the stop waits for it as long as it waits for records.
func listOffsets(ctx context.Context, list func() (kadm.ListedOffsets, error)) (kadm.ListedOffsets, error) {
	always := func(error) bool { return true }
	return retry(ctx, 100*time.Millisecond, always, func() (kadm.ListedOffsets, error) {
		listed, err := list()
		if err == nil {
			err = listed.Error()
		}
		return listed, err
	})
}

// skipDeleted records offsets below a partition's start offset that were never read as a gap,
// and moves the position past them. Callers hold c.mu.
func (c *consumer) skipDeleted(p int32, start int64) {
	if c.owned != nil && !c.owned[p] {
		return
	}
	if next, known := c.next[p]; known && next < start {
		c.lostLocked(p, next, start)
	}
}

// take hands each record of a poll to the sink, partition by partition, skipping re-deliveries.
func (c *consumer) take(fetches kgo.Fetches) error {
	var fatal error
	fetches.EachError(func(topic string, p int32, err error) {
		var loss *kgo.ErrDataLoss
		// franz-go resets a partition whose offset the broker no longer serves. Forwards, the
		// offsets skipped are lost; backwards (as after some leader changes), what follows is
		// re-delivered, which the accounting already skips as such.
		if errors.As(err, &loss) && loss.ResetTo > loss.ConsumedTo {
			c.lost(p, loss.ConsumedTo, loss.ResetTo)
		}
		if isFatal(err) {
			fatal = fmt.Errorf("consume %s partition %d: %w", topic, p, err)
		}
	})
	if fatal != nil {
		return fatal
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fetches.EachRecord(func(r *kgo.Record) {
		if c.opts.MaxEvents > 0 && c.res.Records >= c.opts.MaxEvents {
			return
		}
		c.one(r)
	})
	return nil
}

// isFatal says whether a fetch error ends the run. franz-go retries what can be retried (lost
// connections, leader changes) by itself; what it hands back, such as an authorization failure,
// will not heal. Data loss is recorded in the accounting instead.
func isFatal(err error) bool {
	var loss *kgo.ErrDataLoss
	return !errors.Is(err, kgo.ErrClientClosed) && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, context.DeadlineExceeded) && !errors.As(err, &loss)
}

// lost records offsets the broker no longer had as data loss and, from the position on, as a
// gap; the position moves to where the client resumed.
func (c *consumer) lost(p int32, from, to int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lostLocked(p, from, to)
}

// lostLocked is lost for callers that hold c.mu.
func (c *consumer) lostLocked(p int32, from, to int64) {
	acct := c.account(p, to)
	acct.DataLoss = append(acct.DataLoss, report.Gap{From: from, To: to - 1})
	if next, known := c.next[p]; known && next < to {
		acct.Gaps = append(acct.Gaps, report.Gap{From: next, To: to - 1})
		c.advance(p, to)
	}
}

// advance moves a partition's position and tells Progress. Callers hold c.mu.
func (c *consumer) advance(p int32, next int64) {
	c.next[p] = next
	if c.opts.Progress != nil {
		c.opts.Progress(p, next)
	}
}

func (c *consumer) account(p int32, first int64) *report.Partition {
	acct := c.res.Partitions[p]
	if acct == nil {
		acct = &report.Partition{First: first, Last: -1}
		c.res.Partitions[p] = acct
	}
	return acct
}

func (c *consumer) one(r *kgo.Record) {
	acct := c.account(r.Partition, r.Offset)
	next, known := c.next[r.Partition]
	if known && r.Offset < next {
		acct.Redelivered++
		return
	}
	if known && r.Offset > next {
		acct.Gaps = append(acct.Gaps, report.Gap{From: next, To: r.Offset - 1})
	}
	if n := len(acct.Segments); known && r.Offset == next && n > 0 && acct.Segments[n-1].To == r.Offset-1 {
		acct.Segments[n-1].To = r.Offset
	} else {
		acct.Segments = append(acct.Segments, report.Gap{From: r.Offset, To: r.Offset})
	}
	// The position moves once the record is judged, so that whoever Progress tells finds it.
	defer c.advance(r.Partition, r.Offset+1)
	if r.Attrs.IsControl() {
		acct.Control++
		return
	}
	acct.Last, acct.Count = r.Offset, acct.Count+1
	env := envelope(r)
	if c.opts.Capture != nil {
		if err := c.opts.Capture(env); err != nil {
			acct.CaptureErrors++
		}
	}
	c.res.Records++
	c.sink(record.FromKafka(env))
}

func envelope(r *kgo.Record) record.Envelope {
	e := record.Envelope{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp, Key: r.Key, Value: r.Value}
	for _, h := range r.Headers {
		e.Headers = append(e.Headers, record.Header{Key: h.Key, Value: h.Value})
	}
	return e
}

// done returns why consumption is over, or "".
func (c *consumer) done() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opts.MaxEvents > 0 && c.res.Records >= c.opts.MaxEvents {
		return fmt.Sprintf("read %d events, the most asked for", c.opts.MaxEvents)
	}
	if c.opts.Group != "" && len(c.owned) == 0 && c.settling == "" {
		return ""
	}
	switch {
	case c.ends == nil || len(c.shortLocked()) > 0:
		return ""
	case c.settling != "":
		return c.settling + ", then caught up with the end offsets listed at the stop"
	}
	return "reached the end offsets listed at start"
}

// short lists the partitions still short of their end offset: in group mode, of those owned.
func (c *consumer) short() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shortLocked()
}

func (c *consumer) shortLocked() []string {
	var out []string
	for p, end := range c.ends {
		if c.owned != nil && !c.owned[p] {
			continue
		}
		if next := c.next[p]; next < end {
			out = append(out, fmt.Sprintf("partition %d at offset %d of %d", p, next, end))
		}
	}
	sort.Strings(out)
	return out
}
