package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/browsertest"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/noticediff"
	"github.com/notis-dev/notis/internal/period"
)

// twoVersions is a notice before and after a retention period grew, a
// purpose and a recipient came, and a sentence of its prose changed; the
// new purpose's name is hostile markup.
func twoVersions(lang string) (old, new *notice.Notice) {
	old = minimal()
	old.Lang = lang
	old.Retention = []notice.RetentionRule{{Records: "Applications", Period: period.MustParse("P6M")}}
	old.Origin = notice.HeldBody("We keep your application for six months.\n\nAsk us anything.\n")
	new = minimal()
	new.Lang = lang
	new.Updated = notice.Date{Time: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}
	new.Retention = []notice.RetentionRule{{Records: "Applications", Period: period.MustParse("P12M")}}
	new.Purposes = append(new.Purposes, notice.Purpose{Name: `<script>alert("x")</script>`, Basis: notice.Consent})
	new.Recipients = []notice.Recipient{{Name: "Workday", Country: "Ireland"}}
	// Raw HTML is no words of the page (the renderer omits it) and goes;
	// text that reads as markup must stay text.
	new.Origin = notice.HeldBody("We keep your application for <b>twelve</b> months (<13 & >11).\n\nAsk us anything.\n")
	return old, new
}

// change is the change from old to new, summed up as the version lists
// would sum it up.
func change(old, new *notice.Notice) Change {
	return Change{Diff: noticediff.Compare(old, new), Summary: "Retention & <more>"}
}

func changesPage(t *testing.T, r *Renderer, lang string, first bool) string {
	t.Helper()
	old, new := twoVersions(lang)
	from := VersionRef{Date: old.Updated, Path: lang + "/applicants/versions/2026-04-01/"}
	if first {
		old, from = nil, VersionRef{}
	}
	var buf bytes.Buffer
	to := VersionRef{Date: new.Updated, Path: lang + "/applicants/versions/2026-09-01/"}
	if err := r.ChangesTo(&buf, lang, new, from, to, change(old, new)); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestChangePageListsMaterialChangesFirstThenBySectionThenTheProse(t *testing.T) {
	r := newRenderer(t)
	for lang, want := range map[string][]string{
		"en": {
			`<h1>What changed on 1 September 2026</h1>`,
			`The changes from the version of 1 April 2026 to the version of 1 September 2026.`,
			`<h2 id="material-h">Changes you should know about</h2>`,
			`<li>Applications: kept 6 months → 12 months</li>`,
			`<h3>Why we use your data and our lawful basis</h3>`,
			`<h3>How long we keep your data</h3>`,
			`<span class="badge">Material change</span>`,
			`<h2 id="prose-h">Changes to the wording</h2>`,
			`<del><span class="visually-hidden">deleted: </span>six</del><ins><span class="visually-hidden">inserted: </span>twelve</ins>`,
			`&lt;13 &amp; &gt;11`,
			`href="/en/applicants/versions/2026-04-01/"`,
			`href="/en/applicants/"`,
			`<meta name="description" content="Retention &amp; &lt;more&gt;">`,
		},
		"sv": {
			`<h1>Det här ändrades 1 september 2026</h1>`,
			`<h2 id="material-h">Ändringar som du bör känna till</h2>`,
			`<li>Applications: sparas 6 månader → 12 månader</li>`,
			`<h3>Hur länge vi sparar uppgifterna</h3>`,
			`<span class="badge">Väsentlig ändring</span>`,
			`<del><span class="visually-hidden">borttaget: </span>six</del>`,
			`<ins><span class="visually-hidden">tillagt: </span>`,
		},
	} {
		page := changesPage(t, r, lang, false)
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: no %s in\n%s", lang, w, page)
			}
		}
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<b>") || strings.Contains(page, "<13") {
			t.Errorf("%s: unescaped hostile text", lang)
		}
		// Material first: the material list comes before every section.
		if strings.Index(page, "material-h") > strings.Index(page, "all-h") || strings.Index(page, "all-h") > strings.Index(page, "prose-h") {
			t.Errorf("%s: sections out of order", lang)
		}
		if _, err := html.Parse(strings.NewReader(page)); err != nil {
			t.Error(err)
		}
	}
}

func TestTheFirstVersionsChangePageSaysSo(t *testing.T) {
	page := changesPage(t, newRenderer(t), "en", true)
	if !strings.Contains(page, "This is the first published version of the notice.") || strings.Contains(page, "The version of 1 April") {
		t.Errorf("got\n%s", page)
	}
}

// unreadable is the origin of a notice whose file can no longer be read.
type unreadable struct{ notice.HeldBody }

func (unreadable) Body() ([]byte, error) { return nil, fs.ErrPermission }

func TestAChangePageWithAnUnreadableBodyIsAnError(t *testing.T) {
	r := newRenderer(t)
	old, new := twoVersions("en")
	new.Origin = unreadable{}
	err := r.ChangesTo(&bytes.Buffer{}, "en", new, VersionRef{Path: "en/a/"}, VersionRef{Path: "en/b/"}, change(old, new))
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("got %v", err)
	}
}

// The change page in both languages fits a phone without sideways scroll
// and passes axe-core at phone and desktop widths.
func TestChangePageIsAccessibleInBothLanguages(t *testing.T) {
	r := newRenderer(t)
	css, err := fs.ReadFile(notis.Defaults, "assets/css/notis.css")
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{"/css/notis.css": string(css), "/css/print.css": ""}
	for _, lang := range []string{"en", "sv"} {
		pages["/"+lang+"/"] = changesPage(t, r, lang, false)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, ok := pages[req.URL.Path]
		if !ok {
			http.NotFound(w, req)
			return
		}
		if strings.HasSuffix(req.URL.Path, ".css") {
			w.Header().Set("Content-Type", "text/css")
		}
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	b := browsertest.Start(t)
	for _, lang := range []string{"en", "sv"} {
		t.Run(lang, func(t *testing.T) {
			ctx := b.Page(t)
			browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 800), chromedp.Navigate(srv.URL+"/"+lang+"/"))
			browsertest.Wait(t, ctx, `document.readyState === "complete"`, "the page to load")
			for _, width := range []int64{390, 1280} {
				browsertest.Do(t, ctx, chromedp.EmulateViewport(width, 800))
				browsertest.Wait(t, ctx, fmt.Sprintf("window.innerWidth === %d", width), "the viewport to resize")
				if w := browsertest.Eval[int](t, ctx, `document.documentElement.scrollWidth`); int64(w) > width {
					t.Errorf("at %d px the page is %d px wide", width, w)
				}
				for _, v := range browsertest.Axe(t, ctx) {
					t.Errorf("at %d px: %s", width, v)
				}
			}
		})
	}
}

// A version that changed nothing a reader sees (a date, formatting) says
// so in both parts, in the reader's language.
func TestAChangePageOfNoChangeSaysSo(t *testing.T) {
	r := newRenderer(t)
	n := minimal()
	n.Lang = "sv"
	var buf bytes.Buffer
	if err := r.ChangesTo(&buf, "sv", n, VersionRef{Date: n.Updated, Path: "sv/a/versions/1/"}, VersionRef{Date: n.Updated, Path: "sv/a/versions/2/"}, change(n, n)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"Inget av det som informationen anger har ändrats.", "Texten ändrades inte."} {
		if !strings.Contains(page, want) {
			t.Errorf("no %q in\n%s", want, page)
		}
	}
	if strings.Contains(page, "material-h") {
		t.Error("a material section with nothing in it")
	}
}

// The preview's unsaved next version has no date yet: the page says what
// is changing, from the last version to the one being edited.
func TestAChangePageOfTheVersionBeingEdited(t *testing.T) {
	r := newRenderer(t)
	old, new := twoVersions("sv")
	var buf bytes.Buffer
	from := VersionRef{Date: old.Updated, Path: "sv/applicants/versions/2026-04-01/"}
	if err := r.ChangesTo(&buf, "sv", new, from, VersionRef{Path: "sv/applicants/versions/next/"}, change(old, new)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"<h1>Det här håller på att ändras</h1>",
		"Ändringarna från versionen från 1 april 2026 till versionen som redigeras.",
		`<a href="/sv/applicants/versions/2026-04-01/">Versionen från 1 april 2026</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("no %q in\n%s", want, page)
		}
	}
	if strings.Contains(page, "versions/next/\"") || strings.Contains(page, " 1 januari 1") {
		t.Errorf("a link to, or a date of, a version that has none:\n%s", page)
	}
}
