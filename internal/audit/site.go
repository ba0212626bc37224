package audit

import (
	"cmp"
	"path/filepath"
	"strings"

	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/site"
	"github.com/notis-dev/notis/internal/widget"
)

// Declared is a cookie a notice declares.
type Declared struct {
	Name       string
	Provider   string
	Category   string
	Duration   notice.CookieDuration
	ThirdParty bool
	Pos        notice.Position // its entry in the notice
}

// Matches reports whether an observed cookie name is this declaration:
// the same name, or for "_ga_<container-id>" or "_ga_*" any name starting
// "_ga_" (the banner's own rule for deleting cookies).
func (d Declared) Matches(name string) bool {
	if i := strings.IndexAny(d.Name, "<*"); i >= 0 {
		return strings.HasPrefix(name, d.Name[:i])
	}
	return name == d.Name
}

// Site is what the audit judges against: the notices' cookies and the
// banner's rules, loaded the way notis build loads them.
type Site struct {
	Cookies  []Declared
	Required map[string]bool // categories that need no consent (necessary)
	GPC      map[string]bool // categories Global Privacy Control denies
	Endpoint string          // the consent server, "" when none
	// Where a missing cookie declaration belongs: the cookies list of the
	// consent notice ([consent] notice, or the organisation's in
	// [consent.notices]) in the default language.
	CookieNotice notice.Position
}

// SiteFrom reads the declarations of a loaded site: every notice's, or
// with org the notices in content/ORG/ alone (an organisation of a site
// that holds several, [consent.notices]), whose website another
// organisation's declarations must not excuse. dir is the site's folder
// as given on the command line: positions are made relative to the
// current folder, so annotations land on the right file in CI.
func SiteFrom(st *build.Site, dir, org string) *Site {
	s := &Site{Required: map[string]bool{"necessary": true}, GPC: map[string]bool{}, Endpoint: st.Config.Consent.Endpoint}
	// Whether a category is required or denied under GPC depends on its
	// id and the site's Consent Mode settings alone: the site's banner
	// holds every category any organisation uses.
	cfg, _ := st.BannerConfig()
	consentNotice := st.Config.Consent.Notice
	if org != "" {
		consentNotice = st.Config.Consent.Notices[org] // "": none, findings go to notis.toml
	}
	for _, c := range cfg.Categories {
		if c.Required {
			s.Required[c.ID] = true
		}
		if widget.GPCDenies(c.ID, c.Required, cfg.GoogleConsentMode) {
			s.GPC[c.ID] = true
		}
	}
	seen := map[string]bool{}
	for _, p := range st.Pages {
		n := p.Notice
		if org != "" && site.Folder(n.File) != org {
			continue
		}
		if n.ID == consentNotice && n.Lang == st.Config.DefaultLanguage {
			s.CookieNotice = n.Pos("cookies").Under(dir)
		}
		if n.Lang != st.Config.DefaultLanguage {
			continue // translations declare the same cookies; the lint checks they agree
		}
		for i, c := range n.Cookies {
			// Two notices, or two organisations, may declare the same
			// cookie: one declaration each. Cookies declared without a
			// name are told apart by their provider.
			key := c.Name + "\x00" + c.Category
			if c.Name == "" {
				key += "\x00" + c.Provider
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			s.Cookies = append(s.Cookies, Declared{Name: c.Name, Provider: c.Provider, Category: c.Category, Duration: c.Duration, ThirdParty: c.ThirdParty, Pos: n.Pos("cookies", i).Under(dir)})
		}
	}
	return s
}

// Unread is the findings of a site whose notices did not all load (err
// is build.Load's, dir the site's folder as given on the command line):
// the audit judges against the notices that did load, so a notice it
// could not read is itself a finding, in every format, and a report
// never reads as clean for a site it did not read whole. Each keeps its
// reading rule (syntax.yaml, decode.field…: docs/lint-rules.md) and its
// place in the file.
func Unread(err error, dir string) []Finding {
	if err == nil {
		return nil
	}
	const fix = "correct the file: notis lint shows each problem with its line"
	// Collect gives an error that is not a diagnostic (a file that could
	// not be read) as one of rule "error".
	ds := diag.Collect(err)
	out := make([]Finding, 0, len(ds))
	for _, d := range ds {
		out = append(out, Finding{
			Rule: d.Rule, Severity: d.Severity, Subject: cmp.Or(d.Notice, d.Pos.File),
			Message: d.Message, Fix: cmp.Or(d.Fix, fix), Pos: d.Pos.Under(dir),
		})
	}
	return out
}

// Anchor is the file findings about a page are placed at in SARIF: the
// consent notice, else the site's notis.toml.
func (s *Site) Anchor(dir string) string {
	if s.CookieNotice.File != "" {
		return s.CookieNotice.File
	}
	return filepath.ToSlash(filepath.Join(dir, "notis.toml"))
}

// declared finds the declaration of an observed cookie name.
func (s *Site) declared(name string) (Declared, bool) {
	for _, d := range s.Cookies {
		if d.Matches(name) {
			return d, true
		}
	}
	return Declared{}, false
}
