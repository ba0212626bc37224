package build

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/site"
	"github.com/notis-dev/notis/internal/widget"
)

// Every organisation's pages carry its own banner link, or no banner when
// its seed states nothing about cookies (issue 15): none links to another
// organisation's cookie notice.
func TestEachOrganisationsBannerLinksToItsOwnNotice(t *testing.T) {
	src := filepath.Join("..", "..")
	s, err := Load(src, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"necessio": "cookies", "essex": "essex", "kent": "", "nottingham": "", "923jobs": ""}
	dest := buildInto(t, src)
	script := regexp.MustCompile(`<script src="[^"]*consent\.[0-9a-f]+\.js"[^>]*>`)
	seen := map[string]bool{}
	for _, p := range s.Pages {
		n := p.Notice
		org := site.Folder(n.File)
		id, ok := want[org]
		if !ok {
			t.Errorf("%s: organisation %q has no expectation here", n.File, org)
			continue
		}
		seen[org] = true
		page, err := os.ReadFile(filepath.Join(dest, n.Lang, n.ID, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		tag := script.Find(page)
		switch {
		case id == "" && (tag != nil || strings.Contains(string(page), "data-notis-open")):
			t.Errorf("%s: a banner or cookie settings button on an organisation whose notices state no cookies: %s", n.File, tag)
		case id != "" && !strings.Contains(string(tag), `data-notice="https://privacy.example.org/`+n.Lang+`/`+id+`/"`):
			t.Errorf("%s: banner tag %s, want it to link to %s in %s", n.File, tag, id, n.Lang)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("pages of %v only", seen)
	}
}

// A banner link in notis.toml that leads nowhere fails the build with the
// file and line that says it.
func TestABannerNoticeThatDoesNotExistIsRefusedWithItsLine(t *testing.T) {
	for _, tc := range []struct{ name, toml, want string }{
		{"site-wide", "[consent]\nnotice = \"cookie-policy\"\n", `notis.toml:LINE:1: consent.notice: notice = "cookie-policy": no notice has this id`},
		{"an organisation's", "[consent.notices]\norg = \"org-cookies\"\n", `notis.toml:LINE:1: consent.notices.org: org = "org-cookies": no notice has this id`},
		{"a folder without notices", "[consent.notices]\nacme = \"cookies\"\n", `notis.toml:LINE:1: consent.notices.acme: acme = "cookies": content/acme/ holds no notice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			from := filepath.Join("testdata", "site")
			toml, _ := os.ReadFile(filepath.Join(from, "notis.toml"))
			os.WriteFile(filepath.Join(dir, "notis.toml"), append(toml, tc.toml...), 0o644)
			os.MkdirAll(filepath.Join(dir, "content", "org"), 0o755)
			for _, f := range []string{"applicants.en.md", "applicants.sv.md", "cookies.en.md"} {
				b, _ := os.ReadFile(filepath.Join(from, "content", f))
				os.WriteFile(filepath.Join(dir, "content", "org", f), b, 0o644)
			}
			// The key's line: the second of the lines added to the fixture's.
			want := strings.Replace(tc.want, "LINE", strconv.Itoa(bytes.Count(toml, []byte("\n"))+2), 1)
			_, err := Build(Options{Source: dir, Destination: filepath.Join(t.TempDir(), "public")})
			// Named from the site folder, as its content files are.
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("build error %v, want %q", err, want)
			}
		})
	}
}

// An organisation's pages load a banner of its own, made from its own
// notices' cookies: the dialog on Essex's pages does not list Necessio's
// Google Analytics, nor Necessio's Essex's cookies. The site's banner,
// for other pages and pasted script tags, lists every notice's.
func TestAnOrganisationsBannerListsOnlyItsOwnCookies(t *testing.T) {
	dest := buildInto(t, filepath.Join("..", ".."))
	script := regexp.MustCompile(`<script src="([^"]*consent\.[0-9a-f]+\.js)"`)
	for _, tc := range []struct {
		org, page string
		own       []string // providers its dialog lists
		others    []string // providers it must not
	}{
		{"essex", "en/essex/index.html", []string{"www.essexprimarycarecareers.nhs.uk"}, []string{"necessio.se", "Google Analytics", "LinkedIn"}},
		{"necessio", "en/cookies/index.html", []string{"necessio.se", "Google Analytics"}, []string{"essexprimarycarecareers"}},
	} {
		page, err := os.ReadFile(filepath.Join(dest, tc.page))
		if err != nil {
			t.Fatal(err)
		}
		m := script.FindSubmatch(page)
		if m == nil || !strings.Contains(string(m[1]), "/consent/org/"+tc.org+"/consent.") {
			t.Errorf("%s: banner script %q, want the one in consent/org/%s/", tc.page, m, tc.org)
			continue
		}
		prefs, err := os.ReadFile(filepath.Join(dest, "consent", "org", tc.org, "prefs.en.js"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range tc.own {
			if !bytes.Contains(prefs, []byte(p)) {
				t.Errorf("%s's dialog does not list %s", tc.org, p)
			}
		}
		for _, p := range tc.others {
			if bytes.Contains(prefs, []byte(p)) {
				t.Errorf("%s's dialog lists %s, which only another organisation declares", tc.org, p)
			}
		}
	}
	site, err := os.ReadFile(filepath.Join(dest, "consent", "prefs.en.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"necessio.se", "www.essexprimarycarecareers.nhs.uk"} {
		if !bytes.Contains(site, []byte(p)) {
			t.Errorf("the site's banner does not list %s", p)
		}
	}
	// Each banner's version is recorded where the consent server reads
	// it, with the notice the banner linked.
	versions, _ := filepath.Glob(filepath.Join(dest, "consent", "versions", "*.json"))
	if len(versions) != 3 {
		t.Errorf("version records %q, want the site's, Essex's and Necessio's", versions)
	}
	linked := map[string]int{}
	for _, v := range versions {
		b, err := os.ReadFile(v)
		if err != nil {
			t.Fatal(err)
		}
		var rec widget.VersionRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatal(err)
		}
		linked[rec.NoticeURL["en"]]++
	}
	if want := map[string]int{"https://privacy.example.org/en/essex/": 1, "https://privacy.example.org/en/cookies/": 2}; !maps.Equal(linked, want) {
		t.Errorf("the records link %v, want %v (Essex's banner links Essex's notice)", linked, want)
	}
	if own, _ := filepath.Glob(filepath.Join(dest, "consent", "org", "*", "versions")); len(own) != 0 {
		t.Errorf("version records outside consent/versions: %q", own)
	}
}

// An organisation that asks for a banner of its own must declare a cookie
// for it to ask about: its banner lists only its own.
func TestAnOrganisationsBannerWithNoCookiesIsRefusedWithItsLine(t *testing.T) {
	dir := t.TempDir()
	from := filepath.Join("testdata", "site")
	toml, _ := os.ReadFile(filepath.Join(from, "notis.toml"))
	os.WriteFile(filepath.Join(dir, "notis.toml"), append(toml, "[consent.notices]\norg = \"applicants\"\n"...), 0o644)
	os.MkdirAll(filepath.Join(dir, "content", "org"), 0o755)
	for _, f := range []string{"applicants.en.md", "applicants.sv.md"} {
		b, _ := os.ReadFile(filepath.Join(from, "content", f))
		os.WriteFile(filepath.Join(dir, "content", "org", f), b, 0o644)
	}
	b, _ := os.ReadFile(filepath.Join(from, "content", "cookies.en.md"))
	os.WriteFile(filepath.Join(dir, "content", "cookies.en.md"), b, 0o644)
	want := "notis.toml:" + strconv.Itoa(bytes.Count(toml, []byte("\n"))+2) + `:1: consent.notices.org: org = "applicants": no notice in content/org/ declares a cookie`
	_, err := Build(Options{Source: dir, Destination: filepath.Join(t.TempDir(), "public")})
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("build error %v, want %q", err, want)
	}
}
