package widget

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/notis-dev/notis/internal/consentwire"
	"github.com/notis-dev/notis/internal/period"
)

// File is one output file; Path is relative to public/.
type File struct {
	Path string
	Data []byte
}

// Sizes are gzip -9 byte counts of what the banner's first layer downloads.
type Sizes struct {
	// JS is the script, which carries its stylesheet (adopted as a
	// constructed stylesheet: no second request).
	JS int
	// Lang is the largest per-language text file (0 with one language):
	// visitors in the default language never fetch one.
	Lang int
	// Dialog is the largest preferences dialog module, loaded on opening.
	Dialog int
}

// FirstLayer is the worst case a visitor downloads before seeing the
// banner: the script (with its styles) and one language file.
func (s Sizes) FirstLayer() int { return s.JS + s.Lang }

// Budget is the most the first layer may weigh, gzip bytes (issue 3).
const Budget = 6 * 1024

// Result is what Build makes.
type Result struct {
	// Files to write under public/, in a stable order: the hashed script
	// and stylesheet, the consent.js alias, the per-language dialog modules
	// and text files, embed.html and versions/<version>.json.
	Files []File
	// Version is the consent version (see ConsentVersion).
	Version string
	// Script is the hashed script's path, e.g. "consent/consent.3f2a1c9e04.js".
	Script string
	// Integrity is the script's Subresource Integrity value, "sha384-…".
	Integrity string
	// Snippet is the <script> tag a site pastes, as in consent/embed.html.
	Snippet string
	Sizes   Sizes
}

// Summary is the build summary's line about the banner.
// It gives bytes, not rounded kilobytes, and says when the first layer
// is over the budget: a site's own texts count, so a test of the banner
// alone cannot promise it for every site.
func (r Result) Summary() string {
	over := ""
	if n := r.Sizes.FirstLayer() - Budget; n > 0 {
		over = fmt.Sprintf(", %d B OVER the budget: shorten the banner texts", n)
	}
	return fmt.Sprintf("banner %s: %d B gzip first layer (script with CSS %d B + language %d B; budget %d B%s), dialog +%d B on opening, consent version %s",
		r.Script, r.Sizes.FirstLayer(), r.Sizes.JS, r.Sizes.Lang, Budget, over, r.Sizes.Dialog, r.Version)
}

// Keys are the banner strings every language must have (i18n/banner.*.toml).
var Keys = []string{
	"title", "body", "body_ads", "accept_all", "reject_all", "preferences", "prefs_title", "prefs_body",
	"save", "close", "always_on", "gpc_note", "cookies_in_category", "cookie", "provider",
	"purpose", "duration", "consent_id", "notice_link", "placeholder_text", "placeholder_button",
	"load_failed", "reload", "not_stated",
}

// DefaultValidityDays and MaxValidityDays are consentwire's validity
// limits in days, as the banner counts them: 183 and 396.
var (
	DefaultValidityDays = period.MustParse(consentwire.DefaultValidity).ApproxDays()
	MaxValidityDays     = period.MustParse(consentwire.MaxValidity).ApproxDays()
)

var catID = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// The consent mode signals that are always denied by default.
var baseSignals = []string{"ad_personalization", "ad_storage", "ad_user_data", "analytics_storage"}

// client is the configuration baked into the bundle; widget/config.ts
// declares the same shape (Conf).
type client struct {
	Site     string              `json:"site"`
	Endpoint string              `json:"endpoint"`
	Version  string              `json:"version"`
	Days     int                 `json:"days"`
	Lang     string              `json:"lang"`
	Langs    map[string]string   `json:"langs"`
	Prefs    map[string]string   `json:"prefs"`
	Send     string              `json:"send"`
	Ph       string              `json:"ph"` // the placeholder module's hash
	GCM      map[string][]string `json:"gcm"`
	Sig      []string            `json:"sig"`
	Cats     []clientCat         `json:"cats"`
	V        []string            `json:"v"` // vendor grants a placeholder may make: "marketing:youtube"
	CSS      string              `json:"css"`
	T        firstTexts          `json:"t"`
}

type clientCat struct {
	ID  string   `json:"id"`
	Req bool     `json:"req,omitempty"`
	GPC bool     `json:"gpc,omitempty"`
	Del []string `json:"del,omitempty"` // first-party cookie names; "prefix*" for a pattern
}

// firstTexts are one language's first-layer texts (config.ts: Lang).
type firstTexts struct {
	L string            `json:"l"`
	S []string          `json:"s"` // in firstKeys order (config.ts: enum K)
	C map[string]string `json:"c"` // id → label
	N string            `json:"n"`
}

// firstKeys are the strings the banner, the iframe placeholder and the
// load failure message show, in the order of config.ts's enum K.
var firstKeys = []string{"title", "body", "accept_all", "reject_all", "preferences", "notice_link", "placeholder_text", "placeholder_button", "load_failed", "reload", "close"}

func firstLayer(t texts) firstTexts {
	f := firstTexts{L: t.L, C: map[string]string{}, N: t.N}
	for _, k := range firstKeys {
		f.S = append(f.S, t.S[k])
	}
	for id, c := range t.C {
		f.C[id] = c[0].(string)
	}
	return f
}

// texts are one language's texts, all of them: the dialog's (dialog.ts).
type texts struct {
	L string            `json:"l"`
	S map[string]string `json:"s"`
	C map[string][3]any `json:"c"` // id → [label, description, [[name, provider, purpose, duration]…]]
	N string            `json:"n"`
}

// Build bundles the banner in src (widget.Source, or a site's override)
// for the site in cfg. It is deterministic: the same input gives the same
// bytes. It needs no Node: esbuild runs in-process.
func Build(src fs.FS, cfg Config) (Result, error) {
	if err := check(&cfg); err != nil {
		return Result{}, err
	}
	var r Result
	r.Version = ConsentVersion(cfg.Categories, cfg.Scope)
	dir := cmp.Or(cfg.Dir, "consent") + "/"

	// The stylesheets: the first layer's goes into the script, the
	// dialog's into the dialog module, and both into consent.css for
	// browsers that cannot adopt a constructed stylesheet.
	first, err := minifyCSS(src, "consent.css")
	if err != nil {
		return r, err
	}
	dialogCSS, err := minifyCSS(src, "dialog.css")
	if err != nil {
		return r, err
	}
	allCSS := first + dialogCSS
	cssName := "consent." + short(allCSS) + ".css"

	// Texts: the default language's first-layer texts go into the script,
	// the others' into one small file each; every language gets its own
	// preferences dialog module, loaded when the visitor opens it.
	cl := client{
		Site: cfg.Site, Endpoint: strings.TrimSuffix(cfg.Endpoint, "/"), Version: r.Version,
		Days: cfg.ValidityDays, Lang: cfg.DefaultLang, Langs: map[string]string{}, Prefs: map[string]string{},
		GCM: map[string][]string{}, Sig: []string{}, CSS: cssName, V: []string{},
	}
	// The version record keeps every language's texts: what the banner
	// showed, as proof beside each consent.
	rec := VersionRecord{Version: r.Version, Site: cfg.Site, Categories: cfg.Categories, NoticeURL: map[string]string{}, Texts: map[string]map[string]string{}}
	var langFiles []File
	// The first layer names advertising when Accept all turns it on: a
	// category GPC would deny is one for advertising.
	ads := false
	for _, c := range cfg.Categories {
		ads = ads || GPCDenies(c.ID, c.Required, cfg.GoogleConsentMode)
	}
	for _, lang := range cfg.Languages {
		full := textsFor(&cfg, lang)
		if ads {
			full.S["body"] = full.S["body_ads"]
		}
		delete(full.S, "body_ads") // the record keeps what was shown, as "body"
		rec.Texts[lang] = full.S
		if full.N != "" {
			rec.NoticeURL[lang] = full.N
		}
		dj, _ := json.Marshal(full)
		dlg, err := bundle(src, "dialog.ts", api.FormatESModule, map[string]string{"notis:texts": string(dj), "notis:css": jsonString(dialogCSS)})
		if err != nil {
			return r, err
		}
		cl.Prefs[lang] = short(dlg)
		name := "prefs." + lang + "." + cl.Prefs[lang] + ".js"
		// The hashed name, and a stable alias for a page whose banner
		// predates a deploy that removed the hashed file (main.ts, open).
		langFiles = append(langFiles, File{dir + name, dlg}, File{dir + "prefs." + lang + ".js", dlg})
		r.Sizes.Dialog = max(r.Sizes.Dialog, gz(dlg))

		firstTexts := firstLayer(full)
		if lang == cfg.DefaultLang {
			cl.T = firstTexts
			cl.Langs[lang] = ""
			continue
		}
		b, _ := json.Marshal(firstTexts)
		cl.Langs[lang] = short(b)
		name = "lang/" + lang + "." + cl.Langs[lang] + ".json"
		langFiles = append(langFiles, File{dir + name, b}, File{dir + "lang/" + lang + ".json", b})
		r.Sizes.Lang = max(r.Sizes.Lang, gz(b))
	}

	// The proof module, loaded once an event waits to be sent: the outbox's
	// retry logic stays out of the first layer.
	sendJS, err := bundle(src, "send.ts", api.FormatESModule, nil)
	if err != nil {
		return r, err
	}
	cl.Send = short(sendJS)
	langFiles = append(langFiles, File{dir + "send." + cl.Send + ".js", sendJS}, File{dir + "send.js", sendJS})

	// The placeholder module, loaded on pages with a gated iframe the
	// visitor has not allowed: most pages have none.
	phJS, err := bundle(src, "placeholder.ts", api.FormatESModule, nil)
	if err != nil {
		return r, err
	}
	cl.Ph = short(phJS)
	langFiles = append(langFiles, File{dir + "placeholder." + cl.Ph + ".js", phJS}, File{dir + "placeholder.js", phJS})

	// Categories and Consent Mode.
	for cat, sigs := range cfg.GoogleConsentMode {
		cl.GCM[cat] = slices.Sorted(slices.Values(sigs))
		cl.Sig = append(cl.Sig, sigs...)
	}
	if len(cl.Sig) > 0 {
		cl.Sig = append(cl.Sig, baseSignals...)
		slices.Sort(cl.Sig)
		cl.Sig = slices.Compact(cl.Sig)
	}
	for _, c := range cfg.Categories {
		for _, v := range c.Vendors {
			cl.V = append(cl.V, consentwire.VendorKey(c.ID, v))
		}
		cc := clientCat{ID: c.ID, Req: c.Required}
		cc.GPC = GPCDenies(c.ID, c.Required, cfg.GoogleConsentMode)
		// Withdrawal deletes every declared cookie the page can reach: all
		// but those set on a vendor's domain. Whether a third party can read
		// a cookie (ThirdParty) says nothing about where it lives: _ga and
		// _fbp are read by Google and Meta but set on the site's host.
		// A cookie the notice names only by its category has no name to
		// delete by.
		for _, k := range c.Cookies {
			if k.SetOn != "vendor" && k.Name != "" {
				cc.Del = append(cc.Del, cookiePattern(k.Name))
			}
		}
		cl.Cats = append(cl.Cats, cc)
	}
	conf, _ := json.Marshal(cl)

	// The script.
	js, err := bundle(src, "main.ts", api.FormatIIFE, map[string]string{"notis:config": string(conf), "notis:css": jsonString(first)})
	if err != nil {
		return r, err
	}
	r.Script = dir + "consent." + short(js) + ".js"
	r.Integrity = sri(js)
	r.Sizes.JS = gz(js)
	r.Snippet = fmt.Sprintf(`<script src="%s" integrity="%s" crossorigin="anonymous" data-site="%s" defer></script>`,
		html.EscapeString(publicURL(cfg.BaseURL, r.Script)), r.Integrity, html.EscapeString(cfg.Site))

	recJSON, _ := json.MarshalIndent(rec, "", "  ")

	r.Files = append(r.Files,
		File{r.Script, js},
		File{dir + cssName, []byte(allCSS)},
		File{dir + "consent.js", js},
	)
	r.Files = append(r.Files, langFiles...)
	r.Files = append(r.Files,
		File{dir + "embed.html", []byte(embedHTML(r, html.EscapeString(publicURL(cfg.BaseURL, dir+"consent.js")), html.EscapeString(cfg.Site)))},
		File{"consent/versions/" + r.Version + ".json", append(recJSON, '\n')},
	)
	return r, nil
}

// minifyCSS reads a stylesheet from src and minifies it.
func minifyCSS(src fs.FS, name string) (string, error) {
	css, err := fs.ReadFile(src, name)
	if err != nil {
		return "", fmt.Errorf("widget: %w", err)
	}
	tr := api.Transform(string(css), api.TransformOptions{
		Loader: api.LoaderCSS, MinifyWhitespace: true, MinifySyntax: true, Sourcefile: name,
		Engines: browsers,
	})
	if err := messages(tr.Errors); err != nil {
		return "", err
	}
	return string(tr.Code), nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// browsers the output must run in: ES2019 engines with <dialog> and import().
var browsers = []api.Engine{
	{Name: api.EngineChrome, Version: "80"}, {Name: api.EngineFirefox, Version: "98"},
	{Name: api.EngineSafari, Version: "15.4"}, {Name: api.EngineEdge, Version: "80"},
}

// bundle runs esbuild over src from entry; imports resolve inside src,
// and virtual maps a module name ("notis:config") to JSON it stands for.
func bundle(src fs.FS, entry string, format api.Format, virtual map[string]string) ([]byte, error) {
	plugin := api.Plugin{Name: "notis", Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: `.*`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			if _, ok := virtual[a.Path]; ok {
				return api.OnResolveResult{Path: a.Path, Namespace: "notis-virtual"}, nil
			}
			p := a.Path
			if a.Kind != api.ResolveEntryPoint {
				p = path.Join(path.Dir(a.Importer), p)
			}
			if path.Ext(p) == "" {
				p += ".ts"
			}
			return api.OnResolveResult{Path: path.Clean(p), Namespace: "notis"}, nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: `.*`, Namespace: "notis"}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			data, err := fs.ReadFile(src, a.Path)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			s := string(data)
			return api.OnLoadResult{Contents: &s, Loader: api.LoaderTS}, nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: `.*`, Namespace: "notis-virtual"}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			s := virtual[a.Path]
			return api.OnLoadResult{Contents: &s, Loader: api.LoaderJSON}, nil
		})
	}}
	res := api.Build(api.BuildOptions{
		EntryPoints: []string{entry},
		Bundle:      true,
		Write:       false,
		Outfile:     "out.js",
		Format:      format,
		Platform:    api.PlatformBrowser,
		Engines:     browsers,
		LogLevel:    api.LogLevelSilent,
		Charset:     api.CharsetASCII,

		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		LegalComments:     api.LegalCommentsNone,
		Plugins:           []api.Plugin{plugin},
	})
	if err := messages(res.Errors); err != nil {
		return nil, err
	}
	if len(res.OutputFiles) != 1 {
		return nil, fmt.Errorf("widget: esbuild made %d files, want 1", len(res.OutputFiles))
	}
	return res.OutputFiles[0].Contents, nil
}

// messages turns esbuild's errors into one error naming widget/file:line:col.
func messages(ms []api.Message) error {
	if len(ms) == 0 {
		return nil
	}
	var b strings.Builder
	for i, m := range ms {
		if i > 0 {
			b.WriteString("\n")
		}
		if l := m.Location; l != nil {
			fmt.Fprintf(&b, "widget/%s:%d:%d: %s\n\t%s", strings.TrimPrefix(l.File, "notis:"), l.Line, l.Column+1, m.Text, l.LineText)
		} else {
			b.WriteString("widget: " + m.Text)
		}
	}
	return fmt.Errorf("%s", b.String())
}

// check fills defaults and rejects a config the banner cannot serve.
func check(cfg *Config) error {
	var errs []string
	if cfg.DefaultLang == "" && len(cfg.Languages) > 0 {
		cfg.DefaultLang = cfg.Languages[0]
	}
	if !slices.Contains(cfg.Languages, cfg.DefaultLang) {
		cfg.Languages = append([]string{cfg.DefaultLang}, cfg.Languages...)
	}
	switch {
	case cfg.ValidityDays == 0:
		cfg.ValidityDays = DefaultValidityDays
	case cfg.ValidityDays < 0 || cfg.ValidityDays > MaxValidityDays:
		errs = append(errs, fmt.Sprintf("validity %d days: a choice may be remembered for 1 to %d days (13 months)", cfg.ValidityDays, MaxValidityDays))
	}
	seen := map[string]bool{}
	for _, c := range cfg.Categories {
		if !catID.MatchString(c.ID) {
			errs = append(errs, fmt.Sprintf("category %q: want lower-case letters, digits, - or _ (like \"analytics\")", c.ID))
		}
		if seen[c.ID] {
			errs = append(errs, fmt.Sprintf("category %q listed twice", c.ID))
		}
		seen[c.ID] = true
		if c.ID == "necessary" && !c.Required {
			errs = append(errs, `category "necessary" must be Required: it is always on`)
		}
	}
	errs = append(errs, placeVendors(cfg, seen)...)
	def := cfg.Strings[cfg.DefaultLang]
	var missing []string
	for _, k := range Keys {
		if def[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Sprintf("i18n/banner.%s.toml: [banner] lacks %s (see notis's own i18n/banner.en.toml)", cfg.DefaultLang, strings.Join(missing, ", ")))
	}
	if len(errs) > 0 {
		return fmt.Errorf("widget: %s", strings.Join(errs, "; "))
	}
	return nil
}

// placeVendors checks notis.toml's [consent.vendors] against the
// categories and lists each vendor in its categories (on a copy: the
// caller's categories are left as they were), sorted, so the version
// record declares them and the consent version changes with them.
func placeVendors(cfg *Config, cats map[string]bool) []string {
	var errs []string
	if len(cfg.Vendors) == 0 {
		return nil
	}
	cfg.Categories = slices.Clone(cfg.Categories)
	for _, v := range slices.Sorted(maps.Keys(cfg.Vendors)) {
		if !consentwire.VendorPattern.MatchString(v) {
			errs = append(errs, fmt.Sprintf("notis.toml [consent.vendors] %q: want lower-case letters, digits, - or _ (like \"youtube\"), as the embed's data-vendor says", v))
			continue
		}
		for _, id := range cfg.Vendors[v] {
			i := slices.IndexFunc(cfg.Categories, func(c Category) bool { return c.ID == id })
			switch {
			case !cats[id] || i < 0:
				errs = append(errs, fmt.Sprintf("notis.toml [consent.vendors] %s = %q: no notice declares a cookie in category %q, so the banner has no such category", v, id, id))
			case cfg.Categories[i].Required:
				errs = append(errs, fmt.Sprintf("notis.toml [consent.vendors] %s = %q: category %q is always on; a vendor in it needs no grant", v, id, id))
			case !slices.Contains(cfg.Categories[i].Vendors, v):
				cfg.Categories[i].Vendors = append(slices.Clone(cfg.Categories[i].Vendors), v)
				slices.Sort(cfg.Categories[i].Vendors)
			}
		}
	}
	return errs
}

// textsFor is one language's texts; a missing text falls back to the
// default language's.
func textsFor(cfg *Config, lang string) texts {
	pick := func(m map[string]string) string {
		if v := m[lang]; v != "" {
			return v
		}
		return m[cfg.DefaultLang]
	}
	t := texts{L: lang, S: map[string]string{}, C: map[string][3]any{}, N: noticeURL(cfg.BaseURL, pick(cfg.NoticeURL))}
	for _, k := range Keys {
		t.S[k] = cfg.Strings[lang][k]
		if t.S[k] == "" {
			t.S[k] = cfg.Strings[cfg.DefaultLang][k]
		}
	}
	for _, c := range cfg.Categories {
		rows := [][4]string{}
		for _, k := range c.Cookies {
			row := [4]string{k.Name, k.Provider, pick(k.Purpose), pick(k.Duration)}
			for _, i := range []int{0, 1, 3} {
				// Said, not left blank: a blank reads as "none".
				row[i] = cmp.Or(row[i], t.S["not_stated"])
			}
			rows = append(rows, row)
		}
		label := pick(c.Label)
		if label == "" {
			label = c.ID
		}
		t.C[c.ID] = [3]any{label, pick(c.Description), rows}
	}
	return t
}

// GPCDenies reports whether Global Privacy Control denies a category
// without asking (docs/banner.md): an advertising one, never a required
// one. notis audit judges the GPC state by the same rule.
func GPCDenies(id string, required bool, gcm map[string][]string) bool {
	return !required && advertising(id, gcm)
}

// advertising reports whether a category is for advertising: "marketing",
// or one mapped to an ad_* Consent Mode signal. Global Privacy Control
// denies these, and the first layer names advertising when one exists.
func advertising(id string, gcm map[string][]string) bool {
	return id == "marketing" || slices.ContainsFunc(gcm[id], func(s string) bool { return strings.HasPrefix(s, "ad_") })
}

// Undeletable names the cookies, per category, that the banner cannot
// delete when consent is withdrawn (set_on: vendor, or declared without a
// name in a category a visitor can withdraw), as build warnings.
func Undeletable(cats []Category) []string {
	var out []string
	for _, c := range cats {
		var names []string
		for _, k := range c.Cookies {
			if k.SetOn == "vendor" {
				names = append(names, k.Name+" ("+k.Provider+")")
			}
		}
		if len(names) > 0 {
			out = append(out, fmt.Sprintf("category %q: %s %s set on the vendor's domain (set_on: vendor), which the banner cannot delete when a visitor withdraws consent; the cookie notice should say how to remove %s (the vendor's opt-out, or the browser's settings)",
				c.ID, strings.Join(names, ", "), plural(len(names), "is", "are"), plural(len(names), "it", "them")))
		}
		// Providers are quoted: one may hold commas of its own
		// ("Facebook, Instagram, LinkedIn").
		var unnamed []string
		anonymous := false
		for _, k := range c.Cookies {
			if k.Name != "" || k.SetOn == "vendor" || c.Required {
				continue
			}
			if k.Provider == "" {
				anonymous = true
			} else if who := strconv.Quote(k.Provider); !slices.Contains(unnamed, who) {
				unnamed = append(unnamed, who)
			}
		}
		if anonymous {
			unnamed = append(unnamed, "a provider the notice does not name")
		}
		if len(unnamed) > 0 {
			out = append(out, fmt.Sprintf("category %q: the cookies of %s are declared without names, so the banner cannot delete them when a visitor withdraws consent; name them in the cookie notice",
				c.ID, joinAnd(unnamed)))
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// cookiePattern is how the banner matches a declared cookie name when it
// deletes cookies: "_ga_<container-id>" and "_ga_*" both become "_ga_*".
func cookiePattern(name string) string {
	if i := strings.IndexAny(name, "<*"); i >= 0 {
		return name[:i] + "*"
	}
	return name
}

// noticeURL makes a notice link absolute against the site's base URL:
// the banner runs on other origins.
func noticeURL(base, u string) string {
	if u == "" || base == "" {
		return u
	}
	b, err1 := url.Parse(base)
	ref, err2 := url.Parse(u)
	if err1 != nil || err2 != nil {
		return u
	}
	return b.ResolveReference(ref).String()
}

func publicURL(base, p string) string {
	if base == "" {
		return "/" + p
	}
	return strings.TrimSuffix(base, "/") + "/" + p
}

// embedHTML is consent/embed.html: the tags to paste, and how to serve
// them (docs/banner.md, "Embed it" and "Deploying", says the same at
// length). It holds r.Snippet verbatim.
func embedHTML(r Result, alias string, site string) string {
	return `<!-- notis consent banner: paste this tag into every page, in <head>.
     The file never changes, so the integrity hash can pin it. -->
` + r.Snippet + `
<!-- Pasting this whole file gives that one tag; the others below are
     commented out: use one of them INSTEAD where it fits.

  B. For pages you cannot edit after each build (an ATS or a CMS): the
     stable alias, which every build updates; no integrity.
  <script src="` + alias + `" crossorigin="anonymous" data-site="` + site + `" defer></script>

  C. Google Consent Mode with Google's gtag.js or Tag Manager snippet
     pasted ungated: load the banner FIRST and WITHOUT defer, above
     Google's snippet, so its consent default comes before any config.
  <script src="` + alias + `" crossorigin="anonymous" data-site="` + site + `"></script>
  ...then Google's snippet, unchanged.

  Serving /consent/ (Netlify, GitHub Pages, S3 with CloudFront):
  * Access-Control-Allow-Origin: * on every file under /consent/.
  * Files with a hash in their name (consent.HASH.js, consent.HASH.css,
    prefs.LANG.HASH.js, lang/LANG.HASH.json, send.HASH.js,
    placeholder.HASH.js): Cache-Control: public, max-age=31536000,
    immutable. Their bytes never change.
  * consent.js, prefs.LANG.js, lang/LANG.json, send.js, placeholder.js,
    embed.html: a short max-age (300 s, or the host's default): they
    change with each build.
  * Keep earlier builds' hashed files published. Pages and caches that
    still name them keep working; a banner that finds its dialog or texts
    gone loads the stable aliases instead.
  Step by step for each host: docs/banner.md, "Deploying". -->
`
}

// short is a content hash for file names.
func short[T string | []byte](b T) string {
	s := sha256.Sum256([]byte(b))
	return hex.EncodeToString(s[:])[:10]
}

func sri[T string | []byte](b T) string {
	s := sha512.Sum384([]byte(b))
	return "sha384-" + base64.StdEncoding.EncodeToString(s[:])
}

func gz(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// joinAnd joins items as a sentence lists them: "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
