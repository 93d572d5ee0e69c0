package consume

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/report"
)

// groupOpts join the consumer group. Rebalances are held back while a batch is judged, and
// offsets are committed before one may happen, so a partition changes hands cleanly: the next
// owner starts where this one stopped, and no record is judged twice.
func (c *consumer) groupOpts() []kgo.Opt {
	c.owned = map[int32]bool{}
	reset := kgo.NewOffset().AtStart()
	switch c.opts.From.kind {
	case startLatest:
		reset = kgo.NewOffset().AtEnd()
	case startTime:
		reset = kgo.NewOffset().AfterMilli(c.opts.From.at.UnixMilli())
	}
	return []kgo.Opt{
		kgo.ConsumerGroup(c.opts.Group), kgo.ConsumeTopics(c.opts.Topic), kgo.ConsumeResetOffset(reset),
		kgo.BlockRebalanceOnPoll(), kgo.DisableAutoCommit(),
		kgo.OnPartitionsAssigned(c.assigned),
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, m map[string][]int32) { c.taken("revoked", m) }),
		kgo.OnPartitionsLost(func(ctx context.Context, cl *kgo.Client, m map[string][]int32) { c.taken("lost", m) }),
	}
}

// assigned records new partitions and where this observer starts in each: the group's committed
// offset, or the start offset listed when consumption began.
func (c *consumer) assigned(ctx context.Context, cl *kgo.Client, m map[string][]int32) {
	committed, err := kadm.NewClient(cl).FetchOffsets(ctx, c.opts.Group)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last, c.assignedOnce = time.Now(), true
	for _, p := range sorted(m[c.opts.Topic]) {
		c.owned[p] = true
		next := int64(-1)
		if o, ok := committed.Lookup(c.opts.Topic, p); err == nil && ok && o.At >= 0 {
			next = o.At
		} else if start, ok := c.listed[p]; ok {
			next = start
		}
		if next >= 0 {
			c.next[p] = next
		}
		c.res.Handovers = append(c.res.Handovers, report.Handover{Partition: p, Kind: "assigned", Next: next})
	}
}

// taken forgets partitions a rebalance took away, and lets the caller drop their state.
func (c *consumer) taken(kind string, m map[string][]int32) {
	ps := sorted(m[c.opts.Topic])
	c.mu.Lock()
	for _, p := range ps {
		next, ok := c.next[p]
		if !ok {
			next = -1
		}
		delete(c.owned, p)
		delete(c.next, p)
		c.res.Handovers = append(c.res.Handovers, report.Handover{Partition: p, Kind: kind, Next: next})
	}
	c.mu.Unlock()
	if c.opts.OnRevoke != nil && len(ps) > 0 {
		c.opts.OnRevoke(ps)
	}
}

// commit, in group mode, commits what was judged and then lets a pending rebalance proceed.
func (c *consumer) commit(ctx context.Context, cl *kgo.Client) error {
	if c.opts.Group == "" {
		return nil
	}
	defer cl.AllowRebalance()
	if err := cl.CommitUncommittedOffsets(ctx); err != nil && ctx.Err() == nil {
		return fmt.Errorf("commit offsets of group %s: %w", c.opts.Group, err)
	}
	return nil
}

// leave commits once more and leaves the group, so the partitions go to the others at once.
func (c *consumer) leave(cl *kgo.Client) error {
	if c.opts.Group == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.Idle)
	defer cancel()
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		return fmt.Errorf("commit offsets of group %s: %w", c.opts.Group, err)
	}
	cl.AllowRebalance()
	return cl.LeaveGroupContext(ctx)
}

func sorted(ps []int32) []int32 {
	out := append([]int32(nil), ps...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
