package consent

import (
	"math"
	"sync"
	"time"
)

// limiter is a set of token buckets, one per key (a client address, a
// consent id). It lives in memory only; nothing about clients is persisted.
type limiter struct {
	rate  float64 // tokens per second
	burst float64
	max   int // keys kept at most; bounds memory under a flood of addresses

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newLimiter allows perPeriod events per period with the given burst; nil
// (no limit) when perPeriod is 0.
func newLimiter(perPeriod float64, period time.Duration, burst int) *limiter {
	if perPeriod <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return &limiter{rate: perPeriod / period.Seconds(), burst: float64(burst), max: 100_000, buckets: map[string]*bucket{}}
}

// allow takes a token for key; if there is none it says how long until
// there will be.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.sweep(now)
			if len(l.buckets) >= l.max {
				// Fail open: the queue bound still protects the store, and
				// refusing every new visitor during a flood is worse.
				return true, 0
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	} else if now.Sub(l.swept) > time.Minute {
		l.sweep(now)
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

// sweep forgets buckets that have refilled: they behave like new ones.
func (l *limiter) sweep(now time.Time) {
	l.swept = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
