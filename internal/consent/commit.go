package consent

import (
	"context"
	"sync"
	"time"

	"github.com/notis-dev/notis/internal/consent/store"
)

// committer turns concurrent requests into group commits: it takes
// whatever is queued, stores it in one transaction, acknowledges every
// request in it, and repeats. Requests that arrive while a commit runs go
// into the next one. There is no batching window, so a lone request waits
// for one commit and no more (research §2.7: a fixed window costs 2.5 ms at
// low load and wins only at very high concurrency).
//
// A store that splits committing from flushing (store.Flusher, SQLite)
// has its batches written by one goroutine and flushed by another, so
// batch n+1 is written while batch n's fsync runs; the writer is at most
// one batch ahead, so batches stay large. Other stores (PostgreSQL) commit
// one batch at a time: two or more committing goroutines were measured
// slower, in throughput and in latency at a fixed load.
//
// The queue is bounded: when it is full, submit fails at once and the
// request is answered 503, so overload shows as refusals rather than as
// latency growing to seconds.
type committer struct {
	queue    chan *job
	maxBatch int
	metrics  *metrics
	onError  func(error, int)

	mu     sync.RWMutex // guards closed against submit racing close
	closed bool
	done   chan struct{}
}

// job is one record waiting for its commit.
type job struct {
	rec  store.Record
	res  store.Result
	err  error
	done chan struct{}
}

func newCommitter(s store.Store, queueSize, maxBatch int, m *metrics, onError func(error, int)) *committer {
	c := &committer{queue: make(chan *job, queueSize), maxBatch: maxBatch, metrics: m, onError: onError, done: make(chan struct{})}
	if f, ok := s.(store.Flusher); ok {
		// Unbuffered: the writer hands over a written batch only when the
		// flusher is free, so at most one batch waits for a flush.
		written := make(chan []*job)
		go c.write(f.InsertUnflushed, written)
		go c.flush(f, written)
		return c
	}
	go c.write(s.Insert, nil)
	return c
}

// submit queues a record; false means the queue is full (or closing).
func (c *committer) submit(rec store.Record) (*job, bool) {
	j := &job{rec: rec, done: make(chan struct{})}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return nil, false
	}
	select {
	case c.queue <- j:
		return j, true
	default:
		return nil, false
	}
}

func (c *committer) depth() int { return len(c.queue) }

// next waits for a record and takes whatever else is queued, up to
// maxBatch; nil means the queue is closed and empty.
func (c *committer) next(recs []store.Record) ([]*job, []store.Record) {
	j, ok := <-c.queue
	if !ok {
		return nil, recs
	}
	batch := append(make([]*job, 0, min(c.maxBatch, 1+len(c.queue))), j)
	for len(batch) < c.maxBatch {
		select {
		case j, ok := <-c.queue:
			if !ok {
				return batch, collect(recs, batch)
			}
			batch = append(batch, j)
			continue
		default:
		}
		break
	}
	return batch, collect(recs, batch)
}

func collect(recs []store.Record, batch []*job) []store.Record {
	recs = recs[:0]
	for _, j := range batch {
		recs = append(recs, j.rec)
	}
	return recs
}

// write commits batches with insert. With written nil it acknowledges
// them itself; otherwise it passes every committed batch on for its flush.
func (c *committer) write(insert func(context.Context, []store.Record) ([]store.Result, error), written chan<- []*job) {
	if written != nil {
		defer close(written) // the flusher closes done
	} else {
		defer close(c.done)
	}
	var recs []store.Record
	for {
		var batch []*job
		batch, recs = c.next(recs)
		if batch == nil {
			return
		}
		c.metrics.batchSize.Observe(float64(len(batch)))
		// Not the requests' contexts: the batch is shared, and a client
		// that hangs up must not cancel its neighbours' commit.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		results, err := insert(ctx, recs)
		cancel()
		if err != nil {
			c.fail(batch, "insert", err)
			continue
		}
		for i, j := range batch {
			j.res = results[i]
		}
		if written == nil {
			acknowledge(batch)
		} else {
			written <- batch
		}
	}
}

// flush makes each written batch durable, then acknowledges it. One flush
// covers every batch written before it started.
func (c *committer) flush(f store.Flusher, written <-chan []*job) {
	defer close(c.done)
	for batch := range written {
		if err := f.Flush(); err != nil {
			c.fail(batch, "flush", err)
			continue
		}
		acknowledge(batch)
	}
}

func (c *committer) fail(batch []*job, op string, err error) {
	c.metrics.storeErrors.WithLabelValues(op).Inc()
	c.onError(err, len(batch))
	for _, j := range batch {
		j.err = err
	}
	acknowledge(batch)
}

func acknowledge(batch []*job) {
	for _, j := range batch {
		close(j.done)
	}
}

// close stops taking records, commits those already queued and returns
// when they are acknowledged. Call it after the HTTP server has stopped.
func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.queue)
	}
	c.mu.Unlock()
	<-c.done
}
