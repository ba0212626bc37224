package main

import (
	"bytes"
	"crypto/sha256"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// hashedConsentFile matches the banner's content-addressed outputs: the
// version records and every file whose name carries a content hash. The
// stable aliases beside them (consent.js, prefs.en.js, lang/sv.json) are
// the current build's and change with it.
var hashedConsentFile = regexp.MustCompile(`^consent/(versions/.+\.json|.*\.[0-9a-f]{8,}\.(js|css|json))$`)

// newTestSite makes a site with `notis new site`, as a new user would.
// Its notices still hold the scaffold's placeholders, which the lint
// rightly fails (meta.placeholder); the tests that build it are about
// where a build writes, so they build with --lint warn.
func newTestSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "privacy")
	if code, _, errs := runCLI("new", "site", dir); code != 0 {
		t.Fatalf("new site: exit %d: %s", code, errs)
	}
	return dir
}

// snapshot is every file and folder under dir with a hash of its bytes:
// what "nothing changed" compares.
func snapshot(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = [32]byte{}
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = sha256.Sum256(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(a, b map[string][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A build refuses, with exit 2 and nothing changed, every destination it
// may not replace: the site's own folders, the site and what holds it,
// and folders holding files notis did not write. Each is tried twice: the
// first build of the old code moved the folder aside, the second emptied
// it.
func TestBuildRefusesDestinationsItMayNotReplace(t *testing.T) {
	site := newTestSite(t)
	writeFile(t, filepath.Join(site, "docs", "handbook.md"), "# Our handbook\n")
	outside := filepath.Join(t.TempDir(), "www")
	writeFile(t, filepath.Join(outside, "keep.txt"), "mine\n")
	cases := []struct {
		dest string
		want []string // in the message: the folder, what is wrong, what to do
	}{
		{"content", []string{"refusing to build into content", "content/ folder", "--destination public"}},
		{"layouts", []string{"layouts/ folder"}},
		{"static", []string{"static/ folder"}},
		{"content/out", []string{"inside the site's content/ folder"}},
		{"docs", []string{"refusing to build into docs", "docs/handbook.md", "no .notis-manifest", "static/"}},
		{outside, []string{outside + "/keep.txt", "not build it"}},
		{".", []string{"it is the site folder"}},
		{site, []string{"it is the site folder"}},
		{filepath.Dir(site), []string{"holds the site folder"}},
		{"..", []string{"holds the site folder"}},
	}
	for _, tc := range cases {
		siteBefore, outsideBefore := snapshot(t, site), snapshot(t, outside)
		for try := range 2 {
			code, out, errs := runCLI("build", "--source", site, "--destination", tc.dest, "--lint", "warn")
			if code != 2 {
				t.Fatalf("--destination %s (try %d): exit %d, want 2\n%s%s", tc.dest, try+1, code, out, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("--destination %s: message lacks %q:\n%s", tc.dest, w, errs)
				}
			}
		}
		if !sameSnapshot(siteBefore, snapshot(t, site)) || !sameSnapshot(outsideBefore, snapshot(t, outside)) {
			t.Fatalf("--destination %s changed files although the build was refused", tc.dest)
		}
	}
	// The same folders are fine once they are notis's own: an absolute
	// path that does not exist yet, built twice.
	fresh := filepath.Join(t.TempDir(), "out", "site")
	for range 2 {
		if code, out, errs := runCLI("build", "--source", site, "--destination", fresh, "--lint", "warn"); code != 0 {
			t.Fatalf("--destination %s: exit %d\n%s%s", fresh, code, out, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(fresh, "en", "privacy", "index.html")); err != nil {
		t.Fatal(err)
	}
}

// A file added to the output by hand is never removed: the next build
// refuses and says to use static/; from static/ it is published, and kept
// by every later build; removed from static/, it goes.
func TestStaticFilesArePublishedAndKept(t *testing.T) {
	site := newTestSite(t)
	public := filepath.Join(site, "public")
	rebuild := func() (int, string) {
		t.Helper()
		code, out, errs := runCLI("build", "--source", site, "--quiet", "--lint", "warn")
		return code, out + errs
	}
	if code, msg := rebuild(); code != 0 {
		t.Fatalf("first build: exit %d\n%s", code, msg)
	}
	writeFile(t, filepath.Join(public, "CNAME"), "privacy.example.org\n")
	code, msg := rebuild()
	if code != 2 || !strings.Contains(msg, "public/CNAME") || !strings.Contains(msg, "static/") {
		t.Fatalf("a build over a hand-added CNAME: exit %d, want 2 naming public/CNAME and static/\n%s", code, msg)
	}
	if b, err := os.ReadFile(filepath.Join(public, "CNAME")); err != nil || string(b) != "privacy.example.org\n" {
		t.Fatalf("CNAME after the refused build: %q, %v", b, err)
	}
	if err := os.MkdirAll(filepath.Join(site, "static"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(public, "CNAME"), filepath.Join(site, "static", "CNAME")); err != nil {
		t.Fatal(err)
	}
	static := map[string]string{
		"CNAME":                     "privacy.example.org\n",
		".nojekyll":                 "",
		"_headers":                  "/consent/*\n  Cache-Control: public, max-age=31536000, immutable\n",
		"robots.txt":                "User-agent: *\nAllow: /\n",
		"favicon.ico":               "\x00\x00\x01\x00",
		".well-known/security.txt":  "Contact: mailto:security@example.org\n",
		"img/logo.svg":              "<svg xmlns=\"http://www.w3.org/2000/svg\">  <!-- kept as is -->  </svg>",
		"en/privacy/attachment.pdf": "%PDF-1.4\n",
	}
	for rel, data := range static {
		writeFile(t, filepath.Join(site, "static", filepath.FromSlash(rel)), data)
	}
	for i := range 3 { // published, kept by a rebuild, and by one that reuses the spare
		if code, msg := rebuild(); code != 0 {
			t.Fatalf("build %d with static/: exit %d\n%s", i+1, code, msg)
		}
		for rel, data := range static {
			if b, err := os.ReadFile(filepath.Join(public, filepath.FromSlash(rel))); err != nil || string(b) != data {
				t.Fatalf("build %d: public/%s = %q, %v; want static/%s as it is", i+1, rel, b, err, rel)
			}
		}
	}
	if err := os.Remove(filepath.Join(site, "static", "robots.txt")); err != nil {
		t.Fatal(err)
	}
	if code, msg := rebuild(); code != 0 {
		t.Fatalf("build after removing static/robots.txt: exit %d\n%s", code, msg)
	}
	if _, err := os.Stat(filepath.Join(public, "robots.txt")); err == nil {
		t.Error("public/robots.txt outlived static/robots.txt")
	}
	// A static file that would replace a page notis makes is an error
	// naming it, and the output stays as it was.
	before := snapshot(t, public)
	writeFile(t, filepath.Join(site, "static", "index.html"), "<p>mine</p>")
	if code, msg := rebuild(); code != 1 || !strings.Contains(msg, "static/index.html: the build makes index.html itself") {
		t.Fatalf("static/index.html: exit %d, want 1 naming it\n%s", code, msg)
	}
	if !sameSnapshot(before, snapshot(t, public)) {
		t.Fatal("a failed build changed the output")
	}
}

// The folders a build keeps beside its output never end up in a commit:
// `notis new site` ignores them, and the consent server's store and key.
func TestNewSiteIgnoresWhatBuildsAndTheConsentServerLeave(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is missing")
		}
		t.Skip("git is missing")
	}
	site := newTestSite(t)
	gitc := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(git, append([]string{"-C", site}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	gitc("init", "-q")
	for range 2 { // the second build leaves the spare beside public/
		if code, out, errs := runCLI("build", "--source", site, "--quiet", "--lint", "warn"); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(site, ".public.notis-prev")); err != nil {
		t.Fatalf("no spare output after two builds: %v", err)
	}
	writeFile(t, filepath.Join(site, "consent.db"), "x")
	writeFile(t, filepath.Join(site, "consent.db-wal"), "x")
	writeFile(t, filepath.Join(site, "notis-hash.key"), "x")
	writeFile(t, filepath.Join(site, "out", ".site.notis-new-123", "x"), "x")
	var shown []string
	for line := range strings.Lines(gitc("status", "--porcelain", "--untracked-files=all")) {
		shown = append(shown, strings.TrimSpace(strings.TrimPrefix(line, "??")))
	}
	slices.Sort(shown)
	want := []string{".github/workflows/notices.yml", ".gitignore", "content/privacy.en.md", "content/privacy.sv.md", "notis.toml"}
	if !slices.Equal(shown, want) {
		t.Fatalf("git would commit %v, want only the sources %v", shown, want)
	}
}

// A rebuild after a cookie change keeps what pages, pasted script tags
// and consent records of the earlier build still use: the version record,
// the hashed bundle and stylesheet, the dialog and language modules. The
// stable consent.js is the new bundle.
func TestRebuildKeepsEarlierConsentFiles(t *testing.T) {
	site := t.TempDir()
	if err := os.CopyFS(site, os.DirFS("../../internal/build/testdata/site")); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	rebuild := func() {
		t.Helper()
		if code, out, errs := runCLI("build", "--source", site, "--destination", dest, "--lint", "off", "--quiet"); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
	}
	consentFiles := func() map[string][]byte {
		out := map[string][]byte{}
		_ = filepath.WalkDir(filepath.Join(dest, "consent"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dest, p)
				out[filepath.ToSlash(rel)], _ = os.ReadFile(p)
			}
			return nil
		})
		return out
	}
	rebuild()
	first := consentFiles()
	var versions, prefs int
	for rel := range first {
		if strings.HasPrefix(rel, "consent/versions/") {
			versions++
		}
		if strings.HasPrefix(rel, "consent/prefs.") {
			prefs++
		}
	}
	if versions != 1 || prefs == 0 {
		t.Fatalf("first build: %d version records, %d dialog modules in %v", versions, prefs, first)
	}
	cookies := filepath.Join(site, "content", "cookies.en.md")
	src, err := os.ReadFile(cookies)
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(src, []byte(`"third_party": true}`), []byte(`"third_party": true},
    {"name": "_gid", "provider": "Google Analytics", "category": "analytics", "purpose": "Tells visits apart.", "duration": "P1D", "third_party": true}`), 1)
	if bytes.Equal(changed, src) {
		t.Fatal("the test site's cookies changed shape; update the test")
	}
	if err := os.WriteFile(cookies, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	for range 3 { // the new build, then two more: the spare is reused too
		rebuild()
	}
	now := consentFiles()
	for rel, data := range first {
		if !hashedConsentFile.MatchString(rel) {
			continue // stable names (consent.js, embed.html, prefs.en.js, …): the current build's
		}
		if !bytes.Equal(now[rel], data) {
			t.Errorf("%s of the first build is gone or changed after the cookie change", rel)
		}
	}
	versions = 0
	for rel := range now {
		if strings.HasPrefix(rel, "consent/versions/") {
			versions++
		}
	}
	if versions != 2 {
		t.Errorf("%d version records after the cookie change, want the old and the new", versions)
	}
	if bytes.Equal(now["consent/consent.js"], first["consent/consent.js"]) {
		t.Error("consent.js still holds the old bundle")
	}
	var current []byte
	for rel, data := range now {
		if strings.HasPrefix(rel, "consent/consent.") && strings.HasSuffix(rel, ".js") && rel != "consent/consent.js" && first[rel] == nil {
			current = data
		}
	}
	if current == nil || !bytes.Equal(now["consent/consent.js"], current) {
		t.Error("consent.js is not the new hashed bundle")
	}
}

// A layout's mistake is reported as every other problem is: at its file,
// line and column, under its rule, with the line and a caret.
func TestBuildPlacesALayoutsMistakeAtItsLine(t *testing.T) {
	dir := newTestSite(t)
	writeFile(t, filepath.Join(dir, "layouts", "index.html"), "{{define \"main\"}}\n<h1>{{.Nope}}</h1>\n{{end}}\n")
	code, _, errs := runCLI("build", "--source", dir, "--destination", filepath.Join(t.TempDir(), "out"), "--lint", "off")
	if code != 1 || !strings.Contains(errs, "layouts/index.html:2:6: error build.layout: the index page (") ||
		!strings.Contains(errs, "2 | <h1>{{.Nope}}</h1>") {
		t.Errorf("exit %d, stderr:\n%s\nwant 1 and the mistake at layouts/index.html:2:6 with its line", code, errs)
	}
}
