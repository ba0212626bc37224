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
// The queue is bounded: when it is full, submit fails at once and the
// request is answered 503, so overload shows as refusals rather than as
// latency growing to seconds.
type committer struct {
	store    store.Store
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
	c := &committer{store: s, queue: make(chan *job, queueSize), maxBatch: maxBatch, metrics: m, onError: onError, done: make(chan struct{})}
	go c.run()
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

func (c *committer) run() {
	defer close(c.done)
	batch := make([]*job, 0, c.maxBatch)
	recs := make([]store.Record, 0, c.maxBatch)
	for {
		j, ok := <-c.queue
		if !ok {
			return
		}
		batch = append(batch[:0], j)
	fill:
		for len(batch) < c.maxBatch {
			select {
			case j, ok := <-c.queue:
				if !ok {
					break fill
				}
				batch = append(batch, j)
			default:
				break fill
			}
		}
		recs = recs[:0]
		for _, j := range batch {
			recs = append(recs, j.rec)
		}
		c.metrics.batchSize.Observe(float64(len(batch)))
		// Not the requests' contexts: the batch is shared, and a client
		// that hangs up must not cancel its neighbours' commit.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		results, err := c.store.Insert(ctx, recs)
		cancel()
		if err != nil {
			c.metrics.storeErrors.WithLabelValues("insert").Inc()
			c.onError(err, len(batch))
		}
		for i, j := range batch {
			if err != nil {
				j.err = err
			} else {
				j.res = results[i]
			}
			close(j.done)
		}
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
