package audit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// newHostileSite serves pages that misbehave: one whose HTML never ends,
// one with the banner whose last script never arrives, one that
// navigates away as soon as it runs, one without a banner. It
// returns the site's origin (on careers.test).
func newHostileSite(t *testing.T, f *fixture, hang <-chan struct{}) string {
	t.Helper()
	mux := http.NewServeMux()
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	mux.HandleFunc("GET /never-loads", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>Slow</title><body><p>Loading`)
		w.(http.Flusher).Flush()
		select { // the document never ends
		case <-r.Context().Done():
		case <-hang:
		}
	})
	// The banner's page, whose last script never arrives: the document is
	// never parsed to its end, however fast the machine.
	mux.HandleFunc("GET /holds-its-parser", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, strings.Replace(f.page("Careers", ""), "</body>", `<script src="/never-arrives.js"></script></body>`, 1))
	})
	mux.HandleFunc("GET /never-arrives.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-hang:
		}
	})
	mux.HandleFunc("GET /navigates-away", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, f.page("Moved", `<script>location.replace('/landed')</script>`))
	})
	mux.HandleFunc("GET /landed", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, f.page("Landed", ""))
	})
	mux.HandleFunc("GET /no-banner", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>Plain</title><body><main><h1>No banner here</h1></main>`)
	})
	return "http://" + siteHost + ":" + port(s)
}
