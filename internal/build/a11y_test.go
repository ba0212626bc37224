package build

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/notis-dev/notis/internal/browsertest"
)

// A keyboard user's first Tab reaches the skip link, and following it
// puts focus on the notice.
func TestNoticePagesStartWithASkipLink(t *testing.T) {
	out := buildInto(t, filepath.Join("testdata", "site"))
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	t.Cleanup(srv.Close)
	b := browsertest.Start(t)
	ctx := b.Page(t)
	browsertest.OnNewDocument(t, ctx, browsertest.Shadow) // the banner is in a shadow root
	browsertest.Do(t, ctx, chromedp.Navigate(srv.URL+"/en/applicants/"))
	// Reject to close the banner, as a visitor would, then start from the top.
	browsertest.Wait(t, ctx, `__q('.notis-banner') !== null`, "the banner")
	browsertest.Click(t, ctx, ".notis-btns button:nth-child(2)")
	browsertest.Wait(t, ctx, `__q('.notis-banner') === null`, "the banner to close")
	// The choice returned focus to the page; the next page view starts fresh.
	browsertest.Do(t, ctx, chromedp.Reload())
	browsertest.Do(t, ctx, chromedp.KeyEvent(kb.Tab))
	if got := browsertest.Eval[string](t, ctx, `document.activeElement.className`); got != "skip" {
		t.Fatalf("first Tab focused %q, want the skip link", got)
	}
	browsertest.Do(t, ctx, chromedp.KeyEvent(kb.Enter))
	if got := browsertest.Eval[string](t, ctx, `document.activeElement.id`); got != "main" {
		t.Fatalf("the skip link moved focus to %q, want main", got)
	}
}
