package audit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// newHostileSite serves pages that misbehave: one whose HTML never ends,
// one that navigates away as soon as it runs, one without a banner. It
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
