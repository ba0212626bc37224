package consent

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/consentwire"
)

func TestAdminRoutesNeedTheBearerToken(t *testing.T) {
	paths := []string{"/v1/consents/" + uuid.NewString(), "/v1/export", "/v1/stats"}
	for _, p := range paths {
		s := newServer(t, sqliteStore(t), nil) // fresh failure budget
		for _, tok := range []string{"", "wrong-token-wrong-token", testToken + "x", strings.ToUpper(testToken)} {
			w := adminReq(s, "GET", p, tok)
			wantStatus(t, w, http.StatusUnauthorized)
			if w.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		}
	}
	wantStatus(t, adminReq(newServer(t, sqliteStore(t), nil), "DELETE", paths[0], ""), http.StatusUnauthorized)
}

func TestRepeatedWrongTokensAre429(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	for range 15 { // the right token spends nothing
		wantStatus(t, adminReq(s, "GET", "/v1/stats", testToken), http.StatusOK)
	}
	for range 10 {
		wantStatus(t, adminReq(s, "GET", "/v1/stats", "nope"), http.StatusUnauthorized)
	}
	wantStatus(t, adminReq(s, "GET", "/v1/stats", "nope"), http.StatusTooManyRequests)
	// Refused before the comparison: the right token must not get through
	// either, or an attacker could keep guessing at full speed.
	wantStatus(t, adminReq(s, "GET", "/v1/stats", testToken), http.StatusTooManyRequests)
}

func TestAdminRoutesAreOffWithoutAToken(t *testing.T) {
	s := newServer(t, sqliteStore(t), func(o *Options) { o.AdminToken = "" })
	wantStatus(t, adminReq(s, "GET", "/v1/stats", ""), http.StatusNotFound)
	wantStatus(t, adminReq(s, "GET", "/v1/stats", "anything"), http.StatusNotFound)
}

func TestHistoryShowsEveryEventAndWhatTheBannerShowed(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, nil)
		ev := validEvent()
		wantStatus(t, post(s, ev.body()), http.StatusCreated)
		wantStatus(t, post(s, ev.with("event", uuid.NewString()).with("method", "withdraw").body()), http.StatusCreated)
		w := adminReq(s, "GET", "/v1/consents/"+ev["id"].(string), testToken)
		wantStatus(t, w, http.StatusOK)
		var h History
		decodeJSON(t, w, &h)
		if len(h.Records) != 2 || h.Records[1].Method != "withdraw" {
			t.Fatalf("history records: %+v", h.Records)
		}
		v := shownDoc(t, h, 0)
		if v.Version != testVer || v.Texts["en"]["banner.title"] != "Cookies" || len(v.Categories) != 3 {
			t.Errorf("version texts not resolved: %+v", h.Versions)
		}
		wantStatus(t, adminReq(s, "GET", "/v1/consents/"+uuid.NewString(), testToken), http.StatusNotFound)
		wantStatus(t, adminReq(s, "GET", "/v1/consents/not-a-uuid", testToken), http.StatusBadRequest)
	})
}

func TestEraseDeletesAConsentIDsRecords(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, nil)
		ev := validEvent()
		wantStatus(t, post(s, ev.body()), http.StatusCreated)
		path := "/v1/consents/" + ev["id"].(string)
		w := adminReq(s, "DELETE", path, testToken)
		wantStatus(t, w, http.StatusOK)
		var got struct{ Deleted int }
		decodeJSON(t, w, &got)
		if got.Deleted != 1 {
			t.Errorf("deleted %d, want 1", got.Deleted)
		}
		wantStatus(t, adminReq(s, "GET", path, testToken), http.StatusNotFound)
		wantStatus(t, adminReq(s, "DELETE", path, testToken), http.StatusNotFound)
		wantStatus(t, adminReq(s, "DELETE", "/v1/consents/42", testToken), http.StatusBadRequest)
	})
}

func TestExportStreamsJSONLinesAndCSV(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, nil)
		day := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		for i := range 3 {
			s.now = func() time.Time { return day.Add(time.Duration(i) * 24 * time.Hour) }
			wantStatus(t, post(s, validEvent().body()), http.StatusCreated)
		}
		w := adminReq(s, "GET", "/v1/export?since=2026-05-02&format=jsonl", testToken)
		wantStatus(t, w, http.StatusOK)
		sc := bufio.NewScanner(w.Body)
		n := 0
		for sc.Scan() {
			var rec store.Record
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.EventID == "" {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			n++
		}
		if n != 2 {
			t.Errorf("jsonl since 2026-05-02 has %d lines, want 2", n)
		}
		w = adminReq(s, "GET", "/v1/export?until=2026-05-02T00:00:00Z&format=csv", testToken)
		wantStatus(t, w, http.StatusOK)
		rows, err := csv.NewReader(w.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || strings.Join(rows[0], ",") != strings.Join(exportColumns, ",") {
			t.Errorf("csv until 2026-05-02: %v", rows)
		}
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type %q", ct)
		}
		wantStatus(t, adminReq(s, "GET", "/v1/export?format=xml", testToken), http.StatusBadRequest)
		wantStatus(t, adminReq(s, "GET", "/v1/export?since=yesterday", testToken), http.StatusBadRequest)
		wantStatus(t, adminReq(s, "GET", "/v1/export?since=2026-05-02&until=2026-05-01", testToken), http.StatusBadRequest)
	})
}

// A store that fails before the first row is a 503 with a JSON error, not
// a cut connection (which a client cannot tell from a network fault).
func TestExportFailingBeforeTheFirstRowIs503(t *testing.T) {
	s := newServer(t, failingExport{sqliteStore(t)}, nil)
	w := adminReq(s, "GET", "/v1/export?format=csv", testToken)
	wantStatus(t, w, http.StatusServiceUnavailable)
	if cd := w.Header().Get("Content-Disposition"); cd != "" {
		t.Errorf("an error answer names an attachment: %q", cd)
	}
	var e FieldError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Msg == "" {
		t.Errorf("body %q is not a JSON error: %v", w.Body, err)
	}
}

type failingExport struct{ store.Store }

func (failingExport) Export(context.Context, store.Filter, func(*store.Record) error) error {
	return errors.New("disk on fire")
}

func TestStatsCountEventsAndCategories(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, nil)
		wantStatus(t, post(s, validEvent().body()), http.StatusCreated)
		wantStatus(t, post(s, validEvent().with("method", "accept_all").with("choices", map[string]bool{"necessary": true, "analytics": true, "marketing": true}).body()), http.StatusCreated)
		w := adminReq(s, "GET", "/v1/stats", testToken)
		wantStatus(t, w, http.StatusOK)
		var got store.Stats
		decodeJSON(t, w, &got)
		if got.Total != 2 || len(got.Events) != 2 || len(got.Categories) != 3 {
			t.Fatalf("stats: %+v", got)
		}
		for _, c := range got.Categories {
			if c.Category == "analytics" && (c.Granted != 1 || c.Denied != 1) {
				t.Errorf("analytics: %+v, want 1 granted, 1 denied", c)
			}
		}
	})
}

func TestPurgeDeletesRecordsPastEachSitesRetention(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, nil)
		now := time.Date(2027, 6, 15, 0, 0, 0, 0, time.UTC)
		old, recent := validEvent(), validEvent()
		s.now = func() time.Time { return now.AddDate(0, -13, -1) }
		wantStatus(t, post(s, old.body()), http.StatusCreated)
		s.now = func() time.Time { return now.AddDate(0, -12, 0) }
		wantStatus(t, post(s, recent.body()), http.StatusCreated)
		n, err := Purge(context.Background(), st, []*Site{testSite(t)}, now, s.log)
		if err != nil || n != 1 {
			t.Fatalf("Purge = %d, %v; want 1 (P13M keeps the 12-month-old record)", n, err)
		}
		if h, _ := st.History(context.Background(), recent["id"].(string)); len(h) != 1 {
			t.Errorf("the record within retention was purged")
		}
	})
}

// shownDoc decodes the version document a history's i-th record was made
// under.
func shownDoc(t *testing.T, h History, i int) consentwire.VersionRecord {
	t.Helper()
	raw, ok := h.Versions[h.Records[i].Shown]
	if !ok {
		t.Fatalf("record %d shows %q, which the history has no document for: %v (missing %v)", i, h.Records[i].Shown, h.Versions, h.Missing)
	}
	var v consentwire.VersionRecord
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A deploy that drops an old version file (or a server that never had
// it) must not cost a proof: the version was kept in the store when it
// was first seen, events under it are still accepted, and the history
// still shows what the banner said.
func TestAVersionStaysKnownAfterItsFileIsGone(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, nil)
		dir := s.sites["careers"].VersionsDir
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		// A second server on the same store, whose folder never had the file.
		other := newServer(t, st, func(o *Options) {
			cfg := o.Sites[0].Config
			o.Sites[0], _ = NewSite(cfg, filepath.Join(t.TempDir(), "empty"), nil)
		})
		for _, srv := range []*Server{s, other} {
			ev := validEvent()
			wantStatus(t, post(srv, ev.body()), http.StatusCreated)
			w := adminReq(srv, "GET", "/v1/consents/"+ev["id"].(string), testToken)
			wantStatus(t, w, http.StatusOK)
			var h History
			decodeJSON(t, w, &h)
			if v := shownDoc(t, h, 0); v.Version != testVer || v.Texts["en"]["banner.title"] != "Cookies" {
				t.Errorf("history shows %+v", v)
			}
		}
	})
}

// A version republished with new wording keeps the same id (it hashes
// the categories only); each record shows the wording current when it
// was received.
func TestEachRecordShowsTheWordingOfItsTime(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	st := s.sites["careers"]
	ev := validEvent()
	wantStatus(t, post(s, ev.body()), http.StatusCreated)
	rec := consentwire.VersionRecord{Version: testVer, Site: "careers", Texts: map[string]map[string]string{"en": {"banner.title": "Cookies, reworded"}}}
	for i, c := range []string{"necessary", "analytics", "marketing"} {
		rec.Categories = append(rec.Categories, consentwire.Category{ID: c, Required: i == 0})
	}
	data, _ := json.Marshal(rec)
	path := filepath.Join(st.VersionsDir, testVer+".json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour) // a file stamp that differs, and a rescan due
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	st.scanned = time.Time{}
	st.mu.Unlock()
	if st.Version("no-such-version") != nil { // an unknown version triggers the rescan
		t.Fatal("made-up version found")
	}
	s.now = func() time.Time { return time.Now().Add(time.Minute) }
	wantStatus(t, post(s, ev.with("event", uuid.NewString()).with("method", "withdraw").body()), http.StatusCreated)
	w := adminReq(s, "GET", "/v1/consents/"+ev["id"].(string), testToken)
	wantStatus(t, w, http.StatusOK)
	var h History
	decodeJSON(t, w, &h)
	if a, b := shownDoc(t, h, 0).Texts["en"]["banner.title"], shownDoc(t, h, 1).Texts["en"]["banner.title"]; a != "Cookies" || b != "Cookies, reworded" {
		t.Errorf("records show %q and %q, want the first and the second wording", a, b)
	}
}
