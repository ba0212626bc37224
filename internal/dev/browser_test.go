package dev

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/notis-dev/notis/internal/browsertest"
)

// syncBuffer is the terminal the preview prints to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// copySite copies the build tests' small site (a notice in English and
// Swedish, and a cookie notice, so there is a banner) into a temp folder.
func copySite(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "build", "testdata", "site")
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		write(t, filepath.Join(dir, rel), string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// startPreview runs Serve on a free port until the test ends.
func startPreview(t *testing.T, dir string) (base string, term *syncBuffer) {
	t.Helper()
	term = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, Options{Source: dir, Port: 0, Out: term, Ready: func(u string) { ready <- u }})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("Serve ended: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the preview did not start in 30 s")
	}
	return base, term
}

// waitJS polls a JavaScript expression until it is true, for at most 15
// seconds; unlike browsertest.Wait it carries on across page reloads.
func waitJS(t *testing.T, ctx context.Context, expr, what string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("Boolean("+expr+")"))
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("waiting for %s (%s): %v", what, expr, last)
}

// The preview loop in a real browser: an open page reloads after an
// edit, shows the error overlay when the front matter breaks and recovers
// when it is fixed, swaps a stylesheet without reloading, and a click on
// Accept records a consent that the terminal reports.
func TestPreviewInBrowser(t *testing.T) {
	b := bt.Start(t)
	dir := copySite(t)
	base, term := startPreview(t, dir)
	notice := filepath.Join(dir, "content", "applicants.en.md")
	orig, err := os.ReadFile(notice)
	if err != nil {
		t.Fatal(err)
	}
	ctx := b.Page(t)
	bt.Do(t, ctx, chromedp.Navigate(base+"en/applicants/"))
	live := func(what string) {
		t.Helper()
		waitJS(t, ctx, `document.documentElement.getAttribute("data-notis-dev") === "live"`, what)
	}
	live("the live-reload connection")
	bt.Eval[int](t, ctx, `window.__before = 1`)

	t.Run("reloads after an edit", func(t *testing.T) {
		write(t, notice, strings.Replace(string(orig), "title: Applicant privacy notice", "title: Edited applicant notice", 1))
		waitJS(t, ctx, `!window.__before && document.title.startsWith("Edited applicant notice")`, "a reload with the new title")
		live("the live-reload connection after the reload")
	})

	t.Run("shows an overlay on broken front matter, and recovers", func(t *testing.T) {
		bt.Eval[int](t, ctx, `window.__before = 1`)
		write(t, notice, strings.Replace(string(orig), "title: Applicant privacy notice", "title: [Broken", 1))
		// (A loaded machine may first show the truncated file's error.)
		waitJS(t, ctx, `((document.getElementById("notis-dev-overlay") || {}).textContent || "").includes("syntax.yaml")`, "the error overlay")
		text := bt.Eval[string](t, ctx, `document.getElementById("notis-dev-overlay").textContent`)
		// Where an editor shows it, the rule, the file's own line, the fix.
		for _, want := range []string{"content/applicants.en.md:2:8", "(syntax.yaml)", "title: [Broken", "Fix: "} {
			if !strings.Contains(text, want) {
				t.Errorf("overlay lacks %q:\n%s", want, text)
			}
		}
		if !strings.Contains(term.String(), "Build failed") {
			t.Errorf("the terminal does not report the failure:\n%s", term.String())
		}
		write(t, notice, strings.Replace(string(orig), "title: Applicant privacy notice", "title: Fixed applicant notice", 1))
		waitJS(t, ctx, `!document.getElementById("notis-dev-overlay") && document.title.startsWith("Fixed applicant notice")`, "the overlay gone and the fix shown")
		live("the live-reload connection after the fix")
	})

	t.Run("swaps a stylesheet without reloading", func(t *testing.T) {
		bt.Eval[int](t, ctx, `window.__before = 1`)
		write(t, filepath.Join(dir, "assets", "css", "notis.css"), "body{border-top:7px solid rgb(1, 2, 3)}\n")
		waitJS(t, ctx, `getComputedStyle(document.body).borderTopColor === "rgb(1, 2, 3)"`, "the new stylesheet applied")
		if !bt.Eval[bool](t, ctx, `window.__before === 1`) {
			t.Error("the page reloaded; want the stylesheet swapped in place")
		}
	})

	t.Run("Accept records a consent that the terminal reports", func(t *testing.T) {
		// The banner lives in a shadow root: bt.Shadow's __q sees into it.
		waitJS(t, ctx, `(() => { `+bt.Shadow+` return !!__q(".notis-banner .notis-btn") })()`, "the banner")
		bt.Click(t, ctx, ".notis-banner .notis-btn:nth-child(1)")
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(term.String(), "consent recorded: accept_all") {
			if time.Now().After(deadline) {
				t.Fatalf("no consent reported in the terminal:\n%s", term.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		for _, line := range strings.Split(term.String(), "\n") {
			if strings.HasPrefix(line, "consent recorded") {
				t.Log(line)
			}
		}
	})
}

// On a site of several organisations, Accept on an organisation's page
// goes through its own banner (consent/org/ORG/), and the preview's
// consent server records it under that banner's version: the version
// record the build wrote for the organisation is one the server knows.
func TestAnOrganisationsBannerRecordsConsentInThePreview(t *testing.T) {
	b := bt.Start(t)
	dir := copySite(t)
	cookies, err := os.ReadFile(filepath.Join(dir, "content", "cookies.en.md"))
	if err != nil {
		t.Fatal(err)
	}
	own := strings.Replace(strings.Replace(string(cookies), `"title": "Cookies"`, `"title": "Acme cookies"`, 1), `"provider": "Google Analytics"`, `"provider": "Acme Analytics"`, 1)
	write(t, filepath.Join(dir, "content", "acme", "acme.en.md"), own)
	toml, err := os.ReadFile(filepath.Join(dir, "notis.toml"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "notis.toml"), string(toml)+"[consent.notices]\nacme = \"acme\"\n")
	base, term := startPreview(t, dir)

	ctx := b.Page(t)
	bt.OnNewDocument(t, ctx, bt.Shadow)
	bt.Do(t, ctx, chromedp.Navigate(base+"en/acme/"))
	src := bt.Eval[string](t, ctx, `document.querySelector('script[src*="consent."]').getAttribute('src')`)
	if !strings.Contains(src, "/consent/org/acme/consent.") {
		t.Fatalf("the organisation's page loads %q, want its own banner", src)
	}
	waitJS(t, ctx, `!!__q(".notis-banner .notis-btn")`, "the banner")
	bt.Click(t, ctx, ".notis-banner .notis-btn:nth-child(1)")
	waitJS(t, ctx, `!!(window.notis && notis.consent())`, "the choice")
	version := bt.Eval[string](t, ctx, `notis.consent().version`)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(term.String(), "consent recorded: accept_all") {
		if time.Now().After(deadline) {
			t.Fatalf("no consent reported in the terminal:\n%s", term.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if version == "" || !strings.Contains(term.String(), "version "+version+",") {
		t.Errorf("the consent is not recorded under the organisation's banner version %q:\n%s", version, term.String())
	}
}
