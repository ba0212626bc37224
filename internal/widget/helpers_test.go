package widget

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/notis-dev/notis/internal/site"
)

// i18nFile is the shape of i18n/banner.<lang>.toml.
type i18nFile struct {
	Banner   map[string]string `toml:"banner"`
	Category map[string]struct {
		Label       string `toml:"label"`
		Description string `toml:"description"`
	} `toml:"category"`
}

// testConfig is a two-language site with the four usual categories, its
// texts read from the repository's i18n/banner.*.toml the way the build
// merges them.
func testConfig(t testing.TB, endpoint string) Config {
	t.Helper()
	cfg := Config{
		Site: "careers", Endpoint: endpoint, DefaultLang: "en", Languages: []string{"en", "sv"},
		GoogleConsentMode: site.DefaultGoogleConsentMode(),
		NoticeURL:         map[string]string{"en": "/cookies/", "sv": "/sv/cookies/"},
		Strings:           map[string]map[string]string{},
		Categories: []Category{
			{ID: "necessary", Required: true, Cookies: []Cookie{
				{Name: "notis_consent", Provider: "This site", Period: "P6M",
					Purpose:  map[string]string{"en": "Remembers your cookie choice", "sv": "Kommer ihåg ditt cookieval"},
					Duration: map[string]string{"en": "6 months", "sv": "6 månader"}},
			}},
			{ID: "preferences"},
			{ID: "analytics", Cookies: []Cookie{
				{Name: "_ga", Provider: "Google Analytics", Period: "P13M",
					Purpose:  map[string]string{"en": "Tells visitors apart", "sv": "Skiljer besökare åt"},
					Duration: map[string]string{"en": "13 months", "sv": "13 månader"}},
				{Name: "_ga_*", Provider: "Google Analytics", Period: "P13M",
					Purpose:  map[string]string{"en": "Keeps the session state", "sv": "Håller reda på sessionen"},
					Duration: map[string]string{"en": "13 months", "sv": "13 månader"}},
			}},
			{ID: "marketing", Cookies: []Cookie{
				{Name: "li_sugr", Provider: "LinkedIn", Period: "P3M", ThirdParty: true,
					Purpose:  map[string]string{"en": "Measures job ad campaigns", "sv": "Mäter kampanjer för platsannonser"},
					Duration: map[string]string{"en": "3 months", "sv": "3 månader"}},
			}},
		},
	}
	for _, lang := range cfg.Languages {
		data, err := os.ReadFile(filepath.Join("..", "..", "i18n", "banner."+lang+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		var f i18nFile
		if err := toml.Unmarshal(data, &f); err != nil {
			t.Fatalf("banner.%s.toml: %v", lang, err)
		}
		cfg.Strings[lang] = f.Banner
		for i, c := range cfg.Categories {
			if cfg.Categories[i].Label == nil {
				cfg.Categories[i].Label, cfg.Categories[i].Description = map[string]string{}, map[string]string{}
			}
			cfg.Categories[i].Label[lang] = f.Category[c.ID].Label
			cfg.Categories[i].Description[lang] = f.Category[c.ID].Description
		}
	}
	return cfg
}
