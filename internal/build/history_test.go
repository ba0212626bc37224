package build

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/notis-dev/notis/internal/browsertest"
	"github.com/notis-dev/notis/internal/history/gittest"
	"github.com/notis-dev/notis/internal/lint"
)

// historySite commits the history scenario and builds its site.
func historySite(t *testing.T) (src, dest string, steps []gittest.Step) {
	t.Helper()
	g := gittest.New(t)
	steps = gittest.Scenario(g)
	src = filepath.Join(g.Dir, gittest.SiteDir)
	return src, buildInto(t, src), steps
}

func readOut(t *testing.T, dest, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// previewFile is a file of the preview's output, which must have it.
func previewFile(t *testing.T, inc *Incremental, rel string) string {
	t.Helper()
	b, ok := inc.Output().File(rel)
	if !ok {
		t.Fatalf("the preview has no %s", rel)
	}
	return string(b)
}

var dates = []string{"2026-01-10", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"}

func TestHistoryPages(t *testing.T) {
	_, dest, _ := historySite(t)
	// Every superseded version has its page; the current one is the notice page.
	for _, lang := range []string{"en", "sv"} {
		for _, d := range dates[:5] {
			page := readOut(t, dest, lang+"/applicants/versions/"+d+"/index.html")
			if !strings.Contains(page, `class="superseded"`) || !strings.Contains(page, `href="/`+lang+`/applicants/"`) {
				t.Errorf("%s %s: not marked superseded with a link to the current page", lang, d)
			}
			if !strings.Contains(page, `<link rel="canonical" href="https://privacy.example.test/`+lang+`/applicants/versions/`+d+`/">`) {
				t.Errorf("%s %s: canonical is not the version's own address", lang, d)
			}
		}
		if _, err := os.Stat(filepath.Join(dest, lang, "applicants", "versions", dates[5], "index.html")); err == nil {
			t.Errorf("%s: the current version has an archived page too", lang)
		}
	}
	// Each version reads as it did then: the retention of the first is 6
	// months, of the second 12; the Swedish prose of 2026-05-01 is English.
	first := readOut(t, dest, "en/applicants/versions/2026-01-10/index.html")
	second := readOut(t, dest, "en/applicants/versions/2026-02-01/index.html")
	if !strings.Contains(first, "6 months") || strings.Contains(first, "12 months") || !strings.Contains(second, "12 months") {
		t.Error("the archived versions do not show the retention they had")
	}
	if !strings.Contains(readOut(t, dest, "en/applicants/versions/2026-02-01/index.html"), "Example ATS Ltd") ||
		strings.Contains(second, "Example Screening GmbH") || !strings.Contains(readOut(t, dest, "en/applicants/versions/2026-03-01/index.html"), "Example Screening GmbH") {
		t.Error("the recipient added on 2026-03-01 is missing from its version or shown before it")
	}
	svMay := readOut(t, dest, "sv/applicants/versions/2026-05-01/index.html")
	if !strings.Contains(svMay, "through our site") || strings.Contains(svMay, "Du ger oss") {
		t.Error("the Swedish 2026-05-01 version does not have the prose it had then")
	}
	if !strings.Contains(svMay, "Det här är versionen från 1 maj 2026") {
		t.Errorf("the Swedish archived page is not marked in Swedish: %s", excerpt(svMay, "superseded"))
	}
	// The current page links its versions and, in its head, its feeds.
	cur := readOut(t, dest, "en/applicants/index.html")
	for _, want := range []string{
		`<a href="/en/applicants/versions/">`,
		`<link rel="alternate" type="application/atom+xml" title="Changes to the notices of Privacy" href="/en/feed.xml">`,
		`<link rel="alternate" type="application/atom+xml" title="Changes to Applicant privacy notice" href="/en/applicants/feed.xml">`,
	} {
		if !strings.Contains(cur, want) {
			t.Errorf("current page lacks %s", want)
		}
	}
	if strings.Contains(cur, `class="superseded"`) {
		t.Error("the current page is marked superseded")
	}
	if !strings.Contains(readOut(t, dest, "en/index.html"), `href="/en/feed.xml"`) {
		t.Error("the index does not link the language's feed")
	}
}

func TestHistoryVersionLists(t *testing.T) {
	_, dest, _ := historySite(t)
	for lang, want := range map[string][]string{
		"en": {"Versions of Applicant privacy notice", "current version", "1 June 2026", "10 January 2026", "First published version",
			"Applications: kept 6 months → 12 months", "New recipient of your data: Example Screening GmbH", "now based on our legitimate interests instead of a contract with you", "Changes to the wording only"},
		"sv": {"Versioner av Integritetsmeddelande för sökande", "gällande version", "1 juni 2026", "10 januari 2026", "Första publicerade versionen",
			"Ansökningar: sparas 6 månader → 12 månader", "Ny mottagare av dina uppgifter: Example Screening GmbH", "Endast ändrade formuleringar"},
	} {
		page := readOut(t, dest, lang+"/applicants/versions/index.html")
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s versions page lacks %q", lang, w)
			}
		}
		// Newest first, each linking its page; the current one the notice page.
		var order []string
		for _, m := range regexp.MustCompile(`<time datetime="([0-9-]+)">`).FindAllStringSubmatch(page, -1) {
			order = append(order, m[1])
		}
		if strings.Join(order, " ") != "2026-06-01 2026-05-01 2026-04-01 2026-03-01 2026-02-01 2026-01-10" {
			t.Errorf("%s versions in order %v", lang, order)
		}
		if !strings.Contains(page, `<a href="/`+lang+`/applicants/versions/2026-03-01/changes/">`) {
			t.Errorf("%s versions page does not link what changed in each version", lang)
		}
		if !strings.Contains(page, `<a href="/`+lang+`/applicants/"><time datetime="2026-06-01">`) || !strings.Contains(page, `<a href="/`+lang+`/applicants/versions/2026-02-01/"><time`) {
			t.Errorf("%s versions page does not link the pages of its versions", lang)
		}
	}
}

func TestHistoryChangePages(t *testing.T) {
	_, dest, _ := historySite(t)
	for _, c := range []struct{ rel, want, not string }{
		{"en/applicants/versions/2026-02-01/changes/index.html", "Applications: kept 6 months → 12 months", "Example Screening GmbH"},
		{"en/applicants/versions/2026-03-01/changes/index.html", "Example Screening GmbH", "12 months"},
		{"sv/applicants/versions/2026-04-01/changes/index.html", "bygger nu på vårt berättigade intresse i stället för ett avtal med dig", "legitimate interests"},
		{"en/applicants/versions/2026-06-01/changes/index.html", "12 months → 24 months", "Screening"},
	} {
		page := readOut(t, dest, c.rel)
		if !strings.Contains(page, c.want) || (c.not != "" && strings.Contains(page, c.not)) {
			t.Errorf("%s: want %q and not %q in %s", c.rel, c.want, c.not, excerpt(page, "<main"))
		}
	}
	// A first version has no change page: nothing came before it.
	if _, err := os.Stat(filepath.Join(dest, "sv", "applicants", "versions", "2026-01-10", "changes")); err == nil {
		t.Error("the first version has a change page")
	}
	// The current version's change page links it where it reads: the
	// notice page, not an archived copy that does not exist.
	cur := readOut(t, dest, "en/applicants/versions/2026-06-01/changes/index.html")
	if !strings.Contains(cur, `href="/en/applicants/"`) || strings.Contains(cur, `href="/en/applicants/versions/2026-06-01/"`) {
		t.Error("the current version's change page links a page that does not exist")
	}
	if !strings.Contains(cur, `href="/en/applicants/versions/2026-05-01/"`) {
		t.Error("the change page does not link the version before")
	}
}

// atom is what RFC 4287 requires of a feed and its entries.
type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  []struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary string `xml:"summary"`
	} `xml:"entry"`
}

func TestHistoryFeeds(t *testing.T) {
	src, dest, _ := historySite(t)
	for _, rel := range []string{"en/feed.xml", "sv/feed.xml", "en/applicants/feed.xml", "sv/applicants/feed.xml"} {
		raw := readOut(t, dest, rel)
		var f atom
		if err := xml.Unmarshal([]byte(raw), &f); err != nil {
			t.Fatalf("%s: not Atom XML: %v", rel, err)
		}
		self := ""
		for _, l := range f.Links {
			if l.Rel == "self" {
				self = l.Href
			}
		}
		if f.ID == "" || f.Title == "" || len(f.Author) == 0 || f.Author[0].Name == "" || self != "https://privacy.example.test/"+rel {
			t.Errorf("%s: feed lacks id, title, author or self link: %+v", rel, f)
		}
		if f.Updated != "2026-06-01T00:00:00Z" {
			t.Errorf("%s: updated %s, want the newest version's date", rel, f.Updated)
		}
		if len(f.Entries) != 6 {
			t.Fatalf("%s: %d entries, want 6", rel, len(f.Entries))
		}
		ids := map[string]bool{}
		for i, e := range f.Entries {
			if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.ID == "" || e.Title == "" || len(e.Links) == 0 || e.Links[0].Rel != "alternate" || e.Summary == "" {
				t.Errorf("%s entry %d: %+v", rel, i, e)
			}
			if e.Updated != dates[5-i]+"T00:00:00Z" {
				t.Errorf("%s entry %d updated %s, want %s (newest first)", rel, i, e.Updated, dates[5-i])
			}
			if ids[e.ID] {
				t.Errorf("%s: entry id %s twice", rel, e.ID)
			}
			ids[e.ID] = true
		}
		lang := rel[:2]
		if e := f.Entries[0]; e.ID != "https://privacy.example.test/"+lang+"/applicants/versions/2026-06-01/" || e.Links[0].Href != "https://privacy.example.test/"+lang+"/applicants/" ||
			len(e.Links) != 2 || e.Links[1].Href != "https://privacy.example.test/"+lang+"/applicants/versions/2026-06-01/changes/" {
			t.Errorf("%s: current entry %+v: want the version's lasting address as id, linking the current page and its changes", rel, e)
		}
		if rel == "en/feed.xml" && f.Entries[4].Summary != "Applications: kept 6 months → 12 months" {
			t.Errorf("%s: the 2026-02-01 entry's summary is %q", rel, f.Entries[4].Summary)
		}
	}
	// No build timestamp: a second build writes the same bytes.
	again := buildInto(t, src)
	for _, rel := range []string{"en/feed.xml", "sv/applicants/feed.xml", "en/applicants/versions/index.html", "notices.json"} {
		if readOut(t, dest, rel) != readOut(t, again, rel) {
			t.Errorf("%s differs between two builds", rel)
		}
	}
}

func TestHistoryNoticesJSON(t *testing.T) {
	_, dest, steps := historySite(t)
	var data struct {
		Notices []NoticeJSON `json:"notices"`
	}
	if err := json.Unmarshal([]byte(readOut(t, dest, "notices.json")), &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Notices) != 2 {
		t.Fatalf("%d notices", len(data.Notices))
	}
	for _, n := range data.Notices {
		if len(n.Versions) != 6 {
			t.Fatalf("%s: %d versions, want 6", n.Lang, len(n.Versions))
		}
		v := n.Versions[0]
		if v.Date != "2026-06-01" || !v.Current || v.Commit != steps[7].Hash.String() || v.URL != "https://privacy.example.test/"+n.Lang+"/applicants/" ||
			v.Changes != "https://privacy.example.test/"+n.Lang+"/applicants/versions/2026-06-01/changes/" {
			t.Errorf("%s current version = %+v", n.Lang, v)
		}
		old := n.Versions[5]
		if old.Date != "2026-01-10" || old.Current || old.Commit != steps[0].Hash.String() || old.URL != "https://privacy.example.test/"+n.Lang+"/applicants/versions/2026-01-10/" ||
			old.Changes != "" || old.Summary == "" {
			t.Errorf("%s first version = %+v", n.Lang, old)
		}
	}
}

func TestHistoryUndatedChangeIsALintFinding(t *testing.T) {
	g := gittest.New(t)
	steps := gittest.Scenario(g)
	src := filepath.Join(g.Dir, gittest.SiteDir)
	undated := func() []lint.Finding {
		s, err := Load(src, "")
		if err != nil {
			t.Fatal(err)
		}
		var out []lint.Finding
		for _, f := range lint.Check(s.Notices(), lint.Options{Dated: s.Dated()}) {
			if f.Rule == "history.undated-change" {
				out = append(out, f)
			}
		}
		return out
	}
	// The retention change kept the date "clearer prose" set; the
	// reformat before it alone would not count.
	f := undated()
	if len(f) != 1 || f[0].Pos.File != "content/applicants.en.md" || f[0].Pos.Line != 3 || !strings.Contains(f[0].Message, steps[4].Hash.String()[:7]) {
		t.Fatalf("findings = %v, want one at the English updated line naming %s", f, steps[4].Hash.String()[:7])
	}
	// An edit in the work tree, not yet committed, counts too.
	sv := steps[7].SV
	sv.Recipient = false
	g.Write(map[string]string{gittest.SiteDir + "/content/applicants.sv.md": sv.Text("sv")})
	if f := undated(); len(f) != 2 {
		t.Errorf("after an undated edit of the Swedish file: %v, want 2 findings", f)
	}
	// Dating both clears them.
	en := steps[7].EN
	en.Updated, sv.Updated = "2026-07-01", "2026-07-01"
	g.Write(gittest.Files(en, sv))
	if f := undated(); len(f) != 0 {
		t.Errorf("after dating the changes: %v", f)
	}
	// Once committed, a change of formatting alone says the same (the
	// body as it reads); a changed word does not.
	g.Commit("date the changes", gittest.Files(en, sv))
	file := filepath.Join(src, "content", "applicants.en.md")
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	head, prose, ok := strings.Cut(string(body), "\n---\n")
	words := strings.Fields(prose)
	if !ok || len(words) < 3 {
		t.Fatalf("no body in %s", body)
	}
	bold := strings.Replace(prose, words[len(words)-2], "**"+words[len(words)-2]+"**", 1)
	g.Write(map[string]string{gittest.SiteDir + "/content/applicants.en.md": head + "\n---\n" + bold})
	if f := undated(); len(f) != 0 {
		t.Errorf("after making a word bold: %v, want none", f)
	}
	g.Write(map[string]string{gittest.SiteDir + "/content/applicants.en.md": head + "\n---\n" + strings.Replace(prose, words[len(words)-2], "changed", 1)})
	if f := undated(); len(f) != 1 {
		t.Errorf("after changing a word: %v, want one finding", f)
	}
}

func TestHistoryWithoutGit(t *testing.T) {
	g := gittest.New(t)
	gittest.Scenario(g)
	// The same site outside git, and inside it with its history turned off.
	plain := t.TempDir()
	if err := os.CopyFS(plain, os.DirFS(filepath.Join(g.Dir, gittest.SiteDir))); err != nil {
		t.Fatal(err)
	}
	off := filepath.Join(g.Dir, gittest.SiteDir)
	cfg, _ := os.ReadFile(filepath.Join(off, "notis.toml"))
	if err := os.WriteFile(filepath.Join(off, "notis.toml"), append(cfg, "[history]\nenabled = false\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{plain, off} {
		dest := buildInto(t, src)
		if _, err := os.Stat(filepath.Join(dest, "en", "applicants", "versions")); err == nil {
			t.Errorf("%s: versions pages without a history", src)
		}
		if _, err := os.Stat(filepath.Join(dest, "en", "feed.xml")); err == nil {
			t.Errorf("%s: a feed without a history", src)
		}
		page := readOut(t, dest, "en/applicants/index.html")
		if strings.Contains(page, "application/atom+xml") || strings.Contains(page, "/versions/") {
			t.Errorf("%s: the page links a history it does not have", src)
		}
		if bytes.Contains([]byte(readOut(t, dest, "notices.json")), []byte(`"versions"`)) {
			t.Errorf("%s: notices.json lists versions without a history", src)
		}
	}
}

// excerpt is the text around the first match of sub, for messages.
func excerpt(s, sub string) string {
	i := strings.Index(s, sub)
	if i < 0 {
		return "(" + sub + " not found)"
	}
	return s[max(0, i-100):min(len(s), i+300)]
}

// The history pages pass axe-core at phone and desktop widths and fit a
// 320 px phone, as every other page does.
func TestHistoryPagesPassAxe(t *testing.T) {
	_, dest, _ := historySite(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dest)))
	t.Cleanup(srv.Close)
	b := browsertest.Start(t)
	for _, p := range []string{"/en/applicants/versions/", "/sv/applicants/versions/", "/en/applicants/versions/2026-02-01/"} {
		t.Run(strings.Trim(p, "/"), func(t *testing.T) {
			ctx := b.Page(t)
			openAt(t, ctx, srv.URL+p, 1280)
			for _, width := range []int64{320, 390, 1280} {
				browsertest.Do(t, ctx, chromedp.EmulateViewport(width, 800))
				browsertest.Wait(t, ctx, fmt.Sprintf("window.innerWidth === %d", width), "the viewport to resize")
				if got := browsertest.Eval[overflow](t, ctx, overflowJS); got.ScrollWidth > got.Width {
					t.Errorf("at %d px the page is %d px wide:\n\t%s", width, got.ScrollWidth, strings.Join(got.Culprits, "\n\t"))
				}
				if width != 320 {
					for _, v := range browsertest.Axe(t, ctx) {
						t.Errorf("at %d px: %s", width, v)
					}
				}
			}
		})
	}
}

// The preview runs the same stages: it shows the versions, and an edit
// saved in the work tree is the next version, with its change page,
// before it is committed.
func TestHistoryInThePreview(t *testing.T) {
	g := gittest.New(t)
	steps := gittest.Scenario(g)
	src := filepath.Join(g.Dir, gittest.SiteDir)
	inc, err := NewIncremental(Options{Source: src, DevScript: "/_notis/dev.js"})
	if err != nil {
		t.Fatal(err)
	}
	file := func(rel string) string { return previewFile(t, inc, rel) }
	if !strings.Contains(file("en/applicants/versions/index.html"), "Applications: kept 6 months → 12 months") {
		t.Error("the preview's list of versions does not say what changed")
	}
	file("en/applicants/versions/2026-02-01/index.html")
	en := steps[7].EN
	en.Updated, en.Recipient = "2026-07-01", false
	g.Write(map[string]string{gittest.SiteDir + "/content/applicants.en.md": en.Text("en")})
	if _, err := inc.Update([]string{"content/applicants.en.md"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(file("en/applicants/versions/2026-07-01/changes/index.html"), "Example Screening GmbH") {
		t.Error("the unsaved version's change page does not say the recipient went")
	}
	// The version it replaced now reads as superseded.
	if !strings.Contains(file("en/applicants/versions/2026-06-01/index.html"), `class="superseded"`) {
		t.Error("the version the edit replaced has no page of its own")
	}
	list := file("en/applicants/versions/index.html")
	if !strings.Contains(list, `<a href="/en/applicants/"><time datetime="2026-07-01">`) {
		t.Error("the list of versions does not show the edit as the current version")
	}
	// Committed, the edit is a version with its commit as soon as the
	// preview hears of it: the watcher reports a commit as .git/HEAD
	// (dev.GitHead), with no file of the site changed.
	hash := g.Commit("drop the screening processor", nil)
	if _, err := inc.Update([]string{".git/HEAD"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(file("notices.json"), `"commit":"`+hash.String()+`"`) {
		t.Error("after the commit, notices.json does not name it")
	}
	// The site's own strings word the versions' summaries, there too.
	g.Write(map[string]string{gittest.SiteDir + "/i18n/diff.en.toml": "[diff.summary]\nfirst = \"Published at last\"\n"})
	if _, err := inc.Update([]string{"i18n/diff.en.toml"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(file("notices.json"), `"summary":"Published at last"`) {
		t.Error("after the site reworded a first version, notices.json does not")
	}
}

// twoLanguageHistory is a repository whose first commit is one notice in
// English and Swedish, and that notice as committed.
func twoLanguageHistory(t *testing.T) (*gittest.Repo, gittest.Notice) {
	t.Helper()
	g := gittest.New(t)
	base := gittest.Notice{Updated: "2026-01-10", Retention: "P6M", Basis: "contract", Prose: "You give us your data when you apply."}
	files := gittest.Files(base, base)
	files[gittest.SiteDir+"/notis.toml"] = "site = \"history\"\nbaseURL = \"https://privacy.example.test/\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy\"\n[languages.sv]\ntitle = \"Integritet\"\n"
	g.Commit("first version", files)
	return g, base
}

// swedishCorrected is base with its Swedish wording corrected, on a day
// of its own.
func swedishCorrected(base gittest.Notice) gittest.Notice {
	sv := base
	sv.Updated, sv.Prose = "2026-02-01", "Du ger oss dina uppgifter när du söker."
	return sv
}

// In the preview, a translation saved alone is the next version, and the
// other language's pages, which the save did not touch, must say so:
// their list, their change page and notices.json read "another
// language" from the moment of the save, not after a restart.
func TestThePreviewSaysWhenOnlyAnotherLanguageChanged(t *testing.T) {
	g, base := twoLanguageHistory(t)
	inc, err := NewIncremental(Options{Source: filepath.Join(g.Dir, gittest.SiteDir), DevScript: "/_notis/dev.js"})
	if err != nil {
		t.Fatal(err)
	}
	file := func(rel string) string { return previewFile(t, inc, rel) }
	sv := swedishCorrected(base)
	g.Write(map[string]string{gittest.SiteDir + "/content/applicants.sv.md": sv.Text("sv")})
	if _, err := inc.Update([]string{"content/applicants.sv.md"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ rel, want string }{
		{"en/applicants/versions/index.html", "<p>Only another language's version changed</p>"},
		{"en/applicants/versions/2026-02-01/changes/index.html", "Only the notice in another language changed"},
		{"notices.json", `"summary":"Only another language's version changed"`},
		{"sv/applicants/versions/index.html", "<p>Endast ändrade formuleringar</p>"},
	} {
		if page := file(c.rel); !strings.Contains(page, c.want) {
			t.Errorf("after saving the Swedish file alone, %s does not say %q:\n%s", c.rel, c.want, page)
		}
	}
}

// A translation corrected alone, with its own date, makes a version of
// the notice. In the other language's list that version says only
// another language changed: "No changes" would leave its reader asking
// why it is there. In its own language it says what changed.
func TestAVersionOfAnotherLanguageOnlySaysSo(t *testing.T) {
	g, base := twoLanguageHistory(t)
	sv := swedishCorrected(base)
	g.Commit("Swedish wording", gittest.Files(base, sv))
	dest := buildInto(t, filepath.Join(g.Dir, gittest.SiteDir))
	for _, c := range []struct{ rel, want, not string }{
		{"en/applicants/versions/index.html", "<p>Only another language's version changed</p>", "No changes"},
		{"sv/applicants/versions/index.html", "<p>Endast ändrade formuleringar</p>", "Bara en annan språkversion ändrades"},
		{"en/applicants/feed.xml", "<summary type=\"text\">Only another language's version changed</summary>", "No changes"},
		{"notices.json", `"summary":"Only another language's version changed"`, `"summary":"No changes"`},
		{"en/applicants/versions/2026-02-01/changes/index.html", "<p>Only the notice in another language changed: in this language, this version reads as the one before it.</p>", "Nothing the notice states changed."},
	} {
		page := readOut(t, dest, c.rel)
		if !strings.Contains(page, c.want) || c.not != "" && strings.Contains(page, c.not) {
			t.Errorf("%s: want %q and not %q:\n%s", c.rel, c.want, c.not, page)
		}
	}
}

// A change page links the same version's change page in each other
// language that has one: not in a language whose file the version
// brought, whose first version it is.
func TestAChangePageLinksTheSameChangeInOtherLanguages(t *testing.T) {
	g := gittest.New(t)
	v1 := gittest.Notice{Updated: "2026-01-10", Retention: "P6M", Basis: "contract", Prose: "You give us your data when you apply."}
	site := map[string]string{gittest.SiteDir + "/notis.toml": "site = \"history\"\nbaseURL = \"https://privacy.example.test/\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy\"\n[languages.sv]\ntitle = \"Integritet\"\n"}
	site[gittest.SiteDir+"/content/applicants.en.md"] = v1.Text("en")
	g.Commit("english only", site)
	v2 := v1
	v2.Updated, v2.Retention = "2026-02-01", "P12M"
	g.Commit("swedish added", gittest.Files(v2, v2))
	v3 := v2
	v3.Updated, v3.Recipient = "2026-03-01", true
	g.Commit("a recipient", gittest.Files(v3, v3))
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := Build(Options{Source: filepath.Join(g.Dir, gittest.SiteDir), Destination: dest}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		page, link string
		want       bool
	}{
		{"en/applicants/versions/2026-03-01/changes/index.html", "/sv/applicants/versions/2026-03-01/changes/", true},
		{"sv/applicants/versions/2026-03-01/changes/index.html", "/en/applicants/versions/2026-03-01/changes/", true},
		{"en/applicants/versions/2026-02-01/changes/index.html", "/sv/applicants/versions/2026-02-01/changes/", false},
	} {
		if got := strings.Contains(readOut(t, dest, c.page), c.link); got != c.want {
			t.Errorf("%s links %s: %v, want %v", c.page, c.link, got, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dest, "sv/applicants/versions/2026-02-01/changes/index.html")); err == nil {
		t.Error("the Swedish file's first version has a change page")
	}
}

// A warning the load stage adds after the index (a shallow clone's) is
// said once after every save, not once more for each save: the quick
// path that keeps the last run's index keeps only the index's warnings.
func TestThePreviewWarnsOfAShallowCloneOnce(t *testing.T) {
	g := gittest.New(t)
	steps := gittest.Scenario(g)
	g.Shallow(steps[3].Hash)
	inc, err := NewIncremental(Options{Source: filepath.Join(g.Dir, gittest.SiteDir), DevScript: "/_notis/dev.js"})
	if err != nil {
		t.Fatal(err)
	}
	shallow := func(warnings []string) (n int) {
		for _, w := range warnings {
			if strings.Contains(w, "shallow") {
				n++
			}
		}
		return n
	}
	en := steps[7].EN
	for i := range 3 {
		en.Prose = fmt.Sprintf("You give us your data when you apply (save %d).", i)
		g.Write(map[string]string{gittest.SiteDir + "/content/applicants.en.md": en.Text("en")})
		ch, err := inc.Update([]string{"content/applicants.en.md"})
		if err != nil {
			t.Fatal(err)
		}
		if n := shallow(ch.Warnings); n != 1 {
			t.Fatalf("save %d: %d warnings of a shallow clone, want 1: %q", i, n, ch.Warnings)
		}
	}
}

// A notice whose file was renamed or deleted leaves the site with every
// earlier version: the build says so, names the files the history last
// had, and tells how to keep it (notice: ID) or that it may be withdrawn
// on purpose ([history] withdrawn), which quiets it.
func TestANoticeGoneFromTheWorkTreeIsAWarning(t *testing.T) {
	g := gittest.New(t)
	steps := gittest.Scenario(g)
	site := filepath.Join(g.Dir, gittest.SiteDir)
	warnings := func() []string {
		t.Helper()
		res, err := Build(Options{Source: site, Destination: filepath.Join(t.TempDir(), "public")})
		if err != nil {
			t.Fatal(err)
		}
		var gone []string
		for _, w := range res.Warnings {
			if strings.Contains(w, "site's history") || strings.Contains(w, "[history] withdrawn") {
				gone = append(gone, w)
			}
		}
		return gone
	}
	if w := warnings(); len(w) != 0 {
		t.Fatalf("a site with every notice it ever had: %q", w)
	}
	last := steps[len(steps)-1]
	renamed := gittest.Files(last.EN, last.SV)
	for name, text := range renamed {
		g.Write(map[string]string{name: ""})
		g.Write(map[string]string{strings.Replace(name, "applicants.", "candidates.", 1): text})
	}
	w := warnings()
	want := `notice "applicants" is in the site's history (content/applicants.en.md, content/applicants.sv.md, last in commit ` + last.Hash.String()[:7] + `) and no file has it now: its page, its address and its 6 committed versions are no longer published. If the file was renamed, give it notice: applicants to keep them`
	if len(w) != 1 || !strings.HasPrefix(w[0], want) {
		t.Fatalf("renamed: %q\nwant one warning starting %q", w, want)
	}
	// Given its id again, the renamed files keep the notice and its versions.
	for name, text := range renamed {
		g.Write(map[string]string{strings.Replace(name, "applicants.", "candidates.", 1): strings.Replace(text, "---\n", "---\nnotice: applicants\n", 1)})
	}
	if w := warnings(); len(w) != 0 {
		t.Errorf("renamed, with notice: applicants: %q", w)
	}
	// Deleted, and withdrawn on purpose: nothing to say.
	for name := range renamed {
		g.Write(map[string]string{strings.Replace(name, "applicants.", "candidates.", 1): ""})
	}
	g.Write(map[string]string{gittest.SiteDir + "/content/other.en.md": strings.Replace(last.EN.Text("en"), "---\n", "---\nnotice: other\n", 1)})
	cfg, err := os.ReadFile(filepath.Join(site, "notis.toml"))
	if err != nil {
		t.Fatal(err)
	}
	g.Write(map[string]string{gittest.SiteDir + "/notis.toml": string(cfg) + "\n[history]\nwithdrawn = [\"applicants\"]\n"})
	if w := warnings(); len(w) != 0 {
		t.Errorf("withdrawn: %q", w)
	}
	// A withdrawn notice that a file has again is one the list is wrong about.
	g.Write(map[string]string{gittest.SiteDir + "/content/other.en.md": strings.Replace(last.EN.Text("en"), "---\n", "---\nnotice: applicants\n", 1)})
	if w := warnings(); len(w) != 1 || !strings.Contains(w[0], `notice "applicants" is listed in [history] withdrawn in notis.toml, and a file has it again`) {
		t.Errorf("withdrawn and back: %q", w)
	}
}
