package consent

import (
	"context"
	"errors"
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
// The queue is bounded in length and in time: when it is full, or when
// the record at its head has waited longer than maxWait, submit fails at
// once and the request is answered 503, so overload shows as refusals
// rather than as latency growing to seconds. (A bound on length alone let
// p99 reach seconds when commits slowed down.)
//
// On a store with one writer (SQLite) the retention purge runs in the
// same writer, one chunk at a time between batches (see purge), so a purge
// can never hold the store's writer while records wait: a record waits for
// at most one chunk, which is sized to take store.PurgeSlice.
type committer struct {
	store    store.Store
	maxBatch int
	maxWait  time.Duration
	metrics  *metrics
	onError  func(error, int)
	onCommit func() // a batch committed: the store writes

	mu     sync.Mutex
	ring   []*job // the queue: n jobs from head, wrapping
	head   int
	n      int
	closed bool
	task   *purgeTask    // the purge in progress, if any
	wake   chan struct{} // a job or a purge was queued, or the queue closed
	done   chan struct{}

	purging sync.Mutex // one purge task at a time
}

// purgeTask is a purge the writer carries out chunk by chunk.
type purgeTask struct {
	ctx    context.Context
	site   string
	cutoff time.Time
	size   store.PurgeSizer
	// due is when the next chunk may start: after a chunk that took d,
	// d later, so the purge takes at most half of the writer's time
	// however busy intake is, and intake never starves it either.
	due   time.Time
	total int64
	err   error
	done  chan struct{}
}

// job is one record waiting for its commit.
type job struct {
	rec    store.Record
	queued time.Time
	res    store.Result
	err    error
	done   chan struct{}
}

// refusal says why submit did not queue a record.
type refusal int

const (
	queued  refusal = iota
	full            // queueSize records wait already
	tooSlow         // the oldest has waited longer than maxWait
	closing         // the server is shutting down
)

// insertTimeout bounds one group commit: shorter than the HTTP server's
// write timeout, so a stalled store fails its batch (and the requests
// get a 503) before their connections are cut without an answer.
const insertTimeout = 5 * time.Second

func newCommitter(s store.Store, queueSize, maxBatch int, maxWait time.Duration, m *metrics, onError func(error, int), onCommit func()) *committer {
	c := &committer{store: s, ring: make([]*job, queueSize), maxBatch: maxBatch, maxWait: maxWait, metrics: m, onError: onError, onCommit: onCommit,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
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

// submit queues a record received at now, or says why it did not.
func (c *committer) submit(rec store.Record, now time.Time) (*job, refusal) {
	c.mu.Lock()
	switch {
	case c.closed:
		c.mu.Unlock()
		return nil, closing
	case c.n == len(c.ring):
		c.mu.Unlock()
		return nil, full
	case c.n > 0 && c.maxWait > 0 && now.Sub(c.ring[c.head].queued) > c.maxWait:
		c.mu.Unlock()
		return nil, tooSlow
	}
	j := &job{rec: rec, queued: now, done: make(chan struct{})}
	c.ring[(c.head+c.n)%len(c.ring)] = j
	c.n++
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default: // the writer has a wake-up pending already
	}
	return j, queued
}

func (c *committer) depth() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// oldest is how long the record at the head of the queue has waited.
func (c *committer) oldest(now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		return 0
	}
	return now.Sub(c.ring[c.head].queued)
}

// next waits for a record and takes whatever else is queued, up to
// maxBatch, or for a purge chunk to be due; nil and nil mean the queue is
// closed and empty.
func (c *committer) next(recs []store.Record) ([]*job, []store.Record, *purgeTask) {
	for {
		c.mu.Lock()
		if c.n > 0 {
			k := min(c.n, c.maxBatch)
			batch := make([]*job, k)
			for i := range batch {
				batch[i] = c.ring[c.head]
				c.ring[c.head] = nil
				c.head = (c.head + 1) % len(c.ring)
			}
			c.n -= k
			c.mu.Unlock()
			return batch, collect(recs, batch), nil
		}
		task, closed := c.task, c.closed
		if closed && task != nil {
			// Shutting down: the purge stops here and is retried at the
			// next start; what it deleted so far is committed.
			c.task = nil
			task.err = errors.New("purge: the server is shutting down")
			close(task.done)
		}
		c.mu.Unlock()
		if closed {
			return nil, recs, nil
		}
		if task == nil {
			<-c.wake
			continue
		}
		if wait := time.Until(task.due); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-c.wake:
			case <-t.C:
			}
			t.Stop()
			continue
		}
		return nil, recs, task
	}
}

// purgeDue returns the purge in progress if its next chunk may start now.
func (c *committer) purgeDue() *purgeTask {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.task != nil && !time.Now().Before(c.task.due) {
		return c.task
	}
	return nil
}

// chunk deletes one chunk of the purge task in the writer, and ends the
// task when it deleted fewer rows than asked, failed, or was cancelled.
func (c *committer) chunk(t *purgeTask) {
	limit := t.size.Limit()
	start := time.Now()
	var n int64
	err := t.ctx.Err()
	if err == nil {
		ctx, cancel := context.WithTimeout(t.ctx, insertTimeout)
		n, err = c.store.PurgeChunk(ctx, t.site, t.cutoff, limit)
		cancel()
	}
	took := time.Since(start)
	t.total += n
	t.size.Took(took)
	t.due = time.Now().Add(took)
	if err != nil || n < int64(limit) {
		t.err = err
		c.mu.Lock()
		c.task = nil
		c.mu.Unlock()
		close(t.done)
	}
}

// purge deletes a site's records received before cutoff (every site's
// when site is "") and says how many it deleted. On a store with one
// writer (SQLite) the chunks run in the committer's writer between group
// commits; a closed committer refuses them. Other stores (PostgreSQL)
// purge beside intake, in their own small transactions.
func (c *committer) purge(ctx context.Context, site string, cutoff time.Time) (int64, error) {
	if _, one := c.store.(store.OneWriter); !one {
		return c.store.Purge(ctx, site, cutoff)
	}
	c.purging.Lock()
	defer c.purging.Unlock()
	t := &purgeTask{ctx: ctx, site: site, cutoff: cutoff, done: make(chan struct{})}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return 0, errors.New("purge: the server is shutting down")
	}
	c.task = t
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	<-t.done
	if t.err != nil {
		return t.total, t.err
	}
	if f, ok := c.store.(store.Flusher); ok {
		return t.total, f.Flush() // the last chunks' deletions, if no commit flushed them
	}
	return t.total, nil
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
		var task *purgeTask
		batch, recs, task = c.next(recs)
		if task != nil {
			c.chunk(task)
			continue
		}
		if batch == nil {
			return
		}
		c.metrics.batchSize.Observe(float64(len(batch)))
		// Not the requests' contexts: the batch is shared, and a client
		// that hangs up must not cancel its neighbours' commit.
		ctx, cancel := context.WithTimeout(context.Background(), insertTimeout)
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
			c.onCommit()
			acknowledge(batch)
		} else {
			written <- batch
		}
		// A purge chunk that is due runs after this batch even when more
		// records wait, so a busy intake cannot starve the purge; and the
		// purge takes at most half of the writer's time (purgeTask.due).
		if t := c.purgeDue(); t != nil {
			c.chunk(t)
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
		c.onCommit()
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
	c.closed = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	<-c.done
}
