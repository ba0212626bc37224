package audit

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/consent"
	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/site"
	"github.com/notis-dev/notis/internal/testenv"
)

// The fixture careers site: three pages carrying the real notis banner
// (built by notis build from a small site), the real consent server, and
// stub "trackers" on the real tracker host names, which Chromium resolves
// to 127.0.0.1 (host-resolver-rules). The defective variant plants one
// defect of each kind the audit must find; the clean one none.
type fixture struct {
	site     *httptest.Server // careers.test
	consent  *httptest.Server // consent.test
	trackers *httptest.Server // www.google-analytics.com, px.ads.linkedin.com, connect.facebook.net, www.facebook.com (TLS)
	dir      string           // the notices' site folder
	defects  bool
	snippet  string
}

// Host names the fixture uses; every name resolves to 127.0.0.1.
const (
	siteHost    = "careers.test"
	consentHost = "consent.test"
)

func port(s *httptest.Server) string {
	_, p, _ := net.SplitHostPort(s.Listener.Addr().String())
	return p
}

func (f *fixture) origin() string { return "http://" + siteHost + ":" + port(f.site) }
func (f *fixture) tracker(host string) string {
	return "https://" + host + ":" + port(f.trackers)
}

// chromeFlags map every host to 127.0.0.1 (the ports choose the server)
// and accept the trackers' test certificate.
func chromeFlags() map[string]any {
	return map[string]any{"host-resolver-rules": "MAP * 127.0.0.1", "ignore-certificate-errors": true}
}

// cookiesNotice is the consent notice: the clean variant declares exactly
// what the site sets; the defective one also declares _hjid, which nothing
// sets (a stale declaration).
func cookiesNotice(defects bool) string {
	rows := []string{
		`{"name": "notis_consent", "provider": "This site", "category": "necessary", "purpose": "Remembers your cookie choice.", "duration": "P6M", "third_party": false}`,
		`{"name": "_ga", "provider": "Google Analytics", "category": "analytics", "purpose": "Tells visitors apart.", "duration": "P13M", "third_party": false}`,
		`{"name": "_ats_vid", "provider": "Example ATS", "category": "analytics", "purpose": "Counts applications per source.", "duration": "P1Y", "third_party": false}`,
		`{"name": "li_fat_id", "provider": "LinkedIn", "category": "marketing", "purpose": "Measures job ad campaigns.", "duration": "P30D", "third_party": false}`,
		`{"name": "_fbp", "provider": "Meta", "category": "marketing", "purpose": "Measures job ad campaigns.", "duration": "P3M", "third_party": false}`,
	}
	if defects {
		rows = append(rows, `{"name": "_hjid", "provider": "Hotjar", "category": "analytics", "purpose": "Records visits.", "duration": "P1Y", "third_party": false}`)
	}
	return `{
  "title": "Cookies",
  "updated": "2026-04-01",
  "supervisory_authority": "ico",
  "controller": {"name": "Example Careers Ltd", "email": "privacy@careers.test"},
  "purposes": [{"name": "Measuring visits", "basis": "consent"}],
  "cookies": [
    ` + strings.Join(rows, ",\n    ") + `
  ]
}
`
}

func newFixture(t testing.TB, defects bool) *fixture {
	t.Helper()
	f := &fixture{defects: defects, dir: t.TempDir()}
	siteMux, consentMux, trackerMux := http.NewServeMux(), http.NewServeMux(), http.NewServeMux()
	f.site = httptest.NewServer(siteMux)
	t.Cleanup(f.site.Close)
	f.consent = httptest.NewServer(consentMux)
	t.Cleanup(f.consent.Close)
	f.trackers = httptest.NewTLSServer(trackerMux)
	t.Cleanup(f.trackers.Close)

	// The notices and the real build of the banner.
	toml := fmt.Sprintf("site = \"careers\"\nbaseURL = %q\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy\"\n[consent]\nendpoint = %q\norigins = [%q]\n",
		f.origin()+"/", "http://"+consentHost+":"+port(f.consent), f.origin())
	write(t, filepath.Join(f.dir, "notis.toml"), toml)
	write(t, filepath.Join(f.dir, "content", "cookies.en.md"), cookiesNotice(defects))
	public := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(build.Options{Source: f.dir, Destination: public}); err != nil {
		t.Fatalf("build the fixture site: %v", err)
	}
	snippet, err := os.ReadFile(filepath.Join(public, "consent", "embed.html"))
	if err != nil {
		t.Fatal(err)
	}
	f.snippet = strings.TrimSpace(string(snippet))

	// The real consent server, on its own origin.
	cfg, err := site.Load(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := consent.NewSite(cfg, filepath.Join(public, "consent", "versions"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "consent.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv, err := consent.New(consent.Options{Sites: []*consent.Site{cs}, Store: db, HashKey: []byte("test-key-0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	consentMux.Handle("/", srv.Handler())

	f.routeSite(siteMux, public)
	f.routeTrackers(trackerMux)
	return f
}

func write(t testing.TB, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// page is a careers page around body, with the banner's tag.
func (f *fixture) page(title, body string) string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>` + title + `</title></head><body><main><h1>` + title + `</h1>
<nav><a href="/">Home</a> <a href="/jobs">Jobs</a> <a href="/apply">Apply</a></nav>` + body + `</main>
` + f.snippet + `</body></html>`
}

func (f *fixture) routeSite(mux *http.ServeMux, public string) {
	files := http.FileServer(http.Dir(public))
	// As docs/banner.md asks of the host that serves public/.
	mux.Handle("/consent/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		files.ServeHTTP(w, r)
	}))
	ga := `<script type="text/plain" data-consent="analytics" src="` + f.tracker("www.google-analytics.com") + `/ga.js"></script>`
	html := func(s string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, s)
		}
	}
	// A hostile page: smooth scrolling, and the settings button far below
	// the fold (where a real careers page keeps it, in the footer).
	home := ga + `<style>html { scroll-behavior: smooth }</style><div style="height: 3000px"></div>
<footer><button type="button" data-notis-open>Cookie settings</button></footer>`
	if f.defects {
		// Defect: a LinkedIn pixel nobody gated.
		home += `<img src="` + f.tracker("px.ads.linkedin.com") + `/collect?pid=1&fmt=gif" alt="" width="1" height="1">`
	}
	mux.HandleFunc("GET /{$}", html(f.page("Careers", home)))
	mux.HandleFunc("GET /jobs", html(f.page("Jobs", ga+`<script type="text/plain" data-consent="marketing" src="`+f.tracker("snap.licdn.com")+`/insight.min.js"></script>`)))
	apply := `<script type="text/plain" data-consent="marketing" src="` + f.tracker("connect.facebook.net") + `/en_US/fbevents.js"></script>`
	if f.defects {
		// Defect: a tag that takes any choice but Reject all as consent,
		// so Global Privacy Control's automatic choice loads it.
		apply = `<script>document.addEventListener('notis:consent', (e) => {
  if (e.detail.method == 'reject_all') return;
  const s = document.createElement('script'); s.src = '` + f.tracker("connect.facebook.net") + `/en_US/fbevents.js'; document.head.append(s);
});</script>`
	}
	mux.HandleFunc("GET /apply", html(f.page("Apply", apply)))
	// The ATS's first-party collector. Defect: its cookie is HttpOnly, so
	// the banner cannot delete it on withdrawal.
	mux.HandleFunc("GET /collect", func(w http.ResponseWriter, r *http.Request) {
		c := &http.Cookie{Name: "_ats_vid", Value: "v1", Path: "/", MaxAge: 300 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: f.defects}
		http.SetCookie(w, c)
		w.WriteHeader(http.StatusNoContent)
	})
}

func (f *fixture) routeTrackers(mux *http.ServeMux) {
	js := func(src string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, src)
		}
	}
	gif := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	}
	day := 24 * 3600
	gaAge := 390 * day // inside the declared 13 months
	extra := ""
	if f.defects {
		gaAge = 730 * day // defect: declared 13 months, set for 2 years
		// defect: a cookie no notice declares (Google Ads' conversion linker)
		extra = fmt.Sprintf(`document.cookie = '_gcl_au=1.1.1; Max-Age=%d; Path=/';`, 90*day)
	}
	mux.HandleFunc("www.google-analytics.com/ga.js", js(fmt.Sprintf(`document.cookie = '_ga=GA1.1.42.1; Max-Age=%d; Path=/'; %s
fetch(location.origin + '/collect', {credentials: 'include'});
new Image().src = '%s/g/collect?v=2';`, gaAge, extra, f.tracker("www.google-analytics.com"))))
	mux.HandleFunc("www.google-analytics.com/g/collect", gif)
	mux.HandleFunc("snap.licdn.com/insight.min.js", js(fmt.Sprintf(`document.cookie = 'li_fat_id=x; Max-Age=%d; Path=/'; new Image().src = '%s/collect?pid=1';`, 29*day, f.tracker("px.ads.linkedin.com"))))
	mux.HandleFunc("px.ads.linkedin.com/collect", gif)
	mux.HandleFunc("connect.facebook.net/en_US/fbevents.js", js(fmt.Sprintf(`document.cookie = '_fbp=fb.1.1; Max-Age=%d; Path=/'; new Image().src = '%s/tr?id=1&ev=PageView';`, 89*day, f.tracker("www.facebook.com"))))
	mux.HandleFunc("www.facebook.com/tr", gif)
}

// startBrowser launches the one Chromium the audit tests share; it skips
// locally and fails under CI=true without Chromium.
func startBrowser(t testing.TB) *browser {
	t.Helper()
	path, err := FindChromium("")
	if err != nil {
		testenv.Missing(t, err.Error())
	}
	b, err := launch(context.Background(), path, t.TempDir(), chromeFlags())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close)
	return b
}
