package consent

import (
	"hash/maphash"
	"math"
	"sync"
	"time"
)

// limiter is a set of token buckets, one per key (a client address, a
// consent id). It lives in memory only; nothing about clients is persisted.
// The buckets are spread over shards with a lock each, so requests for
// different keys seldom wait for one another.
type limiter[K comparable] struct {
	rate   float64 // tokens per second
	burst  float64
	max    int // keys kept at most per shard; bounds memory under a flood of addresses
	seed   maphash.Seed
	shards [limiterShards]limiterShard[K]
}

const limiterShards = 16

type limiterShard[K comparable] struct {
	mu      sync.Mutex
	buckets map[K]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newLimiter allows perPeriod events per period with the given burst; nil
// (no limit) when perPeriod is 0.
func newLimiter[K comparable](perPeriod float64, period time.Duration, burst int) *limiter[K] {
	if perPeriod <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	l := &limiter[K]{rate: perPeriod / period.Seconds(), burst: float64(burst), max: 100_000 / limiterShards, seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = map[K]*bucket{}
	}
	return l
}

// allow takes a token for key; if there is none it says how long until
// there will be.
func (l *limiter[K]) allow(key K, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	sh := l.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	b := sh.buckets[key]
	if b == nil {
		if len(sh.buckets) >= l.max {
			// A full shard is swept at most once a second: under a flood
			// of new keys, sweeping it for each would cost O(keys) a request.
			if now.Sub(sh.swept) >= time.Second {
				l.sweep(sh, now)
			}
			if len(sh.buckets) >= l.max {
				// Still full of buckets in use: make room by forgetting
				// the least recently used of a few. Failing open instead
				// let a flood of new keys switch the limit off for every
				// key, the flooder's own included.
				l.evict(sh)
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		sh.buckets[key] = b
	} else if now.Sub(sh.swept) > time.Minute {
		l.sweep(sh, now)
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

func (l *limiter[K]) shard(key K) *limiterShard[K] {
	return &l.shards[maphash.Comparable(l.seed, key)%limiterShards]
}

// refund gives back a token that allow took for key.
func (l *limiter[K]) refund(key K) {
	if l == nil {
		return
	}
	sh := l.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if b := sh.buckets[key]; b != nil {
		b.tokens = math.Min(l.burst, b.tokens+1)
	}
}

// evictSample is how many buckets evict compares: Go's map iteration
// starts at a random place, so this picks the least recently used of a
// random sample, close to true LRU without keeping a list.
const evictSample = 8

// evict forgets one bucket of a full shard: the least recently used of a
// sample. A key that keeps sending stays recent and keeps its bucket;
// memory stays bounded whatever the number of keys.
func (l *limiter[K]) evict(sh *limiterShard[K]) {
	var victim K
	var oldest time.Time
	n := 0
	for k, b := range sh.buckets {
		if n == 0 || b.last.Before(oldest) {
			victim, oldest = k, b.last
		}
		if n++; n == evictSample {
			break
		}
	}
	delete(sh.buckets, victim)
}

// sweep forgets a shard's buckets that have refilled: they behave like new
// ones.
func (l *limiter[K]) sweep(sh *limiterShard[K], now time.Time) {
	sh.swept = now
	for k, b := range sh.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(sh.buckets, k)
		}
	}
}

// size is how many keys the limiter holds.
func (l *limiter[K]) size() int {
	n := 0
	for i := range l.shards {
		sh := &l.shards[i]
		sh.mu.Lock()
		n += len(sh.buckets)
		sh.mu.Unlock()
	}
	return n
}
