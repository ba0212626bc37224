package widget_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	bt "github.com/notis-dev/notis/internal/browsertest"
	"github.com/notis-dev/notis/internal/consent"
	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/consentwire"
	"github.com/notis-dev/notis/internal/site"
	iw "github.com/notis-dev/notis/internal/widget"
	"github.com/notis-dev/notis/widget"
)

// TestBannerWithTheRealConsentServer joins the two halves of the wire
// contract: the built banner on one origin posts to the real consent
// server (SQLite store) on another, with no CORS preflight, and the DPO's
// history shows the record and the texts the visitor was shown.
func TestBannerWithTheRealConsentServer(t *testing.T) {
	b := bt.Start(t)
	ctx := context.Background()

	pages := http.NewServeMux()
	pageSrv := httptest.NewServer(pages)
	t.Cleanup(pageSrv.Close)
	consentMux := http.NewServeMux()
	consentSrv := httptest.NewServer(consentMux)
	t.Cleanup(consentSrv.Close)
	var preflights atomic.Int32
	consentMux.HandleFunc("OPTIONS /", func(w http.ResponseWriter, r *http.Request) { preflights.Add(1) })

	cfg := iw.TestConfig(t, consentSrv.URL)
	cfg.Vendors = map[string][]string{"youtube": {"marketing"}}
	r, err := iw.Build(widget.Source, cfg)
	if err != nil {
		t.Fatal(err)
	}
	versions := filepath.Join(t.TempDir(), "versions")
	for _, f := range r.Files {
		if strings.HasPrefix(f.Path, "consent/versions/") {
			os.MkdirAll(versions, 0o755)
			os.WriteFile(filepath.Join(versions, filepath.Base(f.Path)), f.Data, 0o644)
		}
		pages.HandleFunc("GET /"+f.Path, func(w http.ResponseWriter, _ *http.Request) {
			if strings.HasSuffix(f.Path, ".js") {
				w.Header().Set("Content-Type", "text/javascript")
			}
			w.Write(f.Data)
		})
	}
	pages.HandleFunc("GET /apply", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' "+consentSrv.URL+"; require-trusted-types-for 'script'")
		fmt.Fprintf(w, `<!doctype html><html lang="sv"><title>Sök jobbet</title><main><h1>Sök jobbet</h1>
<iframe data-consent="marketing" data-vendor="youtube" data-src="/video" title="Livet hos oss"></iframe></main>%s`, r.Snippet)
	})
	pages.HandleFunc("GET /video", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "<!doctype html><title>Video</title>") })

	siteCfg, err := site.Parse("notis.toml", fmt.Appendf(nil, "site = \"careers\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy\"\n[languages.sv]\ntitle = \"Integritet\"\n[consent]\norigins = [%q]\n", pageSrv.URL))
	if err != nil {
		t.Fatal(err)
	}
	st, err := consent.NewSite(siteCfg, versions, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "consent.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const token = "0123456789abcdef0123456789abcdef"
	srv, err := consent.New(consent.Options{Sites: []*consent.Site{st}, Store: db, HashKey: []byte("test-key-0123456789"), AdminToken: token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	consentMux.Handle("/", srv.Handler())

	tab := b.Page(t)
	bt.OnNewDocument(t, tab, bt.Shadow)
	bt.Do(t, tab, chromedp.Navigate(pageSrv.URL+"/apply"))
	bt.Wait(t, tab, `__q('.notis-banner')`, "the banner")
	bt.Click(t, tab, ".notis-banner .notis-btn:nth-child(2)") // Avvisa alla
	bt.Wait(t, tab, `document.cookie.includes('notis_consent=') && localStorage.length == 0`, "the server's answer (outbox empty)")
	id := bt.Eval[string](t, tab, `notis.consent().id`)

	history := func() (consent.History, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", consentSrv.URL+"/v1/consents/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("history: %s %s", res.Status, body)
		}
		var h consent.History
		if err := json.Unmarshal(body, &h); err != nil {
			t.Fatal(err)
		}
		return h, body
	}
	h, body := history()
	if len(h.Records) != 1 {
		t.Fatalf("history has %d records, want 1: %s", len(h.Records), body)
	}
	rec := h.Records[0]
	if rec.Method != "reject_all" || rec.Lang != "sv" || rec.Version != r.Version || rec.Page != pageSrv.URL+"/apply" || rec.Choices["analytics"] || !rec.Choices["necessary"] {
		t.Errorf("stored record %+v", rec)
	}
	var shown consentwire.VersionRecord
	if doc := h.Versions[rec.Shown]; doc == nil || json.Unmarshal(doc, &shown) != nil || shown.Version != r.Version || shown.Texts["sv"]["reject_all"] != "Avvisa alla" {
		t.Errorf("history does not resolve what the visitor was shown: %s", body)
	}

	// "Allow and show" on the YouTube placeholder (issue 14): the proof,
	// as posted and as stored, grants YouTube and still refuses Marketing.
	bt.OnNewDocument(t, tab, `(() => { window.__posts = [];
  const f = window.fetch; window.fetch = (u, o) => { if (o && o.method == 'POST') __posts.push(JSON.parse(o.body)); return f(u, o); } })()`)
	bt.Do(t, tab, chromedp.Navigate(pageSrv.URL+"/apply"))
	bt.Wait(t, tab, `__q('.notis-ph button')`, "the YouTube placeholder")
	bt.Eval[bool](t, tab, `__q('.notis-ph button').click(), true`)
	bt.Wait(t, tab, `document.querySelector('iframe[src="/video"]') && localStorage.length == 0 && __posts.length == 1`, "the video and the server's answer")
	if got := bt.Eval[map[string]bool](t, tab, `__posts[0].choices`); !got["marketing:youtube"] || got["marketing"] || len(got) != 5 {
		t.Errorf("posted choices %v: want marketing:youtube true beside the four categories, marketing false", got)
	}
	h, body = history()
	if len(h.Records) != 2 {
		t.Fatalf("history has %d records, want 2: %s", len(h.Records), body)
	}
	if rec := h.Records[1]; rec.Method != "custom" || !rec.Choices["marketing:youtube"] || rec.Choices["marketing"] || rec.Choices["analytics"] {
		t.Errorf("stored record %+v: want marketing:youtube true, marketing and analytics false", rec)
	}
	if n := preflights.Load(); n > 0 {
		t.Errorf("%d CORS preflights: the banner's post must be a simple request", n)
	}
}
