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
	browsertest.Do(t, ctx, chromedp.Navigate(srv.URL+"/en/applicants/"))
	// The banner takes focus first when it opens; reject to close it, as a
	// keyboard user would, then start from the top.
	browsertest.Wait(t, ctx, `document.querySelector('.notis-banner') !== null`, "the banner")
	browsertest.Do(t, ctx, chromedp.Click(".notis-btns button:nth-child(2)"))
	browsertest.Wait(t, ctx, `document.querySelector('.notis-banner') === null || document.querySelector('.notis-banner').hidden || !document.querySelector('.notis-banner').isConnected`, "the banner to close")
	browsertest.Eval[bool](t, ctx, `(document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0), true)`)
	browsertest.Do(t, ctx, chromedp.KeyEvent(kb.Tab))
	if got := browsertest.Eval[string](t, ctx, `document.activeElement.className`); got != "skip" {
		t.Fatalf("first Tab focused %q, want the skip link", got)
	}
	browsertest.Do(t, ctx, chromedp.KeyEvent(kb.Enter))
	if got := browsertest.Eval[string](t, ctx, `document.activeElement.id`); got != "main" {
		t.Fatalf("the skip link moved focus to %q, want main", got)
	}
}
