package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consent/pgtest"
	"github.com/notis-dev/notis/internal/consent/store"
)

var pg pgtest.Lazy

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

// eachStore runs a test against a fresh SQLite file and a fresh PostgreSQL
// database, so both implementations meet the same contract.
func eachStore(t *testing.T, test func(t *testing.T, s store.Store, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "consent.db")
		s, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		test(t, s, dsn)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pg.Database(t)
		s, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		test(t, s, dsn)
	})
}

var base = time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)

func record(consentID string, at time.Time) store.Record {
	return store.Record{
		EventID: uuid.NewString(), ConsentID: consentID, ReceivedAt: at,
		Site: "careers", Version: "abc123", Lang: "sv",
		Choices: map[string]bool{"necessary": true, "analytics": false, "marketing": true},
		Method:  "custom", GPC: true, SecGPC: true, Page: "https://jobs.example.org/apply",
		UAFamily: "Firefox", NetHash: "0123abcd",
	}
}

func insert(t *testing.T, s store.Store, recs ...store.Record) []store.Result {
	t.Helper()
	res, err := s.Insert(context.Background(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(recs) {
		t.Fatalf("Insert returned %d results for %d records", len(res), len(recs))
	}
	return res
}

func TestInsertedRecordsComeBackInHistoryUnchanged(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, _ string) {
		id := uuid.NewString()
		a, b := record(id, base), record(id, base.Add(time.Minute))
		b.Method, b.Choices = "withdraw", map[string]bool{"necessary": true, "analytics": false, "marketing": false}
		other := record(uuid.NewString(), base)
		res := insert(t, s, b, other, a)
		for i, r := range res {
			if r.Duplicate {
				t.Errorf("result %d: new event reported as duplicate", i)
			}
		}
		got, err := s.History(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("history has %d records, want 2", len(got))
		}
		for i, want := range []store.Record{a, b} {
			g := got[i]
			g.Seq = 0
			if fmt.Sprint(g) != fmt.Sprint(want) {
				t.Errorf("history[%d]:\n got %+v\nwant %+v", i, g, want)
			}
		}
	})
}

// A batch larger than one INSERT statement (SQLite: 32 records) takes a
// transaction; retried events in it are answered from inside it.
func TestRetriesInALargeBatchAreAnsweredWithTheFirstTime(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, _ string) {
		id := uuid.NewString()
		a, b := record(id, base), record(id, base.Add(time.Minute))
		insert(t, s, a, b)
		var recs []store.Record
		for i := range 40 {
			recs = append(recs, record(id, base.Add(time.Duration(i+2)*time.Minute)))
		}
		retryA, retryB := a, b
		retryA.ReceivedAt, retryB.ReceivedAt = base.Add(time.Hour), base.Add(time.Hour)
		recs = append(recs[:10], append([]store.Record{retryA}, recs[10:]...)...)
		recs = append(recs, retryB)
		res := insert(t, s, recs...)
		for i, r := range res {
			switch recs[i].EventID {
			case a.EventID, b.EventID:
				want := a.ReceivedAt
				if recs[i].EventID == b.EventID {
					want = b.ReceivedAt
				}
				if !r.Duplicate || !r.ReceivedAt.Equal(want) {
					t.Errorf("retry at %d: got %+v, want duplicate received at %v", i, r, want)
				}
			default:
				if r.Duplicate || !r.ReceivedAt.Equal(recs[i].ReceivedAt) {
					t.Errorf("new event at %d: got %+v", i, r)
				}
			}
		}
		got, err := s.History(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 42 {
			t.Errorf("history has %d records, want 42", len(got))
		}
	})
}

func TestARetriedEventIsStoredOnceAndAnsweredWithTheFirstTime(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, _ string) {
		id := uuid.NewString()
		first := record(id, base)
		second := record(id, base.Add(time.Minute))
		insert(t, s, first, second)
		retry := first
		retry.ReceivedAt = base.Add(time.Hour)
		inBatch := first
		inBatch.ReceivedAt = base.Add(2 * time.Hour)
		fresh := record(id, base.Add(3*time.Hour))
		retrySecond := second
		retrySecond.ReceivedAt = base.Add(4 * time.Hour)
		res := insert(t, s, retry, fresh, inBatch, retrySecond)
		if !res[3].Duplicate || !res[3].ReceivedAt.Equal(second.ReceivedAt) {
			t.Errorf("second retried event: got %+v, want duplicate received at %v", res[3], second.ReceivedAt)
		}
		if !res[0].Duplicate || !res[0].ReceivedAt.Equal(base) {
			t.Errorf("retry: got %+v, want duplicate received at %v", res[0], base)
		}
		if res[1].Duplicate {
			t.Errorf("fresh event reported as duplicate")
		}
		if !res[2].Duplicate || !res[2].ReceivedAt.Equal(base) {
			t.Errorf("second copy in one batch: got %+v, want duplicate received at %v", res[2], base)
		}
		got, err := s.History(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Errorf("history has %d records, want 3 (the first copies of two events and the fresh event)", len(got))
		}
	})
}

func TestEraseDeletesOnlyThatConsentID(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, _ string) {
		gone, kept := uuid.NewString(), uuid.NewString()
		insert(t, s, record(gone, base), record(gone, base.Add(time.Second)), record(kept, base))
		n, err := s.Erase(context.Background(), gone)
		if err != nil || n != 2 {
			t.Fatalf("Erase = %d, %v; want 2, nil", n, err)
		}
		if h, _ := s.History(context.Background(), gone); len(h) != 0 {
			t.Errorf("erased id still has %d records", len(h))
		}
		if h, _ := s.History(context.Background(), kept); len(h) != 1 {
			t.Errorf("other id has %d records, want 1", len(h))
		}
		if n, err := s.Erase(context.Background(), gone); err != nil || n != 0 {
			t.Errorf("second Erase = %d, %v; want 0, nil", n, err)
		}
	})
}

func TestExportPagesThroughTheRangeInOrder(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, _ string) {
		// More than two export pages, with many records sharing a
		// timestamp, so the (time, seq) cursor is exercised.
		var recs []store.Record
		for i := range 1234 {
			recs = append(recs, record(uuid.NewString(), base.Add(time.Duration(i/10)*time.Second)))
		}
		insert(t, s, recs...)
		var got []store.Record
		err := s.Export(context.Background(), store.Filter{}, func(r *store.Record) error {
			got = append(got, *r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(recs) {
			t.Fatalf("exported %d records, want %d", len(got), len(recs))
		}
		seen := map[string]bool{}
		for i, r := range got {
			if seen[r.EventID] {
				t.Fatalf("event %s exported twice", r.EventID)
			}
			seen[r.EventID] = true
			if i > 0 && r.ReceivedAt.Before(got[i-1].ReceivedAt) {
				t.Fatalf("export out of order at %d", i)
			}
		}
		n := 0
		f := store.Filter{Since: base.Add(10 * time.Second), Until: base.Add(20 * time.Second)}
		if err := s.Export(context.Background(), f, func(*store.Record) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != 100 {
			t.Errorf("export of [10s, 20s) gave %d records, want 100", n)
		}
	})
}

func TestStatsCountPerDayVersionMethodAndCategory(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, _ string) {
		a := record(uuid.NewString(), base)
		b := record(uuid.NewString(), base.Add(time.Hour))
		c := record(uuid.NewString(), base.Add(24*time.Hour))
		c.Method, c.Choices = "accept_all", map[string]bool{"necessary": true, "analytics": true, "marketing": true}
		insert(t, s, a, b, c)
		st, err := s.Stats(context.Background(), store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 3 {
			t.Errorf("total = %d, want 3", st.Total)
		}
		wantEvents := []store.EventCount{
			{Day: "2026-03-01", Site: "careers", Version: "abc123", Method: "custom", Lang: "sv", GPC: true, Count: 2},
			{Day: "2026-03-02", Site: "careers", Version: "abc123", Method: "accept_all", Lang: "sv", GPC: true, Count: 1},
		}
		if fmt.Sprint(st.Events) != fmt.Sprint(wantEvents) {
			t.Errorf("events:\n got %+v\nwant %+v", st.Events, wantEvents)
		}
		wantCats := []store.CategoryStat{
			{Site: "careers", Version: "abc123", Category: "analytics", Granted: 1, Denied: 2},
			{Site: "careers", Version: "abc123", Category: "marketing", Granted: 3, Denied: 0},
			{Site: "careers", Version: "abc123", Category: "necessary", Granted: 3, Denied: 0},
		}
		if fmt.Sprint(st.Categories) != fmt.Sprint(wantCats) {
			t.Errorf("categories:\n got %+v\nwant %+v", st.Categories, wantCats)
		}
		st, err = s.Stats(context.Background(), store.Filter{Since: base.Add(12 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 1 || st.Since != "2026-03-02" || st.Until != "" {
			t.Errorf("since +12h: total %d over [%s, %s), want 1 over [2026-03-02, )", st.Total, st.Since, st.Until)
		}
		// A time inside a day counts the whole day: the answer says so.
		st, err = s.Stats(context.Background(), store.Filter{Since: base, Until: base.Add(time.Minute)})
		if err != nil || st.Total != 2 || st.Since != "2026-03-01" || st.Until != "2026-03-02" {
			t.Errorf("one minute: %+v, %v; want the whole day, 2 records", st, err)
		}
		// Erasures and purges take their records out of the counts.
		if _, err := s.Erase(context.Background(), a.ConsentID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Purge(context.Background(), "", base.Add(12*time.Hour)); err != nil {
			t.Fatal(err)
		}
		st, err = s.Stats(context.Background(), store.Filter{})
		if err != nil || st.Total != 1 || len(st.Events) != 1 || st.Erasures != 1 || len(st.Categories) != 3 || st.Categories[0].Granted != 1 || st.Categories[0].Denied != 0 {
			t.Errorf("after an erasure and a purge: %+v, %v; want c alone and one erasure", st, err)
		}
	})
}

func TestPurgeDeletesOnlyRecordsBeforeTheCutoff(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, _ string) {
		var recs []store.Record
		for i := range 6000 { // more than one purge chunk
			recs = append(recs, record(uuid.NewString(), base.Add(-time.Duration(i+1)*time.Second)))
		}
		keep := record(uuid.NewString(), base)
		otherSite := record(uuid.NewString(), base.Add(-time.Hour))
		otherSite.Site = "intranet"
		recs = append(recs, keep, otherSite)
		insert(t, s, recs...)
		n, err := s.Purge(context.Background(), "careers", base)
		if err != nil {
			t.Fatal(err)
		}
		if n != 6000 {
			t.Errorf("purged %d, want 6000", n)
		}
		st, err := s.Stats(context.Background(), store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 2 {
			t.Errorf("%d records left, want 2 (one too new, one of another site)", st.Total)
		}
		if n, err := s.Purge(context.Background(), "", base); err != nil || n != 1 {
			t.Errorf("purge of every site = %d, %v; want 1, nil", n, err)
		}
	})
}

func TestReopeningAppliesNoMigrationTwice(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, dsn string) {
		insert(t, s, record(uuid.NewString(), base))
		again, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer again.Close()
		st, err := again.Stats(context.Background(), store.Filter{})
		if err != nil || st.Total != 1 {
			t.Fatalf("after reopen: total %v, %v; want 1", st, err)
		}
	})
}

func TestSQLiteIntegrityCheckPassesOnAFreshFile(t *testing.T) {
	s, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestVersionsAreKeptOncePerWording(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, dsn string) {
		ctx := context.Background()
		v1 := store.Version{Site: "careers", Version: "abc123", Digest: "d1", FirstSeen: base, Doc: []byte(`{"version":"abc123","texts":{"en":{"title":"Cookies"}}}`)}
		v2 := v1
		v2.Digest, v2.FirstSeen, v2.Doc = "d2", base.Add(time.Hour), []byte(`{"version":"abc123","texts":{"en":{"title":"Kakor"}}}`)
		other := v1
		other.Site = "intranet"
		for _, v := range []store.Version{v1, v1, v2, other} { // v1 twice: idempotent
			if err := s.KeepVersion(ctx, v); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Versions(ctx, "careers")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || string(got[0].Doc) != string(v1.Doc) || string(got[1].Doc) != string(v2.Doc) ||
			!got[0].FirstSeen.Equal(base.Truncate(time.Microsecond)) || got[1].Digest != "d2" {
			t.Fatalf("kept %+v", got)
		}
		if has, err := s.HasRecords(ctx); err != nil || has {
			t.Fatalf("HasRecords of a store with versions only = %v, %v", has, err)
		}
		insert(t, s, record(uuid.NewString(), base))
		if has, err := s.HasRecords(ctx); err != nil || !has {
			t.Fatalf("HasRecords after an insert = %v, %v", has, err)
		}
	})
}

// A database made before the store kept versions (migration 1 only, with
// records) opens with its records intact and keeps versions from then on.
func TestAnOldSQLiteDatabaseIsMigratedInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "consent.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, 0)`,
		`CREATE TABLE consents (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, consent_id TEXT NOT NULL, received_at INTEGER NOT NULL,
			site TEXT NOT NULL, version TEXT NOT NULL, lang TEXT NOT NULL, choices TEXT NOT NULL, method TEXT NOT NULL, gpc INTEGER NOT NULL,
			sec_gpc INTEGER NOT NULL, page TEXT NOT NULL, ua_family TEXT NOT NULL, net_hash TEXT NOT NULL)`,
		`INSERT INTO consents VALUES (1, '7c9e6679-7425-40de-944b-e07fc1f90ae7', '2b7e151d-7425-40de-944b-e07fc1f90ae7', 0,
			'careers', 'abc123', 'en', '{"necessary":true}', 'accept_all', 0, 0, 'https://a.example/', 'Firefox', 'h')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := store.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs, err := s.History(context.Background(), "2b7e151d-7425-40de-944b-e07fc1f90ae7")
	if err != nil || len(recs) != 1 {
		t.Fatalf("the old record: %v, %v", recs, err)
	}
	if err := s.KeepVersion(context.Background(), store.Version{Site: "careers", Version: "abc123", Digest: "d", FirstSeen: base, Doc: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	// The statistics rollup was filled from the records already there.
	st, err := s.Stats(context.Background(), store.Filter{})
	if err != nil || st.Total != 1 || len(st.Categories) != 1 || st.Categories[0].Granted != 1 {
		t.Fatalf("stats of the migrated store: %+v, %v", st, err)
	}
}

// The store holds personal data and the network hashes: its file and
// the -wal and -shm files beside it are the owner's alone, whatever the
// umask, and an older file made world-readable is narrowed.
func TestSQLiteFilesAreOwnerOnlyWhateverTheUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "consent.db")
	check := func(when string) {
		t.Helper()
		for _, name := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(name)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: %s has mode %v, want 0600", when, filepath.Base(name), fi.Mode().Perm())
			}
		}
	}
	s, err := store.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	insert(t, s, record(uuid.NewString(), base))
	check("new store")
	s.Close()
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		_ = os.Chmod(name, 0o644) // as an older notis left them; -wal/-shm may be gone
	}
	s, err = store.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	insert(t, s, record(uuid.NewString(), base))
	check("reopened store")
}

// An erasure must erase (Art 17): after DELETE and a clean shutdown the
// erased record's bytes are nowhere in the SQLite files, and what is left
// is an erasure record holding the id's hash, never the id.
func TestAnErasedRecordIsGoneFromTheSQLiteFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "consent.db")
	s, err := store.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	erased, kept := record(uuid.NewString(), base), record(uuid.NewString(), base)
	erased.Page = "https://jobs.example.org/erase-me-marker"
	insert(t, s, erased, kept)
	var others []store.Record
	for range 200 { // enough rows that the erased one shares pages with others
		others = append(others, record(uuid.NewString(), base))
	}
	insert(t, s, others...)
	if n, err := s.Erase(context.Background(), erased.ConsentID); err != nil || n != 1 {
		t.Fatalf("erase = %d, %v", n, err)
	}
	got, err := s.Erasures(context.Background(), store.Filter{})
	if err != nil || len(got) != 1 || got[0].IDSHA256 != store.IDHash(erased.ConsentID) || got[0].Records != 1 {
		t.Fatalf("erasures = %+v, %v", got, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{erased.ConsentID, erased.EventID, erased.Page} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s still holds %q after its erasure", filepath.Base(name), secret)
			}
		}
		if !bytes.Contains(data, []byte(kept.ConsentID)) && name == path {
			t.Errorf("%s lost a record that was not erased", filepath.Base(name))
		}
	}
}

func TestAnErasureLeavesItsHashNotTheID(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, dsn string) {
		id := uuid.NewString()
		insert(t, s, record(id, base), record(id, base.Add(time.Second)))
		if n, err := s.Erase(context.Background(), id); err != nil || n != 2 {
			t.Fatalf("erase = %d, %v", n, err)
		}
		if n, err := s.Erase(context.Background(), id); err != nil || n != 0 {
			t.Fatalf("second erase = %d, %v", n, err)
		}
		got, err := s.Erasures(context.Background(), store.Filter{Since: time.Now().Add(-time.Hour)})
		if err != nil || len(got) != 1 || got[0].IDSHA256 != store.IDHash(id) || got[0].Records != 2 || strings.Contains(got[0].IDSHA256, id) {
			t.Fatalf("erasures = %+v, %v", got, err)
		}
	})
}

func TestASecondCopyWithAnotherContentIsAConflict(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, dsn string) {
		a := record(uuid.NewString(), base)
		retry, other := a, a
		retry.Page, retry.UAFamily = "https://jobs.example.org/elsewhere", "Chrome" // circumstances may differ
		other.Method = "withdraw"
		res := insert(t, s, a, retry, other) // in one batch
		if res[0].Duplicate || !res[1].Duplicate || res[1].Conflict || !res[2].Conflict || res[2].ConsentID != a.ConsentID {
			t.Fatalf("in one batch: %+v", res)
		}
		res = insert(t, s, retry, other) // in a later batch
		if !res[0].Duplicate || res[0].Conflict || !res[1].Conflict || !res[1].ReceivedAt.Equal(a.ReceivedAt) {
			t.Fatalf("in a later batch: %+v", res)
		}
	})
}

// A reader that keeps an old snapshot open blocks the checkpoint after an
// erasure. The erasure is made and committed all the same, and Erase
// says so with ErrWALBusy instead of failing; once the reader is gone
// the next erasure truncates the log.
func TestAnErasureABusyWALCannotTruncateIsStillMade(t *testing.T) {
	path := filepath.Join(t.TempDir(), "consent.db")
	s, err := store.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first, second := record(uuid.NewString(), base), record(uuid.NewString(), base)
	insert(t, s, first, second)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reader, err := db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := reader.QueryRow(`SELECT count(*) FROM consents`).Scan(&rows); err != nil { // holds its snapshot
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	n, err := s.Erase(ctx, first.ConsentID)
	if n != 1 || !errors.Is(err, store.ErrWALBusy) {
		t.Fatalf("Erase under an open reader = %d, %v; want 1, ErrWALBusy", n, err)
	}
	if h, _ := s.History(context.Background(), first.ConsentID); len(h) != 0 {
		t.Errorf("the erased id still has %d records", len(h))
	}
	if err := reader.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Erase(context.Background(), second.ConsentID); n != 1 || err != nil {
		t.Errorf("Erase after the reader ended = %d, %v; want 1, nil", n, err)
	}
}
