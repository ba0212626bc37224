package consent

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/consent/store"
)

// Overload is bounded in time, not in queue length: once the record at
// the head of the queue has waited longer than ShedAfter, new events are
// answered 503 with Retry-After at once, though the queue has room.
func TestEventsAreShedWhenTheOldestQueuedRecordWaitedTooLong(t *testing.T) {
	g := &gatedStore{Store: sqliteStore(t), entered: make(chan struct{}, 10), release: make(chan struct{})}
	s := newServer(t, g, func(o *Options) { o.ShedAfter, o.StoreWait = 250*time.Millisecond, time.Minute })
	t0 := time.Now()
	var clock atomic.Int64
	clock.Store(t0.UnixNano())
	s.now = func() time.Time { return time.Unix(0, clock.Load()) }
	var bg background
	bg.post(s)
	<-g.entered // the first record's commit cannot finish
	bg.post(s)
	for s.commits.depth() != 1 { // the second waits in the queue, received at t0
		time.Sleep(time.Millisecond)
	}
	clock.Store(t0.Add(200 * time.Millisecond).UnixNano())
	if s.commits.oldest(s.now()) != 200*time.Millisecond {
		t.Fatalf("oldest = %v", s.commits.oldest(s.now()))
	}
	clock.Store(t0.Add(300 * time.Millisecond).UnixNano())
	// The commit in progress never finishes until the end of the test, so
	// an answer at all means the event was shed, not queued.
	w := post(s, validEvent().body())
	wantStatus(t, w, http.StatusServiceUnavailable)
	if w.Header().Get("Retry-After") != "1" {
		t.Errorf("shed with Retry-After %q, want 1", w.Header().Get("Retry-After"))
	}
	m := adminReq(s, "GET", "/metrics", "").Body.String()
	for _, want := range []string{`notis_consent_shed_total{reason="queue_slow"} 1`, "notis_consent_queue_oldest_seconds", "notis_consent_queue_depth 1"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	close(g.release)
	for _, c := range bg.wait() {
		if c != http.StatusCreated {
			t.Errorf("a queued request was answered %d, want 201", c)
		}
	}
}

// stalledStore never finishes an insert before its deadline, like a
// frozen PostgreSQL.
type stalledStore struct{ store.Store }

func (stalledStore) Insert(ctx context.Context, recs []store.Record) ([]store.Result, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A stalled store answers 503 within a second, not after the write
// timeout with a cut connection.
func TestAStalledStoreIsAnswered503WithinASecond(t *testing.T) {
	s := newServer(t, stalledStore{sqliteStore(t)}, nil)
	start := time.Now()
	w := post(s, validEvent().body())
	took := time.Since(start)
	wantStatus(t, w, http.StatusServiceUnavailable)
	// 1 s of store wait, plus what a busy CI machine adds to an in-memory request.
	if took > 2500*time.Millisecond || took < 900*time.Millisecond || w.Header().Get("Retry-After") == "" {
		t.Errorf("answered after %v (Retry-After %q); want 503 after the 1 s store wait", took, w.Header().Get("Retry-After"))
	}
}

// Requests beyond MaxInFlight are answered 503 at once; the operations
// routes still answer.
func TestRequestsBeyondTheInFlightCapAre503(t *testing.T) {
	g := &gatedStore{Store: sqliteStore(t), entered: make(chan struct{}, 10), release: make(chan struct{})}
	s := newServer(t, g, func(o *Options) { o.MaxInFlight, o.StoreWait = 1, time.Minute })
	done := make(chan int, 1)
	go func() { done <- post(s, validEvent().body()).Code }()
	<-g.entered
	w := post(s, validEvent().body())
	wantStatus(t, w, http.StatusServiceUnavailable)
	if w.Header().Get("Access-Control-Allow-Origin") != testOrigin {
		t.Error("the banner cannot read a 503 without CORS headers")
	}
	wantStatus(t, adminReq(s, "GET", "/healthz", ""), http.StatusOK)
	close(g.release)
	if c := <-done; c != http.StatusCreated {
		t.Errorf("the first request was answered %d", c)
	}
}

// switchStore fails inserts and the write probe while broken is set.
type switchStore struct {
	store.Store
	broken atomic.Bool
}

var errBroken = errors.New("no space left on device")

func (s *switchStore) Insert(ctx context.Context, recs []store.Record) ([]store.Result, error) {
	if s.broken.Load() {
		return nil, errBroken
	}
	return s.Store.Insert(ctx, recs)
}

func (s *switchStore) Ping(ctx context.Context) error {
	if s.broken.Load() {
		return errBroken
	}
	return s.Store.Ping(ctx)
}

// /readyz tells the load balancer the truth: not ready while commits
// fail or the store takes no writes, ready again by itself once it does.
func TestReadinessFollowsTheStoresAbilityToWrite(t *testing.T) {
	st := &switchStore{Store: sqliteStore(t)}
	s := newServer(t, st, nil)
	forgetProbe := func() {
		s.health.mu.Lock()
		s.health.probedAt = time.Time{}
		s.health.mu.Unlock()
	}
	wantStatus(t, adminReq(s, "GET", "/readyz", ""), http.StatusOK)

	// Inserts fail, the probe (cached) has not looked yet.
	st.broken.Store(true)
	wantStatus(t, post(s, validEvent().body()), http.StatusServiceUnavailable)
	wantStatus(t, adminReq(s, "GET", "/readyz", ""), http.StatusServiceUnavailable)
	forgetProbe()
	wantStatus(t, adminReq(s, "GET", "/readyz", ""), http.StatusServiceUnavailable)
	if m := adminReq(s, "GET", "/metrics", "").Body.String(); !strings.Contains(m, "notis_consent_ready 0") {
		t.Error("the ready gauge does not say 0")
	}

	// The disk has room again: no event arrives (the balancer sends
	// none), and the probe alone brings the server back.
	st.broken.Store(false)
	forgetProbe()
	s.health.failedAt.Store(time.Now().Add(-failureHold).UnixNano())
	wantStatus(t, adminReq(s, "GET", "/readyz", ""), http.StatusOK)
	wantStatus(t, post(s, validEvent().body()), http.StatusCreated)
}

func TestTheServerRefusesAStoreItCannotWrite(t *testing.T) {
	st := &switchStore{Store: sqliteStore(t)}
	st.broken.Store(true)
	_, err := New(Options{Sites: []*Site{testSite(t)}, Store: st, HashKey: []byte("test-key-0123456789")})
	if err == nil || !strings.Contains(err.Error(), "cannot be written") {
		t.Fatalf("New on a store that takes no writes: %v", err)
	}
}

func TestMetricsTellBuildAndDisk(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	m := adminReq(s, "GET", "/metrics", "").Body.String()
	for _, want := range []string{"notis_build_info{goversion=", "notis_consent_disk_free_bytes ", "notis_consent_ready 1"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
