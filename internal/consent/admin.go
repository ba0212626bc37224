package consent

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/notis-dev/notis/internal/consent/store"
)

// admin guards a DPO route with the bearer token. The comparison hashes
// both sides first, so it takes the same time whatever the token's length.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.adminOn {
			writeError(w, http.StatusNotFound, "", "the admin API is off: start the server with NOTIS_ADMIN_TOKEN or --admin-token-file")
			return
		}
		// Every attempt takes a token before the comparison and a right
		// one gives it back: an address that has guessed wrong too often
		// is refused whatever it sends, so further guesses tell it
		// nothing, and concurrent guesses cannot all slip past the check.
		key := limitKey(s.client.Of(r))
		if allowed, wait := s.authFails.allow(key, s.now()); !allowed {
			tooMany(w, wait, "address")
			return
		}
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			// A browser sends the token as the password of Basic
			// authentication (any user name): the dashboard's way in.
			_, token, ok = r.BasicAuth()
		}
		sum := sha256.Sum256([]byte(token))
		if !ok || subtle.ConstantTimeCompare(sum[:], s.adminHash[:]) != 1 {
			if strings.HasPrefix(r.URL.Path, "/admin/") {
				w.Header().Set("WWW-Authenticate", `Basic realm="notis consent", charset="UTF-8"`)
			} else {
				w.Header().Set("WWW-Authenticate", `Bearer realm="notis consent"`)
			}
			writeError(w, http.StatusUnauthorized, "", "missing or wrong bearer token")
			return
		}
		s.authFails.refund(key)
		h(w, r)
	}
}

// adminTimeout bounds each admin route's store calls (export's, each
// page): shorter than the write timeout, so a slow or stalled store is
// answered 503, logged and counted, not cut off after a 200 was counted.
const adminTimeout = 5 * time.Second

// History is the answer to GET /v1/consents/{id}: every event of one
// consent id, and the consent version document each was made under, as
// the build published it (banner texts per language, categories, notice
// URLs). The documents come from the store, which keeps every version it
// accepted events for, so they outlive the files.
type History struct {
	ID      string          `json:"id"`
	Records []HistoryRecord `json:"records"`
	// Versions maps each record's Shown key to its document.
	Versions map[string]json.RawMessage `json:"versions"`
	// Missing lists site/version pairs with no kept document: records
	// stored before this server kept versions, whose file is gone.
	Missing []string `json:"missing_versions,omitempty"`
}

// HistoryRecord is a stored record and the key, in History.Versions, of
// the document its banner showed: "site/version/digest", where digest is
// the first 12 hex digits of the document's SHA-256 (one version id can
// be republished with new wording, which does not ask visitors again).
type HistoryRecord struct {
	store.Record
	Shown string `json:"shown,omitempty"`
}

func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) {
	id, ferr := canonicalUUID("id", r.PathValue("id"))
	if ferr != nil {
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), adminTimeout)
	defer cancel()
	recs, err := s.store.History(ctx, id)
	if err != nil {
		s.storeFailed(w, "history", err)
		return
	}
	if len(recs) == 0 {
		writeError(w, http.StatusNotFound, "id", "no records for consent id %s", id)
		return
	}
	h := History{ID: id, Records: make([]HistoryRecord, len(recs)), Versions: map[string]json.RawMessage{}}
	kept := map[string][]store.Version{} // site → its documents, oldest first
	missing := map[string]bool{}
	for i, rec := range recs {
		h.Records[i].Record = rec
		docs, ok := kept[rec.Site]
		if !ok {
			if docs, err = s.store.Versions(ctx, rec.Site); err != nil {
				s.storeFailed(w, "history", err)
				return
			}
			kept[rec.Site] = docs
		}
		doc := shownAt(docs, rec.Version, rec.ReceivedAt)
		if doc == nil {
			if key := rec.Site + "/" + rec.Version; !missing[key] {
				missing[key] = true
				h.Missing = append(h.Missing, key)
			}
			continue
		}
		key := doc.Site + "/" + doc.Version + "/" + doc.Digest[:12]
		h.Records[i].Shown = key
		h.Versions[key] = doc.Doc
	}
	writeJSON(w, http.StatusOK, h)
}

// shownAt picks, of a site's kept documents (oldest first), the one of
// version that was current at t: the last kept at or before t. A record
// can predate every kept wording only if it was stored before the server
// kept versions; the oldest kept wording is then the best evidence.
func shownAt(docs []store.Version, version string, t time.Time) *store.Version {
	var pick *store.Version
	for i := range docs {
		d := &docs[i]
		if d.Version != version {
			continue
		}
		if pick == nil || !d.FirstSeen.After(t) {
			pick = d
		}
	}
	return pick
}

func (s *Server) handleErase(w http.ResponseWriter, r *http.Request) {
	id, ferr := canonicalUUID("id", r.PathValue("id"))
	if ferr != nil {
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), adminTimeout)
	defer cancel()
	n, err := s.store.Erase(ctx, id)
	pending := errors.Is(err, store.ErrWALBusy)
	if err != nil && !pending {
		s.storeFailed(w, "erase", err)
		return
	}
	if n == 0 {
		writeError(w, http.StatusNotFound, "id", "no records for consent id %s", id)
		return
	}
	// The log keeps the id's hash, as the store's erasure record does:
	// the id itself is what was erased.
	s.log.Info("erased consent id on request", "id_sha256", store.IDHash(id), "records", n)
	if pending {
		// Made and committed: failing the request would tell the DPO it
		// was not. The old copies go with the next checkpoint.
		s.log.Warn("erasure: old copies stay in the write-ahead log until the next checkpoint", "id_sha256", store.IDHash(id))
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "deleted": n, "wal_pending": true})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "deleted": n})
}

// parseRange reads ?since= and ?until=, each an RFC 3339 time or a date
// (YYYY-MM-DD, meaning its start in UTC).
func parseRange(r *http.Request) (store.Filter, *FieldError) {
	var f store.Filter
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		v := r.URL.Query().Get(p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			t, err = time.Parse(time.DateOnly, v)
		}
		if err != nil {
			return f, fieldErr(p.name, "want a date like 2026-01-31 or a time like 2026-01-31T12:00:00Z")
		}
		*p.dst = t.UTC()
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return f, fieldErr("until", "must be after since")
	}
	return f, nil
}

// exportColumns is the CSV header; choices is a JSON object, because
// versions differ in their categories.
var exportColumns = []string{"received_at", "event", "id", "site", "version", "lang", "method", "choices", "gpc", "sec_gpc", "page", "ua_family", "net_hash"}

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	f, ferr := parseRange(r)
	if ferr != nil {
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "jsonl"
	}
	if format != "jsonl" && format != "csv" {
		writeError(w, http.StatusBadRequest, "format", "want csv or jsonl")
		return
	}
	ctype := map[string]string{"jsonl": "application/jsonl", "csv": "text/csv; charset=utf-8"}[format]
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="consents.`+format+`"`)
	rc := http.NewResponseController(w)
	sent := &sentWriter{w: w}
	bw := bufio.NewWriterSize(sent, 32<<10)
	var cw *csv.Writer
	if format == "csv" {
		cw = csv.NewWriter(bw)
		_ = cw.Write(exportColumns)
	}
	enc := json.NewEncoder(bw)
	n := 0
	row := make([]string, len(exportColumns))
	err := s.store.Export(r.Context(), f, func(rec *store.Record) error {
		if n%1000 == 0 {
			// The server's write timeout bounds whole responses; an export
			// may take longer, so each stretch of rows gets its own.
			_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		}
		n++
		if cw == nil {
			return enc.Encode(rec)
		}
		choices, _ := json.Marshal(rec.Choices)
		row = append(row[:0], rec.ReceivedAt.Format(timeFormat), rec.EventID, rec.ConsentID, rec.Site, rec.Version, rec.Lang,
			rec.Method, string(choices), strconv.FormatBool(rec.GPC), strconv.FormatBool(rec.SecGPC), rec.Page, rec.UAFamily, rec.NetHash)
		return cw.Write(row)
	})
	if err == nil && cw != nil {
		cw.Flush() // flushes bw too: csv.NewWriter uses a *bufio.Writer as it is
		err = cw.Error()
	}
	if err == nil {
		err = bw.Flush()
	}
	switch {
	case err == nil:
	case !sent.any && r.Context().Err() == nil:
		// Nothing reached the client yet: it can still be told the truth.
		w.Header().Del("Content-Disposition")
		s.storeFailed(w, "export", err)
	default:
		if r.Context().Err() == nil {
			s.metrics.storeErrors.WithLabelValues("export").Inc()
		}
		s.log.Error("export stopped", "rows", n, "err", err)
		// Cut the connection: a truncated file must not look complete.
		panic(http.ErrAbortHandler)
	}
}

// sentWriter notes whether anything was written through it.
type sentWriter struct {
	w   io.Writer
	any bool
}

func (s *sentWriter) Write(p []byte) (int, error) {
	s.any = true
	return s.w.Write(p)
}

func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	f, ferr := parseRange(r)
	if ferr != nil {
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	if st, ok := s.stats(w, r, f); ok {
		writeJSON(w, http.StatusOK, st)
	}
}

// stats reads the statistics of a range for /v1/stats and the dashboard,
// or answers the store's failure.
func (s *Server) stats(w http.ResponseWriter, r *http.Request, f store.Filter) (*store.Stats, bool) {
	ctx, cancel := context.WithTimeout(r.Context(), adminTimeout)
	defer cancel()
	st, err := s.store.Stats(ctx, f)
	if err != nil {
		s.storeFailed(w, "stats", err)
		return nil, false
	}
	return st, true
}

func (s *Server) storeFailed(w http.ResponseWriter, op string, err error) {
	s.metrics.storeErrors.WithLabelValues(op).Inc()
	s.log.Error("store failed", "op", op, "err", err)
	writeError(w, http.StatusServiceUnavailable, "", "store unavailable; try again")
}

// Purge deletes every configured site's records older than its retention
// period ([consent] retention in notis.toml, default P13M), and logs what it
// did. `notis consent purge` calls it on a store no server writes to; the
// server's daily job purges through its own writer instead (RunPurges).
func Purge(ctx context.Context, st store.Store, sites []*Site, now time.Time, log *slog.Logger) (int64, error) {
	return purgeSites(ctx, st.Purge, sites, now, log)
}

// purgeSites purges each site past its retention with purge.
func purgeSites(ctx context.Context, purge func(ctx context.Context, site string, cutoff time.Time) (int64, error), sites []*Site, now time.Time, log *slog.Logger) (int64, error) {
	var total int64
	for _, site := range sites {
		retention := site.Config.RetentionPeriod()
		cutoff := retention.Before(now.UTC())
		n, err := purge(ctx, site.Config.Site, cutoff)
		total += n
		if err != nil {
			return total, fmt.Errorf("purge %s: %w", site.Config.Site, err)
		}
		log.Info("purged consent records past retention", "site", site.Config.Site, "retention", retention.String(), "cutoff", cutoff.Format(time.RFC3339), "deleted", n)
	}
	return total, nil
}

// RunPurges purges once now and then every interval until ctx ends.
func (s *Server) RunPurges(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.PurgeNow(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("retention purge failed; next try at the next interval", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PurgeNow purges every configured site's records past retention once,
// counted in the metrics. The deletes run in the group committer's
// writer, a chunk of about store.PurgeSlice between commits, so intake
// waits for one chunk at most.
func (s *Server) PurgeNow(ctx context.Context) (int64, error) {
	sites := make([]*Site, 0, len(s.sites))
	for _, st := range s.sites {
		sites = append(sites, st)
	}
	n, err := purgeSites(ctx, s.commits.purge, sites, s.now(), s.log)
	s.metrics.purged.Add(float64(n))
	if err != nil && ctx.Err() == nil {
		s.metrics.storeErrors.WithLabelValues("purge").Inc()
	}
	return n, err
}
