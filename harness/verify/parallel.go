package verify

import (
	"runtime"
	"sync"
	"time"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/record"
)

// A Stream judges records on several workers and applies them to the pipeline's report and
// checker in the order they were added, so the verdict is the one Judge would give. Records are
// added in batches (recycled, so memory does not grow with the stream); the judging of a batch
// against the schemas only reads the pipeline, and one goroutine applies batches in order.
type Stream struct {
	p     *Pipeline
	mu    sync.Mutex // guards cur and seq: Add and the flush ticker both fill batches
	cur   *batch
	seq   uint64
	free  chan *batch
	work  chan *batch
	order chan *batch

	workers sync.WaitGroup
	applied chan struct{} // closed when the applier has applied the last batch
	stop    chan struct{} // stops the flush ticker
	closed  bool
}

const (
	batchRecords = 256
	batchBytes   = 64 << 10
)

type batch struct {
	recs    []record.Record
	out     []contract.Result
	buf     []byte // the records' values, copied out of the caller's buffers
	first   uint64 // the sequence number of recs[0]
	judged  chan struct{}
	applied chan struct{}
}

// Stream starts judging records on workers goroutines (GOMAXPROCS when 0 or less). A batch that
// is not full is applied after at most flushEvery (never, when 0), so that a slow stream's
// findings are not held back. Call Close when the stream ends, and Sync before using the
// pipeline (Report, AddRun, Forget, Finish) while it runs.
func (p *Pipeline) Stream(workers int, flushEvery time.Duration) *Stream {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	inflight := 2 * (workers + 1)
	s := &Stream{p: p, seq: p.seq, free: make(chan *batch, inflight), work: make(chan *batch, inflight),
		order: make(chan *batch, inflight), applied: make(chan struct{}), stop: make(chan struct{})}
	for range inflight {
		s.free <- &batch{buf: make([]byte, 0, batchBytes), out: make([]contract.Result, 0, batchRecords)}
	}
	s.cur = s.next()
	for range workers {
		s.workers.Add(1)
		go s.judge()
	}
	go s.apply()
	if flushEvery > 0 {
		go s.tick(flushEvery)
	}
	return s
}

func (s *Stream) next() *batch {
	b := <-s.free
	b.recs, b.out, b.buf, b.first = b.recs[:0], b.out[:0], b.buf[:0], s.seq+1
	b.judged, b.applied = make(chan struct{}), make(chan struct{})
	return b
}

// Add copies a record into the stream. Its value may be reused once Add returns.
func (s *Stream) Add(rec record.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.cur
	if rec.Value != nil {
		start := len(b.buf)
		b.buf = append(b.buf, rec.Value...)
		rec.Value = b.buf[start:len(b.buf):len(b.buf)]
	}
	b.recs = append(b.recs, rec)
	s.seq++
	if len(b.recs) == batchRecords || len(b.buf) >= batchBytes {
		s.dispatch()
	}
}

// dispatch sends the current batch, even an empty one, to be judged and applied. s.mu is held.
func (s *Stream) dispatch() *batch {
	b := s.cur
	s.order <- b
	s.work <- b
	s.cur = s.next()
	return b
}

// Sync returns once every record added so far has been applied.
func (s *Stream) Sync() {
	s.mu.Lock()
	b := s.dispatch()
	s.mu.Unlock()
	<-b.applied
}

// Close applies every record added, and stops the stream's goroutines. It is idempotent.
func (s *Stream) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.stop)
	if len(s.cur.recs) > 0 {
		s.dispatch()
	}
	close(s.work)
	close(s.order)
	s.mu.Unlock()
	s.workers.Wait()
	<-s.applied
}

func (s *Stream) judge() {
	defer s.workers.Done()
	c := s.p.checker()
	for b := range s.work {
		b.out = b.out[:len(b.recs)]
		for i := range b.recs {
			b.out[i] = s.p.judge(b.recs[i], b.first+uint64(i), c)
		}
		close(b.judged)
	}
}

func (s *Stream) apply() {
	defer close(s.applied)
	for b := range s.order {
		<-b.judged
		for i := range b.recs {
			s.p.apply(&b.recs[i], &b.out[i])
		}
		s.p.seq += uint64(len(b.recs))
		close(b.applied)
		s.free <- b
	}
}

func (s *Stream) tick(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.mu.Lock()
			if !s.closed && len(s.cur.recs) > 0 {
				s.dispatch()
			}
			s.mu.Unlock()
		}
	}
}
