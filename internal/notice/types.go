package notice

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/notis-dev/notis/internal/period"
)

// Basis is an Art 6(1) lawful basis.
type Basis string

// The lawful bases of Art 6(1)(a)–(f).
const (
	Consent             Basis = "consent"
	Contract            Basis = "contract"
	LegalObligation     Basis = "legal_obligation"
	VitalInterests      Basis = "vital_interests"
	PublicTask          Basis = "public_task"
	LegitimateInterests Basis = "legitimate_interests"
)

// Values lists the accepted values, in Art 6(1) order.
func (Basis) Values() []string {
	return []string{"consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"}
}

// Article is the point of Art 6(1) the basis is.
func (b Basis) Article() string {
	return map[Basis]string{Consent: "6(1)(a)", Contract: "6(1)(b)", LegalObligation: "6(1)(c)", VitalInterests: "6(1)(d)", PublicTask: "6(1)(e)", LegitimateInterests: "6(1)(f)"}[b]
}

// Art9 is an Art 9(2) condition for special-category data.
type Art9 string

// Values lists 9(2)(a)–(j).
func (Art9) Values() []string {
	var v []string
	for c := 'a'; c <= 'j'; c++ {
		v = append(v, fmt.Sprintf("9(2)(%c)", c))
	}
	return v
}

// Role is a recipient's role. "internal" is a team or department of the
// controller itself: not a disclosure to another body, but worth listing
// so a reader knows who inside sees the data, and labelled so that it
// does not read as one.
type Role string

// Values lists the roles.
func (Role) Values() []string {
	return []string{"processor", "controller", "joint_controller", "authority", "internal"}
}

// Regime is the law a representative is appointed under.
type Regime string

// Values lists the regimes.
func (Regime) Values() []string { return []string{"eu", "uk"} }

// CookieHost is where a cookie is set: on the site's own host or a parent
// domain ("site": first-party, like _ga and _fbp, which the site's pages
// can read and delete), or on the vendor's domain ("vendor": like
// LinkedIn's li_sugr, which only the vendor can delete). It is separate
// from Cookie.ThirdParty, which says whether a third party can read it:
// _ga is set on the site and read by Google.
type CookieHost string

// Values lists where a cookie can be set.
func (CookieHost) Values() []string { return []string{"site", "vendor"} }

// Jurisdiction is the data protection law a notice is written under.
type Jurisdiction string

// Values lists the jurisdictions.
func (Jurisdiction) Values() []string { return []string{"uk", "se", "eu"} }

// RequirementKind says whether providing data is required (Art 13(2)(e)).
type RequirementKind string

// Values lists the kinds.
func (RequirementKind) Values() []string {
	return []string{"statutory", "contractual", "pre_contract", "voluntary"}
}

// Disposal is what happens to records at the end of their retention.
type Disposal string

// Values lists the disposals.
func (Disposal) Values() []string { return []string{"delete", "anonymise", "review"} }

// Safeguard is a transfer mechanism: any that exists or once existed, so an
// old notice can be written down as it is and judged by the lint by date.
type Safeguard string

// Values lists the safeguards.
func (Safeguard) Values() []string {
	return []string{"adequacy", "scc", "scc_2010", "uk_idta", "uk_addendum", "dpf", "uk_dpf_extension", "bcr", "code_of_conduct", "certification", "privacy_shield", "safe_harbor", "derogation"}
}

// enum is implemented by the string types above; the decoder checks values
// against it and the schema lists them.
type enum interface{ Values() []string }

// Date is a calendar date (YYYY-MM-DD), or a month (YYYY-MM) when that is
// all a notice gives: a partial date is kept as partial, never padded
// into a day the notice did not state.
type Date struct {
	time.Time
	MonthOnly bool // only the year and month are known; Time is the 1st
}

// DecodeFM accepts "2019-06-25", "2019-06" or a TOML/YAML date value.
func (d *Date) DecodeFM(v any) error {
	switch x := v.(type) {
	case time.Time:
		*d = Date{Time: time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)}
		return nil
	case string:
		p, err := parseDate(x)
		if err != nil {
			return err
		}
		*d = p
		return nil
	case fmt.Stringer: // TOML local dates
		return d.DecodeFM(x.String())
	}
	return fmt.Errorf("found %s, want a date as YYYY-MM-DD", describe(v))
}

// String prints YYYY-MM-DD, YYYY-MM for a month, or "" for the zero date.
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.MonthOnly:
		return d.Format("2006-01")
	}
	return d.Format("2006-01-02")
}

// MarshalText prints String.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Email is an email address.
type Email string

// DecodeFM checks the address has one @ and a domain with a dot.
func (e *Email) DecodeFM(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("found %s, want an email address", describe(v))
	}
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || a.Address != s || at < 1 || !strings.Contains(s[at:], ".") || strings.HasSuffix(s, ".") {
		return fmt.Errorf("found %q, want an email address like dpo@example.org", s)
	}
	*e = Email(s)
	return nil
}

// URL is an absolute http(s) URL.
type URL string

// DecodeFM checks the URL is absolute http(s).
func (u *URL) DecodeFM(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("found %s, want a URL", describe(v))
	}
	p, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return fmt.Errorf("found %q, want an absolute URL like https://example.org/privacy", s)
	}
	*u = URL(strings.TrimSpace(s))
	return nil
}

// CookieDuration is a cookie's lifetime: a period, or the browser session.
type CookieDuration struct {
	Session bool
	Period  period.Period
}

// DecodeFM accepts "session" or an ISO 8601 duration.
func (c *CookieDuration) DecodeFM(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("found %s, want an ISO 8601 duration like P13M, or session", describe(v))
	}
	if s == "session" {
		*c = CookieDuration{Session: true}
		return nil
	}
	p, err := period.Parse(s)
	if err != nil {
		return &valueError{fmt.Sprintf("found %q, want an ISO 8601 duration like P13M, or session", s), SuggestPeriod(s)}
	}
	*c = CookieDuration{Period: p}
	return nil
}

// String prints "session" or the ISO 8601 form.
func (c CookieDuration) String() string {
	if c.Session {
		return "session"
	}
	return c.Period.String()
}

// MarshalText prints String.
func (c CookieDuration) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// AuthorityRef names the supervisory authority: a built-in key or a
// custom authority written out in full.
type AuthorityRef struct {
	Key    string     // a key of Authorities, when built in
	Custom *Authority // when written out
}

// Resolve returns the authority the reference names.
func (a AuthorityRef) Resolve() (Authority, bool) {
	if a.Custom != nil {
		return *a.Custom, true
	}
	au, ok := Authorities[a.Key]
	return au, ok
}

// MarshalText prints the key, or the custom authority's name.
func (a AuthorityRef) MarshalText() ([]byte, error) {
	if a.Custom != nil {
		return []byte(a.Custom.Name["*"]), nil
	}
	return []byte(a.Key), nil
}

// scalarDecoder is implemented by types that decode themselves from one
// front matter value and report what they accept.
type scalarDecoder interface{ DecodeFM(v any) error }

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		return fmt.Sprintf("the text %q", x)
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case int, int64, uint64, float64:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("a %T", v)
}
