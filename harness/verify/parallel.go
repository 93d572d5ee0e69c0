package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/voice-agentstate/conformance/harness/record"
)

// The parallel reading of one input: a reader fills batches of records, workers judge each
// batch against the schemas (judge only reads the pipeline), and the caller applies the batches
// to the report and the checker in the order they were read. A fixed number of batches is
// recycled, so memory does not grow with the input.

const (
	batchRecords = 256
	batchBytes   = 64 << 10
)

type batch struct {
	recs  []record.Record
	out   []judged
	buf   []byte // the records' values, copied out of the reader's buffer
	first uint64 // the sequence number of recs[0]
	done  chan struct{}
}

func (b *batch) reset(first uint64) {
	b.recs, b.out, b.buf, b.first = b.recs[:0], b.out[:0], b.buf[:0], first
	b.done = make(chan struct{})
}

// add copies a record into the batch and says whether the batch is full.
func (b *batch) add(rec record.Record) bool {
	if rec.Value != nil {
		start := len(b.buf)
		b.buf = append(b.buf, rec.Value...)
		rec.Value = b.buf[start:len(b.buf):len(b.buf)]
	}
	b.recs = append(b.recs, rec)
	return len(b.recs) == batchRecords || len(b.buf) >= batchBytes
}

func (p *Pipeline) readParallel(ctx context.Context, in Input, workers int) error {
	inflight := 2 * (workers + 1)
	free := make(chan *batch, inflight)
	for range inflight {
		free <- &batch{buf: make([]byte, 0, batchBytes+record.MaxLine/16)}
	}
	work := make(chan *batch, inflight)
	order := make(chan *batch, inflight)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				b.out = b.out[:len(b.recs)]
				for i := range b.recs {
					b.out[i] = p.judge(b.recs[i], b.first+uint64(i))
				}
				close(b.done)
			}
		}()
	}
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		readErr = p.fill(ctx, in, free, work, order)
	}()
	for b := range order {
		<-b.done
		for i := range b.recs {
			p.apply(b.recs[i], b.out[i])
		}
		p.seq += uint64(len(b.recs))
		free <- b
	}
	wg.Wait()
	return readErr
}

// fill reads the input into batches, sending each to the workers and, in order, to the caller.
func (p *Pipeline) fill(ctx context.Context, in Input, free <-chan *batch, work, order chan<- *batch) error {
	rd := record.NewReader(in.R, in.Name)
	seq := p.seq + 1
	b := <-free
	b.reset(seq)
	send := func() {
		if cap(b.out) < len(b.recs) {
			b.out = make([]judged, 0, batchRecords)
		}
		seq += uint64(len(b.recs))
		order <- b
		work <- b
		b = <-free
		b.reset(seq)
	}
	defer func() {
		if len(b.recs) > 0 { // every record read is judged and counted, even when the run stops
			send()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("verify %s: %w", in.Name, err)
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", in.Name, err)
		}
		if b.add(rec) {
			send()
		}
	}
}
