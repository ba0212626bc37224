package consent

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consent/store"
)

// On SQLite, whose one writer intake needs, the retention purge runs in
// the group committer's writer, a chunk at a time between commits: it
// never holds the store beside intake, and a record that arrives during a
// purge waits for at most one chunk before its own commit is written.
// (Before, the purge ran in its own goroutine and contended with intake
// for the writer: intake p50 of 468 ms during a purge of 963 k records,
// issue #16.)
func TestAPurgeHoldsARecordBackForAtMostOneChunk(t *testing.T) {
	st := sqliteStore(t)
	ctx := context.Background()
	const old = 4_000
	past := time.Now().AddDate(-2, 0, 0)
	for i := 0; i < old; i += 2000 {
		batch := make([]store.Record, 2000)
		for j := range batch {
			batch[j] = store.Record{EventID: uuid.NewString(), ConsentID: uuid.NewString(), ReceivedAt: past.Add(time.Duration(i+j) * time.Second).UTC().Truncate(time.Microsecond),
				Site: "careers", Version: testVer, Lang: "en", Method: "custom", Choices: map[string]bool{"necessary": true, "analytics": j%2 == 0},
				Page: testOrigin + "/", UAFamily: "Firefox", NetHash: "00"}
		}
		if _, err := st.Insert(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	w := &writeLog{Store: st, t: t}
	// No shedding: this test is about the order of writes, and on a busy
	// machine one commit with its chunk can outlast ShedAfter (250 ms),
	// which refuses a record for being slow, not for being held back.
	s := newServer(t, flushLog{w, st.(store.Flusher)}, func(o *Options) { o.ShedAfter = -1 })
	purgeCtx, stop := context.WithCancel(ctx)
	purged := make(chan struct{})
	go func() {
		defer close(purged)
		s.RunPurges(purgeCtx, time.Hour)
	}()
	// Queue records from four visitors at once until the purge has
	// deleted everything, noting where in the writer's log each was
	// queued (under the log's lock, so no write begins in between).
	type sentRecord struct {
		event string
		at    int // len(log) when it was queued
	}
	var (
		mu   sync.Mutex
		sent []sentRecord
		wg   sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			for n := 0; w.deleted() < old && n < 5000; n++ {
				rec := store.Record{EventID: uuid.NewString(), ConsentID: uuid.NewString(), ReceivedAt: time.Now().UTC().Truncate(time.Microsecond),
					Site: "careers", Version: testVer, Lang: "en", Method: "reject_all", Choices: map[string]bool{"necessary": true, "analytics": false},
					Page: testOrigin + "/", UAFamily: "Firefox", NetHash: "00"}
				w.mu.Lock()
				at := len(w.ops)
				j, refused := s.commits.submit(rec, time.Now())
				w.mu.Unlock()
				if refused != queued {
					t.Errorf("record refused (%d) during the purge", refused)
					return
				}
				<-j.done
				if j.err != nil {
					t.Errorf("commit during the purge: %v", j.err)
					return
				}
				mu.Lock()
				sent = append(sent, sentRecord{rec.EventID, at})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	stop()
	<-purged
	if w.deleted() != old {
		t.Fatalf("the purge deleted %d records, want %d", w.deleted(), old)
	}
	ops := w.snapshot()
	during := 0
	for _, p := range sent {
		at := slices.IndexFunc(ops, func(o writeOp) bool { return slices.Contains(o.events, p.event) })
		if at < 0 {
			t.Fatalf("event %s was acknowledged but never written", p.event)
		}
		chunks := 0
		for _, o := range ops[p.at:at] {
			if o.chunk {
				chunks++
			}
		}
		if chunks > 0 {
			during++
		}
		if chunks > 1 {
			t.Errorf("a record queued during the purge was written after %d purge chunks, want at most 1", chunks)
		}
	}
	if during == 0 {
		t.Fatalf("no record was queued while the purge ran (%d chunks, %d records): the test did not look", w.chunks(), len(sent))
	}
	st2, err := st.Stats(ctx, store.Filter{})
	if err != nil || st2.Total != int64(len(sent)) {
		t.Errorf("stats after the purge count %v records (%v), want the %d posted", st2.Total, err, len(sent))
	}
	t.Logf("%d chunks; %d of %d records queued during the purge", w.chunks(), during, len(sent))
}

// writeLog is a real store that logs, in order, every write it is asked
// for: a purge chunk, or the events of an insert. It fails the test when
// two writes overlap, or when the server purges other than chunk by chunk.
type writeLog struct {
	store.Store
	t      *testing.T
	mu     sync.Mutex
	ops    []writeOp
	active int
	gone   int64
}

type writeOp struct {
	chunk  bool
	events []string
}

func (w *writeLog) begin(op writeOp) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.active > 0 {
		w.t.Errorf("a write (chunk %v) started while another ran: the purge and intake share the writer", op.chunk)
	}
	w.active++
	w.ops = append(w.ops, op)
}

func (w *writeLog) end(deleted int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.active--
	w.gone += deleted
}

func (w *writeLog) snapshot() []writeOp {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.ops)
}

func (w *writeLog) chunks() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, o := range w.ops {
		if o.chunk {
			n++
		}
	}
	return n
}

func (w *writeLog) deleted() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gone
}

func events(recs []store.Record) writeOp {
	op := writeOp{}
	for _, r := range recs {
		op.events = append(op.events, r.EventID)
	}
	return op
}

func (w *writeLog) Insert(ctx context.Context, recs []store.Record) ([]store.Result, error) {
	w.begin(events(recs))
	defer w.end(0)
	return w.Store.Insert(ctx, recs)
}

func (w *writeLog) PurgeChunk(ctx context.Context, site string, cutoff time.Time, limit int) (int64, error) {
	w.begin(writeOp{chunk: true})
	n, err := w.Store.PurgeChunk(ctx, site, cutoff, limit)
	w.end(n)
	return n, err
}

func (w *writeLog) Purge(context.Context, string, time.Time) (int64, error) {
	w.t.Error("the server purged with Store.Purge, outside its writer")
	return 0, nil
}

// flushLog is writeLog for a store that flushes apart from committing.
type flushLog struct {
	*writeLog
	f store.Flusher
}

func (l flushLog) InsertUnflushed(ctx context.Context, recs []store.Record) ([]store.Result, error) {
	l.begin(events(recs))
	defer l.end(0)
	return l.f.InsertUnflushed(ctx, recs)
}

func (l flushLog) Flush() error { return l.f.Flush() }

func (flushLog) OneWriter() {}
