package audit

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/notis-dev/notis/internal/build"
)

// On a site of several organisations, one organisation's website is
// judged against its own notices: Necessio's declarations do not excuse
// a cookie on Essex's site, and a missing declaration belongs in Essex's
// notice.
func TestAnOrganisationIsJudgedAgainstItsOwnNotices(t *testing.T) {
	st, err := build.Load(filepath.Join("..", ".."), "")
	if err != nil {
		t.Fatal(err)
	}
	providers := func(s *Site) (ps []string) {
		for _, d := range s.Cookies {
			if !slices.Contains(ps, d.Provider) {
				ps = append(ps, d.Provider)
			}
		}
		return ps
	}
	all, essex := SiteFrom(st, "", ""), SiteFrom(st, "", "essex")
	if !slices.Contains(providers(all), "Google Analytics") || !slices.Contains(providers(all), "www.essexprimarycarecareers.nhs.uk") {
		t.Errorf("the whole site declares %q, want Necessio's and Essex's", providers(all))
	}
	if got := providers(essex); slices.Contains(got, "Google Analytics") || slices.Contains(got, "necessio.se") || !slices.Contains(got, "www.essexprimarycarecareers.nhs.uk") {
		t.Errorf("Essex declares %q, want only Essex's providers", got)
	}
	if _, ok := essex.declared("_ga"); ok {
		t.Error("a _ga cookie on Essex's site is excused by another organisation's notice")
	}
	if f := essex.CookieNotice.File; f != "content/essex/essex.en.md" {
		t.Errorf("missing declarations belong in %q, want content/essex/essex.en.md", f)
	}
	if kent := SiteFrom(st, "", "kent"); len(kent.Cookies) != 0 || kent.CookieNotice.File != "" {
		t.Errorf("Kent, whose notices declare no cookie and have no banner: %d declarations, notice %q", len(kent.Cookies), kent.CookieNotice.File)
	}
}
