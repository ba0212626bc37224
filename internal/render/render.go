// Package render turns notices into HTML pages: goldmark for the Markdown
// body, html/template layouts for everything generated from the data, so
// every value is escaped by construction. Layouts and strings come from the
// site's overlay file system (its own files over the embedded defaults).
package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/yuin/goldmark"

	"github.com/notis-dev/notis/internal/dpv"
	"github.com/notis-dev/notis/internal/i18n"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/period"
	"github.com/notis-dev/notis/internal/site"
)

// LayoutDir is the folder that holds the templates.
const LayoutDir = "layouts"

// Page kinds, each a template file in layouts/ that defines "main".
const (
	KindNotice   = "notice"
	KindIndex    = "index"
	KindRoot     = "root"
	KindNotFound = "404"
)

// Options are the per-build settings of a Renderer.
type Options struct {
	CSS           string // site-relative path of the stylesheet, e.g. "css/notis.1a2b3c.css"
	PrintCSS      string // site-relative path of the print stylesheet
	RootScript    string // site-relative path of the language chooser script
	ConsentScript string // site-relative path of the banner script; "" for none
	// ConsentScripts are the banner scripts of the organisations with one
	// of their own ([consent.notices]), by folder: their pages load it
	// instead of ConsentScript.
	ConsentScripts map[string]string
	DevScript      string // live-reload script, only in `notis serve`
	// History is set when the site's notices have versions (the site is in
	// git): every page links its feeds, every notice page its versions.
	History bool
}

// Renderer renders every kind of page in every language.
type Renderer struct {
	cfg      *site.Config
	strings  *i18n.Bundle
	md       goldmark.Markdown
	opts     Options
	basePath string                                   // "/" or "/sub/"
	tmpl     map[string]map[string]*template.Template // kind → lang → template
	bodies   sync.Pool                                // *bytes.Buffer for goldmark's output
	langs    []string                                 // the site's languages, in site order
	names    map[string]string                        // language → its name in itself
	sources  map[string]string                        // layout file → its text, for a mistake's line
}

// New parses the layouts once per language, binding the language into the
// template functions so a layout writes {{t "section.rights"}}.
func New(fsys fs.FS, cfg *site.Config, strs *i18n.Bundle, opts Options) (*Renderer, error) {
	r := &Renderer{cfg: cfg, strings: strs, md: newMarkdown(), opts: opts, basePath: cfg.BasePath(),
		bodies: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
	// Every page lists the languages: sort and name them once.
	r.langs, r.names = cfg.LanguageCodes(), map[string]string{}
	for _, lang := range r.langs {
		r.names[lang], _ = strs.T(lang, "language.name")
	}
	shared, err := readTemplates(fsys)
	if err != nil {
		return nil, err
	}
	// The layouts' text, for the line of a layout's mistake.
	r.sources = map[string]string{}
	for _, f := range shared {
		r.sources[f.name] = f.src
	}
	kinds := []string{KindNotice, KindIndex, KindRoot, KindNotFound, KindChanges, KindVersions}
	pages := map[string]string{}
	for _, kind := range kinds {
		name := path.Join(LayoutDir, kind+".html")
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		pages[kind] = string(src)
		r.sources[name] = string(src)
	}
	// The shared layouts are parsed once per language and cloned for each
	// page kind, which then adds its own layout.
	r.tmpl = map[string]map[string]*template.Template{}
	for _, kind := range kinds {
		r.tmpl[kind] = map[string]*template.Template{}
	}
	for _, lang := range r.langs {
		base := template.New("shared").Funcs(r.funcs(lang))
		for _, f := range shared {
			if _, err := base.New(f.name).Parse(f.src); err != nil {
				return nil, layoutError(err, failedParse, r.sources)
			}
		}
		for _, kind := range kinds {
			t, err := base.Clone()
			if err != nil {
				return nil, err
			}
			name := path.Join(LayoutDir, kind+".html")
			if _, err := t.New(name).Parse(pages[kind]); err != nil {
				return nil, layoutError(err, failedParse, r.sources)
			}
			r.foldStrings(t, lang)
			foldEscaped(t, path.Join(LayoutDir, "baseof.html"))
			r.tmpl[kind][lang] = t
		}
	}
	return r, nil
}

type templateFile struct{ name, src string }

// readTemplates reads the layouts shared by every page kind: baseof.html
// and every file under layouts/partials/.
func readTemplates(fsys fs.FS) ([]templateFile, error) {
	var files []templateFile
	base := path.Join(LayoutDir, "baseof.html")
	src, err := fs.ReadFile(fsys, base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", base, err)
	}
	files = append(files, templateFile{base, string(src)})
	dir := path.Join(LayoutDir, "partials")
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".html") {
			continue
		}
		name := path.Join(dir, e.Name())
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		files = append(files, templateFile{name, string(src)})
	}
	return files, nil
}

func (r *Renderer) funcs(lang string) template.FuncMap {
	s := r.strings
	return template.FuncMap{
		"t":      func(key string, args ...any) (string, error) { return s.T(lang, key, args...) },
		"has":    func(key string) bool { return s.Has(lang, key) },
		"date":   func(d notice.Date) (string, error) { return r.formatDate(lang, d) },
		"period": func(p period.Period) (string, error) { return s.Period(lang, p) },
		"cookieDuration": func(c notice.CookieDuration) (string, error) {
			if c.Session {
				return s.T(lang, "cookies.session")
			}
			if c.Period.IsZero() {
				return s.T(lang, "cookies.not_stated")
			}
			return s.Period(lang, c.Period)
		},
		"list":      func(items []string) (string, error) { return s.List(lang, items) },
		"rel":       r.rel,
		"sectionID": sectionID,
		"headingID": headingID,
		"linkify":   linkify,
		"art9Key":   Art9Key,
		"add":       func(a, b int) int { return a + b },
	}
}

// rel makes a site-relative path root-relative under the base URL's path.
func (r *Renderer) rel(p string) string { return r.basePath + strings.TrimPrefix(p, "/") }

// NoticePath is a notice's page path in a language, site-relative.
func NoticePath(lang, id string) string { return lang + "/" + id + "/" }

// Alternate is one language version of a page.
type Alternate struct {
	Lang, Name string
	Href       string // root-relative link
	Abs        string // absolute URL, for hreflang
	Current    bool
}

// Page holds what every page kind shows.
type Page struct {
	Lang, Title, SiteTitle string
	Canonical              string
	Home                   string
	Alternates             []Alternate
	Opts                   Options
	Description            string
	// BannerNotice is the cookie notice the banner links to on this page
	// when notis.toml's [consent.notices] names one for its folder; ""
	// leaves the banner's own link ([consent] notice).
	BannerNotice string
	Feeds        []Feed // Atom feeds of changes, linked from the head
}

func (r *Renderer) execute(kind, lang string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := r.executeTo(&buf, kind, lang, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (r *Renderer) executeTo(buf *bytes.Buffer, kind, lang string, data any) error {
	t := r.tmpl[kind][lang]
	if t == nil {
		return fmt.Errorf("no %s layout for language %q", kind, lang)
	}
	return layoutError(t.ExecuteTemplate(buf, path.Join(LayoutDir, "baseof.html"), data), failedPage(kind, lang), r.sources)
}

func (r *Renderer) page(lang, title, pagePath string, alts []Alternate) Page {
	return Page{
		Lang: lang, Title: title, SiteTitle: r.cfg.Languages[lang].Title,
		Canonical: r.cfg.URL(pagePath), Home: r.rel(lang + "/"),
		Alternates: alts, Opts: r.optsRel(), Feeds: r.feeds(lang),
	}
}

func (r *Renderer) optsRel() Options {
	o := r.opts
	for _, p := range []*string{&o.CSS, &o.PrintCSS, &o.RootScript, &o.ConsentScript, &o.DevScript} {
		*p = r.asset(*p)
	}
	return o
}

// asset is the link to an output file named by its site-relative path;
// an absolute path or URL stays as it is.
func (r *Renderer) asset(p string) string {
	if p != "" && !strings.HasPrefix(p, "/") && !strings.Contains(p, "://") {
		return r.rel(p)
	}
	return p
}

// alternates lists the languages a page exists in, in site order.
func (r *Renderer) alternates(current string, exists func(lang string) (string, bool)) []Alternate {
	var alts []Alternate
	for _, lang := range r.langs {
		p, ok := exists(lang)
		if !ok {
			continue
		}
		alts = append(alts, Alternate{Lang: lang, Name: r.names[lang], Href: r.rel(p), Abs: r.cfg.URL(p), Current: lang == current})
	}
	return alts
}

// Translations maps a language to that language's version of one notice.
// An alias, not a type of the view's own: the build files its notices in
// plain maps and the pages read them as they are.
type Translations = map[string]*notice.Notice

// Notice renders one notice page. all maps notice ids to their
// translations, for links to related notices.
func (r *Renderer) Notice(n *notice.Notice, version string, translations Translations, all map[string]Translations) ([]byte, error) {
	var buf bytes.Buffer
	if err := r.NoticeTo(&buf, n, version, translations, all); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// NoticeTo is Notice writing into buf, so a caller rendering thousands of
// pages can reuse one buffer instead of growing a new one for each.
func (r *Renderer) NoticeTo(buf *bytes.Buffer, n *notice.Notice, version string, translations Translations, all map[string]Translations) error {
	return r.noticeTo(buf, n, version, translations, all, r.currentHistory(n))
}

// noticeTo renders a notice page: the current one, or with h.Superseded
// set an earlier version, at its own path.
func (r *Renderer) noticeTo(buf *bytes.Buffer, n *notice.Notice, version string, translations Translations, all map[string]Translations, h *NoticeHistory) error {
	pagePath := func(lang string) string { return NoticePath(lang, n.ID) }
	if h != nil && h.Superseded != nil {
		pagePath = func(lang string) string { return VersionPath(lang, n.ID, h.Superseded.Slug) }
	}
	text, err := n.Text()
	if err != nil {
		return fmt.Errorf("%s: %w", n.File, err)
	}
	bodyBuf := r.bodies.Get().(*bytes.Buffer)
	defer r.bodies.Put(bodyBuf)
	bodyBuf.Reset()
	heads, err := renderBody(r.md, text, bodyBuf)
	if err != nil {
		return fmt.Errorf("%s: markdown: %w", n.File, err)
	}
	body := bodyBuf.String()
	alts := r.alternates(n.Lang, func(lang string) (string, bool) {
		_, ok := translations[lang]
		return pagePath(lang), ok
	})
	p := &NoticePage{
		Page:         r.page(n.Lang, n.Title, pagePath(n.Lang), alts),
		History:      h,
		N:            n,
		Version:      version,
		Body:         template.HTML(body), // goldmark output with raw HTML disabled
		BodyHeadings: heads,
	}
	p.Description = n.Summary
	if h != nil {
		p.Feeds = append(p.Feeds, r.noticeFeed(n))
	}
	p.LinkedData, err = dpv.Describe(n, p.Canonical, func(key string, args ...any) (string, error) {
		return r.strings.T(n.Lang, key, args...)
	})
	if err != nil {
		return fmt.Errorf("%s: linked data: %w", n.File, err)
	}
	p.Opts.ConsentScript, p.BannerNotice = r.bannerFor(n, all, p.Opts.ConsentScript)
	if a, ok := n.Authority.Resolve(); ok {
		p.AuthorityName, p.AuthorityAddress = a.NameIn(n.Lang), a.AddressIn(n.Lang)
		p.Authority = a
	}
	if n.Parent != nil {
		p.Parent = &Link{Title: n.Parent.Title, Href: r.rel(NoticePath(n.Parent.Lang, n.Parent.ID))}
		p.InheritedSections = inheritedSections(n, p.Sections())
	}
	for _, id := range n.Related {
		tr := all[id]
		if rel, ok := tr[n.Lang]; ok {
			p.Related = append(p.Related, Link{Title: rel.Title, Href: r.rel(NoticePath(n.Lang, id)), Abs: r.cfg.URL(NoticePath(n.Lang, id))})
		} else if rel, ok := tr[r.cfg.DefaultLanguage]; ok {
			p.Related = append(p.Related, Link{Title: rel.Title, Href: r.rel(NoticePath(r.cfg.DefaultLanguage, id)), Abs: r.cfg.URL(NoticePath(r.cfg.DefaultLanguage, id)), Lang: r.cfg.DefaultLanguage})
		}
	}
	return r.executeTo(buf, KindNotice, n.Lang, p)
}

// bannerFor is the banner script and its cookie notice link on n's page:
// the notice notis.toml's [consent.notices] names for n's folder, in n's
// language or else the default one; no banner when the entry is "".
func (r *Renderer) bannerFor(n *notice.Notice, all map[string]Translations, script string) (string, string) {
	id, ok := r.cfg.Consent.BannerNotice(n.File)
	if !ok {
		return "", ""
	}
	folder := site.Folder(n.File)
	if _, set := r.cfg.Consent.Notices[folder]; !set || script == "" {
		return script, ""
	}
	if own, ok := r.opts.ConsentScripts[folder]; ok {
		script = r.asset(own)
	}
	for _, lang := range []string{n.Lang, r.cfg.DefaultLanguage} {
		if all[id][lang] != nil {
			return script, r.cfg.URL(NoticePath(lang, id))
		}
	}
	return script, ""
}

// Link is a link to another page; Lang is set when it is in another language.
type Link struct {
	Title, Href, Lang string
	Abs               string // absolute URL, spelled out on paper
	Updated           notice.Date
	Summary           string
	// UpdatedText is "Updated 1 April 2026" (index.updated) in the page's
	// language, "" without a date: made once per date for an index of
	// thousands of notices rather than by two template calls per entry.
	UpdatedText string
}

// IndexPage is a language's list of notices.
type IndexPage struct {
	Page
	Notices []Link
	// Groups lists the notices by controller when the site has notices of
	// several; nil when all are one controller's.
	Groups []NoticeGroup
}

// NoticeGroup is one controller's notices on the index.
type NoticeGroup struct {
	Controller string
	Notices    []Link
}

// Index renders the list of notices in one language.
func (r *Renderer) Index(lang string, notices []*notice.Notice) ([]byte, error) {
	alts := r.alternates(lang, func(l string) (string, bool) { return l + "/", true })
	p := IndexPage{Page: r.page(lang, r.cfg.Languages[lang].Title, lang+"/", alts)}
	sorted := slices.Clone(notices)
	slices.SortFunc(sorted, func(a, b *notice.Notice) int { return strings.Compare(a.Title, b.Title) })
	slices.SortStableFunc(sorted, func(a, b *notice.Notice) int { return strings.Compare(a.Controller.Name, b.Controller.Name) })
	updated := map[notice.Date]string{}
	for _, n := range sorted {
		l := Link{Title: n.Title, Href: r.rel(NoticePath(lang, n.ID)), Updated: n.Updated, Summary: n.Summary}
		if !n.Updated.IsZero() {
			text, ok := updated[n.Updated]
			if !ok {
				var err error
				if text, err = r.updatedText(lang, n.Updated); err != nil {
					return nil, err
				}
				updated[n.Updated] = text
			}
			l.UpdatedText = text
		}
		p.Notices = append(p.Notices, l)
		if g := len(p.Groups); g == 0 || p.Groups[g-1].Controller != n.Controller.Name {
			p.Groups = append(p.Groups, NoticeGroup{Controller: n.Controller.Name})
		}
		p.Groups[len(p.Groups)-1].Notices = append(p.Groups[len(p.Groups)-1].Notices, l)
	}
	if len(p.Groups) < 2 {
		p.Groups = nil
	}
	return r.execute(KindIndex, lang, p)
}

// formatDate prints a date as the layouts' date func does: the day, or
// the month of a date given only to the month.
func (r *Renderer) formatDate(lang string, d notice.Date) (string, error) {
	if d.IsZero() {
		// An unstated date is never printed, not even as year 1: a layout
		// that asks for one without {{if not .X.IsZero}} fails the build.
		return "", errors.New("date: the notice states no date here; guard it with {{if not .IsZero}}")
	}
	if d.MonthOnly {
		return r.strings.Month(lang, d.Time)
	}
	return r.strings.Date(lang, d.Time)
}

// updatedText is index.updated for a date, as the date func prints it.
func (r *Renderer) updatedText(lang string, d notice.Date) (string, error) {
	date, err := r.formatDate(lang, d)
	if err != nil {
		return "", err
	}
	return r.strings.T(lang, "index.updated", "date", date)
}

// Root renders the page at "/", which sends a visitor to their language.
func (r *Renderer) Root() ([]byte, error) {
	lang := r.cfg.DefaultLanguage
	alts := r.alternates("", func(l string) (string, bool) { return l + "/", true })
	title, err := r.strings.T(lang, "root.title")
	if err != nil {
		return nil, err
	}
	p := r.page(lang, title, "", alts)
	return r.execute(KindRoot, lang, p)
}

// NotFound renders 404.html in the default language, with links to every
// language's index.
func (r *Renderer) NotFound() ([]byte, error) {
	lang := r.cfg.DefaultLanguage
	alts := r.alternates(lang, func(l string) (string, bool) { return l + "/", true })
	title, err := r.strings.T(lang, "notfound.title")
	if err != nil {
		return nil, err
	}
	return r.execute(KindNotFound, lang, r.page(lang, title, "404.html", alts))
}
