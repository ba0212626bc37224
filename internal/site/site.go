// Package site reads notis.toml, the one file that makes a folder a notis
// site: its id, base URL, languages and consent settings.
package site

import (
	"github.com/notis-dev/notis/internal/diag"

	"bytes"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/notis-dev/notis/internal/consentwire"
	"github.com/notis-dev/notis/internal/period"
)

// FileName is the config file that marks a site's root folder.
const FileName = "notis.toml"

// Config is a site's notis.toml.
type Config struct {
	// Site is the site id the banner sends with every consent ("careers").
	Site string `toml:"site"`
	// BaseURL is the absolute URL the site is published at, ending in "/".
	BaseURL string `toml:"baseURL"`
	// DefaultLanguage is the language a visitor gets when nothing else says.
	DefaultLanguage string `toml:"defaultLanguage"`
	// Languages maps a language code to its settings.
	Languages map[string]Language `toml:"languages"`
	// Consent configures the banner and the consent server.
	Consent Consent `toml:"consent"`
	// History configures the pages of earlier versions read from git.
	History History `toml:"history"`

	// Dir is the folder notis.toml was read from.
	Dir string `toml:"-"`

	path string // notis.toml as named in messages
	src  []byte // its bytes, for the place of a value a later check refuses
}

// Language holds per-language site settings.
type Language struct {
	Title string `toml:"title"`
	// Weight orders languages in switchers; ties sort by code.
	Weight int `toml:"weight"`
}

// History configures the notices' history: every earlier version's page,
// the lists of versions and the change feeds, read from the site's git
// repository.
type History struct {
	// Enabled is nil when notis.toml does not say: a site in git then has
	// a history. false publishes no earlier version, for a site whose old
	// versions must not be republished (a name removed for a reason).
	Enabled *bool `toml:"enabled"`
	// Withdrawn lists notices taken down on purpose: the history holds
	// them and no file does now, and the build does not warn about them.
	Withdrawn []string `toml:"withdrawn"`
}

// HistoryEnabled reports whether the build reads the site's history.
func (c *Config) HistoryEnabled() bool { return c.History.Enabled == nil || *c.History.Enabled }

// Consent configures the consent banner and the consent server.
type Consent struct {
	// Endpoint is the consent server's base URL; the banner posts to
	// Endpoint + "/v1/consents". Empty means the banner records nothing.
	Endpoint string `toml:"endpoint"`
	// Origins are the page origins allowed to post consents for this site.
	Origins []string `toml:"origins"`
	// Notice is the notice id the banner links to (default "cookies").
	Notice string `toml:"notice"`
	// Notices maps a content folder (an organisation's, content/ORG/) to
	// the notice id the banner links to on that folder's pages, when it is
	// not Notice; "" shows no banner on them (their notices state no
	// cookies to ask about). The build refuses an id no notice has.
	Notices map[string]string `toml:"notices"`
	// Vendors maps an embed's vendor id (its data-vendor) to the
	// categories its placeholder may grant it alone in: the grant is
	// recorded as "category:vendor" and the consent server accepts only
	// the vendors the version declares.
	Vendors map[string][]string `toml:"vendors"`
	// Validity is how long the browser remembers a choice (default
	// consentwire.DefaultValidity, P6M; at most consentwire.MaxValidity, P13M).
	Validity string `toml:"validity"`
	// Retention is how long the server keeps proofs (default P13M).
	Retention string `toml:"retention"`
	// GoogleConsentMode maps a category to the Consent Mode v2 signals it grants.
	GoogleConsentMode map[string][]string `toml:"google_consent_mode"`
}

var (
	siteIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	googleSignals = []string{"ad_storage", "analytics_storage", "ad_user_data", "ad_personalization", "functionality_storage", "personalization_storage", "security_storage"}
)

// DefaultGoogleConsentMode is the category → signal mapping used when
// notis.toml gives none.
func DefaultGoogleConsentMode() map[string][]string {
	return map[string][]string{
		"analytics":   {"analytics_storage"},
		"marketing":   {"ad_storage", "ad_user_data", "ad_personalization"},
		"preferences": {"functionality_storage", "personalization_storage"},
	}
}

// Load reads dir/notis.toml and checks it; its diagnostics name the
// file as dir/notis.toml.
func Load(dir string) (*Config, error) { return load(dir, filepath.Join(dir, FileName)) }

// LoadInSite is Load whose diagnostics name the file notis.toml, from the
// site folder, as the build names every other file of a site
// (content/x.md, i18n/en.toml): its outputs place them all alike
// (diag.Position.Under).
func LoadInSite(dir string) (*Config, error) { return load(dir, FileName) }

func load(dir, name string) (*Config, error) {
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s here; run `notis new site DIR` to make a site, or pass --source", dir, FileName)
		}
		return nil, err
	}
	cfg, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	cfg.Dir = dir
	return cfg, nil
}

// Parse decodes and checks a notis.toml's bytes; path is used in errors.
func Parse(path string, data []byte) (*Config, error) {
	var cfg Config
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		var serr *toml.StrictMissingError
		if errors.As(err, &serr) {
			var ds diag.List
			for _, e := range serr.Errors {
				line, col := e.Position()
				fix := "accepted: " + acceptedKeys()
				if near := nearKey(e.Key()); near != "" {
					fix = near + " " + fix
				}
				ds = append(ds, configDiag(path, line, col, "",
					fmt.Sprintf("unknown key %q", strings.Join(e.Key(), ".")), fix))
			}
			ds.AddSource(path, data)
			return nil, ds
		}
		var derr *toml.DecodeError
		if errors.As(err, &derr) {
			line, col := derr.Position()
			msg, fix, ok := typeMistake(derr.Key(), derr.Error())
			if !ok {
				msg = strings.TrimPrefix(derr.Error(), "toml: ")
			}
			ds := diag.List{configDiag(path, line, col, strings.Join(derr.Key(), "."), msg, fix)}
			ds.AddSource(path, data)
			return nil, ds
		}
		return nil, configDiag(path, 0, 0, "", err.Error(), "")
	}
	cfg.path, cfg.src = path, data
	if err := cfg.check(); err != nil {
		var ds diag.List
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var d *diag.Diagnostic
			if !errors.As(e, &d) {
				d = configDiag(path, 0, 0, "", e.Error(), "")
			}
			ds = append(ds, d)
		}
		ds.AddSource(path, data)
		return nil, ds
	}
	return &cfg, nil
}

// Folder is the content folder a notice file is in, its organisation's
// ("content/essex/essex.en.md" → "essex"); "" for a file directly in
// content/.
func Folder(file string) string {
	parts := strings.Split(filepath.ToSlash(file), "/")
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

// BannerNotice is the notice id the banner links to on the pages of a
// notice file: [consent.notices]'s for its folder, else [consent]
// notice. ok is false when the folder's entry is "": no banner there.
func (c *Consent) BannerNotice(file string) (id string, ok bool) {
	if id, set := c.Notices[Folder(file)]; set {
		return id, id != ""
	}
	return c.Notice, true
}

// Says reports whether notis.toml spells out key in table (rather than
// leaving it to its default).
func (c *Config) Says(table, key string) bool { return keyLine(c.src, table, key) > 0 }

// Mistake is a diagnostic about the value of key in table (like
// "consent.notices") of notis.toml, at its line when the file spells it
// plainly (key = value under [table]), else at the file.
func (c *Config) Mistake(table, key, msg, fix string) *diag.Diagnostic {
	line := keyLine(c.src, table, key)
	d := configDiag(c.path, line, 0, strings.TrimPrefix(table+"."+key, "."), msg, fix)
	if line > 0 {
		d.Pos.Col = 1
		diag.List{d}.AddSource(c.path, c.src)
	}
	return d
}

// keyLine finds the line of `key = …` in [table] (or at the top when
// table is ""); 0 when not found (a dotted or inline-table spelling).
func keyLine(src []byte, table, key string) int {
	cur := ""
	for i, line := range strings.Split(string(src), "\n") {
		l := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(l, "[") && !strings.HasPrefix(l, "[["):
			cur = strings.TrimSpace(strings.Trim(strings.SplitN(l, "#", 2)[0], " []"))
		case cur == table:
			k, _, ok := strings.Cut(l, "=")
			if ok && strings.Trim(strings.TrimSpace(k), `"'`) == key {
				return i + 1
			}
		}
	}
	return 0
}

// configDiag is a mistake in notis.toml.
func configDiag(path string, line, col int, field, msg, fix string) *diag.Diagnostic {
	return &diag.Diagnostic{Rule: diag.RuleConfig, Severity: diag.Error, Pos: diag.Position{File: path, Line: line, Col: col}, Field: field, Message: msg, Fix: fix}
}

// SetBaseURL sets the URL the site is published at, ending it in "/"; ""
// means site-relative links ("/"). Anything else must be an absolute
// http(s) URL: notis.toml's baseURL and the --baseURL flag both come here.
func (c *Config) SetBaseURL(u string) error {
	if u == "" {
		u = "/"
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	if u != "/" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return fmt.Errorf("baseURL = %q: want an absolute http(s) URL like \"https://privacy.example.org/\"", u)
		}
	}
	c.BaseURL = u
	return nil
}

// BasePath is the path of BaseURL, "/" or like "/sub/": the prefix of
// every root-relative link in the site.
func (c *Config) BasePath() string {
	if u, err := url.Parse(c.BaseURL); err == nil && u.Path != "" {
		return u.Path
	}
	return "/"
}

// URL makes a site-relative path ("en/careers/") absolute under BaseURL,
// or root-relative when the site has no base URL ("/").
func (c *Config) URL(p string) string {
	return strings.TrimSuffix(c.BaseURL, "/") + "/" + strings.TrimPrefix(p, "/")
}

func (c *Config) check() error {
	var errs []error
	if !siteIDPattern.MatchString(c.Site) {
		errs = append(errs, c.Mistake("", "site", fmt.Sprintf("found %q, want a site id of lower-case letters, digits and dashes, like \"careers\"", c.Site), ""))
	}
	if err := c.SetBaseURL(c.BaseURL); err != nil {
		errs = append(errs, c.Mistake("", "baseURL", strings.TrimPrefix(err.Error(), "baseURL = "), ""))
	}
	if len(c.Languages) == 0 {
		errs = append(errs, errors.New("no [languages.CODE] table: declare at least one language, e.g. [languages.en] title = \"Privacy\""))
	}
	for code, l := range c.Languages {
		if !consentwire.LangPattern.MatchString(code) {
			errs = append(errs, c.Mistake("languages."+code, "title", fmt.Sprintf("[languages.%s]: %q is not a BCP 47 language code like \"en\" or \"sv\"", code, code), ""))
		}
		if strings.TrimSpace(l.Title) == "" {
			errs = append(errs, c.Mistake("languages."+code, "title", fmt.Sprintf("[languages.%s]: title is empty", code), ""))
		}
	}
	if c.DefaultLanguage == "" {
		errs = append(errs, errors.New("defaultLanguage is missing"))
	} else if _, ok := c.Languages[c.DefaultLanguage]; !ok && len(c.Languages) > 0 {
		errs = append(errs, c.Mistake("", "defaultLanguage", fmt.Sprintf("%q is not one of the declared languages %v", c.DefaultLanguage, c.LanguageCodes()), ""))
	}
	if c.Consent.Notice == "" {
		c.Consent.Notice = "cookies"
	}
	if c.Consent.Validity == "" {
		c.Consent.Validity = consentwire.DefaultValidity
	}
	if c.Consent.Retention == "" {
		c.Consent.Retention = "P13M"
	}
	validity, verr := period.Parse(c.Consent.Validity)
	switch {
	case verr != nil:
		errs = append(errs, c.Mistake("consent", "validity", verr.Error(), ""))
	case validity.Approx() <= 0:
		errs = append(errs, c.Mistake("consent", "validity", fmt.Sprintf("%q: a choice must be remembered for some time, like %s", c.Consent.Validity, consentwire.DefaultValidity), ""))
	case validity.Approx() > period.MustParse(consentwire.MaxValidity).Approx():
		errs = append(errs, c.Mistake("consent", "validity", fmt.Sprintf("%q: a choice may be remembered for at most 13 months (%s)", c.Consent.Validity, consentwire.MaxValidity), ""))
	}
	if retention, err := period.Parse(c.Consent.Retention); err != nil {
		errs = append(errs, c.Mistake("consent", "retention", err.Error(), ""))
	} else if verr == nil && retention.Approx() < validity.Approx() {
		// The server purges at start-up: a typo such as P13D for P13M
		// would delete proofs of choices the banner still acts on.
		errs = append(errs, c.Mistake("consent", "retention", fmt.Sprintf("%q is shorter than validity = %q: a choice the browser still remembers must still be provable (GDPR Art 7(1)), so keep proofs at least as long", c.Consent.Retention, c.Consent.Validity), ""))
	}
	if c.Consent.Endpoint != "" {
		if u, err := url.Parse(c.Consent.Endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
			errs = append(errs, c.Mistake("consent", "endpoint", fmt.Sprintf("%q: want an absolute http(s) URL without a query, like \"https://consent.example.org\"", c.Consent.Endpoint), ""))
		}
		c.Consent.Endpoint = strings.TrimSuffix(c.Consent.Endpoint, "/")
	}
	for _, o := range c.Consent.Origins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, c.Mistake("consent", "origins", fmt.Sprintf("%q is not an origin like \"https://careers.example.org\"", o), ""))
		}
	}
	for folder, id := range c.Consent.Notices {
		if folder == "" || strings.ContainsAny(folder, "/\\") || (id != "" && strings.ContainsAny(id, "/\\ ")) {
			errs = append(errs, c.Mistake("consent.notices", folder, fmt.Sprintf("%q = %q: want a content folder's name and a notice id, like essex = \"essex-cookies\"", folder, id), ""))
		}
	}
	for _, v := range slices.Sorted(maps.Keys(c.Consent.Vendors)) {
		cats := c.Consent.Vendors[v]
		switch {
		case !consentwire.VendorPattern.MatchString(v):
			errs = append(errs, c.Mistake("consent.vendors", v, fmt.Sprintf("vendor %q: want lower-case letters, digits, - or _ (like \"youtube\"), as the embed's data-vendor says", v), ""))
		case len(cats) == 0:
			errs = append(errs, c.Mistake("consent.vendors", v, fmt.Sprintf("vendor %q names no category: want its categories, like youtube = [\"marketing\"]", v), ""))
		}
	}
	if c.Consent.GoogleConsentMode == nil {
		c.Consent.GoogleConsentMode = DefaultGoogleConsentMode()
	}
	for cat, sigs := range c.Consent.GoogleConsentMode {
		for _, s := range sigs {
			if !slices.Contains(googleSignals, s) {
				errs = append(errs, c.Mistake("consent.google_consent_mode", cat, fmt.Sprintf("unknown signal %q (accepted: %s)", s, strings.Join(googleSignals, ", ")), ""))
			}
		}
	}
	return errors.Join(errs...)
}

// LanguageCodes lists the site's languages: by weight, then code, with
// ties broken so the default language comes first.
func (c *Config) LanguageCodes() []string {
	codes := make([]string, 0, len(c.Languages))
	for code := range c.Languages {
		codes = append(codes, code)
	}
	slices.SortFunc(codes, func(a, b string) int {
		if wa, wb := c.Languages[a].Weight, c.Languages[b].Weight; wa != wb {
			return wa - wb
		}
		if a == c.DefaultLanguage {
			return -1
		}
		if b == c.DefaultLanguage {
			return 1
		}
		return strings.Compare(a, b)
	})
	return codes
}

// ValidityPeriod is Consent.Validity parsed; Load has checked it.
func (c *Config) ValidityPeriod() period.Period { return period.MustParse(c.Consent.Validity) }

// RetentionPeriod is Consent.Retention parsed; Load has checked it.
func (c *Config) RetentionPeriod() period.Period { return period.MustParse(c.Consent.Retention) }

// AllowsOrigin reports whether a page origin may post consents for this site.
func (c *Config) AllowsOrigin(origin string) bool {
	origin = NormalOrigin(origin)
	for _, o := range c.Consent.Origins {
		if NormalOrigin(o) == origin {
			return true
		}
	}
	return false
}

// NormalOrigin is the form in which origins are compared: lower case,
// without one trailing "/" (notis.toml may have it; a browser's Origin
// header has neither). Every check of an origin goes through it, so no
// origin passes one check and fails another.
func NormalOrigin(origin string) string {
	return strings.ToLower(strings.TrimSuffix(origin, "/"))
}
