// Package gcpace paces Go's garbage collector for a batch job whose heap
// is mostly short-lived: it gives the heap room in proportion to what is
// live, but never less than a fixed amount, after every collection.
//
// Go's default (GOGC=100) lets the heap grow to twice what the last
// collection found live. For `notis build` that is the wrong shape at
// both ends: on a small site the live heap is a few tens of megabytes
// and the collector runs every few megabytes of rendered pages, and on a
// large site twice the live heap is what sets the peak (a 10,000-notice
// build peaked at 207–216 MiB with 66–73 MB live). A fixed memory limit
// (GOMEMLIMIT) is no answer: when the live heap nears it, the collector
// runs without pause. The pacer's headroom is max(live×3/4, floor): the
// goal is always at least 1.75× the live heap, so the collector never
// runs more often than at GOGC=75, whatever the size.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// MinRatio is the least headroom the pacer gives, as a share of the
// live heap. Each collection marks the live heap, so what the collector
// costs per byte allocated is live÷headroom: at a half, a 10,000-notice
// build (about 56 MB live) spent 16 s of CPU collecting, 57 times a
// 1,000-notice build's 0.3 s for ten times the work. Three quarters cut
// that to 11–12 s for 3–5 MiB more peak RSS (docs/build.md).
const MinRatio = 0.75

// Start paces the collector until stop is called, which puts GOGC back
// as it was. floor is the least headroom in bytes. When the GOGC
// environment variable is set, the user's setting stands and Start does
// nothing. tuned, if not nil, is called with each new GOGC percentage.
//
// GOGC is one setting for the process: while a pacer runs, a second
// Start (a test running two commands at once) shares it, and the last
// stop puts GOGC back.
func Start(floor uint64, tuned func(percent int)) (stop func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	shared.Lock()
	defer shared.Unlock()
	if shared.running == nil {
		shared.running = start(floor, tuned)
	}
	shared.users++
	var once sync.Once
	return func() {
		once.Do(func() {
			shared.Lock()
			defer shared.Unlock()
			if shared.users--; shared.users == 0 {
				shared.running.stop()
				shared.running = nil
			}
		})
	}
}

// shared is the process's one running pacer and how many Starts use it.
var shared struct {
	sync.Mutex
	running *pacer
	users   int
}

func start(floor uint64, tuned func(int)) *pacer {
	p := &pacer{floor: floor, tuned: tuned, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	p.previous = debug.SetGCPercent(100)
	p.arm()
	return p
}

type pacer struct {
	floor    uint64
	tuned    func(int)
	live     []metrics.Sample
	previous int

	mu      sync.Mutex // held while tuning: no tuning after stop returns
	stopped bool
}

// stop puts GOGC back as it was.
func (p *pacer) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stopped {
		p.stopped = true
		debug.SetGCPercent(p.previous)
	}
}

// sentinel is garbage as soon as it is made; its cleanup runs after the
// collection that finds it so. It is larger than 16 bytes so that the
// tiny allocator does not share its block with objects that outlive it.
type sentinel [64]byte

// arm makes a sentinel whose cleanup, after the next collection, tunes
// GOGC and arms the next.
func (p *pacer) arm() {
	runtime.AddCleanup(new(sentinel), func(p *pacer) {
		if p.tune() {
			p.arm()
		}
	}, p)
}

// tune sets GOGC from what the last collection found live; false once
// the pacer is stopped.
func (p *pacer) tune() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return false
	}
	metrics.Read(p.live)
	if p.live[0].Value.Kind() != metrics.KindUint64 {
		return true
	}
	live := p.live[0].Value.Uint64()
	if live == 0 {
		return true
	}
	percent := Percent(live, p.floor)
	debug.SetGCPercent(percent)
	if p.tuned != nil {
		p.tuned(percent)
	}
	return true
}

// Percent is the GOGC that gives a heap with live bytes live the
// headroom max(live×MinRatio, floor).
func Percent(live, floor uint64) int {
	headroom := max(float64(live)*MinRatio, float64(floor))
	percent := int(100*headroom/float64(live) + 0.5)
	// A heap of a few kilobytes would ask for an absurd percentage;
	// 10,000 % of nothing much is still nothing much.
	return min(max(percent, int(100*MinRatio)), 10000)
}
