package widget

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/consentwire"
	"github.com/notis-dev/notis/widget"
)

// A cookie a notice knows only by its category (issue 15: a seed that
// names no cookies) has nothing to delete by: the banner gets no empty
// name to delete, and the build says the category cannot be cleaned up.
func TestCookiesWithoutNamesAreNotDeletedButWarnedAbout(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.Categories[2].Cookies = append(cfg.Categories[2].Cookies, Cookie{Provider: "Hotjar"})
	cfg.Categories[0].Cookies = append(cfg.Categories[0].Cookies, Cookie{Provider: "This site"}) // never withdrawn
	r, err := Build(widget.Source, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if js := string(r.Files[0].Data); !strings.Contains(js, `id:"analytics",del:["_ga","_ga_*"]}`) {
		t.Error(`the bundle's analytics category does not delete exactly _ga and _ga_* (an unnamed cookie must add no "")`)
	}
	w := Undeletable(cfg.Categories)
	if len(w) != 1 || !strings.Contains(w[0], `category "analytics": the cookies of "Hotjar" are declared without names`) {
		t.Errorf("warnings %q, want one naming Hotjar's unnamed cookies in analytics", w)
	}
	// Several providers, one with commas of its own and one not named,
	// read as a list.
	cfg.Categories[2].Cookies = append(cfg.Categories[2].Cookies, Cookie{Provider: "Facebook, Instagram, LinkedIn"}, Cookie{}, Cookie{Provider: "Hotjar"})
	w = Undeletable(cfg.Categories)
	if want := `category "analytics": the cookies of "Hotjar", "Facebook, Instagram, LinkedIn" and a provider the notice does not name are declared without names`; len(w) != 1 || !strings.HasPrefix(w[0], want) {
		t.Errorf("warnings %q, want one beginning %q", w, want)
	}
}

// The dialog says a cookie's name, provider and duration are not stated
// when its notice does not state them, in the dialog's language, rather
// than leaving a blank that reads as "none".
func TestTheDialogSaysWhatACookieDoesNotState(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.Categories[2].Cookies = append(cfg.Categories[2].Cookies, Cookie{Purpose: map[string]string{"en": "Counts visits", "sv": "Räknar besök"}})
	for lang, want := range map[string]string{"en": "Not stated", "sv": "Anges inte"} {
		rows := textsFor(&cfg, lang).C["analytics"][2].([][4]string)
		last := rows[len(rows)-1]
		if last != [4]string{want, want, cfg.Categories[2].Cookies[2].Purpose[lang], want} {
			t.Errorf("%s: the dialog's row for a cookie known only by its purpose is %q", lang, last)
		}
		if first := rows[0]; first[0] != "_ga" || first[3] != "13 months" && first[3] != "13 månader" {
			t.Errorf("%s: a cookie's stated facts were replaced: %q", lang, first)
		}
	}
}

// The banner's cookie has one name: the one consentwire gives the audit
// and the docs is the one widget/cookie.ts sets.
func TestTheBannersCookieNameHasOneHome(t *testing.T) {
	src, err := fs.ReadFile(widget.Source, "cookie.ts")
	if err != nil {
		t.Fatal(err)
	}
	if want := "const NAME = '" + consentwire.CookieName + "';"; !strings.Contains(string(src), want) {
		t.Errorf("widget/cookie.ts does not declare %s", want)
	}
}
