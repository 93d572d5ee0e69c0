package main

import (
	"context"
	"sync"
	"time"

	"github.com/voice-agentstate/conformance/harness/sut"
)

// latePublisher publishes every message delay after it was handed over, in the order handed
// over: a producer that answers first and publishes later, as a service with an outbox does.
type latePublisher struct {
	pub   sut.Publisher
	delay time.Duration
	queue chan message
	done  sync.WaitGroup
}

type message struct {
	due   time.Time
	key   string
	value []byte
}

func newLatePublisher(pub sut.Publisher, delay time.Duration) *latePublisher {
	l := &latePublisher{pub: pub, delay: delay, queue: make(chan message, 4096)}
	l.done.Add(1)
	go l.run()
	return l
}

// Publish queues the message and returns at once.
func (l *latePublisher) Publish(_ context.Context, key string, value []byte) error {
	l.queue <- message{due: time.Now().Add(l.delay), key: key, value: append([]byte(nil), value...)}
	return nil
}

func (l *latePublisher) run() {
	defer l.done.Done()
	for m := range l.queue {
		time.Sleep(time.Until(m.due))
		_ = l.pub.Publish(context.Background(), m.key, m.value) // a lost message shows as a missing event
	}
}

func (l *latePublisher) close() {
	close(l.queue)
	l.done.Wait()
}
