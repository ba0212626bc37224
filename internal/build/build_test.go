package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// buildInto builds the site in src into a fresh folder and returns it.
func buildInto(t *testing.T, src string) string {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := Build(Options{Source: src, Destination: dest}); err != nil {
		t.Fatalf("build %s: %v", src, err)
	}
	return dest
}

// tree reads every file under dir: relative path → bytes.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func digest(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n + "\x00"))
		h.Write(files[n])
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkGolden compares a build's output with testdata/golden/NAME, file by
// file, in a readable form (see pretty): the golden copies are stored that
// way, so a change shows as a few changed lines in review, and a failure
// prints the lines that differ. -update rewrites the golden copy.
func checkGolden(t *testing.T, name string, got map[string][]byte) {
	t.Helper()
	dir := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for rel, b := range got {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, pretty(rel, b), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := tree(t, dir)
	for rel, b := range want {
		g, ok := got[rel]
		if !ok {
			t.Errorf("%s: in the golden copy but not built", rel)
			continue
		}
		if g = pretty(rel, g); !bytes.Equal(g, b) {
			t.Errorf("%s differs from testdata/golden/%s/%s (run go test ./internal/build -run TestBuildMatchesGoldenFiles -update if the change is intended):\n%s", rel, name, rel, lineDiff(b, g))
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("%s: built but not in the golden copy", rel)
		}
	}
}

// pretty lays minified output out one tag (HTML), one rule (CSS) or one
// value (JSON) per line, indented, without changing a character of text:
// the golden copies are compared and stored in this form.
func pretty(rel string, b []byte) []byte {
	switch path.Ext(rel) {
	case ".html", ".xml":
		return prettyMarkup(b)
	case ".json":
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") == nil {
			out.WriteByte('\n')
			return out.Bytes()
		}
	case ".css":
		return append(bytes.ReplaceAll(b, []byte("}"), []byte("}\n")), '\n')
	}
	return b
}

// voidElements have no end tag, so they do not indent what follows.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

func prettyMarkup(b []byte) []byte {
	var out bytes.Buffer
	z := html.NewTokenizer(bytes.NewReader(b))
	depth := 0
	inLD := false // in a <script type="application/ld+json">: its JSON is laid out like a .json file's
	line := func() {
		if out.Len() > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(strings.Repeat("  ", depth))
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			line()
			out.Write(raw)
			if !voidElements[string(name)] {
				depth++
			}
			inLD = string(name) == "script" && bytes.Contains(raw, []byte(`type="application/ld+json"`))
		case html.EndTagToken:
			depth = max(depth-1, 0)
			line()
			out.Write(raw)
		case html.TextToken:
			var ld bytes.Buffer
			if inLD && json.Indent(&ld, raw, strings.Repeat("  ", depth), "  ") == nil {
				line()
				raw = ld.Bytes()
			}
			out.Write(raw)
		default:
			line()
			out.Write(raw)
		}
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// lineDiff shows where two texts part: the first differing lines with a
// little context, and how many lines differ in all.
func lineDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	first, differ := -1, 0
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			differ++
			if first < 0 {
				first = i
			}
		}
	}
	if first < 0 {
		return "(no line differs)"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d of %d lines differ; the first at line %d:\n", differ, max(len(w), len(g)), first+1)
	for i := max(first-2, 0); i < min(first+6, max(len(w), len(g))); i++ {
		a, b := "", ""
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a == b {
			fmt.Fprintf(&sb, "  %5d   %s\n", i+1, a)
			continue
		}
		if i < len(w) {
			fmt.Fprintf(&sb, "- %5d   %s\n", i+1, a)
		}
		if i < len(g) {
			fmt.Fprintf(&sb, "+ %5d   %s\n", i+1, b)
		}
	}
	return sb.String()
}

// bannerHash matches the banner script's content hash in page links, of
// the site's banner or an organisation's (consent/org/ORG/).
var bannerHash = regexp.MustCompile(`consent/((?:org/[^/"]+/)?)consent\.[0-9a-f]+\.js`)

// pagesOnly drops the banner bundle (internal/widget tests it) and the
// manifest, which lists the bundle, and masks the bundle's hash in the
// pages, so a banner change does not churn the goldens.
func pagesOnly(files map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for rel, b := range files {
		if strings.HasPrefix(rel, "consent/") || rel == ManifestName {
			continue
		}
		out[rel] = bannerHash.ReplaceAll(b, []byte("consent/${1}consent.HASH.js"))
	}
	return out
}

func TestBuildMatchesGoldenFiles(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"testsite", filepath.Join("testdata", "site")},
		{"example", filepath.Join("..", "..")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, tc.name, pagesOnly(tree(t, buildInto(t, tc.src))))
		})
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	src := filepath.Join("testdata", "site")
	a, b := digest(tree(t, buildInto(t, src))), digest(tree(t, buildInto(t, src)))
	if a != b {
		t.Fatalf("two builds of the same input differ: %s vs %s", a, b)
	}
}

func TestFailedBuildLeavesPreviousOutputUntouched(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := Build(Options{Source: src, Destination: dest}); err != nil {
		t.Fatal(err)
	}
	before := digest(tree(t, dest))

	bad := filepath.Join(src, "content", "applicants.en.md")
	data, _ := os.ReadFile(bad)
	if err := os.WriteFile(bad, bytes.Replace(data, []byte("basis: contract"), []byte("basis: contrakt"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(Options{Source: src, Destination: dest})
	if err == nil || !strings.Contains(err.Error(), `did you mean "contract"?`) {
		t.Fatalf("want a build error suggesting contract, got %v", err)
	}
	if after := digest(tree(t, dest)); after != before {
		t.Fatal("a failed build changed the previous output")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".public.notis-new-*"))
	if len(leftovers) > 0 {
		t.Fatalf("a failed build left its staging folder behind: %v", leftovers)
	}
}

const hostile = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`

// Every text field of a notice is attacker-controlled as far as the page is
// concerned; none may come out as markup.
func TestHostileFrontMatterComesOutInert(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	q := strings.ReplaceAll(hostile, `"`, `\"`)
	notice := `---
title: "T ` + q + `"
summary: "` + q + `"
updated: 2026-04-01
controller: {name: "` + q + `", address: "` + q + `", phone: "` + q + `", reg_no: "` + q + `", url: "javascript:alert(3)"}
supervisory_authority: {name: "` + q + `", address: "` + q + `", url: "https://ico.example/"}
data: [{id: d, name: "` + q + `", examples: ["` + q + `"]}]
purposes: [{name: "` + q + `", basis: legitimate_interests, interest: "` + q + `", data: [d]}]
recipients: [{name: "` + q + `", category: "` + q + `", country: "` + q + `", purpose: "` + q + `"}]
transfers: [{to: "` + q + `", recipient: "` + q + `", safeguard: scc, copy: "` + q + `"}]
retention: [{records: "` + q + `", criteria: "` + q + `", from: "` + q + `", law: "` + q + `"}]
automated_decisions: [{what: "` + q + `", logic: "` + q + `", effect: "` + q + `"}]
cookies: [{name: "` + q + `", provider: "` + q + `", category: analytics, purpose: "` + q + `", duration: session}]
changes: [{date: 2026-04-01, summary: "` + q + `"}]
---
` + hostile + `

[click](javascript:alert(4))
`
	if err := os.WriteFile(filepath.Join(src, "content", "evil.en.md"), []byte(notice), 0o644); err != nil {
		t.Fatal(err)
	}
	// The URL field rejects javascript: outright.
	_, err := Build(Options{Source: src, Destination: filepath.Join(t.TempDir(), "out")})
	if err == nil || !strings.Contains(err.Error(), "controller.url") {
		t.Fatalf("want controller.url rejected, got %v", err)
	}
	fixed := strings.Replace(notice, `url: "javascript:alert(3)"`, `url: "https://example.test/"`, 1)
	if err := os.WriteFile(filepath.Join(src, "content", "evil.en.md"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	out := buildInto(t, src)
	page, err := os.ReadFile(filepath.Join(out, "en", "evil", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	z := html.NewTokenizer(bytes.NewReader(page))
	ldScripts := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		if tok.Type != html.StartTagToken && tok.Type != html.SelfClosingTagToken {
			continue
		}
		if tok.Data == "img" {
			t.Errorf("an <img> element came through: %s", tok)
		}
		// The one inline script a notice page has is its JSON-LD, data
		// the browser does not run (docs/linked-data.md).
		linkedData := slices.Contains(tok.Attr, html.Attribute{Key: "type", Val: "application/ld+json"})
		if tok.Data == "script" && linkedData {
			ldScripts++
		}
		if tok.Data == "script" && !linkedData && !slices.ContainsFunc(tok.Attr, func(a html.Attribute) bool { return a.Key == "src" }) {
			t.Errorf("an inline <script> came through: %s", tok)
		}
		for _, a := range tok.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("an event handler attribute came through: %s", tok)
			}
			if (a.Key == "href" || a.Key == "src") && strings.Contains(strings.ToLower(a.Val), "javascript:") {
				t.Errorf("a javascript: URL came through: %s", tok)
			}
		}
	}
	if ldScripts != 1 {
		t.Errorf("%d JSON-LD scripts, want 1: a hostile value split it", ldScripts)
	}
	if !bytes.Contains(page, []byte("&lt;script")) {
		t.Error("the hostile title is not shown escaped")
	}
}

func TestNoticePagesShowTheRightsTheirBasesGive(t *testing.T) {
	out := buildInto(t, filepath.Join("testdata", "site"))
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	en := read("en/applicants/index.html")
	for _, want := range []string{
		`id="objection"`, "Your right to object", // legitimate interests → objection, separately
		"Right to data portability", // contract and consent
		"withdraw it at any time",   // consent
		`How to withdraw: Email <a class="bare" href="mailto:privacy@example.test">privacy@example.test</a>`, // addresses in free text become links
		"Wycliffe House", "0303 123 1113", // the ICO's details, built in
		"6 months", "1 year and 6 months", // durations in words
		`hreflang="sv"`, // the Swedish translation exists
	} {
		if !strings.Contains(en, want) {
			t.Errorf("en page lacks %q", want)
		}
	}
	sv := read("sv/applicants/index.html")
	for _, want := range []string{"Rätt till dataportabilitet", "6 månader", "Vi överför inte dina personuppgifter utanför Storbritannien.", "1 april 2026"} {
		if !strings.Contains(sv, want) {
			t.Errorf("sv page lacks %q", want)
		}
	}
	for _, unwanted := range []string{"invändningar", "återkalla"} { // contract only: no objection, no withdrawal
		if strings.Contains(sv, unwanted) {
			t.Errorf("sv page (contract only) mentions %q", unwanted)
		}
	}
}

// TestAMissingTranslationIsAskedForBesideTheNotice: the warning names the
// file to add in the folder the notice is in, an organisation's included,
// not in content/ where the build would take it for another notice.
func TestAMissingTranslationIsAskedForBesideTheNotice(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(src, "content", "applicants.en.md"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(src, "content", "acme"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "content", "acme", "partners.en.md"), text, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Build(Options{Source: src, Destination: filepath.Join(t.TempDir(), "out")})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`notice "partners" has no sv translation (add content/acme/partners.sv.md)`,
		`notice "cookies" has no sv translation (add content/cookies.sv.md)`,
	} {
		if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.HasPrefix(w, want) }) {
			t.Errorf("no warning %q among %q", want, res.Warnings)
		}
	}
}

// TestAnIndexWithoutNoticesSaysSo: a language no notice is written in yet
// gets an index that says so, not an empty list under the intro.
func TestAnIndexWithoutNoticesSaysSo(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"applicants.en.md", "cookies.en.md"} {
		if err := os.Remove(filepath.Join(src, "content", f)); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "out")
	if _, err := Build(Options{Source: src, Destination: dest}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dest, "en", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "There are no notices in this language yet.") || strings.Contains(string(page), `class="notice-list"`) {
		t.Errorf("the English index of a site with no English notice:\n%s", page)
	}
}

// TestALanguageWithoutBannerStringsIsToldWhichFileToAdd: a site language
// notis ships no strings for has no consent category at all until its
// banner strings are added; the error says that, not "want one of ()".
func TestALanguageWithoutBannerStringsIsToldWhichFileToAdd(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	toml := "site = \"de\"\nbaseURL = \"https://p.example/\"\ndefaultLanguage = \"de\"\n[languages.de]\ntitle = \"Datenschutz\"\n"
	if err := os.WriteFile(filepath.Join(src, "notis.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	en, err := os.ReadFile(filepath.Join("..", "..", "i18n", "en.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(src, "i18n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "i18n", "de.toml"), en, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"applicants.en.md", "applicants.sv.md"} {
		if err := os.Remove(filepath.Join(src, "content", f)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(filepath.Join(src, "content", "cookies.en.md"), filepath.Join(src, "content", "cookies.de.md")); err != nil {
		t.Fatal(err)
	}
	_, err = Build(Options{Source: src, Destination: filepath.Join(t.TempDir(), "out")})
	want := `but language "de" has no consent categories: its banner strings are missing; add i18n/banner.de.toml beside notis.toml: a copy of banner.en.toml translated`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want …%s…", err, want)
	}
}

// TestABannerWhoseCookieNoNoticeDeclaresIsWarnedOf: the banner sets
// notis_consent itself; a site whose notices leave it out is told the
// line that declares it, with the host its pages run on.
func TestABannerWhoseCookieNoNoticeDeclaresIsWarnedOf(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "out")
	res, err := Build(Options{Source: src, Destination: dest})
	if err != nil {
		t.Fatal(err)
	}
	const warning = "consent banner: it sets the cookie notis_consent to keep the visitor's choice, and no notice declares it"
	if slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.HasPrefix(w, warning) }) {
		t.Errorf("warned of notis_consent, which cookies.en.md declares: %q", res.Warnings)
	}
	file := filepath.Join(src, "content", "cookies.en.md")
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(text), "\n")
	lines = slices.DeleteFunc(lines, func(l string) bool { return strings.Contains(l, `"notis_consent"`) })
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, err = Build(Options{Source: src, Destination: dest}); err != nil {
		t.Fatal(err)
	}
	want := warning + "; add to the cookie notice: - {name: notis_consent, provider: privacy.example.test, category: necessary, purpose: Remembers your cookie choice so that you are not asked again on every visit., duration: P6M, third_party: false}"
	if !slices.Contains(res.Warnings, want) {
		t.Errorf("warnings %q\nwant %q", res.Warnings, want)
	}
	// A notis.toml that names no host: the line leaves the provider out
	// rather than put a placeholder a notice would then publish.
	cfg := filepath.Join(src, "notis.toml")
	toml, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hostless := regexp.MustCompile(`(?m)^(baseURL|origins) = .*$`).ReplaceAllString(string(toml), "")
	if err := os.WriteFile(cfg, []byte(hostless), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, err = Build(Options{Source: src, Destination: dest}); err != nil {
		t.Fatal(err)
	}
	want = warning + "; add to the cookie notice: - {name: notis_consent, category: necessary, purpose: Remembers your cookie choice so that you are not asked again on every visit., duration: P6M, third_party: false}"
	if !slices.Contains(res.Warnings, want) {
		t.Errorf("without a host: warnings %q\nwant %q", res.Warnings, want)
	}
}

// TestABuildReportsItsProgress: Options.Progress hears counts that only
// grow, never past the site's notices, and last the whole count.
func TestABuildReportsItsProgress(t *testing.T) {
	var calls [][2]int
	_, err := Build(Options{Source: filepath.Join("testdata", "site"), Destination: filepath.Join(t.TempDir(), "out"),
		Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 || calls[len(calls)-1] != [2]int{2, 2} {
		t.Fatalf("progress calls %v, want the last to be 2 of 2 notices", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] < calls[i-1][0] || calls[i][0] > calls[i][1] {
			t.Errorf("progress calls %v do not count up within the total", calls)
		}
	}
}
