package widget

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/notis-dev/notis/widget"
)

func TestBuildIsDeterministicAndWithinBudget(t *testing.T) {
	cfg := testConfig(t, "https://consent.example.org")
	a, err := Build(widget.Source, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(widget.Source, testConfig(t, "https://consent.example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for i := range a.Files {
		if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
			t.Errorf("%s differs between two builds of the same input", a.Files[i].Path)
		}
	}
	for _, f := range a.Files {
		t.Logf("%-45s %6d B", f.Path, len(f.Data))
	}
	t.Log(a.Summary())
	if a.Sizes.FirstLayer() > Budget {
		t.Errorf("first layer %d B gzip, budget %d B", a.Sizes.FirstLayer(), Budget)
	}
	if !strings.Contains(a.Snippet, `integrity="sha384-`) || !strings.Contains(a.Snippet, `crossorigin="anonymous"`) {
		t.Errorf("snippet %s lacks integrity or crossorigin", a.Snippet)
	}
}

func TestBuildRejectsWhatTheBannerCannotServe(t *testing.T) {
	for _, c := range []struct {
		name  string
		tweak func(*Config)
		want  string
	}{
		{"validity over 13 months", func(c *Config) { c.ValidityDays = 400 }, "1 to 396 days (13 months)"},
		{"bad category id", func(c *Config) { c.Categories[1].ID = "Ads & more" }, `category "Ads & more"`},
		{"necessary switchable", func(c *Config) { c.Categories[0].Required = false }, `"necessary" must be Required`},
		{"missing default string", func(c *Config) { delete(c.Strings["en"], "reject_all") }, "banner.en.toml: [banner] lacks reject_all"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(t, "")
			c.tweak(&cfg)
			_, err := Build(widget.Source, cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

func TestBuildWritesWhatTheBannerShowedInEveryLanguage(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.BaseURL = "https://privacy.example.org/"
	delete(cfg.Strings["sv"], "save") // falls back to English
	r, err := Build(widget.Source, cfg)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range r.Files {
		files[f.Path] = f.Data
	}
	var rec VersionRecord
	if err := json.Unmarshal(files["consent/versions/"+r.Version+".json"], &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Version != r.Version || rec.Site != "careers" || len(rec.Categories) != 4 {
		t.Errorf("record %+v", rec)
	}
	if rec.Texts["sv"]["accept_all"] != "Godkänn alla" || rec.Texts["en"]["accept_all"] != "Accept all" || rec.Texts["sv"]["save"] != "Save choices" {
		t.Errorf("texts %v", rec.Texts)
	}
	if rec.NoticeURL["sv"] != "https://privacy.example.org/sv/cookies/" {
		t.Errorf("notice URL %q, want it absolute (the banner runs on other origins)", rec.NoticeURL["sv"])
	}
	if want := `<script src="https://privacy.example.org/` + r.Script + `" integrity="` + r.Integrity + `" crossorigin="anonymous" data-site="careers" defer></script>`; r.Snippet != want || !strings.Contains(string(files["consent/embed.html"]), want) {
		t.Errorf("snippet %s\nwant %s", r.Snippet, want)
	}
	if !bytes.Equal(files["consent/consent.js"], files[r.Script]) {
		t.Error("consent.js is not the same bytes as the hashed script")
	}
	if ConsentVersion(cfg.Categories, "") != r.Version {
		t.Error("version is not ConsentVersion(categories)")
	}
	// Wording is not what visitors consent to: no new version for it.
	cfg.Strings["en"]["body"] += " Thanks."
	if r2, _ := Build(widget.Source, cfg); r2.Version != r.Version {
		t.Error("a wording change made a new consent version")
	}
}

// Every language notis ships has every banner string and category text.
func TestI18nFilesAreComplete(t *testing.T) {
	cfg := testConfig(t, "")
	for _, lang := range cfg.Languages {
		for _, k := range Keys {
			if cfg.Strings[lang][k] == "" {
				t.Errorf("i18n/banner.%s.toml: [banner] %s missing", lang, k)
			}
		}
		for _, c := range cfg.Categories {
			if c.Label[lang] == "" || c.Description[lang] == "" {
				t.Errorf("i18n/banner.%s.toml: [category.%s] label or description missing", lang, c.ID)
			}
		}
	}
}

// The first layer's strings travel as an array: widget/config.ts's enum K
// must list firstKeys in the same order.
func TestFirstKeysMatchConfigTS(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "widget", "config.ts"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)export const enum K \{(.*?)\}`).FindSubmatch(src)
	if m == nil {
		t.Fatal("widget/config.ts has no enum K")
	}
	var got []string
	for _, f := range strings.Split(string(m[1]), ",") {
		if f = strings.TrimSpace(f); f != "" {
			got = append(got, f)
		}
	}
	if !slices.Equal(got, firstKeys) {
		t.Errorf("config.ts enum K %v\nbuild.go firstKeys %v", got, firstKeys)
	}
}

// Withdrawal deletes what lives on the site, whoever reads it: _ga is
// read by Google (third_party) but set on the site; li_sugr set on
// LinkedIn's domain cannot be deleted, and the build says so.
func TestWithdrawalDeletesByWhereACookieIsSet(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.Categories[2].Cookies[0].ThirdParty = true // _ga
	cfg.Categories[3].Cookies = append(cfg.Categories[3].Cookies, Cookie{Name: "_fbp", Provider: "Meta", Period: "P3M", ThirdParty: true, SetOn: "site"})
	cfg.Categories[3].Cookies[0].SetOn = "vendor" // li_sugr
	r, err := Build(widget.Source, cfg)
	if err != nil {
		t.Fatal(err)
	}
	js := string(r.Files[0].Data)
	for _, want := range []string{`id:"analytics",del:["_ga","_ga_*"]`, `id:"marketing",gpc:!0,del:["_fbp"]`} {
		if !strings.Contains(js, want) {
			t.Errorf("the bundle's config lacks %s", want)
		}
	}
	w := Undeletable(cfg.Categories)
	if len(w) != 1 || !strings.Contains(w[0], `category "marketing": li_sugr (LinkedIn) is set on the vendor's domain`) {
		t.Errorf("warnings %q, want one naming li_sugr in marketing", w)
	}
}

// An organisation's banner has a version of its own even when it declares
// the same cookies as the site's, since it links another notice: its
// record must say which. A site's banner keeps the versions it had.
func TestAnOrganisationsBannerVersionCoversItsScope(t *testing.T) {
	cats := testConfig(t, "").Categories
	site, essex, kent := ConsentVersion(cats, ""), ConsentVersion(cats, "essex/essex"), ConsentVersion(cats, "kent/kent")
	if site == essex || essex == kent {
		t.Errorf("versions %s (site), %s (essex), %s (kent): want three", site, essex, kent)
	}
	if again := ConsentVersion(cats, "essex/essex"); again != essex {
		t.Errorf("the same banner's version changed: %s then %s", essex, again)
	}
}
