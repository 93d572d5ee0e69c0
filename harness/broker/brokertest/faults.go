package brokertest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/voice-agentstate/conformance/harness/broker"
)

// StallAfterFirstFetch freezes the whole broker for d once, on the first fetch after the first
// one: kfake runs control functions in its only loop, so nothing is answered meanwhile, as with a
// broker process stopped by SIGSTOP. It returns how many times the stall fired.
func StallAfterFirstFetch(b *broker.EmbeddedBroker, d time.Duration) *atomic.Int64 {
	c := b.Cluster()
	var fetches, fired atomic.Int64
	c.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if fetches.Add(1) == 2 {
			fired.Add(1)
			time.Sleep(d)
		}
		return nil, nil, false
	})
	return &fired
}

// DeleteAtFirstFetch deletes, in each partition named, the records before the offset given,
// while the consumer's first fetch waits: they disappear after the consumer listed its start
// offsets and before it read them, as retention or DeleteRecords may do.
func DeleteAtFirstFetch(t testing.TB, b *broker.EmbeddedBroker, before map[int32]int64) {
	t.Helper()
	c := b.Cluster()
	var once atomic.Bool
	c.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if !once.Swap(true) {
			c.SleepControl(func() { deleteRecords(t, b, before) })
		}
		return nil, nil, false
	})
}

func deleteRecords(t testing.TB, b broker.Broker, before map[int32]int64) {
	cl, err := broker.NewClient(b)
	if err != nil {
		t.Error(err)
		return
	}
	defer cl.Close()
	offs := kadm.Offsets{}
	for p, at := range before {
		offs.Add(kadm.Offset{Topic: b.Info().Topic, Partition: p, At: at})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := kadm.NewClient(cl).DeleteRecords(ctx, offs)
	if err == nil {
		err = res.Error()
	}
	if err != nil {
		t.Errorf("delete records: %v", err)
	}
}

// FailFetches answers every fetch with the retriable NOT_LEADER_OR_FOLLOWER, after the first
// `after` fetches, until release is called: the consumer sees no record meanwhile.
func FailFetches(b *broker.EmbeddedBroker, after int64) (release func()) {
	c := b.Cluster()
	var fetches atomic.Int64
	var released atomic.Bool
	c.ControlKey(int16(kmsg.Fetch), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if released.Load() || fetches.Add(1) <= after {
			return nil, nil, false
		}
		return NotLeader(req.(*kmsg.FetchRequest)), nil, true
	})
	return func() { released.Store(true) }
}

// NotLeader is the answer to fr that a broker gives when it no longer leads any partition asked
// for: NOT_LEADER_OR_FOLLOWER, which a consumer retries.
func NotLeader(fr *kmsg.FetchRequest) *kmsg.FetchResponse {
	resp := fr.ResponseKind().(*kmsg.FetchResponse)
	for _, rt := range fr.Topics {
		st := kmsg.NewFetchResponseTopic()
		st.Topic, st.TopicID = rt.Topic, rt.TopicID
		for _, rp := range rt.Partitions {
			sp := kmsg.NewFetchResponseTopicPartition()
			sp.Partition, sp.ErrorCode = rp.Partition, 6 // NOT_LEADER_OR_FOLLOWER: retriable
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}

// DeleteRecords deletes, in each partition named, the records before the offset given.
func DeleteRecords(t testing.TB, b broker.Broker, before map[int32]int64) {
	t.Helper()
	deleteRecords(t, b, before)
}
