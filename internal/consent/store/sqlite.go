package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the pure-Go driver: no cgo, one static binary
)

// SQLite is the embedded store: one file in WAL mode. One connection
// writes (SQLite has a single writer anyway, and the server batches inserts
// into group commits); a small pool of read-only connections serves the
// admin routes, which WAL lets run beside the writer.
//
// Durability is synchronous=FULL's, done in two steps: the writer commits
// with synchronous=NORMAL (the WAL frames are written, not fsynced), and
// Flush fdatasyncs the WAL file, which is exactly the sync FULL would have
// made inside the commit. Every method that changes data flushes before it
// returns; the server's group committer calls the two steps itself so that
// the next batch is written while the disk flushes the last.
type SQLite struct {
	path   string
	writer *sql.DB
	reader *sql.DB
	ckpt   *sql.DB // the background checkpointer's connection
	stmtMu sync.Mutex
	stmts  map[int]*sql.Stmt // prepared INSERTs by row count
	stop   chan struct{}     // closes the checkpointer
	done   chan struct{}

	walMu    sync.Mutex
	wal      *os.File // the -wal file, opened by the first Flush
	flushErr error    // sticky: see Flusher
}

// checkpointEvery is how often the background checkpointer copies the WAL
// into the database file. Doing it here, not in the committing connection
// (SQLite's default), keeps the copy and the database fsync off the
// latency of the commit that happens to cross the threshold.
const checkpointEvery = 100 * time.Millisecond

// walBackstop is the WAL size (pages) at which the writer checkpoints
// itself after all: under sustained load the background checkpointer can
// lag a few frames behind forever, and the WAL is only reset once a
// checkpoint has copied every frame.
const walBackstop = 8000

var sqliteMigrations = []string{
	// 1: the consent log. received_at is microseconds since the Unix epoch
	// (UTC) so range scans and purges compare integers. The rowid (seq)
	// orders records that share a microsecond.
	`CREATE TABLE consents (
		seq         INTEGER PRIMARY KEY,
		event_id    TEXT    NOT NULL UNIQUE,
		consent_id  TEXT    NOT NULL,
		received_at INTEGER NOT NULL,
		site        TEXT    NOT NULL,
		version     TEXT    NOT NULL,
		lang        TEXT    NOT NULL,
		choices     TEXT    NOT NULL,
		method      TEXT    NOT NULL,
		gpc         INTEGER NOT NULL,
		sec_gpc     INTEGER NOT NULL,
		page        TEXT    NOT NULL,
		ua_family   TEXT    NOT NULL,
		net_hash    TEXT    NOT NULL
	);
	CREATE INDEX consents_by_consent_id ON consents (consent_id);
	CREATE INDEX consents_by_received_at ON consents (received_at);`,
	// 2: every consent version document the server accepted events for,
	// so proofs do not depend on the deployment keeping the files. A new
	// table only: safe on a database of any age.
	`CREATE TABLE consent_versions (
		site       TEXT    NOT NULL,
		version    TEXT    NOT NULL,
		digest     TEXT    NOT NULL,
		first_seen INTEGER NOT NULL,
		doc        TEXT    NOT NULL,
		PRIMARY KEY (site, version, digest)
	);`,
	// 3: what each erasure leaves: when, how many, and the consent id's
	// SHA-256 (store.Erasure), never the id.
	`CREATE TABLE erasures (
		seq       INTEGER PRIMARY KEY,
		at        INTEGER NOT NULL,
		id_sha256 TEXT    NOT NULL,
		records   INTEGER NOT NULL
	);
	CREATE INDEX erasures_by_at ON erasures (at);`,
	// 4: one row that Ping rewrites, to prove the store takes writes.
	`CREATE TABLE probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);`,
	// 5: the daily rollups /v1/stats reads (rollup.go), filled from the
	// records already stored; inserts, erasures and purges keep them.
	`CREATE TABLE stats_daily (
		day TEXT NOT NULL, site TEXT NOT NULL, version TEXT NOT NULL, method TEXT NOT NULL, lang TEXT NOT NULL, gpc INTEGER NOT NULL,
		count INTEGER NOT NULL,
		PRIMARY KEY (day, site, version, method, lang, gpc)
	) WITHOUT ROWID;
	CREATE TABLE stats_daily_choices (
		day TEXT NOT NULL, site TEXT NOT NULL, version TEXT NOT NULL, category TEXT NOT NULL,
		granted INTEGER NOT NULL, denied INTEGER NOT NULL,
		PRIMARY KEY (day, site, version, category)
	) WITHOUT ROWID;
	INSERT INTO stats_daily
		SELECT strftime('%Y-%m-%d', received_at / 1000000, 'unixepoch'), site, version, method, lang, gpc, count(*)
		FROM consents GROUP BY 1, 2, 3, 4, 5, 6;
	INSERT INTO stats_daily_choices
		SELECT strftime('%Y-%m-%d', c.received_at / 1000000, 'unixepoch'), c.site, c.version, j.key,
			sum(CASE WHEN j.type = 'true' THEN 1 ELSE 0 END), sum(CASE WHEN j.type = 'true' THEN 0 ELSE 1 END)
		FROM consents AS c, json_each(c.choices) AS j GROUP BY 1, 2, 3, 4;`,
}

// OpenSQLite opens (creating if needed) the SQLite file at path and applies
// pending migrations.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite path %q: '?' and '#' are not allowed in the file name", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
	}
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	// synchronous=NORMAL, then Flush: see the type's comment. NORMAL still
	// syncs the WAL header when the WAL is reused and the WAL and database
	// around every checkpoint, so the file cannot be corrupted either way.
	// secure_delete: a deleted record's bytes are overwritten with zeros
	// in the page, not left readable in free space until reused; an
	// erasure (Art 17) must erase.
	writer, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=secure_delete(1)&_txlock=immediate"+
		fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", walBackstop))
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	s := &SQLite{path: path, writer: writer}
	var mode string
	if err := writer.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		// Flush syncs the WAL file; without one, commits would not be durable.
		writer.Close()
		return nil, fmt.Errorf("sqlite %s: the file system does not support WAL mode (journal_mode is %s)", path, mode)
	}
	if err := s.migrate(ctx); err != nil {
		writer.Close()
		return nil, err
	}
	reader, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	reader.SetMaxOpenConns(4)
	s.reader = reader
	ckpt, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_pragma=synchronous(FULL)")
	if err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	s.ckpt, s.stop, s.done = ckpt, make(chan struct{}), make(chan struct{})
	go s.checkpoint()
	return s, nil
}

// ownerOnly makes the database file, and the -wal and -shm files beside
// it, readable by their owner only: they hold personal data. SQLite
// creates a missing database with mode 0644 less the umask, and gives the
// -wal and -shm files the database file's mode, so creating the file
// first with 0600 (or narrowing an older one) covers all three whatever
// the umask.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := narrow(f); err != nil {
		return err
	}
	for _, side := range []string{"-wal", "-shm"} {
		g, err := os.OpenFile(path+side, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		err = narrow(g)
		g.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// narrow takes group and other permissions off an open file.
func narrow(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return f.Chmod(fi.Mode().Perm() &^ 0o077)
}

func (s *SQLite) checkpoint() {
	defer close(s.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		// PASSIVE never blocks the writer or readers; a busy database just
		// means the next tick does the rest. Errors are not fatal: the
		// writer's own checkpoint at walBackstop still bounds the WAL.
		_, _ = s.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
	}
}

func (s *SQLite) migrate(ctx context.Context) error {
	if _, err := s.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite %s: create schema_migrations: %w", s.path, err)
	}
	for i, m := range sqliteMigrations {
		version := i + 1
		err := func() error {
			tx, err := s.writer.BeginTx(ctx, nil) // _txlock=immediate: one migrator at a time
			if err != nil {
				return err
			}
			defer tx.Rollback()
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, time.Now().Unix()); err != nil {
				return err
			}
			return tx.Commit()
		}()
		if err != nil {
			return fmt.Errorf("sqlite %s: migration %d: %w", s.path, version, err)
		}
	}
	if err := s.Flush(); err != nil {
		return fmt.Errorf("sqlite %s: migrations: %w", s.path, err)
	}
	return nil
}

// Flush implements Flusher: it fdatasyncs the WAL file.
func (s *SQLite) Flush() error {
	s.walMu.Lock()
	defer s.walMu.Unlock()
	if s.flushErr != nil {
		return s.flushErr
	}
	if err := s.syncWAL(); err != nil {
		s.flushErr = fmt.Errorf("sqlite flush (the server must restart before it can store again): %w", err)
		return s.flushErr
	}
	return nil
}

func (s *SQLite) syncWAL() error {
	name := s.path + "-wal"
	if s.wal == nil {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		// A new WAL file is durable only once its folder entry is, and
		// with synchronous=NORMAL SQLite may not have synced the folder.
		if err := syncDir(filepath.Dir(name)); err != nil {
			f.Close()
			return err
		}
		s.wal = f
	}
	if err := Fdatasync(s.wal); err != nil {
		return err
	}
	// SQLite deletes the WAL only when the last connection closes, after
	// copying it into the database and syncing that. So a missing file
	// means there was nothing left to sync, and a new file (another
	// process reopened the database since) needs its own sync.
	now, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if old, err := s.wal.Stat(); err == nil && os.SameFile(old, now) {
		return nil
	}
	s.wal.Close()
	s.wal = nil
	return s.syncWAL()
}

func (s *SQLite) flushFailed() error {
	s.walMu.Lock()
	defer s.walMu.Unlock()
	return s.flushErr
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// insertRows is how many records one INSERT statement carries: one
// statement per chunk instead of one per record saves most of the
// per-statement cost (database/sql, binding, VDBE set-up) of a batch.
const insertRows = 32

// insertSQL is the INSERT statement for n records. RETURNING names the
// events that were new; the others were already stored. OR IGNORE rather
// than ON CONFLICT DO NOTHING: the same for the unique event id, and as no
// constraint can abort the statement, SQLite keeps no statement journal
// (with random ids a many-row INSERT touches enough pages for that journal
// to spill into a temporary file, which cost as much as the commit).
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT OR IGNORE INTO consents
		(event_id, consent_id, received_at, site, version, lang, choices, method, gpc, sec_gpc, page, ua_family, net_hash) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?)")
	}
	b.WriteString(" RETURNING event_id")
	return b.String()
}

// stmt returns the prepared INSERT for n records, preparing it once.
func (s *SQLite) stmt(ctx context.Context, n int) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st := s.stmts[n]; st != nil {
		return st, nil
	}
	st, err := s.writer.PrepareContext(ctx, insertSQL(n))
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[int]*sql.Stmt{}
	}
	s.stmts[n] = st
	return st, nil
}

// Insert implements Store.
func (s *SQLite) Insert(ctx context.Context, recs []Record) ([]Result, error) {
	results, err := s.InsertUnflushed(ctx, recs)
	if err != nil {
		return nil, err
	}
	return results, s.Flush()
}

// InsertUnflushed implements Flusher.
func (s *SQLite) InsertUnflushed(ctx context.Context, recs []Record) ([]Result, error) {
	if err := s.flushFailed(); err != nil {
		return nil, err
	}
	b := newBatch(recs)
	// Prepare before the transaction takes the writer's only connection.
	full, err := s.stmt(ctx, insertRows)
	if err != nil {
		return nil, wrap("sqlite insert: prepare", err)
	}
	rest := full
	if n := len(b.fresh) % insertRows; n > 0 {
		if rest, err = s.stmt(ctx, n); err != nil {
			return nil, wrap("sqlite insert: prepare", err)
		}
	}
	// One transaction for the records and the statistics they add to.
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrap("sqlite insert: begin", err)
	}
	defer tx.Rollback()
	inserted := make(map[string]bool, len(b.fresh))
	args := make([]any, 0, 13*insertRows)
	for fresh := b.fresh; len(fresh) > 0; {
		chunk := fresh[:min(insertRows, len(fresh))]
		fresh = fresh[len(chunk):]
		args = args[:0]
		for _, i := range chunk {
			r := &recs[i]
			args = append(args, r.EventID, r.ConsentID, micros(r.ReceivedAt), r.Site, r.Version, r.Lang,
				choicesJSON(r.Choices), r.Method, boolInt(r.GPC), boolInt(r.SecGPC), r.Page, r.UAFamily, r.NetHash)
		}
		st := full
		if len(chunk) < insertRows {
			st = rest
		}
		rows, err := tx.StmtContext(ctx, st).QueryContext(ctx, args...)
		if err == nil {
			err = eachEvent(rows, false, func(e string, _ int64) { inserted[e] = true })
		}
		if err != nil {
			return nil, wrap("sqlite insert", err)
		}
	}
	ru := newRollup()
	for _, i := range b.fresh {
		if inserted[recs[i].EventID] {
			ru.add(&recs[i], 1)
		}
	}
	if err := sqliteRollup(ctx, tx, ru); err != nil {
		return nil, wrap("sqlite insert: statistics", err)
	}
	prior := map[string]stored{}
	if dups := b.retried(inserted); len(dups) > 0 {
		// Retries of events already stored: answer with the first copy's
		// time, or a conflict if the content differs. One query for all
		// of them; a batch has at most MaxBatch.
		q := `SELECT event_id, received_at, consent_id, site, version, lang, choices, method, gpc FROM consents WHERE event_id IN (?` + strings.Repeat(",?", len(dups)-1) + `)`
		args = args[:0]
		for _, e := range dups {
			args = append(args, e)
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err == nil {
			err = readPrior(rows, prior)
		}
		if err != nil {
			return nil, wrap("sqlite insert: read duplicates", err)
		}
	}
	results, err := b.results(inserted, prior)
	if err != nil {
		return nil, wrap("sqlite insert", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap("sqlite insert: commit", err)
	}
	return results, nil
}

// sqliteRollup applies a rollup to the statistics tables in tx.
func sqliteRollup(ctx context.Context, tx *sql.Tx, ru *rollup) error {
	stmts, args := ru.statements(func(int) string { return "?" }, func(b bool) any { return boolInt(b) })
	for i, q := range stmts {
		if _, err := tx.ExecContext(ctx, q, args[i]...); err != nil {
			return err
		}
	}
	return nil
}

// sqliteDeleted reads the rows a DELETE … RETURNING sqliteDeletedColumns
// gave back into a rollup that takes them away, and closes rows.
func sqliteDeleted(rows *sql.Rows) (*rollup, int64, error) {
	defer rows.Close()
	ru := newRollup()
	var n int64
	for rows.Next() {
		var r Record
		var us int64
		var gpc int
		var choices string
		if err := rows.Scan(&us, &r.Site, &r.Version, &r.Method, &r.Lang, &gpc, &choices); err != nil {
			return nil, 0, err
		}
		r.ReceivedAt, r.GPC = fromMicros(us), gpc != 0
		if err := json.Unmarshal([]byte(choices), &r.Choices); err != nil {
			return nil, 0, err
		}
		ru.add(&r, -1)
		n++
	}
	return ru, n, rows.Err()
}

const sqliteDeletedColumns = `received_at, site, version, method, lang, gpc, choices`

// readPrior reads the stored copies of retried events into prior, and
// closes rows.
func readPrior(rows *sql.Rows, prior map[string]stored) error {
	defer rows.Close()
	for rows.Next() {
		var e, consent, site, version, lang, choices, method string
		var us int64
		var gpc int
		if err := rows.Scan(&e, &us, &consent, &site, &version, &lang, &choices, &method, &gpc); err != nil {
			return err
		}
		p, err := storedCopy(fromMicros(us), consent, site, version, lang, choices, method, gpc != 0)
		if err != nil {
			return err
		}
		prior[e] = p
	}
	return rows.Err()
}

// eachEvent calls fn for each row of an event id and, withTime, a time in
// microseconds, and closes rows. An INSERT outside a transaction commits
// as its last row is read, so a failed commit is an error of Next or Close.
func eachEvent(rows *sql.Rows, withTime bool, fn func(event string, us int64)) (err error) {
	defer func() {
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
	}()
	var e string
	var us int64
	dest := []any{&e, &us}
	if !withTime {
		dest = dest[:1]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		fn(e, us)
	}
	return rows.Err()
}

const sqliteColumns = `seq, event_id, consent_id, received_at, site, version, lang, choices, method, gpc, sec_gpc, page, ua_family, net_hash`

func scanSQLite(rows *sql.Rows, r *Record) error {
	var us int64
	var choices string
	var gpc, secGPC int
	if err := rows.Scan(&r.Seq, &r.EventID, &r.ConsentID, &us, &r.Site, &r.Version, &r.Lang, &choices, &r.Method, &gpc, &secGPC, &r.Page, &r.UAFamily, &r.NetHash); err != nil {
		return err
	}
	r.ReceivedAt = fromMicros(us)
	r.GPC, r.SecGPC = gpc != 0, secGPC != 0
	r.Choices = nil
	if err := json.Unmarshal([]byte(choices), &r.Choices); err != nil {
		return fmt.Errorf("event %s: choices: %w", r.EventID, err)
	}
	return nil
}

// History implements Store.
func (s *SQLite) History(ctx context.Context, consentID string) ([]Record, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+sqliteColumns+` FROM consents WHERE consent_id = ? ORDER BY received_at, seq`, consentID)
	if err != nil {
		return nil, wrap("sqlite history", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		if err := scanSQLite(rows, &r); err != nil {
			return nil, wrap("sqlite history", err)
		}
		out = append(out, r)
	}
	return out, wrap("sqlite history", rows.Err())
}

// Erase implements Store. The delete overwrites the records in their
// pages (secure_delete), and a checkpoint then copies those pages into
// the database file and truncates the WAL, whose older frames still held
// the records as they were inserted.
func (s *SQLite) Erase(ctx context.Context, consentID string) (int64, error) {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, wrap("sqlite erase", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `DELETE FROM consents WHERE consent_id = ? RETURNING `+sqliteDeletedColumns, consentID)
	if err != nil {
		return 0, wrap("sqlite erase", err)
	}
	ru, n, err := sqliteDeleted(rows)
	if err != nil || n == 0 {
		return 0, wrap("sqlite erase", err)
	}
	if err := sqliteRollup(ctx, tx, ru); err != nil {
		return 0, wrap("sqlite erase: statistics", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO erasures (at, id_sha256, records) VALUES (?, ?, ?)`, micros(time.Now()), IDHash(consentID), n); err != nil {
		return 0, wrap("sqlite erase", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, wrap("sqlite erase", err)
	}
	if err := s.Flush(); err != nil {
		return n, wrap("sqlite erase", err)
	}
	return n, wrap("sqlite erase: checkpoint", s.truncateWAL(ctx))
}

// truncateWAL checkpoints the whole WAL into the database file and
// truncates it. A reader or the background checkpointer can keep the WAL
// busy for a moment, so it tries again, a little later each time, until
// ctx ends; then the erased records' old copies stay in the WAL until the
// next checkpoint (within seconds), and ErrWALBusy says so.
func (s *SQLite) truncateWAL(ctx context.Context) error {
	wait := 5 * time.Millisecond
	for {
		var busy, logFrames, done int
		if err := s.writer.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
			if ctx.Err() != nil {
				return ErrWALBusy
			}
			return err
		}
		if busy == 0 {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ErrWALBusy
		case <-t.C:
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// ErrWALBusy is an erasure that was made and committed, whose records'
// old copies stay in SQLite's write-ahead log until the next checkpoint
// because readers kept it busy.
var ErrWALBusy = errors.New("erased; a reader kept the write-ahead log busy, so the records' old copies stay in it until the next checkpoint")

// Erasures implements Store.
func (s *SQLite) Erasures(ctx context.Context, f Filter) ([]Erasure, error) {
	since, until := sqliteRange(f)
	rows, err := s.reader.QueryContext(ctx, `SELECT at, id_sha256, records FROM erasures WHERE at >= ? AND at < ? ORDER BY at, seq`, since, until)
	if err != nil {
		return nil, wrap("sqlite erasures", err)
	}
	defer rows.Close()
	out := []Erasure{}
	for rows.Next() {
		var e Erasure
		var us int64
		if err := rows.Scan(&us, &e.IDSHA256, &e.Records); err != nil {
			return nil, wrap("sqlite erasures", err)
		}
		e.At = fromMicros(us)
		out = append(out, e)
	}
	return out, wrap("sqlite erasures", rows.Err())
}

func sqliteRange(f Filter) (since, until int64) {
	since, until = math.MinInt64, math.MaxInt64
	if !f.Since.IsZero() {
		since = micros(f.Since)
	}
	if !f.Until.IsZero() {
		until = micros(f.Until)
	}
	return since, until
}

// sqliteExportPage reads the page after the cursor (received_at, seq):
// received_at >= the cursor's time is the range the index seeks to, so
// each page costs its own rows. (Written as one OR of the two cases, the
// cursor was only a filter: every page scanned the index from the start,
// and an export of 5 M records slowed to a few rows a second.)
const sqliteExportPage = `SELECT ` + sqliteColumns + ` FROM consents
	WHERE received_at >= ? AND received_at < ? AND (received_at > ? OR seq > ?)
	ORDER BY received_at, seq LIMIT ?`

// Export implements Store.
func (s *SQLite) Export(ctx context.Context, f Filter, fn func(*Record) error) error {
	since, until := sqliteRange(f)
	return exportInPages(fn, func(after *Record) ([]Record, error) {
		curTime, curSeq := since, int64(math.MinInt64)
		if after != nil {
			curTime, curSeq = micros(after.ReceivedAt), after.Seq
		}
		rows, err := s.reader.QueryContext(ctx, sqliteExportPage, curTime, until, curTime, curSeq, exportPage)
		if err != nil {
			return nil, wrap("sqlite export", err)
		}
		defer rows.Close()
		page := make([]Record, 0, exportPage)
		for rows.Next() {
			var r Record
			if err := scanSQLite(rows, &r); err != nil {
				return nil, wrap("sqlite export", err)
			}
			page = append(page, r)
		}
		return page, wrap("sqlite export", rows.Err())
	})
}

// Stats implements Store, from the daily rollups.
func (s *SQLite) Stats(ctx context.Context, f Filter) (*Stats, error) {
	since, until := statsDays(f)
	st := &Stats{Events: []EventCount{}, Categories: []CategoryStat{}}
	if !f.Since.IsZero() {
		st.Since = since
	}
	if !f.Until.IsZero() {
		st.Until = until
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT day, site, version, method, lang, gpc, count FROM stats_daily
		WHERE day >= ? AND day < ? AND count != 0 ORDER BY day, site, version, method, lang, gpc`, since, until)
	if err != nil {
		return nil, wrap("sqlite stats", err)
	}
	for rows.Next() {
		var e EventCount
		var gpc int
		if err := rows.Scan(&e.Day, &e.Site, &e.Version, &e.Method, &e.Lang, &gpc, &e.Count); err != nil {
			rows.Close()
			return nil, wrap("sqlite stats", err)
		}
		e.GPC = gpc != 0
		st.Total += e.Count
		st.Events = append(st.Events, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("sqlite stats", err)
	}
	rows, err = s.reader.QueryContext(ctx, `SELECT site, version, category, sum(granted), sum(denied) FROM stats_daily_choices
		WHERE day >= ? AND day < ? GROUP BY 1, 2, 3 HAVING sum(granted) != 0 OR sum(denied) != 0 ORDER BY 1, 2, 3`, since, until)
	if err != nil {
		return nil, wrap("sqlite stats", err)
	}
	for rows.Next() {
		var c CategoryStat
		if err := rows.Scan(&c.Site, &c.Version, &c.Category, &c.Granted, &c.Denied); err != nil {
			rows.Close()
			return nil, wrap("sqlite stats", err)
		}
		st.Categories = append(st.Categories, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("sqlite stats", err)
	}
	lo, hi := micros(dayStart(since)), micros(dayStart(until))
	err = s.reader.QueryRowContext(ctx, `SELECT count(*) FROM erasures WHERE at >= ? AND at < ?`, lo, hi).Scan(&st.Erasures)
	return st, wrap("sqlite stats", err)
}

// OneWriter implements OneWriter: SQLite has one writer.
func (*SQLite) OneWriter() {}

// Purge implements Store.
func (s *SQLite) Purge(ctx context.Context, site string, cutoff time.Time) (total int64, err error) {
	defer func() {
		if ferr := s.Flush(); err == nil {
			err = ferr
		}
	}()
	return purgeInSlices(ctx, PurgeSlice, 1, func(ctx context.Context, limit int) (int64, error) {
		return s.PurgeChunk(ctx, site, cutoff, limit)
	})
}

// PurgeChunk implements Store. It commits without a flush, like
// InsertUnflushed: the server's next group commit flushes it.
func (s *SQLite) PurgeChunk(ctx context.Context, site string, cutoff time.Time, limit int) (int64, error) {
	if err := s.flushFailed(); err != nil {
		return 0, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, wrap("sqlite purge", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `DELETE FROM consents WHERE seq IN
		(SELECT seq FROM consents WHERE received_at < ? AND (? = '' OR site = ?) LIMIT ?) RETURNING `+sqliteDeletedColumns, micros(cutoff), site, site, limit)
	if err != nil {
		return 0, wrap("sqlite purge", err)
	}
	ru, n, err := sqliteDeleted(rows)
	if err == nil {
		err = sqliteRollup(ctx, tx, ru)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return 0, wrap("sqlite purge", err)
	}
	return n, nil
}

// KeepVersion implements Store.
func (s *SQLite) KeepVersion(ctx context.Context, v Version) error {
	if err := s.flushFailed(); err != nil {
		return err
	}
	res, err := s.writer.ExecContext(ctx, `INSERT OR IGNORE INTO consent_versions (site, version, digest, first_seen, doc) VALUES (?, ?, ?, ?, ?)`,
		v.Site, v.Version, v.Digest, micros(v.FirstSeen), string(v.Doc))
	if err != nil {
		return wrap("sqlite keep version", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return wrap("sqlite keep version", err) // nil: already kept
	}
	return wrap("sqlite keep version", s.Flush())
}

// Versions implements Store.
func (s *SQLite) Versions(ctx context.Context, site string) ([]Version, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT site, version, digest, first_seen, doc FROM consent_versions
		WHERE site = ? ORDER BY first_seen, version, digest`, site)
	if err != nil {
		return nil, wrap("sqlite versions", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var us int64
		var doc string
		if err := rows.Scan(&v.Site, &v.Version, &v.Digest, &us, &doc); err != nil {
			return nil, wrap("sqlite versions", err)
		}
		v.FirstSeen, v.Doc = fromMicros(us), []byte(doc)
		out = append(out, v)
	}
	return out, wrap("sqlite versions", rows.Err())
}

// HasRecords implements Store.
func (s *SQLite) HasRecords(ctx context.Context) (bool, error) {
	var has bool
	err := s.reader.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM consents)`).Scan(&has)
	return has, wrap("sqlite has records", err)
}

// Ping implements Store: it rewrites the probe row and flushes, so a
// full disk, a read-only file or a failed flush all show.
func (s *SQLite) Ping(ctx context.Context) error {
	if err := s.flushFailed(); err != nil {
		return err // every insert fails until a restart: not ready
	}
	if _, err := s.writer.ExecContext(ctx, `INSERT INTO probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at`, micros(time.Now())); err != nil {
		return wrap("sqlite ping", err)
	}
	return wrap("sqlite ping", s.Flush())
}

// DiskFree is the space free for unprivileged writers on the store's
// file system, for the metric.
func (s *SQLite) DiskFree() (uint64, error) {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(s.path), &fs); err != nil {
		return 0, err
	}
	return fs.Bavail * uint64(fs.Bsize), nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error unless
// SQLite answers "ok".
func (s *SQLite) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := s.reader.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return wrap("sqlite integrity_check", err)
	}
	if res != "ok" {
		return fmt.Errorf("sqlite integrity_check: %s", res)
	}
	return nil
}

// Close implements Store.
func (s *SQLite) Close() error {
	var errs []error
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		errs = append(errs, st.Close())
	}
	s.stmtMu.Unlock()
	if s.ckpt != nil {
		close(s.stop)
		<-s.done
		errs = append(errs, s.ckpt.Close())
	}
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	errs = append(errs, s.writer.Close())
	s.walMu.Lock()
	if s.wal != nil {
		errs = append(errs, s.wal.Close())
	}
	s.walMu.Unlock()
	return wrap("sqlite close", errors.Join(errs...))
}
