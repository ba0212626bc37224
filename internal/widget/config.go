// Package widget bundles the consent banner in widget/ with esbuild and
// derives its configuration from the site's notices.
package widget

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
	// NoticeURL is the cookie notice's URL per language.
	NoticeURL map[string]string `json:"noticeURL"`
	// Strings holds the banner's UI texts per language, from the i18n files
	// (keys under "banner.").
	Strings map[string]map[string]string `json:"-"`
	// BaseURL is where public/ is served, e.g. "https://privacy.example.org/";
	// the embed snippet points there, and relative notice URLs resolve
	// against it. "" makes the snippet root-relative ("/consent/…").
	BaseURL string `json:"-"`
}

// Category is one consent category and the cookies the notices declare in it.
type Category struct {
	ID          string            `json:"id"`
	Required    bool              `json:"required,omitempty"`
	Label       map[string]string `json:"label"`       // per language
	Description map[string]string `json:"description"` // per language
	Cookies     []Cookie          `json:"cookies"`
}

// Cookie is one declared cookie, as the notices' cookie tables state it.
type Cookie struct {
	Name       string            `json:"name"`
	Provider   string            `json:"provider"`
	Purpose    map[string]string `json:"purpose"`              // per language
	Duration   map[string]string `json:"duration"`             // per language, in words
	Period     string            `json:"period"`               // ISO 8601, or "session"
	ThirdParty bool              `json:"thirdParty,omitempty"` // a third party can read it
	// SetOn is where it is set: "site" (the site's host or a parent
	// domain: the banner deletes it on withdrawal), "vendor" (the vendor's
	// domain: it cannot), or "" (not stated: the banner tries, on the
	// site's host, which deletes nothing that is not there).
	SetOn string `json:"setOn,omitempty"`
}

// VersionRecord is what public/consent/versions/<version>.json holds: what
// the banner showed under one consent version, in every language, so a DPO
// can prove what a visitor was told. The consent server reads these files.
type VersionRecord struct {
	Version    string                       `json:"version"`
	Site       string                       `json:"site"`
	Categories []Category                   `json:"categories"`
	NoticeURL  map[string]string            `json:"noticeURL"`
	Texts      map[string]map[string]string `json:"texts"` // language → banner string key → text
}

// ConsentVersion is the hash of the categories and their cookie
// declarations: it changes exactly when what a visitor consents to changes,
// so the banner asks again then and only then. Labels and wording are left
// out on purpose; a typo fix must not re-prompt every visitor.
func ConsentVersion(cats []Category) string {
	type decl struct {
		ID       string
		Required bool
		Cookies  [][3]string // name, provider, period
		Third    []bool
	}
	var ds []decl
	for _, c := range cats {
		d := decl{ID: c.ID, Required: c.Required}
		for _, k := range c.Cookies {
			d.Cookies = append(d.Cookies, [3]string{k.Name, k.Provider, k.Period})
			d.Third = append(d.Third, k.ThirdParty)
		}
		ds = append(ds, d)
	}
	b, _ := json.Marshal(ds) // plain structs: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}
