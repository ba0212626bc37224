package consent

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consent/pgtest"
	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/consentwire"
	"github.com/notis-dev/notis/internal/site"
)

var pg pgtest.Lazy

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

const (
	testOrigin = "https://jobs.example.org"
	testToken  = "0123456789abcdef0123456789abcdef"
	testVer    = "v1abc"
)

const testToml = `site = "careers"
defaultLanguage = "en"
[languages.en]
title = "Privacy"
[languages.sv]
title = "Integritet"
[consent]
origins = ["https://jobs.example.org", "https://www.example.org"]
retention = "P13M"
`

// testSite writes a site with one published consent version (necessary,
// analytics, marketing) into a temp folder.
func testSite(t testing.TB) *Site {
	t.Helper()
	cfg, err := site.Parse("notis.toml", []byte(testToml))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "versions")
	writeVersion(t, dir, testVer, "careers", "necessary", "analytics", "marketing")
	s, err := NewSite(cfg, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func writeVersion(t testing.TB, dir, version, siteID string, cats ...string) {
	t.Helper()
	rec := consentwire.VersionRecord{Version: version, Site: siteID, Texts: map[string]map[string]string{"en": {"banner.title": "Cookies"}}}
	for i, c := range cats {
		rec.Categories = append(rec.Categories, consentwire.Category{ID: c, Required: i == 0, Label: map[string]string{"en": c}})
	}
	data, _ := json.Marshal(rec)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, version+".json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sqliteStore(t testing.TB) store.Store {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "consent.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newServer(t testing.TB, st store.Store, tweak func(*Options)) *Server {
	t.Helper()
	o := Options{
		Sites: []*Site{testSite(t)}, Store: st, HashKey: []byte("test-key-0123456789"),
		AdminToken: testToken, ClientRate: -1, ConsentRate: -1,
	}
	if tweak != nil {
		tweak(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// eachStore runs a server test against SQLite and against PostgreSQL.
func eachStore(t *testing.T, test func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) { test(t, sqliteStore(t)) })
	t.Run("postgres", func(t *testing.T) {
		st, err := store.Open(context.Background(), pg.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		test(t, st)
	})
}

type event map[string]any

func validEvent() event {
	return event{
		"v": 1, "event": uuid.NewString(), "id": uuid.NewString(), "site": "careers",
		"version": testVer, "lang": "sv", "choices": map[string]bool{"necessary": true, "analytics": false, "marketing": true},
		"method": "custom", "gpc": false, "url": "https://jobs.example.org/apply?email=a@b.se#top",
	}
}

func (e event) with(k string, v any) event {
	c := event{}
	for kk, vv := range e {
		c[kk] = vv
	}
	if v == nil {
		delete(c, k)
	} else {
		c[k] = v
	}
	return c
}

func (e event) body() string {
	b, _ := json.Marshal(e)
	return string(b)
}

// post sends a body as the banner does: text/plain, from an allowed page.
func post(s *Server, body string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/v1/consents", strings.NewReader(body))
	r.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	r.Header.Set("Origin", testOrigin)
	r.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			r.Header.Del(hdr[i])
		} else {
			r.Header.Set(hdr[i], hdr[i+1])
		}
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

func adminReq(s *Server, method, path, token string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

func decodeJSON(t testing.TB, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("answer %d is not JSON: %v\n%s", w.Code, err, w.Body)
	}
}

func wantStatus(t testing.TB, w *httptest.ResponseRecorder, code int) {
	t.Helper()
	if w.Code != code {
		t.Fatalf("status %d, want %d; body: %s", w.Code, code, w.Body)
	}
}

// background posts valid events from goroutines, as concurrent visitors
// would, and collects the status codes they were answered.
type background struct {
	wg    sync.WaitGroup
	mu    sync.Mutex
	codes []int
}

func (b *background) post(s *Server) {
	b.wg.Go(func() {
		c := post(s, validEvent().body()).Code
		b.mu.Lock()
		b.codes = append(b.codes, c)
		b.mu.Unlock()
	})
}

// wait returns every code once all posts are answered.
func (b *background) wait() []int {
	b.wg.Wait()
	return b.codes
}
