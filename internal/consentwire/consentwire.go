// Package consentwire is the vocabulary the consent banner, the build
// and the consent server share: what a consent version record holds, the
// language codes they accept and how long a choice is remembered. It
// imports nothing of notis's, so the consent server can use it without
// linking the banner's bundler.
package consentwire

import (
	"regexp"
	"strings"
)

// VersionRecord is what public/consent/versions/<version>.json holds: what
// the banner showed under one consent version, in every language, so a DPO
// can prove what a visitor was told. The build writes these files; the
// consent server reads them.
type VersionRecord struct {
	Version    string                       `json:"version"`
	Site       string                       `json:"site"`
	Categories []Category                   `json:"categories"`
	NoticeURL  map[string]string            `json:"noticeURL"`
	Texts      map[string]map[string]string `json:"texts"` // language → banner string key → text
}

// Category is one consent category and the cookies the notices declare in it.
type Category struct {
	ID          string            `json:"id"`
	Required    bool              `json:"required,omitempty"`
	Label       map[string]string `json:"label"`       // per language
	Description map[string]string `json:"description"` // per language
	Cookies     []Cookie          `json:"cookies"`
	// Vendors are the embeds a placeholder may grant alone within this
	// category (notis.toml [consent.vendors]): a visitor who allows just
	// the YouTube video grants "marketing:youtube", not "marketing".
	// Absent in records of versions that declared none.
	Vendors []string `json:"vendors,omitempty"`
}

// VendorPattern is a vendor id as data-vendor and notis.toml name it
// ("youtube", "teamtailor"): short, lower case, and free of the
// characters the consent cookie and a choice key use as separators
// (".", "+", ":").
var VendorPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// VendorKey is the choices key of a grant of one vendor within one
// category: "marketing:youtube". A consent event's choices hold category
// ids and such keys; SplitChoice takes one apart.
func VendorKey(category, vendor string) string { return category + ":" + vendor }

// SplitChoice splits a choices key into its category and, for a vendor
// grant ("marketing:youtube"), its vendor; vendor is "" for a category id.
func SplitChoice(key string) (category, vendor string) {
	category, vendor, _ = strings.Cut(key, ":")
	return category, vendor
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

// LangPattern is a language code as notis.toml declares it and consent
// events carry it: a BCP 47 primary language subtag of two or three
// letters and at most three more subtags ("en", "sv", "pt-BR",
// "zh-Hant-TW"). Bounded, so a hostile event cannot make it work hard.
var LangPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$`)

// How long the browser remembers a choice, as ISO 8601 periods
// (notis.toml's [consent] validity). CNIL recommends keeping a choice,
// consent or refusal, about six months before asking again, and holds 13
// months the longest a consent cookie may last (CNIL Guidelines 2020-091
// and Recommendation 2020-092, 17 September 2020,
// https://www.cnil.fr/fr/cookies-et-autres-traceurs/regles/cookies).
const (
	DefaultValidity = "P6M"
	MaxValidity     = "P13M"
)

// CookieName is the first-party cookie in which the banner keeps a
// visitor's choice (widget/cookie.ts; docs/banner.md, "The cookie").
// Keeping it needs no consent: CNIL lists "les traceurs conservant le
// choix exprimé par l'utilisateur sur le dépôt de traceurs" among the
// trackers exempt from consent (Guidelines 2020-091, 17 September 2020,
// art. 5; https://www.cnil.fr/fr/cookies-et-autres-traceurs/regles/cookies),
// so the audit takes it for a necessary cookie, which a notice still
// declares.
const CookieName = "notis_consent"

// CookiePurpose is the purpose notis suggests, in English, when it finds
// CookieName undeclared (the build's warning, notis audit's fix).
const CookiePurpose = "Remembers your cookie choice so that you are not asked again on every visit."
