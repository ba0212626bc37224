// Package browsertest drives a real headless Chromium from Go tests, with
// chromedp: one browser per test binary, a fresh tab (own cookies and
// storage) per subtest, axe-core audits and screenshots.
//
//	func TestBanner(t *testing.T) {
//		b := browsertest.Start(t) // skips locally, fails under CI=true, without chromium
//		t.Run("accept", func(t *testing.T) {
//			ctx := b.Page(t)
//			browsertest.Do(t, ctx, chromedp.Navigate(url))
//			n := browsertest.Eval[int](t, ctx, `document.cookie.length`)
//			if v := browsertest.Axe(t, ctx); len(v) > 0 { t.Error(v) }
//		})
//	}
//
// Chromium comes from Debian's chromium package and axe-core from npm
// (testdata/package.json); scripts/test-deps.sh installs both.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/notis-dev/notis/internal/testenv"
)

// Browser is one headless Chromium.
type Browser struct {
	ctx context.Context
}

// Start launches Chromium for the test and closes it when the test ends.
// Start it once in a top-level test and share it with subtests.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := testenv.LookTool(t, "chromium", "run scripts/test-deps.sh")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 720),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("lang", "en-GB"),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return &Browser{ctx: ctx}
}

// Page opens a tab in a new browser context, so it shares no cookies or
// storage with other tabs, and closes it when t ends. The page's console
// errors and uncaught exceptions go to t.Log. Every action on the tab must
// finish within a minute.
func (b *Browser) Page(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("open tab: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if strings.HasSuffix(m.URL, "/favicon.ico") {
				continue // test servers have none; Chromium asks anyway
			}
			if m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning {
				t.Logf("browser console: %s", m)
			}
		}
	}()
	tctx, stop := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(func() {
		stop()
		cancel()
		<-done
	})
	return tctx
}

// Do runs actions on the tab and fails the test on an error.
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// Eval evaluates a JavaScript expression on the tab (awaiting a promise)
// and decodes its JSON value into T; an exception fails the test.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// Wait polls a JavaScript expression on the tab until it is truthy, for at
// most ten seconds, and fails the test with what (a description) if not.
func Wait(t testing.TB, ctx context.Context, expr, what string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("waiting for %s (%s): %v", what, expr, err)
	}
}

// OnNewDocument runs a script in every document the tab loads from now
// on, before the page's own scripts and outside its CSP: for probes such
// as event recorders, or to fake a browser feature.
func OnNewDocument(t testing.TB, ctx context.Context, src string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		t.Fatal(err)
	}
}

// Violation is one axe-core rule that failed.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"` // target selector: failure summary
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
}

// AxeTags are the rule sets Axe runs: WCAG 2.0–2.2 A and AA, and axe's best practices.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"}

var axe struct {
	once sync.Once
	src  string
	err  error
}

// NodeModules is where scripts/test-deps.sh installs the npm packages
// pinned in testdata/package-lock.json (axe-core, typescript).
func NodeModules() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata", "node_modules")
}

// AxePath is axe-core's script.
func AxePath() string {
	return filepath.Join(NodeModules(), "axe-core", "axe.min.js")
}

// Axe injects axe-core into the tab's page and audits the whole document,
// or only the elements matching the CSS selectors in include. A page with
// a strict CSP still runs it: the DevTools protocol evaluates outside it.
// Frames are not audited (axe would wait a minute for each one to answer).
func Axe(t testing.TB, ctx context.Context, include ...string) []Violation {
	t.Helper()
	axe.once.Do(func() {
		b, err := os.ReadFile(AxePath())
		axe.src, axe.err = string(b), err
	})
	if axe.err != nil {
		testenv.Missing(t, "axe-core not installed (run scripts/test-deps.sh): "+axe.err.Error())
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe.src+";void 0")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	context := "document"
	if len(include) > 0 {
		context = fmt.Sprintf("{include: %s}", jsStrings(include))
	}
	expr := fmt.Sprintf(`axe.run(%s, {iframes: false, runOnly: {type: 'tag', values: %s}}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help,
		nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' '))})))`,
		context, jsStrings(AxeTags))
	return Eval[[]Violation](t, ctx, expr)
}

// Screenshot writes a PNG of the tab's viewport to path, making its folder.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func jsStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// Shadow defines page functions that see into open shadow roots, where
// the consent banner lives: __qa(sel) is every element matching sel in
// the document and in every open shadow root (document order per root),
// __q(sel) the first or null, __active() the focused element inside
// shadow roots, and __hit(x, y) the element at a point inside shadow
// roots. Pass it to OnNewDocument, or put it before an expression.
const Shadow = `window.__qa = (sel, r = document) => { let o = [...r.querySelectorAll(sel)]; for (const e of r.querySelectorAll('*')) if (e.shadowRoot) o = o.concat(__qa(sel, e.shadowRoot)); return o };
window.__q = sel => __qa(sel)[0] || null;
window.__active = () => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return a };
window.__hit = (x, y) => { let e = document.elementFromPoint(x, y); for (;;) { const f = e && e.shadowRoot && e.shadowRoot.elementFromPoint(x, y); if (!f || f === e) return e; e = f } };
`

// Clickable reports whether the element __q(sel) finds can be clicked by
// a person: it has a size, lies inside the viewport (after scrolling it
// into view) and is the element at its own centre (no page element
// covers it). The point is its centre; why says what is wrong.
func Clickable(t testing.TB, ctx context.Context, sel string) (x, y float64, why string) {
	t.Helper()
	r := Eval[struct {
		X   float64 `json:"x"`
		Y   float64 `json:"y"`
		Why string  `json:"why"`
	}](t, ctx, Shadow+fmt.Sprintf(`(sel => {
		const e = __q(sel);
		if (!e) return {x: 0, y: 0, why: 'no element'};
		e.scrollIntoView({block: 'nearest', inline: 'nearest'});
		const b = e.getBoundingClientRect(), r = e.getClientRects()[0] || b; // a wrapped link: its first line
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		if (b.width < 1 || b.height < 1) return {x, y, why: 'no size ' + b.width + 'x' + b.height};
		if (b.left < 0 || b.top < 0 || b.right > innerWidth + 0.5 || b.bottom > innerHeight + 0.5)
			return {x, y, why: 'outside the viewport: ' + [b.left, b.top, b.right, b.bottom].map(Math.round) + ' in ' + innerWidth + 'x' + innerHeight};
		const h = __hit(x, y);
		if (h !== e && !e.contains(h)) return {x, y, why: 'covered by ' + (h ? h.outerHTML.slice(0, 80) : 'nothing')};
		return {x, y, why: ''};
	})(%q)`, sel))
	return r.X, r.Y, r.Why
}

// Click clicks the element __q(sel) finds with the mouse, at its centre,
// failing the test when a person could not (see Clickable).
func Click(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	x, y, why := Clickable(t, ctx, sel)
	if why != "" {
		t.Fatalf("click %s: %s", sel, why)
	}
	Do(t, ctx, chromedp.MouseClickXY(x, y))
}
