// Package store keeps consent records durably, in an embedded SQLite file or
// in PostgreSQL, behind one small interface. Both stores share one schema and
// apply their versioned migrations when they open.
package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/notis-dev/notis/internal/diag"
)

// Record is one consent event as the server stores it: what the visitor
// chose, when, under which version, and just enough about the session to
// show the event is genuine, never a raw IP, a full user agent or a query.
type Record struct {
	Seq        int64           `json:"-"` // insertion order; export cursor
	EventID    string          `json:"event"`
	ConsentID  string          `json:"id"`
	ReceivedAt time.Time       `json:"received_at"` // server clock, UTC, µs precision
	Site       string          `json:"site"`
	Version    string          `json:"version"`
	Lang       string          `json:"lang"`
	Choices    map[string]bool `json:"choices"`
	Method     string          `json:"method"`
	GPC        bool            `json:"gpc"`     // the banner saw navigator.globalPrivacyControl
	SecGPC     bool            `json:"sec_gpc"` // the request carried Sec-GPC: 1
	Page       string          `json:"page"`    // origin + path; no query, no fragment
	UAFamily   string          `json:"ua_family"`
	NetHash    string          `json:"net_hash"` // keyed hash of the client's /24 or /48
}

// Result is what Insert reports for one record: the time the stored record
// was received, and whether the event was already there (a retry), in which
// case ReceivedAt is the first copy's.
type Result struct {
	ReceivedAt time.Time
	Duplicate  bool
	// Conflict: the event id was stored before with a different content
	// (consent id, site, version, language, choices, method or GPC flag).
	// Nothing is stored; ConsentID is the stored copy's consent id, for
	// the receipt the server answers with.
	Conflict  bool
	ConsentID string
}

// stored is what a retried event's stored copy is compared by.
type stored struct {
	at      time.Time
	content string // content(stored record)
	consent string
}

// content is what must be equal for a second copy of an event to be a
// retry: everything the visitor chose and under what, not the request's
// circumstances (page, browser, network), which a retry from another
// page view may change.
func content(r *Record) string {
	return r.ConsentID + "\x00" + r.Site + "\x00" + r.Version + "\x00" + r.Lang + "\x00" + choicesJSON(r.Choices) + "\x00" + r.Method + "\x00" + strconv.FormatBool(r.GPC)
}

// storedCopy builds a stored from the columns a duplicate read returns;
// choices is the stored JSON object in either store's spelling.
func storedCopy(at time.Time, consentID, site, version, lang, choices, method string, gpc bool) (stored, error) {
	r := Record{ConsentID: consentID, Site: site, Version: version, Lang: lang, Method: method, GPC: gpc}
	if err := json.Unmarshal([]byte(choices), &r.Choices); err != nil {
		return stored{}, err
	}
	return stored{at: at, content: content(&r), consent: consentID}, nil
}

// Filter selects records by server time: Since inclusive, Until exclusive;
// a zero bound is open.
type Filter struct {
	Since, Until time.Time
}

// Stats counts records, for the DPO's overview. They come from daily
// rollups, so a range is counted in whole UTC days: Since and Until
// (YYYY-MM-DD, Until exclusive; empty when open) say which.
type Stats struct {
	Since      string         `json:"since,omitempty"`
	Until      string         `json:"until,omitempty"`
	Total      int64          `json:"total"`
	Events     []EventCount   `json:"events"`     // per day, site, version, method, language, GPC flag
	Categories []CategoryStat `json:"categories"` // per site, version, category
	Erasures   int64          `json:"erasures"`   // erasure requests carried out in the range
}

// EventCount is the number of events for one day, site, version, method,
// language and GPC flag.
type EventCount struct {
	Day     string `json:"day"` // YYYY-MM-DD, UTC
	Site    string `json:"site"`
	Version string `json:"version"`
	Method  string `json:"method"`
	Lang    string `json:"lang"`
	GPC     bool   `json:"gpc"`
	Count   int64  `json:"count"`
}

// CategoryStat is how often one category was granted or denied.
type CategoryStat struct {
	Site     string `json:"site"`
	Version  string `json:"version"`
	Category string `json:"category"`
	Granted  int64  `json:"granted"`
	Denied   int64  `json:"denied"`
}

// Version is one consent version document as the build published it
// (public/consent/versions/<version>.json). The store keeps every one it
// was given, so a proof stays readable, and an old banner's events stay
// acceptable, after the file is gone from the deployment.
type Version struct {
	Site    string
	Version string
	// Digest is the hex SHA-256 of Doc. One version id can be published
	// again with new wording (the id hashes the categories, not the
	// texts), and each wording a visitor may have seen is kept.
	Digest    string
	FirstSeen time.Time // when this store first kept the document
	Doc       []byte    // the file's bytes, unchanged
}

// Erasure is the accountability record an erasure leaves: when, how many
// records, and the SHA-256 of the consent id, never the id itself. Asked
// "did you erase my consent id?", the DPO hashes the id the visitor gives
// and looks; the hash alone does not lead back to the id (a consent id
// has at least 74 random bits).
type Erasure struct {
	At       time.Time `json:"at"`
	IDSHA256 string    `json:"id_sha256"`
	Records  int64     `json:"records"`
}

// IDHash is the hex SHA-256 of a consent id, as Erasure keeps it.
func IDHash(consentID string) string {
	sum := sha256.Sum256([]byte(consentID))
	return hex.EncodeToString(sum[:])
}

// Store is where consent records live.
type Store interface {
	// Insert stores the records and returns once they are durable;
	// results[i] belongs to recs[i]. Event ids are unique: a record whose
	// event is already stored is not stored again. A batch is committed
	// as a whole, but an error does not prove that nothing was stored
	// (the read of retried events after the INSERT can fail): the
	// server answers 503 and the client's retry is answered as a
	// duplicate with the first copy's time.
	Insert(ctx context.Context, recs []Record) ([]Result, error)
	// History returns a consent id's records, oldest first.
	History(ctx context.Context, consentID string) ([]Record, error)
	// Erase deletes a consent id's records, leaves an Erasure in their
	// place, and says how many there were. Where the store can, the
	// deleted bytes are overwritten before it returns.
	Erase(ctx context.Context, consentID string) (int64, error)
	// Erasures lists the erasures in the filter's range, oldest first.
	Erasures(ctx context.Context, f Filter) ([]Erasure, error)
	// Export calls fn for each record in the filter's range, oldest first,
	// reading in pages so memory stays constant; fn's error stops it.
	Export(ctx context.Context, f Filter, fn func(*Record) error) error
	// Stats counts the records in the filter's range.
	Stats(ctx context.Context, f Filter) (*Stats, error)
	// Purge deletes a site's records received before cutoff (every site's
	// when site is ""), in chunks of about PurgeSlice each with a pause as
	// long after each, and says how many it deleted. It is for a store no
	// server is writing to (`notis consent purge`): a server purges with
	// PurgeChunk from its own writer, between group commits.
	Purge(ctx context.Context, site string, cutoff time.Time) (int64, error)
	// PurgeChunk deletes at most limit of the records Purge would, in one
	// short transaction that also takes them out of the statistics, and
	// says how many. In SQLite the deletion is durable at the next Flush.
	PurgeChunk(ctx context.Context, site string, cutoff time.Time, limit int) (int64, error)
	// KeepVersion stores a consent version document, durably, unless a
	// document with the same site, version and digest is already kept.
	KeepVersion(ctx context.Context, v Version) error
	// Versions returns every kept document of a site, oldest first.
	Versions(ctx context.Context, site string) ([]Version, error)
	// HasRecords says whether the store holds any consent record.
	HasRecords(ctx context.Context) (bool, error)
	// Ping checks the store can be reached and written: it writes (and,
	// for SQLite, flushes) one small probe row.
	Ping(ctx context.Context) error
	Close() error
}

// Flusher is a store that can commit a batch without waiting for the disk
// and later make every such commit durable with one flush. The server's
// group committer uses it to write the next batch while the disk flushes
// the last one, instead of leaving the writer idle during each fsync.
type Flusher interface {
	Store
	// InsertUnflushed is Insert, except that it returns once the
	// transaction is committed and visible, before it is durable.
	InsertUnflushed(ctx context.Context, recs []Record) ([]Result, error)
	// Flush makes every transaction committed before the call durable. Once
	// a flush has failed, the store cannot tell what reached the disk, so
	// every later Flush (and Insert) fails too.
	Flush() error
}

// OneWriter is a store that runs one write transaction at a time (SQLite),
// so a purge beside intake must take turns with intake in the server's
// one writer. A store without it (PostgreSQL) takes a purge's small
// transactions beside the inserts: they touch other rows.
type OneWriter interface {
	Store
	OneWriter()
}

// Kind names the store behind a --db value.
func Kind(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return "postgres"
	}
	return "sqlite"
}

// urlScheme is the scheme of a --db value written as a URL.
var urlScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)

// CheckDSN refuses a --db value that names neither store. A bare path is
// a SQLite file, so without this a URL of another scheme ("mysql://…",
// a mistyped "postgre://…") would become a SQLite file of that name.
func CheckDSN(dsn string) error {
	m := urlScheme.FindStringSubmatch(dsn)
	if m != nil && m[1] == "sqlite" {
		// sqlite://x.db would open /x.db, and URL conventions for SQLite
		// disagree on how many slashes make a path absolute.
		return fmt.Errorf("--db %s: write sqlite:FILE, without slashes of a URL: sqlite:/var/lib/notis/consent.db, or sqlite:consent.db for a file in this folder", dsn)
	}
	if m != nil && Kind(dsn) != "postgres" {
		msg := fmt.Sprintf("--db %s: notis keeps consent in SQLite (sqlite:FILE) or PostgreSQL (postgres://user@host/db), not %s", dsn, m[1])
		if near := diag.Suggest(m[1], []string{"postgres", "postgresql", "sqlite"}); near != "" {
			msg += "; " + near
		}
		return errors.New(msg)
	}
	return nil
}

// Open opens the store a --db value names: "sqlite:PATH" (or a bare path)
// or "postgres://…", and brings its schema up to date.
func Open(ctx context.Context, dsn string) (Store, error) {
	if err := CheckDSN(dsn); err != nil {
		return nil, err
	}
	switch Kind(dsn) {
	case "postgres":
		return OpenPostgres(ctx, dsn)
	default:
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("--db sqlite: needs a file path, like sqlite:consent.db")
		}
		return OpenSQLite(ctx, path)
	}
}

// exportPage is how many rows Export reads per query: enough to amortise
// the query, small enough that a slow reader holds no long transaction.
const exportPage = 500

// PurgeSlice is how long one purge chunk may hold SQLite's one writer:
// the longest an insert waits for a purge. PurgeSizer sizes chunks to it
// as they go.
const PurgeSlice = 2 * time.Millisecond

// pgPurgeSlice is how long one PostgreSQL purge transaction may take,
// and pgPurgeRest how many times that the purge then rests. Inserts do
// not wait for a delete of other rows, but they share the server's cores
// and its write-ahead log: measured on 2 cores at 500 inserts a second,
// 50 ms chunks resting as long as they took (half the time) raised
// intake p99 from 4.8 to 137 ms while purging 1 M records in 21 s.
const (
	pgPurgeSlice = 10 * time.Millisecond
	pgPurgeRest  = 4
)

// The rows of one purge chunk: the first chunk's, the fewest and the most.
const (
	purgeFirst = 256
	purgeMin   = 16
	purgeMax   = 4096
)

// PurgeSizer sizes purge chunks by the time the last one took: halved
// when it took longer than the slice (PurgeSlice when Slice is zero),
// doubled when it took less than half, within purgeMin and purgeMax.
type PurgeSizer struct {
	Slice time.Duration
	limit int
}

// Limit is the row limit for the next chunk.
func (z *PurgeSizer) Limit() int {
	if z.limit == 0 {
		z.limit = purgeFirst
	}
	return z.limit
}

// Took records how long the chunk of Limit() rows took.
func (z *PurgeSizer) Took(d time.Duration) {
	limit, slice := z.Limit(), cmp.Or(z.Slice, PurgeSlice)
	switch {
	case d > slice && limit > purgeMin:
		z.limit = max(purgeMin, limit/2)
	case d < slice/2 && limit < purgeMax:
		z.limit = min(purgeMax, limit*2)
	}
}

// purgeInSlices calls del(limit) until it deletes fewer than limit rows,
// with limit sized to slice by a PurgeSizer, and sleeps rest times as
// long as each call took before the next.
func purgeInSlices(ctx context.Context, slice time.Duration, rest int, del func(ctx context.Context, limit int) (int64, error)) (int64, error) {
	var total int64
	size := PurgeSizer{Slice: slice}
	for {
		limit := size.Limit()
		start := time.Now()
		n, err := del(ctx, limit)
		took := time.Since(start)
		total += n
		if err != nil || n < int64(limit) {
			return total, err
		}
		size.Took(took)
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(time.Duration(rest) * took):
		}
	}
}

// exportInPages calls fn for every record of an export, read a page at a
// time by page(after), where after is the previous page's last record
// (nil for the first page). A page is read whole before fn sees it, so a
// slow HTTP client never holds a transaction open (which would stop
// SQLite's WAL checkpoints and hold a PostgreSQL snapshot).
func exportInPages(fn func(*Record) error, page func(after *Record) ([]Record, error)) error {
	var after *Record
	for {
		recs, err := page(after)
		if err != nil {
			return err
		}
		for i := range recs {
			if err := fn(&recs[i]); err != nil {
				return err
			}
		}
		if len(recs) < exportPage {
			return nil
		}
		after = &recs[len(recs)-1]
	}
}

// batch is a group of records to insert, each event once: a retry may
// arrive twice in one group commit, and only its first copy is inserted.
type batch struct {
	recs  []Record
	first map[string]int // event id → index of its first record
	fresh []int          // index of each event's first record, in order
}

func newBatch(recs []Record) *batch {
	b := &batch{recs: recs, first: make(map[string]int, len(recs)), fresh: make([]int, 0, len(recs))}
	for i := range recs {
		if _, dup := b.first[recs[i].EventID]; !dup {
			b.first[recs[i].EventID] = i
			b.fresh = append(b.fresh, i)
		}
	}
	return b
}

// retried lists the events the INSERT did not store (inserted names those
// it did): they were stored before, and their answer is the stored copy's.
func (b *batch) retried(inserted map[string]bool) []string {
	var ids []string
	for _, i := range b.fresh {
		if e := b.recs[i].EventID; !inserted[e] {
			ids = append(ids, e)
		}
	}
	return ids
}

// results is Insert's answer: inserted names the events this insert
// stored, prior has the stored copy of each retried event.
func (b *batch) results(inserted map[string]bool, prior map[string]stored) ([]Result, error) {
	results := make([]Result, len(b.recs))
	for i := range b.recs {
		r := &b.recs[i]
		e := r.EventID
		switch first := b.first[e]; {
		case first != i:
			// A second copy in the same batch: compared with the first.
			want, consent := prior[e].content, prior[e].consent
			if inserted[e] {
				want, consent = content(&b.recs[first]), b.recs[first].ConsentID
			}
			results[i] = Result{ReceivedAt: results[first].ReceivedAt, Duplicate: true, ConsentID: consent, Conflict: content(r) != want}
		case inserted[e]:
			results[i] = Result{ReceivedAt: r.ReceivedAt}
		default:
			p, ok := prior[e]
			if !ok {
				// Erased between the conflict and the read: rare enough
				// that the client's retry is the right answer.
				return nil, fmt.Errorf("event %s conflicted but is gone", e)
			}
			results[i] = Result{ReceivedAt: p.at, Duplicate: true, ConsentID: p.consent, Conflict: p.content != content(r)}
		}
	}
	return results, nil
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

// choicesJSON is json.Marshal(choices) without reflection, for the keys a
// site's categories have; others take json.Marshal's path.
func choicesJSON(choices map[string]bool) string {
	if choices == nil {
		return "null"
	}
	keys := make([]string, 0, len(choices))
	for k := range choices {
		for i := range len(k) {
			if c := k[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				b, _ := json.Marshal(choices) // cannot fail for a map[string]bool
				return string(b)
			}
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 64)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":`...)
		b = strconv.AppendBool(b, choices[k])
	}
	return string(append(b, '}'))
}
