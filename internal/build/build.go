// Package build turns a site folder into its static output: it loads the
// config, strings and notices, renders every page in every language on all
// cores, minifies, and swaps the result into the destination atomically.
package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/i18n"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/render"
	"github.com/notis-dev/notis/internal/site"
	"github.com/notis-dev/notis/internal/widget"
)

// Options configure one build.
type Options struct {
	Source      string // the site folder (holds notis.toml)
	Destination string // output folder; relative to Source unless absolute
	BaseURL     string // overrides notis.toml's baseURL when set
	DevScript   string // live-reload script path, set by `notis serve`
	// ConsentEndpoint overrides notis.toml's [consent] endpoint when set:
	// `notis serve` points the preview's banner at its own consent server.
	ConsentEndpoint string
	// Check runs after the site is loaded and before anything is written
	// (the lint); an error fails the build, warnings are added to the result.
	Check func(*Site) (warnings []string, err error)
	// Generator names notis and its version in the output's manifest;
	// "notis" when empty.
	Generator string
}

// Site is a loaded site: everything a view of it needs.
type Site struct {
	Dir     string // the site folder
	Config  *site.Config
	FS      fs.FS // the site's files over the embedded defaults
	Strings *i18n.Bundle
	Pages   []*content.Page
	// Broken are the notices whose files parsed but held mistakes, decoded
	// as far as they could be: never rendered, but linted, so a writer
	// sees every mistake of a file in one run.
	Broken []*notice.Notice
	// ByID maps a notice id to its versions by language.
	ByID map[string]map[string]*notice.Notice
	// Warnings are problems that do not stop the build.
	Warnings []string
	history  *siteHistory // nil when the site is not in git
}

// Notices lists every notice of every language, in file order.
func (s *Site) Notices() []*notice.Notice {
	out := make([]*notice.Notice, len(s.Pages))
	for i, p := range s.Pages {
		out[i] = p.Notice
	}
	return out
}

// Load reads a site: config, strings and notices, and checks what spans
// them (cookie categories have labels; translations exist). The error
// reports every problem found, not just the first.
func Load(dir, baseURL string) (*Site, error) { return load(dir, baseURL, false) }

func load(dir, baseURL string, lean bool) (*Site, error) {
	cfg, err := site.Load(dir)
	if err != nil {
		return nil, err
	}
	if baseURL != "" {
		if err := cfg.SetBaseURL(baseURL); err != nil {
			return nil, fmt.Errorf("--baseURL: %w", err)
		}
	}
	s := &Site{Dir: dir, Config: cfg, FS: site.Overlay(os.DirFS(dir), notis.Defaults)}
	var errs []error
	s.Strings, err = i18n.LoadLayers([]fs.FS{notis.Defaults, os.DirFS(dir)}, cfg.LanguageCodes(), cfg.DefaultLanguage)
	if err != nil {
		errs = append(errs, err)
	}
	var broken []*content.Page
	s.Pages, broken, err = content.Load(os.DirFS(dir), cfg, lean)
	for _, p := range broken {
		s.Broken = append(s.Broken, p.Notice)
	}
	if err != nil {
		errs = append(errs, err)
	}
	s.index()
	errs = append(errs, s.loadHistory())
	if s.Strings != nil {
		errs = append(errs, s.checkCategories()...)
	}
	return s, errors.Join(errs...)
}

// index files the loaded pages by notice and language, and warns of every
// notice missing a translation and of cookies the banner cannot delete.
func (s *Site) index() {
	s.ByID = map[string]map[string]*notice.Notice{}
	for _, p := range s.Pages {
		n := p.Notice
		if s.ByID[n.ID] == nil {
			s.ByID[n.ID] = map[string]*notice.Notice{}
		}
		s.ByID[n.ID][n.Lang] = n
	}
	s.Warnings = nil
	for _, id := range s.IDs() {
		for _, lang := range s.Config.LanguageCodes() {
			if _, ok := s.ByID[id][lang]; !ok {
				s.Warnings = append(s.Warnings, fmt.Sprintf("notice %q has no %s translation (add content/%s.%s.md); the language switcher leaves it out", id, lang, id, lang))
			}
		}
	}
	if cfg, ok := s.BannerConfig(); ok {
		for _, w := range widget.Undeletable(cfg.Categories) {
			s.Warnings = append(s.Warnings, "consent banner: "+w)
		}
	}
}

// checkCategories makes sure every cookie's category has a label in every
// language: the banner and the page show it.
func (s *Site) checkCategories() []error {
	var errs []error
	for _, p := range s.Pages {
		n := p.Notice
		for i, c := range n.Cookies {
			key := "category." + c.Category + ".label"
			if s.Strings.Has(n.Lang, key) {
				continue
			}
			var known []string
			for k := range s.Strings.Strings(n.Lang, "category.") {
				if id, ok := strings.CutSuffix(k, ".label"); ok {
					known = append(known, id)
				}
			}
			slices.Sort(known)
			errs = append(errs, &diag.Diagnostic{Rule: diag.RuleCategory, Severity: diag.Error, Notice: n.ID, Lang: n.Lang,
				Pos: n.Pos("cookies", i, "category"), Field: notice.Path{"cookies", i, "category"}.String(),
				Message: fmt.Sprintf("found %q, want a consent category (%s)", c.Category, strings.Join(known, ", ")),
				Fix:     fmt.Sprintf("use one of them, or define [category.%s] label and description in i18n/ for every language", c.Category)})
		}
	}
	return errs
}

// IDs lists the notice ids, sorted.
func (s *Site) IDs() []string {
	ids := make([]string, 0, len(s.ByID))
	for id := range s.ByID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Result summarises a build.
type Result struct {
	PagesByLang map[string]int
	Notices     int
	Files       int
	Bytes       int64
	Warnings    []string
	Duration    time.Duration
	Destination string
	Banner      string // the banner's summary line; "" without a banner
}

// Build loads the site in opts.Source, renders it and swaps the output into
// opts.Destination. On any error the destination is left as it was; a
// *DestinationError means the destination is not one a build may replace
// (see checkPlace and checkOutput).
func Build(opts Options) (*Result, error) {
	start := time.Now()
	shown := opts.Destination
	if shown == "" {
		shown = "public"
	}
	dest := shown
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(opts.Source, dest)
	}
	dest, err := filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	if err := checkPlace(opts.Source, dest, shown); err != nil {
		return nil, err
	}
	prev, err := checkOutput(dest, shown)
	if err != nil {
		return nil, err
	}
	s, err := opts.loadLean()
	if err != nil {
		return nil, err
	}
	var warnings []string
	warnings = append(warnings, s.Warnings...)
	if opts.Check != nil {
		w, err := opts.Check(s)
		warnings = append(warnings, w...)
		if err != nil {
			return nil, err
		}
	}
	generator := opts.Generator
	if generator == "" {
		generator = "notis"
	}
	st, err := newStaging(dest, prev, generator)
	if err != nil {
		return nil, err
	}
	res := &Result{PagesByLang: map[string]int{}, Notices: len(s.ByID), Warnings: warnings, Destination: dest}
	if err := s.render(st, opts, res); err != nil {
		st.discard()
		return nil, err
	}
	if err := st.commit(); err != nil {
		st.discard()
		return nil, err
	}
	res.Warnings = append(res.Warnings, st.warnings...)
	res.Duration = time.Since(start)
	return res, nil
}

// load reads the site with the options' overrides applied.
func (opts Options) load() (*Site, error) { return opts.loadWith(false) }

// loadLean loads without holding the notices' bodies, for a one-shot Build.
func (opts Options) loadLean() (*Site, error) { return opts.loadWith(true) }

func (opts Options) loadWith(lean bool) (*Site, error) {
	s, err := load(opts.Source, opts.BaseURL, lean)
	if err != nil {
		return nil, err
	}
	if opts.ConsentEndpoint != "" {
		s.Config.Consent.Endpoint = strings.TrimSuffix(opts.ConsentEndpoint, "/")
	}
	return s, nil
}

// newMinifier sets up minification for every output type notis writes.
func newMinifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("application/javascript", js.Minify)
	m.AddFunc("application/json", json.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/xml", xml.Minify)
	return m
}

// sink receives output files: the staging folder, or memory in `notis serve`.
type sink interface {
	// write takes data; keep marks a content-addressed file later builds
	// carry over; done, if the sink calls it, hands data back for reuse
	// once the sink no longer needs it.
	write(rel string, data []byte, keep bool, done func()) error
	// create opens rel for writing in pieces; the file is complete once
	// closed.
	create(rel string) (io.WriteCloser, error)
}

// writer minifies and stages output files, counting them; safe for
// concurrent use.
type writer struct {
	st    sink
	min   *minify.M
	mu    sync.Mutex
	res   *Result
	names map[string]bool // what this writer wrote: two outputs at one path are an error
	bufs  sync.Pool       // *bytes.Buffer for minified output, back from the sink
}

func newWriter(st sink, min *minify.M, res *Result) *writer {
	return &writer{st: st, min: min, res: res, names: map[string]bool{}, bufs: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
}

// has reports whether rel has been written.
func (w *writer) has(rel string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.names[rel]
}

// put minifies data as mediaType ("" for as it is) and writes it to rel.
func (w *writer) put(rel, mediaType string, data []byte) error {
	return w.putFile(rel, mediaType, data, false)
}

// putKept writes a content-addressed file, which later builds into the
// same destination keep (see manifest).
func (w *writer) putKept(rel, mediaType string, data []byte) error {
	return w.putFile(rel, mediaType, data, true)
}

// claim records rel as written, failing when it already was.
func (w *writer) claim(rel string) error {
	w.mu.Lock()
	dup := w.names[rel]
	w.names[rel] = true
	w.mu.Unlock()
	if dup {
		return fmt.Errorf("two output files at %s", rel)
	}
	return nil
}

// stream writes rel as fill produces it, without holding it whole.
func (w *writer) stream(rel string, fill func(io.Writer) error) error {
	if err := w.claim(rel); err != nil {
		return err
	}
	f, err := w.st.create(rel)
	if err != nil {
		return err
	}
	cw := &countingWriter{w: f}
	err = fill(cw)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	w.mu.Lock()
	w.res.Files++
	w.res.Bytes += cw.n
	w.mu.Unlock()
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (w *writer) putFile(rel, mediaType string, data []byte, keep bool) error {
	if err := w.claim(rel); err != nil {
		return err
	}
	var done func()
	if mediaType != "" {
		buf := w.bufs.Get().(*bytes.Buffer)
		buf.Reset()
		if err := w.min.Minify(mediaType, buf, bytes.NewReader(data)); err != nil {
			return fmt.Errorf("minify %s: %w", rel, err)
		}
		data, done = buf.Bytes(), func() { w.bufs.Put(buf) }
	}
	if err := w.st.write(rel, data, keep, done); err != nil {
		return err
	}
	w.mu.Lock()
	w.res.Files++
	w.res.Bytes += int64(len(data))
	w.mu.Unlock()
	return nil
}

// hashed returns name with a short content hash before its extension:
// css/notis.css → css/notis.3f2a1c9e.css.
func hashed(name string, data []byte) string {
	sum := sha256.Sum256(data)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:8] + ext
}

// renderOptions points the pages at the site's fingerprinted assets and,
// when the site has one, the banner.
func renderOptions(assets map[string]string, banner *widget.Result, devScript string) render.Options {
	ropts := render.Options{
		CSS: assets["css/notis.css"], PrintCSS: assets["css/print.css"], RootScript: assets["js/language.js"],
		DevScript: devScript,
	}
	if banner != nil {
		ropts.ConsentScript = banner.Script
	}
	return ropts
}

func (s *Site) render(st sink, opts Options, res *Result) error {
	w := newWriter(st, newMinifier(), res)
	assets, err := s.writeAssets(w)
	if err != nil {
		return err
	}
	cfg, ok := s.BannerConfig()
	banner, err := s.buildBanner(w, cfg, ok)
	if err != nil {
		return err
	}
	if banner != nil {
		res.Banner = banner.Summary()
	}
	ropts := renderOptions(assets, banner, opts.DevScript)
	ropts.History = s.history != nil
	r, err := render.New(s.FS, s.Config, s.Strings, ropts)
	if err != nil {
		return err
	}
	// The site-wide files are made while the notice pages render: on a
	// large site notices.json alone would otherwise keep one core busy
	// after the other has finished.
	var siteErr error
	var siteFiles sync.WaitGroup
	siteFiles.Go(func() { siteErr = s.renderSiteFiles(r, w) })
	err = s.renderNotices(r, w, res)
	siteFiles.Wait()
	if err := errors.Join(err, siteErr); err != nil {
		return err
	}
	if err := s.writeStatic(w); err != nil {
		return err
	}
	for _, lang := range s.Config.LanguageCodes() {
		res.PagesByLang[lang]++ // its index
	}
	return nil
}

// renderSiteFiles writes what spans the notices: the site pages,
// sitemap.xml and notices.json.
func (s *Site) renderSiteFiles(r *render.Renderer, w *writer) error {
	if err := s.renderSitePages(r, w); err != nil {
		return err
	}
	if err := s.renderHistory(r, w); err != nil {
		return err
	}
	sm, err := s.sitemap()
	if err != nil {
		return err
	}
	if err := w.put("sitemap.xml", "application/xml", sm); err != nil {
		return err
	}
	// Marshalled compact: nothing to minify. Streamed: on a large site it
	// is tens of megabytes.
	return w.stream(NoticesJSON, func(out io.Writer) error { return s.writeNoticesJSON(out, nil) })
}

// renderSitePages writes the pages that are not a notice's: each
// language's index, the root page and 404.html.
func (s *Site) renderSitePages(r *render.Renderer, w *writer) error {
	for _, lang := range s.Config.LanguageCodes() {
		if err := s.renderIndex(r, w, lang); err != nil {
			return err
		}
	}
	root, err := r.Root()
	if err != nil {
		return fmt.Errorf("root page: %w", err)
	}
	if err := w.put("index.html", "text/html", root); err != nil {
		return err
	}
	nf, err := r.NotFound()
	if err != nil {
		return fmt.Errorf("404 page: %w", err)
	}
	return w.put("404.html", "text/html", nf)
}

// renderIndex writes a language's index of notices.
func (s *Site) renderIndex(r *render.Renderer, w *writer, lang string) error {
	var list []*notice.Notice
	for _, id := range s.IDs() {
		if n, ok := s.ByID[id][lang]; ok {
			list = append(list, n)
		}
	}
	page, err := r.Index(lang, list)
	if err != nil {
		return fmt.Errorf("index (%s): %w", lang, err)
	}
	return w.put(lang+"/index.html", "text/html", page)
}

// renderNotices renders every notice page on all cores, writing each as
// soon as it is done so the site is never held in memory whole.
func (s *Site) renderNotices(r *render.Renderer, w *writer, res *Result) error {
	err := s.renderPages(r, w, s.Pages)
	for _, p := range s.Pages {
		res.PagesByLang[p.Notice.Lang]++
	}
	return err
}

// renderPages renders the given notice pages on all cores: the one render
// loop, which the build runs over every page and the preview over those
// an edit touched.
func (s *Site) renderPages(r *render.Renderer, w *writer, pages []*content.Page) error {
	errs := make([]error, len(pages))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pages)) {
		wg.Go(func() {
			var html bytes.Buffer // reused: minify copies it out
			for i := range next {
				p := pages[i]
				n := p.Notice
				html.Reset()
				if err := r.NoticeTo(&html, n, p.Version, s.ByID[n.ID], s.ByID); err != nil {
					errs[i] = layoutError(n, err)
					continue
				}
				errs[i] = w.put(render.NoticePath(n.Lang, n.ID)+"index.html", "text/html", html.Bytes())
			}
		})
	}
	for i := range pages {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// writeAssets copies assets/ to the output; CSS and JS get content-hashed
// names so they can be cached forever. It returns original → output names.
func (s *Site) writeAssets(w *writer) (map[string]string, error) {
	names := map[string]string{}
	err := fs.WalkDir(s.FS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(s.FS, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "assets/")
		mediaType := map[string]string{".css": "text/css", ".js": "application/javascript", ".svg": "image/svg+xml"}[path.Ext(rel)]
		out := rel
		if mediaType == "text/css" || mediaType == "application/javascript" {
			var buf bytes.Buffer
			if err := w.min.Minify(mediaType, &buf, bytes.NewReader(data)); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			data = buf.Bytes()
			out = hashed(rel, data)
			mediaType = ""
		}
		names[rel] = out
		if out != rel {
			return w.putKept(out, mediaType, data)
		}
		return w.put(out, mediaType, data)
	})
	return names, err
}

// Categories lists the consent categories the site's strings define
// ([category.ID] label in the default language), sorted.
func (s *Site) Categories() []string {
	var cats []string
	if s.Strings == nil {
		return nil
	}
	for k := range s.Strings.Strings(s.Config.DefaultLanguage, "category.") {
		if id, ok := strings.CutSuffix(k, ".label"); ok {
			cats = append(cats, id)
		}
	}
	slices.Sort(cats)
	return cats
}

// layoutError is a notice's page that failed to render: the layout's own
// error, filed under the notice whose page it is.
func layoutError(n *notice.Notice, err error) *diag.Diagnostic {
	return &diag.Diagnostic{Rule: diag.RuleLayout, Severity: diag.Error, Notice: n.ID, Lang: n.Lang, Pos: diag.Position{File: n.File},
		Message: "its page does not render: " + err.Error(), Fix: "fix the layout the message names; compare it with notis's own layouts/"}
}
