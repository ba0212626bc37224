// Package widget bundles the consent banner in widget/ with esbuild and
// derives its configuration from the site's notices.
package widget

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/notis-dev/notis/internal/consentwire"
)

// Config is everything the banner needs to know about a site. The build
// fills it from notis.toml, the notices' cookie tables and the i18n files.
type Config struct {
	Site        string   `json:"site"`
	Endpoint    string   `json:"endpoint"` // consent server base URL; "" records nothing
	DefaultLang string   `json:"defaultLang"`
	Languages   []string `json:"languages"`
	// ValidityDays is how long the browser remembers a choice.
	ValidityDays int `json:"validityDays"`
	// GoogleConsentMode maps a category id to Consent Mode v2 signals.
	GoogleConsentMode map[string][]string `json:"googleConsentMode"`
	// Categories in display order; "necessary" first and Required.
	Categories []Category `json:"categories"`
	// Vendors maps a vendor id (an embed's data-vendor) to the categories
	// its placeholder may grant it alone in (notis.toml [consent.vendors]).
	// Build lists them in the version record, so the consent server can
	// tell a declared grant ("marketing:youtube") from a made-up one.
	Vendors map[string][]string `json:"vendors,omitempty"`
	// NoticeURL is the cookie notice's URL per language.
	NoticeURL map[string]string `json:"noticeURL"`
	// Strings holds the banner's UI texts per language, from the i18n files
	// (keys under "banner.").
	Strings map[string]map[string]string `json:"-"`
	// BaseURL is where public/ is served, e.g. "https://privacy.example.org/";
	// the embed snippet points there, and relative notice URLs resolve
	// against it. "" makes the snippet root-relative ("/consent/…").
	BaseURL string `json:"-"`
	// Dir is the folder of the output the bundle is written to: "" is
	// consent, a site's banner; an organisation's own banner is in
	// consent/org/ORG (notis.toml [consent.notices]). The script finds its
	// modules and texts beside itself, so only the paths change. Version
	// records are always in consent/versions, where the consent server
	// reads them.
	Dir string `json:"-"`
	// Scope names the organisation an organisation's banner is for (its
	// folder and notice, "essex/essex"); "" for a site's banner. Its
	// version covers it: the banner links that organisation's notice, so
	// its record must not be another banner's with the same cookies.
	Scope string `json:"-"`
}

// Category, Cookie and VersionRecord are the wire contract's
// (internal/consentwire), which the consent server shares without
// linking the bundler.
type (
	Category      = consentwire.Category
	Cookie        = consentwire.Cookie
	VersionRecord = consentwire.VersionRecord
)

// ConsentVersion is the hash of the categories and their cookie
// declarations, and of the organisation a banner is for (scope, "" for
// a site's banner, whose versions are as they always were): it changes
// exactly when what a visitor consents to changes, so the banner asks
// again then and only then. Labels and wording are left out on purpose;
// a typo fix must not re-prompt every visitor.
func ConsentVersion(cats []Category, scope string) string {
	type decl struct {
		ID       string
		Required bool
		Cookies  [][3]string // name, provider, period
		Third    []bool
		// Vendors a placeholder may grant alone: left out when none, so
		// versions that declare none keep the hash they always had.
		Vendors []string `json:",omitempty"`
	}
	var ds []decl
	for _, c := range cats {
		d := decl{ID: c.ID, Required: c.Required, Vendors: c.Vendors}
		for _, k := range c.Cookies {
			d.Cookies = append(d.Cookies, [3]string{k.Name, k.Provider, k.Period})
			d.Third = append(d.Third, k.ThirdParty)
		}
		ds = append(ds, d)
	}
	b, _ := json.Marshal(ds) // plain structs: cannot fail
	if scope != "" {
		b = append(append(b, 0), scope...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}
