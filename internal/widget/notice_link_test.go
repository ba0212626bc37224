package widget

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	bt "github.com/notis-dev/notis/internal/browsertest"
)

// On a site of several organisations each page's script tag names its
// organisation's cookie notice (notis.toml [consent.notices], issue 15):
// the banner and the dialog link there, not to the site's notice.
func TestThePagesOwnCookieNoticeIsLinked(t *testing.T) {
	b := bt.Start(t)
	s := newTestSite(t)
	const own = "https://privacy.example.org/en/essex/"
	s.mux.HandleFunc("/org/", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		pg := s.page("en", "", false)
		if req.URL.Query().Get("own") != "" {
			pg = strings.Replace(pg, `data-site="careers"`, `data-site="careers" data-notice="`+own+`"`, 1)
		}
		io.WriteString(w, pg)
	})
	for _, tc := range []struct{ query, want string }{{"own=1", own}, {"", "/cookies/"}} {
		ctx := b.Page(t)
		bt.OnNewDocument(t, ctx, probe)
		bt.Do(t, ctx, chromedp.Navigate(s.URL+"/org/?"+tc.query))
		bt.Wait(t, ctx, `__q('.notis-banner .notis-link')`, "the banner's link")
		want := tc.want
		if got := bt.Eval[string](t, ctx, `__q('.notis-banner .notis-link').getAttribute('href')`); got != want {
			t.Errorf("%q: the banner links to %q, want %q", tc.query, got, want)
		}
		bt.Click(t, ctx, ".notis-banner .notis-btn:nth-child(3)")
		bt.Wait(t, ctx, `__q('dialog.notis-dlg[open] .notis-link')`, "the dialog's link")
		if got := bt.Eval[string](t, ctx, `__q('dialog.notis-dlg .notis-link').getAttribute('href')`); got != want {
			t.Errorf("%q: the dialog links to %q, want %q", tc.query, got, want)
		}
	}
}
