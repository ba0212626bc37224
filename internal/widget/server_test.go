package widget

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/notis-dev/notis/widget"
)

// A test site: the built banner, pages that embed it, gated scripts that
// leave traces, and a consent endpoint that holds the banner to the wire
// contract in DESIGN.md.
type testSite struct {
	*httptest.Server
	build Result
	mux   *http.ServeMux // more routes, for tests with their own pages

	mu       sync.Mutex
	events   []map[string]any // accepted bodies
	problems []string         // contract breaches seen by the endpoint
	fetched  map[string]int   // path → requests
	fail     int              // answer the next n consent posts with 503
	answers  []answer         // then answer posts with these, in turn
	gone     map[string]bool  // /consent/ files removed, as by a deploy
	aged     bool             // accept events made long ago (an old outbox)
	beacons  int              // posts that came by sendBeacon
	cats     int              // categories the site has
}

// The CSP of ordinary test pages: a nonce for inline gated scripts, and
// Trusted Types enforced.
const (
	pageCSP   = "default-src 'self'; script-src 'self' 'nonce-t3st'; style-src 'self'; require-trusted-types-for 'script'"
	strictCSP = "default-src 'self'; script-src 'self'; style-src 'self'; require-trusted-types-for 'script'"
)

// newTestSite builds the banner for testConfig, changed by the tweaks.
func newTestSite(t *testing.T, tweaks ...func(*Config)) *testSite {
	s := &testSite{fetched: map[string]int{}, gone: map[string]bool{}}
	mux := http.NewServeMux()
	s.Server = httptest.NewServer(mux)
	s.mux = mux
	t.Cleanup(s.Close)
	cfg := testConfig(t, s.URL)
	for _, tw := range tweaks {
		tw(&cfg)
	}
	s.cats = len(cfg.Categories)
	r, err := Build(widget.Source, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.build = r
	files := map[string][]byte{}
	for _, f := range r.Files {
		files["/"+f.Path] = f.Data
	}
	mux.HandleFunc("/consent/", func(w http.ResponseWriter, req *http.Request) {
		s.count(req.URL.Path)
		s.mu.Lock()
		gone := s.gone[req.URL.Path]
		s.mu.Unlock()
		b, ok := files[req.URL.Path]
		if !ok || gone {
			http.NotFound(w, req)
			return
		}
		types := map[string]string{".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".html": "text/html"}
		for ext, ct := range types {
			if strings.HasSuffix(req.URL.Path, ext) {
				w.Header().Set("Content-Type", ct+"; charset=utf-8")
			}
		}
		w.Write(b)
	})
	gated := map[string]string{
		"/gated/analytics.js": `window.order = (window.order || []).concat('analytics');
document.cookie = '_ga=GA1.1.42; Path=/'; document.cookie = '_ga_X1Y2=GS1.1; Path=/';
(window.dataLayer = window.dataLayer || []).push({event: 'analytics_ran'});`,
		"/gated/marketing.js": `window.order = (window.order || []).concat('marketing');`,
		"/probe.js":           `window.order = (window.order || []).concat('ungated');`,
	}
	mux.HandleFunc("/gated/", func(w http.ResponseWriter, req *http.Request) {
		s.count(req.URL.Path)
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, gated[req.URL.Path])
	})
	// The header's items are centred in a fixed height, not set on their
	// text's baseline: a system font that loads late on a busy machine
	// then moves none of the page's own text, and the layout-shift check
	// measures the banner alone.
	mux.HandleFunc("/page.css", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#0b3d5c;color:#fff;padding:0 2rem;height:4rem;display:flex;align-items:center;gap:.5rem}header button{font:inherit;line-height:24px}
main{max-width:44rem;margin:0 auto;padding:1rem 2rem 16rem}iframe{border:0;width:100%;max-width:560px;height:200px}`)
	})
	mux.HandleFunc("/embed", func(w http.ResponseWriter, req *http.Request) {
		s.count(req.URL.Path)
		io.WriteString(w, "<!doctype html><title>Video</title><p>An embedded video.</p>")
	})
	mux.HandleFunc("/v1/consents", s.consent)
	mux.HandleFunc("/p/", func(w http.ResponseWriter, req *http.Request) {
		q := req.URL.Query()
		csp := pageCSP
		if q.Get("strict") != "" {
			csp = strictCSP
		}
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		pg := s.page(q.Get("html"), q.Get("data"), q.Get("strict") != "")
		if q.Get("bare") != "" {
			pg = pg[:strings.Index(pg, `<script src="/consent`)] + "</body></html>"
		}
		io.WriteString(w, pg)
	})
	return s
}

// answer is what the endpoint says to one post instead of storing it.
type answer struct {
	status     int
	body       string
	retryAfter string
}

func (s *testSite) count(path string) {
	s.mu.Lock()
	s.fetched[path]++
	s.mu.Unlock()
}

func (s *testSite) requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetched[path]
}

// page is a careers page with gated tags; htmlLang and dataLang set the
// <html lang> and the script's data-lang. A strict page has no inline
// script at all.
func (s *testSite) page(htmlLang, dataLang string, strict bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><title>Careers at Example</title>
<link rel="stylesheet" href="/page.css"></head><body>
<header><strong>Example Careers</strong> <button type="button" data-notis-open>Cookie settings</button></header>
<main><h1>Join our team</h1>
<p>We are hiring nurses, engineers and administrators. Read about the roles below and apply online.</p>
<script type="text/plain" data-consent="analytics" src="/gated/analytics.js"></script>
`, html.EscapeString(htmlLang))
	if !strict {
		b.WriteString(`<script type="text/plain" data-consent="analytics" nonce="t3st">window.order = (window.order || []).concat('inline-analytics');</script>
`)
	}
	b.WriteString(`<script type="text/plain" data-consent="marketing" src="/gated/marketing.js"></script>
<h2>Life at Example</h2>
<iframe data-consent="marketing" data-src="/embed" title="A video about working here"></iframe>
<p>Questions? Write to jobs@example.org.</p>
</main>
`)
	lang := ""
	if dataLang != "" {
		lang = fmt.Sprintf(` data-lang="%s"`, html.EscapeString(dataLang))
	}
	fmt.Fprintf(&b, `<script src="/%s" integrity="%s" crossorigin="anonymous" data-site="careers"%s defer></script>
</body></html>`, s.build.Script, s.build.Integrity, lang)
	return b.String()
}

var (
	uuidV7RE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	uuidV4RE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	wireKeys = []string{"choices", "event", "gpc", "id", "lang", "method", "site", "url", "v", "version"}
)

// consent is the endpoint: it checks each body against the wire contract
// (DESIGN.md, "The consent wire contract") and records it.
func (s *testSite) consent(w http.ResponseWriter, req *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bad := func(format string, a ...any) {
		s.problems = append(s.problems, fmt.Sprintf(format, a...))
	}
	if req.Method != http.MethodPost {
		bad("method %s", req.Method)
	}
	if ct := req.Header.Get("Content-Type"); ct != "text/plain" && !strings.HasPrefix(ct, "text/plain;") {
		bad("Content-Type %q, want text/plain (no CORS preflight)", ct)
	}
	// fetch must omit credentials; sendBeacon (mode no-cors) cannot.
	beacon := req.Header.Get("Sec-Fetch-Mode") == "no-cors"
	if req.Header.Get("Cookie") != "" && !beacon {
		bad("credentials sent by fetch: Cookie %q", req.Header.Get("Cookie"))
	}
	body, _ := io.ReadAll(req.Body)
	var ev map[string]any
	if err := json.Unmarshal(body, &ev); err != nil {
		bad("body %s: %v", body, err)
		http.Error(w, `{"error":"bad json"}`, http.StatusBadRequest)
		return
	}
	var keys []string
	for k := range ev {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, wireKeys) {
		bad("fields %v, want exactly %v", keys, wireKeys)
	}
	if ev["v"] != 1.0 || ev["site"] != "careers" || ev["version"] != s.build.Version {
		bad("v/site/version = %v/%v/%v", ev["v"], ev["site"], ev["version"])
	}
	// A fresh event id is a v7 UUID made about now; a consent id may be
	// an older visitor's v4 one, kept from its cookie.
	if v, _ := ev["event"].(string); !uuidV7RE.MatchString(v) {
		bad("event %q is not a v7 UUID", ev["event"])
	} else if ms, _ := strconv.ParseInt(strings.ReplaceAll(v[:13], "-", ""), 16, 64); time.Since(time.UnixMilli(ms)).Abs() > time.Hour && !s.aged {
		bad("event %q was made at %v, not about now", v, time.UnixMilli(ms))
	}
	if v, _ := ev["id"].(string); !uuidV7RE.MatchString(v) && !uuidV4RE.MatchString(v) {
		bad("id %q is not a v7 (or an older v4) UUID", ev["id"])
	}
	if !slices.Contains([]string{"accept_all", "reject_all", "custom", "withdraw", "gpc"}, fmt.Sprint(ev["method"])) {
		bad("method %v", ev["method"])
	}
	if _, ok := ev["gpc"].(bool); !ok {
		bad("gpc %v is not a boolean", ev["gpc"])
	}
	if u, _ := ev["url"].(string); !strings.HasPrefix(u, s.URL+"/") || strings.ContainsAny(u, "?#") {
		bad("url %q: want the page's URL without query or fragment", u)
	}
	ch, _ := ev["choices"].(map[string]any)
	cats := 0
	for k, v := range ch {
		if !strings.Contains(k, ":") {
			cats++
		} else if v != true {
			bad("choices %v: a vendor grant is sent only when made", ch)
		}
	}
	if cats != s.cats || ch["necessary"] != true {
		bad("choices %v: want all %d categories, necessary true", ev["choices"], s.cats)
	}
	if s.fail > 0 {
		s.fail--
		http.Error(w, "busy", http.StatusServiceUnavailable)
		s.events = append(s.events, map[string]any{"refused": true, "event": ev["event"]})
		return
	}
	if len(s.answers) > 0 {
		a := s.answers[0]
		s.answers = s.answers[1:]
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
		s.events = append(s.events, map[string]any{"refused": true, "event": ev["event"], "status": a.status, "at": time.Now()})
		return
	}
	if beacon {
		s.beacons++
	}
	s.events = append(s.events, ev)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"receipt":%q}`, ev["event"])
}

// eventsFor are the accepted events of one consent id, oldest first.
func (s *testSite) eventsFor(id string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, e := range s.events {
		if e["id"] == id {
			out = append(out, e)
		}
	}
	return out
}
