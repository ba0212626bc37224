package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres is the store for more than one machine: any number of stateless
// `notis consent` instances can share one database. Inserts arrive in
// batches from the server's group committer and go in as one statement per
// batch (a multi-row VALUES list), because per-row INSERTs make PostgreSQL
// itself the bottleneck (shared/research/consent-server.md §2.7).
type Postgres struct {
	pool  *pgxpool.Pool
	sqlMu sync.Mutex
	sql   map[int]string // INSERT statements by row count
}

var postgresMigrations = []string{
	// 1: the consent log; same columns as the SQLite store.
	`CREATE TABLE consents (
		seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		event_id    uuid        NOT NULL UNIQUE,
		consent_id  uuid        NOT NULL,
		received_at timestamptz NOT NULL,
		site        text        NOT NULL,
		version     text        NOT NULL,
		lang        text        NOT NULL,
		choices     jsonb       NOT NULL,
		method      text        NOT NULL,
		gpc         boolean     NOT NULL,
		sec_gpc     boolean     NOT NULL,
		page        text        NOT NULL,
		ua_family   text        NOT NULL,
		net_hash    text        NOT NULL
	);
	CREATE INDEX consents_by_consent_id ON consents (consent_id);
	CREATE INDEX consents_by_received_at ON consents (received_at, seq);`,
	// 2: every consent version document the server accepted events for
	// (see the SQLite store). A new table only: safe on any database.
	`CREATE TABLE consent_versions (
		site       text        NOT NULL,
		version    text        NOT NULL,
		digest     text        NOT NULL,
		first_seen timestamptz NOT NULL,
		doc        text        NOT NULL,
		PRIMARY KEY (site, version, digest)
	);`,
	// 3: what each erasure leaves (see the SQLite store).
	`CREATE TABLE erasures (
		seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		at        timestamptz NOT NULL,
		id_sha256 text        NOT NULL,
		records   bigint      NOT NULL
	);
	CREATE INDEX erasures_by_at ON erasures (at);`,
	// 4: one row that Ping rewrites, to prove the store takes writes.
	`CREATE TABLE probe (id integer PRIMARY KEY CHECK (id = 1), at timestamptz NOT NULL);`,
	// 5: the daily rollups /v1/stats reads (rollup.go), filled from the
	// records already stored; inserts, erasures and purges keep them.
	`CREATE TABLE stats_daily (
		day text NOT NULL, site text NOT NULL, version text NOT NULL, method text NOT NULL, lang text NOT NULL, gpc boolean NOT NULL,
		count bigint NOT NULL,
		PRIMARY KEY (day, site, version, method, lang, gpc)
	);
	CREATE TABLE stats_daily_choices (
		day text NOT NULL, site text NOT NULL, version text NOT NULL, category text NOT NULL,
		granted bigint NOT NULL, denied bigint NOT NULL,
		PRIMARY KEY (day, site, version, category)
	);
	INSERT INTO stats_daily
		SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), site, version, method, lang, gpc, count(*)
		FROM consents GROUP BY 1, 2, 3, 4, 5, 6;
	INSERT INTO stats_daily_choices
		SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), site, version, j.key,
			count(*) FILTER (WHERE j.value = 'true'::jsonb), count(*) FILTER (WHERE j.value <> 'true'::jsonb)
		FROM consents, jsonb_each(choices) AS j GROUP BY 1, 2, 3, 4;`,
}

// migrationLock is the advisory lock key that serialises migrations when
// several instances start at once.
const migrationLock = 0x6e6f746973 // "notis"

// OpenPostgres connects to dsn and applies pending migrations.
func OpenPostgres(ctx context.Context, dsn string) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse --db: %w", err)
	}
	// A 201 promises the record is on disk: refuse a server-side default of
	// synchronous_commit=off for our sessions.
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	if !strings.Contains(dsn, "pool_max_conns") {
		// Group commit needs few connections; more would only make
		// PostgreSQL backends compete for the same cores.
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	p := &Postgres{pool: pool}
	if err := p.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return p, nil
}

func (p *Postgres) migrate(ctx context.Context) error {
	for i, m := range postgresMigrations {
		version := i + 1
		err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.Exec(ctx, m); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, version)
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migration %d: %w", version, err)
		}
	}
	return nil
}

// Insert implements Store.
func (p *Postgres) Insert(ctx context.Context, recs []Record) ([]Result, error) {
	b := newBatch(recs)
	args := make([]any, 0, 13*len(b.fresh))
	for _, i := range b.fresh {
		r := &recs[i]
		args = append(args, r.EventID, r.ConsentID, r.ReceivedAt, r.Site, r.Version, r.Lang, choicesJSON(r.Choices),
			r.Method, r.GPC, r.SecGPC, r.Page, r.UAFamily, r.NetHash)
	}
	inserted := make(map[string]bool, len(b.fresh))
	insertChunks := func(q pgxQuerier) error {
		for done := 0; done < len(b.fresh); {
			rowsNow := min(len(b.fresh)-done, pgInsertRows)
			rows, err := q.Query(ctx, p.insertSQL(rowsNow), args[13*done:13*(done+rowsNow)]...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var e string
				if err := rows.Scan(&e); err != nil {
					rows.Close()
					return err
				}
				inserted[e] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			done += rowsNow
		}
		return nil
	}
	// One transaction for the records and the statistics they add to.
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if err := insertChunks(tx); err != nil {
			return err
		}
		ru := newRollup()
		for _, i := range b.fresh {
			if inserted[recs[i].EventID] {
				ru.add(&recs[i], 1)
			}
		}
		return pgRollup(ctx, tx, ru)
	})
	if err != nil {
		return nil, wrap("postgres insert", err)
	}
	prior := map[string]stored{}
	if dups := b.retried(inserted); len(dups) > 0 {
		// Retries of events already stored: answer with the first copy's
		// time, or a conflict if the content differs.
		rows, err := p.pool.Query(ctx, `SELECT event_id::text, received_at, consent_id::text, site, version, lang, choices::text, method, gpc
			FROM consents WHERE event_id = ANY($1::text[]::uuid[])`, dups)
		if err != nil {
			return nil, wrap("postgres insert: read duplicates", err)
		}
		for rows.Next() {
			var e, consent, site, version, lang, choices, method string
			var t time.Time
			var gpc bool
			if err := rows.Scan(&e, &t, &consent, &site, &version, &lang, &choices, &method, &gpc); err != nil {
				rows.Close()
				return nil, wrap("postgres insert: read duplicates", err)
			}
			if prior[e], err = storedCopy(t.UTC(), consent, site, version, lang, choices, method, gpc); err != nil {
				rows.Close()
				return nil, wrap("postgres insert: read duplicates", err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, wrap("postgres insert: read duplicates", err)
		}
	}
	results, err := b.results(inserted, prior)
	return results, wrap("postgres insert", err)
}

// pgRollup applies a rollup to the statistics tables in tx.
func pgRollup(ctx context.Context, tx pgx.Tx, ru *rollup) error {
	stmts, args := ru.statements(func(i int) string { return fmt.Sprintf("$%d", i) }, func(b bool) any { return b })
	for i, q := range stmts {
		if _, err := tx.Exec(ctx, q, args[i]...); err != nil {
			return err
		}
	}
	return nil
}

// pgDeleted reads the rows a DELETE … RETURNING pgDeletedColumns gave
// back into a rollup that takes them away.
func pgDeleted(rows pgx.Rows) (*rollup, int64, error) {
	defer rows.Close()
	ru := newRollup()
	var n int64
	for rows.Next() {
		var r Record
		var choices string
		if err := rows.Scan(&r.ReceivedAt, &r.Site, &r.Version, &r.Method, &r.Lang, &r.GPC, &choices); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal([]byte(choices), &r.Choices); err != nil {
			return nil, 0, err
		}
		ru.add(&r, -1)
		n++
	}
	return ru, n, rows.Err()
}

const pgDeletedColumns = `received_at, site, version, method, lang, gpc, choices::text`

// pgInsertRows bounds the records of one INSERT, well below the protocol's
// 65,535 parameters; the server's batches are smaller (MaxBatch).
const pgInsertRows = 1000

type pgxQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// insertSQL is the INSERT statement for n records, one VALUES row each:
// PostgreSQL spends a quarter of the fixed cost and two thirds of the
// per-row cost of an unnest of 13 arrays on it (measured), and pgx
// prepares each distinct statement once. RETURNING names the new events.
func (p *Postgres) insertSQL(n int) string {
	p.sqlMu.Lock()
	defer p.sqlMu.Unlock()
	if q, ok := p.sql[n]; ok {
		return q
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO consents
		(event_id, consent_id, received_at, site, version, lang, choices, method, gpc, sec_gpc, page, ua_family, net_hash) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		k := 13 * i
		fmt.Fprintf(&b, "($%d::uuid,$%d::uuid,$%d::timestamptz,$%d::text,$%d::text,$%d::text,$%d::jsonb,$%d::text,$%d::boolean,$%d::boolean,$%d::text,$%d::text,$%d::text)",
			k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+9, k+10, k+11, k+12, k+13)
	}
	b.WriteString(" ON CONFLICT (event_id) DO NOTHING RETURNING event_id::text")
	if p.sql == nil {
		p.sql = map[int]string{}
	}
	p.sql[n] = b.String()
	return p.sql[n]
}

const postgresColumns = `seq, event_id::text, consent_id::text, received_at, site, version, lang, choices::text, method, gpc, sec_gpc, page, ua_family, net_hash`

func scanPostgres(rows pgx.Rows, r *Record) error {
	var choices string
	if err := rows.Scan(&r.Seq, &r.EventID, &r.ConsentID, &r.ReceivedAt, &r.Site, &r.Version, &r.Lang, &choices, &r.Method, &r.GPC, &r.SecGPC, &r.Page, &r.UAFamily, &r.NetHash); err != nil {
		return err
	}
	r.ReceivedAt = r.ReceivedAt.UTC()
	r.Choices = nil
	if err := json.Unmarshal([]byte(choices), &r.Choices); err != nil {
		return fmt.Errorf("event %s: choices: %w", r.EventID, err)
	}
	return nil
}

// History implements Store.
func (p *Postgres) History(ctx context.Context, consentID string) ([]Record, error) {
	rows, err := p.pool.Query(ctx, `SELECT `+postgresColumns+` FROM consents WHERE consent_id = $1::uuid ORDER BY received_at, seq`, consentID)
	if err != nil {
		return nil, wrap("postgres history", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		if err := scanPostgres(rows, &r); err != nil {
			return nil, wrap("postgres history", err)
		}
		out = append(out, r)
	}
	return out, wrap("postgres history", rows.Err())
}

// Erase implements Store. PostgreSQL cannot overwrite what it deletes:
// the rows stay as dead tuples until their pages are rewritten, and in
// the WAL and its archives (docs/consent-server.md says for how long).
func (p *Postgres) Erase(ctx context.Context, consentID string) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `DELETE FROM consents WHERE consent_id = $1::uuid RETURNING `+pgDeletedColumns, consentID)
		if err != nil {
			return err
		}
		ru, deleted, err := pgDeleted(rows)
		if err != nil || deleted == 0 {
			return err
		}
		if err := pgRollup(ctx, tx, ru); err != nil {
			return err
		}
		n = deleted
		_, err = tx.Exec(ctx, `INSERT INTO erasures (at, id_sha256, records) VALUES (now(), $1, $2)`, IDHash(consentID), n)
		return err
	})
	if err != nil {
		return 0, wrap("postgres erase", err)
	}
	return n, nil
}

// Erasures implements Store.
func (p *Postgres) Erasures(ctx context.Context, f Filter) ([]Erasure, error) {
	cond, args := postgresRange(f, 1)
	rows, err := p.pool.Query(ctx, `SELECT at, id_sha256, records FROM erasures WHERE `+strings.ReplaceAll(cond, "received_at", "at")+` ORDER BY at, seq`, args...)
	if err != nil {
		return nil, wrap("postgres erasures", err)
	}
	defer rows.Close()
	out := []Erasure{}
	for rows.Next() {
		var e Erasure
		if err := rows.Scan(&e.At, &e.IDSHA256, &e.Records); err != nil {
			return nil, wrap("postgres erasures", err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, wrap("postgres erasures", rows.Err())
}

// postgresRange turns a filter into a WHERE condition on received_at,
// numbering its parameters from $n.
func postgresRange(f Filter, n int) (string, []any) {
	conds, args := []string{"true"}, []any{}
	if !f.Since.IsZero() {
		conds = append(conds, fmt.Sprintf("received_at >= $%d", n+len(args)))
		args = append(args, f.Since)
	}
	if !f.Until.IsZero() {
		conds = append(conds, fmt.Sprintf("received_at < $%d", n+len(args)))
		args = append(args, f.Until)
	}
	return strings.Join(conds, " AND "), args
}

// postgresExportPage reads the page after the cursor ($1, $2), within
// cond: keyset pagination on (received_at, seq), whose index the row
// comparison seeks into, so each page costs its own rows, and each page
// is its own short query, so a slow client holds no snapshot open.
func postgresExportPage(cond string) string {
	return `SELECT ` + postgresColumns + ` FROM consents WHERE (received_at, seq) > ($1, $2) AND ` + cond +
		` ORDER BY received_at, seq LIMIT ` + fmt.Sprint(exportPage)
}

// Export implements Store.
func (p *Postgres) Export(ctx context.Context, f Filter, fn func(*Record) error) error {
	cond, args := postgresRange(f, 3)
	q := postgresExportPage(cond)
	return exportInPages(fn, func(after *Record) ([]Record, error) {
		// The first page's cursor is before every record: seq starts at 1.
		curTime, curSeq := f.Since, int64(0)
		if after != nil {
			curTime, curSeq = after.ReceivedAt, after.Seq
		}
		rows, err := p.pool.Query(ctx, q, append([]any{curTime, curSeq}, args...)...)
		if err != nil {
			return nil, wrap("postgres export", err)
		}
		defer rows.Close()
		page := make([]Record, 0, exportPage)
		for rows.Next() {
			var r Record
			if err := scanPostgres(rows, &r); err != nil {
				return nil, wrap("postgres export", err)
			}
			page = append(page, r)
		}
		return page, wrap("postgres export", rows.Err())
	})
}

// Stats implements Store, from the daily rollups.
func (p *Postgres) Stats(ctx context.Context, f Filter) (*Stats, error) {
	since, until := statsDays(f)
	st := &Stats{Events: []EventCount{}, Categories: []CategoryStat{}}
	if !f.Since.IsZero() {
		st.Since = since
	}
	if !f.Until.IsZero() {
		st.Until = until
	}
	rows, err := p.pool.Query(ctx, `SELECT day, site, version, method, lang, gpc, count FROM stats_daily
		WHERE day >= $1 AND day < $2 AND count <> 0 ORDER BY day, site, version, method, lang, gpc`, since, until)
	if err != nil {
		return nil, wrap("postgres stats", err)
	}
	for rows.Next() {
		var e EventCount
		if err := rows.Scan(&e.Day, &e.Site, &e.Version, &e.Method, &e.Lang, &e.GPC, &e.Count); err != nil {
			rows.Close()
			return nil, wrap("postgres stats", err)
		}
		st.Total += e.Count
		st.Events = append(st.Events, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("postgres stats", err)
	}
	rows, err = p.pool.Query(ctx, `SELECT site, version, category, sum(granted)::bigint, sum(denied)::bigint FROM stats_daily_choices
		WHERE day >= $1 AND day < $2 GROUP BY 1, 2, 3 HAVING sum(granted) <> 0 OR sum(denied) <> 0 ORDER BY 1, 2, 3`, since, until)
	if err != nil {
		return nil, wrap("postgres stats", err)
	}
	for rows.Next() {
		var c CategoryStat
		if err := rows.Scan(&c.Site, &c.Version, &c.Category, &c.Granted, &c.Denied); err != nil {
			rows.Close()
			return nil, wrap("postgres stats", err)
		}
		st.Categories = append(st.Categories, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("postgres stats", err)
	}
	err = p.pool.QueryRow(ctx, `SELECT count(*) FROM erasures WHERE at >= $1 AND at < $2`, dayStart(since), dayStart(until)).Scan(&st.Erasures)
	return st, wrap("postgres stats", err)
}

// Purge implements Store.
func (p *Postgres) Purge(ctx context.Context, site string, cutoff time.Time) (int64, error) {
	return purgeInSlices(ctx, pgPurgeSlice, pgPurgeRest, func(ctx context.Context, limit int) (int64, error) {
		return p.PurgeChunk(ctx, site, cutoff, limit)
	})
}

// PurgeChunk implements Store: one small DELETE in its own transaction,
// never one long one that would hold row locks and keep vacuum from
// the rows it deleted. The transaction commits without waiting for its
// WAL to reach the disk (synchronous_commit off, for it alone): a chunk
// lost in a crash is deleted again by the next purge, its statistics
// with it, and a chunk then costs no fsync of its own. The next insert's
// commit flushes it anyway.
func (p *Postgres) PurgeChunk(ctx context.Context, site string, cutoff time.Time, limit int) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit TO off`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `DELETE FROM consents WHERE seq IN
			(SELECT seq FROM consents WHERE received_at < $1 AND ($2 = '' OR site = $2) LIMIT $3) RETURNING `+pgDeletedColumns, cutoff, site, limit)
		if err != nil {
			return err
		}
		ru, deleted, err := pgDeleted(rows)
		if err != nil {
			return err
		}
		n = deleted
		return pgRollup(ctx, tx, ru)
	})
	if err != nil {
		return 0, wrap("postgres purge", err)
	}
	return n, nil
}

// KeepVersion implements Store.
func (p *Postgres) KeepVersion(ctx context.Context, v Version) error {
	_, err := p.pool.Exec(ctx, `INSERT INTO consent_versions (site, version, digest, first_seen, doc) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING`, v.Site, v.Version, v.Digest, v.FirstSeen, string(v.Doc))
	return wrap("postgres keep version", err)
}

// Versions implements Store.
func (p *Postgres) Versions(ctx context.Context, site string) ([]Version, error) {
	rows, err := p.pool.Query(ctx, `SELECT site, version, digest, first_seen, doc FROM consent_versions
		WHERE site = $1 ORDER BY first_seen, version, digest`, site)
	if err != nil {
		return nil, wrap("postgres versions", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var doc string
		if err := rows.Scan(&v.Site, &v.Version, &v.Digest, &v.FirstSeen, &doc); err != nil {
			return nil, wrap("postgres versions", err)
		}
		v.FirstSeen, v.Doc = v.FirstSeen.UTC(), []byte(doc)
		out = append(out, v)
	}
	return out, wrap("postgres versions", rows.Err())
}

// HasRecords implements Store.
func (p *Postgres) HasRecords(ctx context.Context) (bool, error) {
	var has bool
	err := p.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM consents)`).Scan(&has)
	return has, wrap("postgres has records", err)
}

// Ping implements Store: it rewrites the probe row, so a read-only
// database (a standby, default_transaction_read_only) or a full disk show.
func (p *Postgres) Ping(ctx context.Context) error {
	_, err := p.pool.Exec(ctx, `INSERT INTO probe (id, at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET at = excluded.at`)
	return wrap("postgres ping", err)
}

// Close implements Store.
func (p *Postgres) Close() error {
	p.pool.Close()
	return nil
}
