package build_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/build"
	widgetsrc "github.com/notis-dev/notis/widget"
)

// editSite is a generated site that a test edits at random.
type editSite struct {
	t      *testing.T
	dir    string
	rng    *rand.Rand
	rev    int
	ids    []string // notice ids that may have files
	next   int
	broken []string // files edit broke, fixed again soon
}

const stableIDs = 3 // notice-0..2 are never deleted: others link to them

func (e *editSite) write(rel string, data []byte) {
	e.t.Helper()
	p := filepath.Join(e.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// notice writes a valid notice whose facts vary with the revision.
func (e *editSite) notice(id, lang string) []byte {
	e.rev++
	r := e.rng
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s %s rev %d\n", id, lang, r.IntN(3))
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "summary: Summary %d of %s.\n", e.rev, id)
	}
	fmt.Fprintf(&b, "updated: 2026-04-0%d\nsupervisory_authority: ico\n", 1+r.IntN(9))
	b.WriteString("controller: {name: Example Ltd, email: privacy@example.test}\n")
	b.WriteString("purposes:\n  - {name: Recruiting, basis: contract}\n")
	if r.IntN(2) == 0 {
		b.WriteString("  - {name: Talent pool, basis: consent}\n")
	}
	b.WriteString("retention:\n  - {records: Applications, period: P6M, then: delete}\n")
	if r.IntN(2) == 0 && id != "notice-0" {
		fmt.Fprintf(&b, "related: [notice-%d]\n", r.IntN(stableIDs))
	}
	if r.IntN(3) == 0 || id == "cookies" {
		b.WriteString("cookies:\n  - {name: _ga, provider: Google Analytics, category: analytics, purpose: Counts visits., duration: P13M, third_party: true}\n")
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "  - {name: pref%d, provider: This site, category: preferences, purpose: Remembers., duration: P1Y}\n", r.IntN(2))
		}
	}
	fmt.Fprintf(&b, "---\n## About %s\n\nWe keep your data %d days. %s\n", id, e.rev, strings.Repeat("Words here. ", r.IntN(20)))
	return []byte(b.String())
}

func (e *editSite) files() []string {
	var out []string
	_ = filepath.WalkDir(filepath.Join(e.dir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(e.dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func newEditSite(t *testing.T, n int, seed uint64) *editSite {
	e := &editSite{t: t, dir: t.TempDir(), rng: rand.New(rand.NewPCG(seed, 7))}
	e.write("notis.toml", []byte("site = \"edit\"\nbaseURL = \"https://privacy.example.test/\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy\"\n[languages.sv]\ntitle = \"Integritet\"\n"))
	for i := range n {
		id := fmt.Sprintf("notice-%d", i)
		e.ids = append(e.ids, id)
		e.write("content/"+id+".en.md", e.notice(id, "en"))
		if i%4 != 3 {
			e.write("content/"+id+".sv.md", e.notice(id, "sv"))
		}
	}
	e.write("content/cookies.en.md", e.notice("cookies", "en"))
	e.next = n
	return e
}

// edit makes one random edit and returns the source paths it touched.
func (e *editSite) edit() (string, []string) {
	r := e.rng
	files := e.files()
	pick := func(deletable bool) string {
		for range 20 {
			f := files[r.IntN(len(files))]
			if !deletable || !isStable(f) {
				return f
			}
		}
		return ""
	}
	langOf := func(f string) (string, string) {
		base := strings.TrimSuffix(filepath.Base(f), ".md")
		i := strings.LastIndexByte(base, '.')
		return base[:i], base[i+1:]
	}
	if len(e.broken) > 0 && r.IntN(3) > 0 {
		f := e.broken[0]
		e.broken = e.broken[1:]
		if _, err := os.Stat(filepath.Join(e.dir, f)); err == nil {
			id, lang := langOf(f)
			e.write(f, e.notice(id, lang))
			return "fix " + f, []string{f}
		}
	}
	switch op := r.IntN(100); {
	case op < 30:
		f := pick(false)
		id, lang := langOf(f)
		e.write(f, e.notice(id, lang))
		return "edit " + f, []string{f}
	case op < 35:
		f := pick(false)
		data, _ := os.ReadFile(filepath.Join(e.dir, f))
		e.write(f, data)
		return "touch " + f, []string{f}
	case op < 45:
		id := fmt.Sprintf("notice-%d", e.next)
		e.next++
		var paths []string
		for _, lang := range []string{"en", "sv"}[:1+r.IntN(2)] {
			f := "content/" + id + "." + lang + ".md"
			e.write(f, e.notice(id, lang))
			paths = append(paths, f)
		}
		return "add " + id, paths
	case op < 53:
		f := pick(true)
		if f == "" {
			return "nothing", nil
		}
		_ = os.Remove(filepath.Join(e.dir, f))
		return "delete " + f, []string{f}
	case op < 61:
		f := pick(true)
		if f == "" {
			return "nothing", nil
		}
		_, lang := langOf(f)
		to := fmt.Sprintf("content/notice-%d.%s.md", e.next, lang)
		e.next++
		_ = os.Rename(filepath.Join(e.dir, f), filepath.Join(e.dir, to))
		return "rename " + f + " → " + to, []string{f, to}
	case op < 69:
		// An editor's atomic save: write a temporary file, rename it over.
		f := pick(false)
		id, lang := langOf(f)
		tmp := filepath.Join(filepath.Dir(f), "."+filepath.Base(f)+".swp")
		e.write(tmp, e.notice(id, lang))
		_ = os.Rename(filepath.Join(e.dir, tmp), filepath.Join(e.dir, f))
		return "atomic save " + f, []string{tmp, f}
	case op < 72:
		// A new folder of notices, or one moved away.
		sub := fmt.Sprintf("content/team-%d", r.IntN(3))
		if _, err := os.Stat(filepath.Join(e.dir, sub)); err == nil && r.IntN(2) == 0 {
			_ = os.Rename(filepath.Join(e.dir, sub), filepath.Join(e.dir, "content", "_moved-"+fmt.Sprint(e.next)))
			e.next++
			return "move away " + sub, []string{sub}
		}
		id := fmt.Sprintf("notice-%d", e.next)
		e.next++
		f := sub + "/" + id + ".en.md"
		e.write(f, e.notice(id, "en"))
		return "add " + f, []string{sub, f}
	case op < 74:
		// One notice renamed over another, replacing it.
		from, to := pick(true), pick(true)
		if from == "" || to == "" || from == to {
			return "nothing", nil
		}
		_ = os.Rename(filepath.Join(e.dir, from), filepath.Join(e.dir, to))
		return "rename " + from + " over " + to, []string{from, to}
	case op < 76:
		f := pick(false)
		e.write(f, []byte("---\ntitle: [unclosed\n---\nbody\n"))
		e.broken = append(e.broken, f)
		return "break " + f, []string{f}
	case op < 83:
		e.write("assets/css/notis.css", fmt.Appendf(nil, "body{margin:%dpx}\n", r.IntN(5)))
		return "edit assets/css/notis.css", []string{"assets/css/notis.css"}
	case op < 88:
		// A site's i18n/en.toml replaces the built-in one: copy and change it.
		en, _ := fs.ReadFile(notis.Defaults, "i18n/en.toml")
		e.write("i18n/en.toml", bytes.Replace(en, []byte(`footer = "Published with notis."`), fmt.Appendf(nil, `footer = "Footer %d"`, r.IntN(3)), 1))
		return "edit i18n/en.toml", []string{"i18n/en.toml"}
	case op < 92:
		e.write("layouts/partials/footer.html", fmt.Appendf(nil, "{{define \"footer\"}}<footer>%d {{t \"site.footer\"}}</footer>{{end}}", r.IntN(3)))
		return "edit layouts/partials/footer.html", []string{"layouts/partials/footer.html"}
	case op < 95:
		e.write("notis.toml", fmt.Appendf(nil, "site = \"edit\"\nbaseURL = \"https://privacy.example.test/\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy %d\"\n[languages.sv]\ntitle = \"Integritet\"\n", r.IntN(3)))
		return "edit notis.toml", []string{"notis.toml"}
	default:
		if _, err := os.Stat(filepath.Join(e.dir, "widget", "main.ts")); err != nil {
			_ = fs.WalkDir(widgetsrc.Source, ".", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					data, _ := fs.ReadFile(widgetsrc.Source, p)
					e.write("widget/"+p, data)
				}
				return nil
			})
		}
		css, _ := fs.ReadFile(widgetsrc.Source, "consent.css")
		e.write("widget/consent.css", fmt.Appendf(css, "\n.notis-x{order:%d}\n", r.IntN(3)))
		return "edit widget/consent.css", []string{"widget/consent.css"}
	}
}

func isStable(f string) bool {
	for i := range stableIDs {
		if strings.HasPrefix(filepath.Base(f), fmt.Sprintf("notice-%d.", i)) {
			return true
		}
	}
	return strings.HasPrefix(filepath.Base(f), "cookies.")
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == build.ManifestName {
			return nil // the disk's record of what was written, not the site
		}
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(t *testing.T, step string, want, got map[string][]byte) {
	t.Helper()
	var bad []string
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			bad = append(bad, "missing "+p)
		case !bytes.Equal(g, w):
			bad = append(bad, "differs "+p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			bad = append(bad, "extra "+p)
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		t.Fatalf("after %s the incremental build differs from a full build:\n%s", step, strings.Join(bad, "\n"))
	}
}

// The property the preview rests on: whatever the edits, the in-memory
// incremental build is byte for byte what a full build writes, and it
// fails exactly when the full build fails.
func TestIncrementalBuildEqualsFullBuildAfterRandomEdits(t *testing.T) {
	budget := 8 * time.Second
	if testing.Short() {
		budget = 2 * time.Second
	}
	deadline := time.Now().Add(budget)
	steps, compared := 0, 0
	defer func() { t.Logf("%d edits, %d compared with a full build", steps, compared) }()
	for seed := uint64(1); time.Now().Before(deadline); seed++ {
		e := newEditSite(t, 8, seed)
		opts := build.Options{Source: e.dir, DevScript: "/_notis/dev.js", ConsentEndpoint: "http://127.0.0.1:1313/_notis/consent"}
		inc, err := build.NewIncremental(opts)
		if err != nil {
			t.Fatal(err)
		}
		var history []string
		for step := 0; step < 25 && time.Now().Before(deadline); step++ {
			what, paths := e.edit()
			steps++
			history = append(history, what)
			out := filepath.Join(t.TempDir(), "public")
			fo := opts
			fo.Destination = out
			_, fullErr := build.Build(fo)
			before := inc.Output().All()
			ch, incErr := inc.Update(paths)
			desc := fmt.Sprintf("seed %d:\n  %s", seed, strings.Join(history, "\n  "))
			if (fullErr == nil) != (incErr == nil) {
				t.Fatalf("after %s\nfull build error: %v\nincremental error: %v", desc, fullErr, incErr)
			}
			if fullErr != nil {
				continue
			}
			compared++
			after := inc.Output().All()
			sameFiles(t, desc, readTree(t, out), after)
			sameChanges(t, desc, before, after, ch.Changed)
		}
	}
}

// sameChanges fails unless changed, which the preview's reload follows,
// lists exactly the files whose bytes differ between before and after,
// new and removed ones included. notices.json may be listed when its
// parts differ and its bytes do not.
func sameChanges(t *testing.T, desc string, before, after map[string][]byte, changed []string) {
	t.Helper()
	var want []string
	for p, data := range after {
		if old, ok := before[p]; !ok || !bytes.Equal(old, data) {
			want = append(want, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			want = append(want, p)
		}
	}
	slices.Sort(want)
	got := slices.DeleteFunc(slices.Clone(changed), func(p string) bool {
		return p == build.NoticesJSON && !slices.Contains(want, p)
	})
	if !slices.Equal(got, want) {
		t.Fatalf("after %s\nchanged %q\nwant %q", desc, changed, want)
	}
}

// The preview reports the mistakes that span files, as a full build does:
// two files for one notice and language, and a link to no notice.
func TestIncrementalReportsMistakesAcrossFiles(t *testing.T) {
	e := newEditSite(t, 4, 1)
	inc, err := build.NewIncremental(build.Options{Source: e.dir})
	if err != nil {
		t.Fatal(err)
	}
	dup := "content/team-0/notice-1.en.md"
	e.write(dup, e.notice("notice-1", "en"))
	if _, err := inc.Update([]string{"content/team-0", dup}); err == nil || !strings.Contains(err.Error(), `notice "notice-1" in "en" is also defined by`) {
		t.Errorf("a second file for notice-1 in en: got %v", err)
	}
	if err := os.RemoveAll(filepath.Join(e.dir, "content", "team-0")); err != nil {
		t.Fatal(err)
	}
	if _, err := inc.Update([]string{"content/team-0", dup}); err != nil {
		t.Fatalf("after removing the second file: %v", err)
	}
	dangling := func(title, related string) []byte {
		return []byte("---\ntitle: " + title + "\nupdated: 2026-04-01\nsupervisory_authority: ico\n" +
			"controller: {name: Example Ltd, email: privacy@example.test}\npurposes:\n  - {name: Recruiting, basis: contract}\n" +
			"retention:\n  - {records: Applications, period: P6M, then: delete}\nrelated: [" + related + "]\n---\nBody.\n")
	}
	// A new notice (the preview re-indexes the site) and an edit in place
	// (it checks only the edited pages) that link to no notice.
	added := "content/notice-90.en.md"
	e.write(added, dangling("Dangling", "nowhere"))
	if _, err := inc.Update([]string{added}); err == nil || !strings.Contains(err.Error(), `no notice has the id "nowhere"`) {
		t.Errorf("a new notice linking to no notice: got %v", err)
	}
	if err := os.Remove(filepath.Join(e.dir, added)); err != nil {
		t.Fatal(err)
	}
	if _, err := inc.Update([]string{added}); err != nil {
		t.Fatalf("after removing it: %v", err)
	}
	edited := "content/notice-2.en.md"
	e.write(edited, dangling("Edited", "elsewhere"))
	if _, err := inc.Update([]string{edited}); err == nil || !strings.Contains(err.Error(), `no notice has the id "elsewhere"`) {
		t.Errorf("an edit linking to no notice: got %v", err)
	}
}

// A layered notice takes facts from the notice it extends; when that
// notice changes, the preview's page of the layered one shows the new
// facts, as a full build does.
func TestIncrementalRefreshesWhatALayeredNoticeInherits(t *testing.T) {
	e := newEditSite(t, 4, 1)
	notice := func(title, controller, extends string) []byte {
		head := "---\ntitle: " + title + "\nupdated: 2026-04-01\n"
		if extends != "" {
			return []byte(head + "extends: " + extends + "\npurposes:\n  - {name: Advert, basis: contract}\n---\nBody.\n")
		}
		return []byte(head + "supervisory_authority: ico\ncontroller: {name: " + controller + ", email: privacy@example.test}\n" +
			"purposes:\n  - {name: Recruiting, basis: contract}\nretention:\n  - {records: Applications, period: P6M, then: delete}\n---\nBody.\n")
	}
	e.write("content/parent.en.md", notice("Main notice", "Old Name Ltd", ""))
	e.write("content/child.en.md", notice("Advert notice", "", "parent"))
	inc, err := build.NewIncremental(build.Options{Source: e.dir})
	if err != nil {
		t.Fatal(err)
	}
	page := func() string {
		data, ok := inc.Output().File("en/child/index.html")
		if !ok {
			t.Fatal("no page for the layered notice")
		}
		return string(data)
	}
	if !strings.Contains(page(), "Old Name Ltd") {
		t.Fatal("the layered notice's page does not show its parent's controller")
	}
	e.write("content/parent.en.md", notice("Main notice", "New Name AB", ""))
	if _, err := inc.Update([]string{"content/parent.en.md"}); err != nil {
		t.Fatal(err)
	}
	if got := page(); !strings.Contains(got, "New Name AB") || strings.Contains(got, "Old Name Ltd") {
		t.Error("after the parent's controller changed, the layered notice's page still shows the old one")
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(build.Options{Source: e.dir, Destination: out}); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "after editing the parent", readTree(t, out), inc.Output().All())
}

var titleLine, updatedDate = regexp.MustCompile(`(?m)^title: .*$`), regexp.MustCompile(`(?m)^updated: .*$`)

// cookiePurpose is the purpose of the cookie newEditSite's cookies notice lists.
var cookiePurpose = regexp.MustCompile(`purpose: Counts visits[^,}]*`)

// A save that keeps every file's identity (its notice id, language and
// related notices) is the preview's quick path (build's delta): only the
// saved notice is checked and filed again, and a page is re-rendered only
// when it shows what changed. The title, date, cookies and body change;
// the pages linking to the notice, the index, the sitemap and the banner
// follow, as a full build has them.
func TestIncrementalFollowsEditsThatKeepEachFilesIdentity(t *testing.T) {
	e := newEditSite(t, 8, 11)
	opts := build.Options{Source: e.dir, DevScript: "/_notis/dev.js"}
	inc, err := build.NewIncremental(opts)
	if err != nil {
		t.Fatal(err)
	}
	for step := range 30 {
		files := e.files()
		f := files[e.rng.IntN(len(files))]
		if step%4 == 3 {
			f = "content/cookies.en.md" // lists cookies (newEditSite)
		}
		data, err := os.ReadFile(filepath.Join(e.dir, f))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		switch step % 4 {
		case 0:
			text = titleLine.ReplaceAllString(text, fmt.Sprintf("title: Reworded %d", step))
		case 1:
			text = updatedDate.ReplaceAllString(text, fmt.Sprintf("updated: 2026-05-%02d", 1+step%28))
		case 3:
			// The banner is made from every notice's cookies: a save
			// that keeps the file's identity but not its cookies
			// changes it.
			was := text
			text = cookiePurpose.ReplaceAllString(text, fmt.Sprintf("purpose: Counts visits (step %d).", step))
			if text == was {
				t.Fatalf("step %d: %s lists no cookie to change", step, f)
			}
		}
		e.write(f, []byte(text+fmt.Sprintf("\nAnother sentence, %d.\n", step)))
		fo := opts
		fo.Destination = filepath.Join(t.TempDir(), "public")
		if _, err := build.Build(fo); err != nil {
			t.Fatal(err)
		}
		ch, err := inc.Update([]string{f})
		if err != nil {
			t.Fatal(err)
		}
		if ch.Rendered == 0 {
			t.Errorf("step %d: the edit of %s rendered nothing", step, f)
		}
		sameFiles(t, fmt.Sprintf("step %d: %s", step, f), readTree(t, fo.Destination), inc.Output().All())
	}
}
