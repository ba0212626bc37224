package build

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/notis-dev/notis/internal/browsertest"
	"github.com/notis-dev/notis/internal/testenv"
)

// exampleSite builds the example site, serves it, and lists its pages as
// URL paths (the consent bundle and the root, which only redirects, left
// out).
func exampleSite(t *testing.T) (base string, pages []string) {
	t.Helper()
	out := buildInto(t, filepath.Join("..", ".."))
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	t.Cleanup(srv.Close)
	for rel := range tree(t, out) {
		if strings.HasSuffix(rel, ".html") && !strings.HasPrefix(rel, "consent/") && rel != "index.html" {
			pages = append(pages, "/"+strings.TrimSuffix(rel, "index.html"))
		}
	}
	slices.Sort(pages)
	if len(pages) < 10 {
		t.Fatalf("only %d pages built", len(pages))
	}
	return srv.URL, pages
}

// openAt loads a page in a viewport width px wide and waits for the
// banner, which the layout must make room for too.
func openAt(t *testing.T, ctx context.Context, url string, width int64) {
	t.Helper()
	browsertest.OnNewDocument(t, ctx, browsertest.Shadow) // the banner is in a shadow root
	browsertest.Do(t, ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(url))
	browsertest.Wait(t, ctx, `document.readyState === 'complete' && (__q('.notis-banner') !== null || !document.querySelector('script[src*="consent/"]'))`, "the page and its banner")
}

// overflowJS reports how far the document is wider than the viewport and
// the outermost elements that stick out, so a failure says what to fix.
const overflowJS = `(() => {
	const w = window.innerWidth; let sw = document.documentElement.scrollWidth;
	const out = [];
	if (sw > w) {
		for (const el of document.querySelectorAll('body *')) {
			const r = el.getBoundingClientRect();
			if (r.right > w + 0.5 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > w + 0.5)) {
				out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' "' + (el.textContent || '').trim().slice(0, 40) + '" right=' + Math.round(r.right));
			}
		}
	}
	// A table wider than its box hides columns behind a sideways scroll.
	for (const wrap of document.querySelectorAll('.table-wrap')) {
		if (wrap.scrollWidth > wrap.clientWidth + 1) {
			out.push('table in #' + (wrap.closest('section') || {}).id + ' scrolls: ' + wrap.scrollWidth + ' in ' + wrap.clientWidth);
			sw = Math.max(sw, w + wrap.scrollWidth - wrap.clientWidth);
		}
	}
	return {width: w, scrollWidth: sw, culprits: out.slice(0, 8)};
})()`

type overflow struct {
	Width       int      `json:"width"`
	ScrollWidth int      `json:"scrollWidth"`
	Culprits    []string `json:"culprits"`
}

// Every page of the example site, in every language and with the banner
// up, fits a phone held upright (320 and 390 px) and a small tablet
// (768 px): nothing makes the reader scroll sideways. On a phone (390 px)
// and a desktop (1280 px) it passes axe-core's WCAG 2.2 A/AA and
// best-practice rules with zero violations. One load per page: the
// viewport changes under it, as when a tablet turns.
func TestEveryExamplePageFitsNarrowScreensAndPassesAxe(t *testing.T) {
	base, pages := exampleSite(t)
	b := browsertest.Start(t)
	for _, p := range pages {
		t.Run(strings.Trim(p, "/"), func(t *testing.T) {
			ctx := b.Page(t)
			openAt(t, ctx, base+p, 1280)
			for _, width := range []int64{320, 390, 768, 1280} {
				browsertest.Do(t, ctx, chromedp.EmulateViewport(width, 800))
				browsertest.Wait(t, ctx, fmt.Sprintf("window.innerWidth === %d", width), "the viewport to resize")
				if width < 1280 {
					got := browsertest.Eval[overflow](t, ctx, overflowJS)
					if got.ScrollWidth > got.Width {
						t.Errorf("at %d px the page is %d px wide:\n\t%s", width, got.ScrollWidth, strings.Join(got.Culprits, "\n\t"))
					}
				}
				if width == 390 || width == 1280 {
					for _, v := range browsertest.Axe(t, ctx) {
						t.Errorf("at %d px: %s", width, v)
					}
				}
			}
		})
	}
}

var screenshots = flag.Bool("screenshots", false, "write the notice screenshots (phone and paper) to docs/screenshots")

// printPDF prints the tab's page to PDF as Chromium's print dialog would
// (A4, print stylesheet applied).
func printPDF(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69})
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	return res.Data
}

// pdfText extracts a PDF's text with poppler's pdftotext and counts its
// pages with pdfinfo.
func pdfText(t *testing.T, pdf []byte) (text string, pages int) {
	t.Helper()
	pdftotext := testenv.LookTool(t, "pdftotext", "run scripts/test-deps.sh (Debian's poppler-utils)")
	pdfinfo := testenv.LookTool(t, "pdfinfo", "run scripts/test-deps.sh (Debian's poppler-utils)")
	f := filepath.Join(t.TempDir(), "page.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	info, err := exec.Command(pdfinfo, f).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	if m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info); m != nil {
		pages, _ = strconv.Atoi(string(m[1]))
	}
	return string(out), pages
}

// squeeze drops white space and hyphens, so text that pdftotext broke
// across lines (joining "essex-⏎candidates" as "essexcandidates") still
// matches.
func squeeze(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), ""), "-", "")
}

// A notice printed from Chromium, with the consent banner open on screen,
// has no banner on paper, spells out where its links to other pages go,
// and keeps table rows whole.
func TestNoticesPrintWithoutTheBannerAndWithLinkTargets(t *testing.T) {
	base, _ := exampleSite(t)
	b := browsertest.Start(t)
	for _, tc := range []struct{ page, related string }{
		{"/en/essex/", "https://privacy.example.org/en/essex-candidates/"},
		{"/sv/essex/", "https://privacy.example.org/en/essex-candidates/"},
		{"/en/necessio/", ""},
		{"/sv/necessio/", ""},
	} {
		t.Run(strings.Trim(tc.page, "/"), func(t *testing.T) {
			ctx := b.Page(t)
			openAt(t, ctx, base+tc.page, 1280)
			banner := browsertest.Eval[string](t, ctx, browsertest.Shadow+`(() => { const b = __q('.notis-banner'); return b && b.getBoundingClientRect().height > 0 ? b.innerText : ''; })()`)
			if banner == "" {
				t.Fatal("the banner is not on screen, so printing it away proves nothing")
			}
			title := browsertest.Eval[string](t, ctx, `document.querySelector('h1').textContent`)
			text, pages := printPDF2Text(t, ctx)
			t.Logf("%s: %d A4 pages", tc.page, pages)
			flat := squeeze(text)
			for _, line := range strings.Split(banner, "\n") {
				if line = strings.TrimSpace(line); len(line) > 12 && strings.Contains(flat, squeeze(line)) {
					t.Errorf("the printed page has the banner's text %q", line)
				}
			}
			if !strings.Contains(flat, squeeze(title)) {
				t.Errorf("the printed page lacks the notice's title %q", title)
			}
			if tc.related != "" && !strings.Contains(flat, squeeze("("+tc.related+")")) {
				t.Errorf("the printed page does not spell out the related notice's address %s", tc.related)
			}
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
				t.Fatal(err)
			}
			split := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll('main tr, main .callout')].filter(e => getComputedStyle(e).breakInside !== 'avoid').map(e => e.tagName + ' ' + e.textContent.slice(0, 30))`)
			if len(split) > 0 {
				t.Errorf("on paper these may break across pages: %v", split)
			}
			// The banner lives in a shadow root under <notis-consent>: on paper
			// its host must not be rendered at all.
			hidden := browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll('notis-consent, main button, .site-header, .toc')].filter(e => getComputedStyle(e).display !== 'none').map(e => e.className || e.tagName)`)
			if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('notis-consent').length`); n == 0 {
				t.Error("no <notis-consent> host on the page: the check above looked at nothing")
			}
			if len(hidden) > 0 {
				t.Errorf("on paper these screen controls still show: %v", hidden)
			}
		})
	}
}

func printPDF2Text(t *testing.T, ctx context.Context) (string, int) {
	t.Helper()
	return pdfText(t, printPDF(t, ctx))
}

// The README shows a notice on a phone and on paper in both languages;
// this test makes those pictures (into docs/screenshots with -screenshots)
// from the real build, with the banner answered as a reader would.
func TestNoticeScreenshotsOnPhoneAndPaper(t *testing.T) {
	base, _ := exampleSite(t)
	pdftoppm := testenv.LookTool(t, "pdftoppm", "run scripts/test-deps.sh (Debian's poppler-utils)")
	dir := t.TempDir()
	if *screenshots {
		dir = filepath.Join("..", "..", "docs", "screenshots")
	}
	b := browsertest.Start(t)
	for _, lang := range []string{"en", "sv"} {
		t.Run(lang, func(t *testing.T) {
			ctx := b.Page(t)
			browsertest.OnNewDocument(t, ctx, browsertest.Shadow) // the banner is in a shadow root
			browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)), chromedp.Navigate(base+"/"+lang+"/necessio/"))
			browsertest.Wait(t, ctx, `__q('.notis-banner') !== null`, "the banner")
			browsertest.Click(t, ctx, ".notis-banner .notis-btns button:nth-child(2)")
			browsertest.Wait(t, ctx, `!__q('.notis-banner') || !__q('.notis-banner').isConnected || __q('.notis-banner').hidden`, "the banner to close")
			browsertest.Eval[bool](t, ctx, `(document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0), true)`)
			phone := filepath.Join(dir, "notice-phone-"+lang+".png")
			browsertest.Screenshot(t, ctx, phone)

			browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 800))
			pdf := filepath.Join(t.TempDir(), "notice.pdf")
			if err := os.WriteFile(pdf, printPDF(t, ctx), 0o644); err != nil {
				t.Fatal(err)
			}
			paper := filepath.Join(dir, "notice-paper-"+lang)
			if out, err := exec.Command(pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, paper).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v: %s", err, out)
			}
			for _, f := range []string{phone, paper + ".png"} {
				if st, err := os.Stat(f); err != nil || st.Size() < 10_000 {
					t.Errorf("%s: no picture worth the name (%v)", f, err)
				}
			}
		})
	}
}
