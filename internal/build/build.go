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
	"maps"
	"net/url"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"

	"github.com/notis-dev/notis/internal/consentwire"
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
	// Lint checks the notices (notis build's lint); an error from its
	// Done fails the build before anything is swapped in, its warnings
	// are added to the result.
	Lint Linter
	// Generator names notis and its version in the output's manifest;
	// "notis" when empty.
	Generator string
	// Progress, when set, is told how many of the site's notices are
	// rendered: at most every ProgressEvery while the notice pages are
	// rendered, and once when they all are. Calls never overlap.
	Progress func(done, total int)

	// hold overrides what a build keeps of each notice (0: outlines
	// unless the history is read), for tests that compare the two ways.
	hold content.Hold
}

// Linter checks a build's notices. Check is given whole translation
// groups (a notice's files in every language, in the site's file order)
// with their facts: all of the site's notices at once before rendering
// when the build holds them, or one group at a time, from several
// goroutines at once, as each is rendered when the build keeps outlines
// (see content.Outlines). Done comes once every notice is checked, before
// the output is swapped in.
type Linter interface {
	Check(s *Site, notices []*notice.Notice)
	Done(s *Site) (warnings []string, err error)
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

	ids      []string          // ByID's keys, sorted, once asked for
	langs    []string          // the site's languages, in order (index sets it)
	langMask map[string]string // notice id → byte i is 1 when it exists in langs[i]; a site may have more languages than a word has bits
	// translationWarnings counts the Warnings, first, that index found:
	// translations that are missing; indexWarnings those and the
	// banner's that follow them. Later stages add their own (a shallow
	// history), which a reindex must not take from the last run.
	translationWarnings int
	indexWarnings       int
	banner              *bannerMemo  // BannerConfig's answer, once asked for
	history             *siteHistory // nil when the site is not in git
	opened              *openedRepo  // the site's repository, once asked for (repo)
	// outlined is set when Pages hold outlines (content.Outlines): the
	// render stage reads each notice whole again to render, list and
	// check it.
	outlined bool
}

// Has reports whether the site has a notice of that id, in any language.
func (s *Site) Has(id string) bool {
	_, ok := s.ByID[id]
	return ok
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
func Load(dir, baseURL string) (*Site, error) {
	return Options{Source: dir, BaseURL: baseURL}.loadSite(nil, nil, false)
}

// index files the loaded pages by notice and language, and warns of every
// notice missing a translation and of cookies the banner cannot delete.
func (s *Site) index() {
	s.ByID = make(map[string]map[string]*notice.Notice, len(s.Pages))
	s.ids, s.banner = nil, nil
	s.langs = s.Config.LanguageCodes()
	flags := make(map[string][]byte, len(s.Pages))
	for _, p := range s.Pages {
		n := p.Notice
		if s.ByID[n.ID] == nil {
			s.ByID[n.ID] = map[string]*notice.Notice{}
		}
		s.ByID[n.ID][n.Lang] = n
		if i := slices.Index(s.langs, n.Lang); i >= 0 {
			if flags[n.ID] == nil {
				flags[n.ID] = make([]byte, len(s.langs))
			}
			flags[n.ID][i] = 1
		}
	}
	s.langMask = make(map[string]string, len(flags))
	for id, f := range flags {
		s.langMask[id] = string(f)
	}
	s.Warnings = nil
	for _, id := range s.IDs() {
		for _, lang := range s.languages() {
			if _, ok := s.ByID[id][lang]; !ok {
				s.Warnings = append(s.Warnings, fmt.Sprintf("notice %q has no %s translation (add %s); the language switcher leaves it out", id, lang, s.translationFile(id, lang)))
			}
		}
	}
	s.translationWarnings = len(s.Warnings)
	s.bannerWarnings()
	s.indexWarnings = len(s.Warnings)
}

// reindex is index for a site whose files are those of prev's site, each
// with the same notice id and language, where only the notices in
// swapped (old → new) were read again: prev's index with their pages
// swapped, instead of filing every page of a large site on every save.
// It reports false, doing nothing, when prev does not hold those notices.
func (s *Site) reindex(prev *Site, swapped map[*notice.Notice]*notice.Notice) bool {
	byID := maps.Clone(prev.ByID)
	for old, n := range swapped {
		if byID[n.ID][n.Lang] != old {
			return false // not prev's notices: not expected, and index is right
		}
		inner := maps.Clone(byID[n.ID])
		inner[n.Lang] = n
		byID[n.ID] = inner
	}
	s.ByID = byID
	s.ids, s.langs, s.langMask, s.banner = prev.IDs(), prev.langs, prev.langMask, nil
	s.translationWarnings = prev.translationWarnings
	if prev.banner != nil && prev.Config == s.Config && prev.Strings == s.Strings && sameCookies(swapped) {
		// The banner is made from the site's settings and strings, from
		// which notices exist (the same ids and languages) and from every
		// notice's cookies: a save that changed none of these keeps the
		// last run's banner and its warnings, without going through every
		// notice's cookies again.
		s.banner = prev.banner
		s.Warnings = slices.Clone(prev.Warnings[:prev.indexWarnings])
		s.indexWarnings = prev.indexWarnings
		return true
	}
	s.Warnings = slices.Clone(prev.Warnings[:prev.translationWarnings])
	s.bannerWarnings()
	s.indexWarnings = len(s.Warnings)
	return true
}

// sameCookies reports whether every notice read again lists the cookies
// it listed before.
func sameCookies(swapped map[*notice.Notice]*notice.Notice) bool {
	for old, n := range swapped {
		if !reflect.DeepEqual(old.Cookies, n.Cookies) {
			return false
		}
	}
	return true
}

// bannerWarnings warns of the cookies the banner cannot delete, and of
// a banner whose notices do not declare the cookie it sets itself.
func (s *Site) bannerWarnings() {
	if cfg, ok := s.BannerConfig(); ok {
		for _, w := range widget.Undeletable(cfg.Categories) {
			s.Warnings = append(s.Warnings, "consent banner: "+w)
		}
	}
	for _, sc := range s.bannerScopes() {
		if !sc.ok || declaresCookie(sc.cfg.Categories, consentwire.CookieName) {
			continue
		}
		which, where := "consent banner", "the cookie notice"
		if sc.folder != "" {
			which, where = "consent banner of "+sc.folder, "the cookie notice of content/"+sc.folder+"/"
		}
		provider := "" // unknown without origins or a baseURL: left out rather than made up
		if host := s.bannerHost(); host != "" {
			provider = " provider: " + host + ","
		}
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: it sets the cookie %s to keep the visitor's choice, and no notice declares it; add to %s: - {name: %s,%s category: necessary, purpose: %s, duration: %s, third_party: false}",
			which, consentwire.CookieName, where, consentwire.CookieName, provider, consentwire.CookiePurpose, s.Config.Consent.Validity))
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
			msg := fmt.Sprintf("found %q, want a consent category (%s)", c.Category, strings.Join(known, ", "))
			fix := fmt.Sprintf("use one of them, or define [category.%s] label and description in i18n/ for every language", c.Category)
			if len(known) == 0 {
				// No category at all: the language's banner strings are
				// missing, not this one category.
				msg = fmt.Sprintf("found %q, but language %q has no consent categories: its banner strings are missing", c.Category, n.Lang)
				fix = fmt.Sprintf("add %s/banner.%s.toml beside notis.toml: a copy of banner.en.toml translated (notis's own: %s/banner.en.toml)", i18n.Dir, n.Lang, i18n.StringsURL)
			}
			errs = append(errs, &diag.Diagnostic{Rule: diag.RuleCategory, Severity: diag.Error, Notice: n.ID, Lang: n.Lang,
				Pos: n.Pos("cookies", i, "category"), Field: notice.Path{"cookies", i, "category"}.String(),
				Message: msg, Fix: fix})
		}
	}
	return errs
}

// languages is the site's languages in order, as index found them: the
// preview asks on every save for every page, and Config.LanguageCodes
// sorts a new slice each time.
func (s *Site) languages() []string {
	if s.langs == nil {
		return s.Config.LanguageCodes()
	}
	return s.langs
}

// IDs lists the notice ids, sorted. The slice is the site's own: do not
// change it.
func (s *Site) IDs() []string {
	if s.ids == nil {
		s.ids = slices.Sorted(maps.Keys(s.ByID))
	}
	return s.ids
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
	s, err := opts.loadSite(nil, nil, true) // lean: a one-shot build need not hold the prose
	if err != nil {
		return nil, err
	}
	var warnings []string
	warnings = append(warnings, s.Warnings...)
	if opts.Lint != nil && !s.outlined {
		opts.Lint.Check(s, s.Notices())
		w, err := opts.Lint.Done(s)
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
	if _, err := s.render(st, opts, res, nil); err != nil {
		st.discard()
		if opts.Lint != nil && s.outlined {
			// The lint checks an outlined site as it renders: what it
			// found before the render failed is reported all the same,
			// as a build that holds its notices reports it first.
			_, lintErr := opts.Lint.Done(s)
			err = errors.Join(err, lintErr)
		}
		return nil, err
	}
	if opts.Lint != nil && s.outlined {
		w, err := opts.Lint.Done(s)
		res.Warnings = append(res.Warnings, w...)
		if err != nil {
			st.discard()
			return nil, err
		}
	}
	if err := st.commit(); err != nil {
		st.discard()
		return nil, err
	}
	res.Warnings = append(res.Warnings, st.warnings...)
	res.Duration = time.Since(start)
	return res, nil
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
	// retain makes every minified page a slice of its own, which the
	// pipeline's cache keeps for the next run, instead of a pooled
	// buffer the sink hands back.
	retain bool
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
	_, err := w.putReturning(rel, mediaType, data, keep)
	return err
}

// putReturning is putFile returning the bytes written when the writer
// retains them (nil otherwise).
func (w *writer) putReturning(rel, mediaType string, data []byte, keep bool) ([]byte, error) {
	if err := w.claim(rel); err != nil {
		return nil, err
	}
	var done func()
	if mediaType != "" {
		var buf *bytes.Buffer
		if w.retain {
			buf = bytes.NewBuffer(make([]byte, 0, len(data)))
		} else {
			buf = w.bufs.Get().(*bytes.Buffer)
			buf.Reset()
			done = func() { w.bufs.Put(buf) }
		}
		// A *bytes.Buffer, not a bytes.Reader: the minifier reads a
		// reader with Bytes() in place instead of copying all of it.
		if err := w.min.Minify(mediaType, buf, bytes.NewBuffer(data)); err != nil {
			return nil, fmt.Errorf("minify %s: %w", rel, err)
		}
		data = buf.Bytes()
	}
	if err := w.st.write(rel, data, keep, done); err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.res.Files++
	w.res.Bytes += int64(len(data))
	w.mu.Unlock()
	if !w.retain {
		return nil, nil
	}
	return data, nil
}

// putStaged writes files a stage made, as they are.
func (w *writer) putStaged(files []staged) error {
	for _, f := range files {
		if err := w.putFile(f.rel, "", f.data, f.keep); err != nil {
			return err
		}
	}
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
// when the site has them, the banners.
func renderOptions(assets map[string]string, b *banners, devScript string) render.Options {
	ropts := render.Options{
		CSS: assets["css/notis.css"], PrintCSS: assets["css/print.css"], RootScript: assets["js/language.js"],
		DevScript: devScript,
	}
	if b.site != nil {
		ropts.ConsentScript = b.site.Script
		ropts.ConsentScripts = b.scripts()
	}
	return ropts
}

// render is the render stage: it writes every output of the loaded site
// to st, taking from c (nil: nothing cached) what has not changed, and
// returns how many pages it rendered.
func (s *Site) render(st sink, opts Options, res *Result, c *cache) (int, error) {
	w := newWriter(st, newMinifier(), res)
	pr := &pageRenderer{s: s, w: w, c: c, progress: opts.Progress}
	if c != nil {
		w.retain = true
		// Sized from the last run: growing maps of thousands of paths on
		// every save cost more than the save.
		if c.names == nil {
			c.names = make(map[string]bool, len(c.pages)+64)
		}
		clear(c.names)
		w.names = c.names
		pr.fresh = map[string]pageEntry{}
	}
	assets, err := s.stageAssets(w, c)
	if err != nil {
		return 0, err
	}
	banner, err := s.stageBanner(w, c)
	if err != nil {
		return 0, err
	}
	if banner.site != nil {
		res.Banner = banner.site.Summary()
	}
	ropts := renderOptions(assets, banner, opts.DevScript)
	ropts.History = s.history != nil
	r, gen, err := s.stageRenderer(c, ropts)
	if err != nil {
		return 0, err
	}
	pr.r, pr.gen = r, gen
	if c != nil && c.prevRendered && c.renderedGen == gen && c.checked != nil && c.checked.swapped != nil {
		pr.delta = newDelta(c.checked.swapped)
	}
	// The site-wide files are made while the notice pages render: on a
	// large site notices.json alone would otherwise keep one core busy
	// after the other has finished.
	var siteErr error
	var siteFiles sync.WaitGroup
	if s.outlined {
		pr.parts = newPartSlots(s.Pages)
	}
	siteFiles.Go(func() { siteErr = pr.siteFiles() })
	if s.outlined {
		pr.lint = opts.Lint // else it ran before the render stage
	}
	err = pr.notices()
	siteFiles.Wait()
	err = errors.Join(err, siteErr, pr.history())
	if err != nil {
		return 0, err
	}
	if c != nil {
		// The cache's pages become this run's: those it rendered, and of
		// the others those it wrote again, which are the entries it took
		// from the cache. Changing only those, after the workers are done,
		// spares a locked insert a page on every save.
		maps.Copy(c.pages, pr.fresh)
		if live := int(pr.reused.Load()) + len(pr.fresh); live < len(c.pages) {
			for rel := range c.pages { // some page is gone
				if !w.names[rel] {
					delete(c.pages, rel)
				}
			}
		}
		c.rendered, c.renderedGen = true, gen
	}
	if err := s.stageStatic(w, c); err != nil {
		return 0, err
	}
	for _, p := range s.Pages {
		res.PagesByLang[p.Notice.Lang]++
	}
	for _, lang := range s.languages() {
		res.PagesByLang[lang]++ // its index
	}
	return int(pr.rendered.Load()), nil
}

// pageRenderer renders the pages of one run of the render stage, each
// only when the cache has none made from the same inputs.
type pageRenderer struct {
	s   *Site
	r   *render.Renderer
	w   *writer
	c   *cache // nil: render every page
	gen uint64 // the renderer's generation: part of every key
	// delta is what changed since the pages in c were rendered, when
	// that is only some notices read again; nil: look at every page's key.
	delta *delta
	// parts are the parts of notices.json of an outlined site, by the
	// outline of their notice, as the workers that read them whole
	// encode them (outline.go).
	parts map[*notice.Notice]*jsonPartSlot
	lint  Linter // checks each notice as it is read whole; nil: none, or done
	// progress is Options.Progress: told as notices are rendered.
	progress func(done, total int)

	mu sync.Mutex
	// fresh are the pages this run rendered, for the cache; a page
	// taken from the cache is there already (render, at its end).
	fresh    map[string]pageEntry
	reused   atomic.Int64 // pages taken from the cache
	rendered atomic.Int64
}

// page writes the page at rel: from the cache when key matches what is
// there, else rendered by fill.
func (pr *pageRenderer) page(rel string, key func() [32]byte, fill func(*bytes.Buffer) error, buf *bytes.Buffer) error {
	return pr.file(rel, "text/html", key, fill, buf)
}

// file is page for a file of any media type.
func (pr *pageRenderer) file(rel, mediaType string, key func() [32]byte, fill func(*bytes.Buffer) error, buf *bytes.Buffer) error {
	var k [32]byte
	if pr.c != nil {
		k = key()
		if e, ok := pr.c.pages[rel]; ok && e.key == k {
			pr.reused.Add(1)
			return pr.w.put(rel, "", e.data)
		}
	}
	buf.Reset()
	if err := fill(buf); err != nil {
		return err
	}
	pr.rendered.Add(1)
	data, err := pr.w.putReturning(rel, mediaType, buf.Bytes(), false)
	if err == nil && pr.c != nil {
		pr.keepNew(rel, pageEntry{key: k, data: data})
	}
	return err
}

// keepNew records a page this run rendered, for the cache.
func (pr *pageRenderer) keepNew(rel string, e pageEntry) {
	pr.mu.Lock()
	pr.fresh[rel] = e
	pr.mu.Unlock()
}

// siteFiles writes what spans the notices: each language's index, the
// root page and 404.html, and at the same time sitemap.xml and
// notices.json. In the preview, a save that changes a summary makes the
// index (every notice's entry) the longest piece of work, which the data
// files need not wait for; in an outlined build, notices.json is written
// as the notice workers settle its parts, which the pages need not wait
// for.
func (pr *pageRenderer) siteFiles() error {
	// Both halves read the site's sorted ids, which IDs makes on first
	// use: made here, before they run, never by both at once.
	pr.s.IDs()
	var dataErr error
	var data sync.WaitGroup
	data.Go(func() { dataErr = pr.dataFiles() })
	err := pr.sitePages()
	data.Wait()
	return errors.Join(err, dataErr)
}

// sitePages writes each language's index, the root page and 404.html.
func (pr *pageRenderer) sitePages() error {
	s, r := pr.s, pr.r
	var buf bytes.Buffer
	for _, lang := range s.languages() {
		rel := lang + "/index.html"
		key := func() [32]byte {
			if e, ok := pr.c.pages[rel]; ok && pr.delta != nil && !pr.delta.index[lang] {
				return e.key // no entry it lists changed
			}
			return s.indexKey(pr.gen, lang)
		}
		err := pr.page(rel, key, func(b *bytes.Buffer) error {
			var list []*notice.Notice
			for _, id := range s.IDs() {
				if n, ok := s.ByID[id][lang]; ok {
					list = append(list, n)
				}
			}
			page, err := r.Index(lang, list)
			if err != nil {
				return err // a diagnostic at the layout's line, naming the page
			}
			b.Write(page)
			return nil
		}, &buf)
		if err != nil {
			return err
		}
	}
	site := func(rel, what string, make func() ([]byte, error)) error {
		return pr.page(rel, func() [32]byte { k := newKeyer(pr.gen); k.str(rel); return k.sum() }, func(b *bytes.Buffer) error {
			page, err := make()
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			b.Write(page)
			return nil
		}, &buf)
	}
	if err := site("index.html", "root page", r.Root); err != nil {
		return err
	}
	if err := site("404.html", "404 page", r.NotFound); err != nil {
		return err
	}
	return nil
}

// dataFiles writes sitemap.xml and notices.json.
func (pr *pageRenderer) dataFiles() error {
	s := pr.s
	if pr.parts != nil {
		// As the parts come: each is held until it is written.
		err := pr.w.stream(NoticesJSON, func(out io.Writer) error { return s.writeNoticesJSON(out, pr.outlinedPart) })
		if err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	sitemapKey := func() [32]byte {
		if e, ok := pr.c.pages["sitemap.xml"]; ok && pr.delta != nil && !pr.delta.dates {
			return e.key // the same pages, with the same dates
		}
		return s.sitemapKey(pr.gen)
	}
	var err error
	if pr.c == nil {
		err = pr.w.stream("sitemap.xml", s.writeSitemap)
	} else {
		// Written compact: nothing to minify.
		err = pr.file("sitemap.xml", "", sitemapKey, func(b *bytes.Buffer) error { return s.writeSitemap(b) }, &buf)
	}
	if err != nil {
		return err
	}
	// Marshalled compact: nothing to minify. Streamed: on a large site it
	// is tens of megabytes.
	ps, inParts := pr.w.st.(partsSink)
	if pr.parts != nil {
		return nil // written first
	}
	if pr.c == nil || !inParts {
		return pr.w.stream(NoticesJSON, func(out io.Writer) error { return s.writeNoticesJSON(out, nil) })
	}
	if parts, ok := pr.patchedNoticesJSON(); ok {
		return pr.w.putParts(ps, NoticesJSON, parts)
	}
	var parts partsWriter
	pr.c.jsonParts = nil // until written whole
	if err := pr.noticesJSON(&parts); err != nil {
		return err
	}
	pr.c.jsonParts, pr.c.jsonGen = parts.parts, pr.gen
	return pr.w.putParts(ps, NoticesJSON, parts.parts)
}

// patchedNoticesJSON is the last run's notices.json with the parts of the
// notices this save read again encoded anew, when the save kept every
// file's identity (the same notices, so the same parts in the same
// order), the renderer is the same and the site has no history (a part
// then holds only its notice, its version and what the renderer's
// generation stands for). A part is found by its bytes' address, so
// nothing depends on how the parts are laid out; when one is not found,
// it reports false and the file is made whole. On a 1,000-notice site a
// body edit otherwise looks up every notice's part: about 1 ms of CPU.
func (pr *pageRenderer) patchedNoticesJSON() ([][]byte, bool) {
	s, c, d := pr.s, pr.c, pr.delta
	if d == nil || d.swapped == nil || s.history != nil || c.jsonParts == nil || c.jsonGen != pr.gen {
		return nil, false
	}
	if len(d.swapped) == 0 {
		return c.jsonParts, true
	}
	renewed := make(map[*notice.Notice]*notice.Notice, len(d.swapped)) // new → old
	for old, n := range d.swapped {
		renewed[n] = old
	}
	byAddr := make(map[*byte][]byte, len(d.swapped)) // an old part's first byte → the new part
	next := make(map[*notice.Notice]jsonPart, len(d.swapped))
	for _, p := range s.Pages {
		old, ok := renewed[p.Notice]
		if !ok {
			continue
		}
		part, ok := c.json[old]
		if !ok || len(part.data) == 0 {
			return nil, false
		}
		data, err := s.encodeNoticeJSON(p.Notice, p.Version)
		if err != nil {
			return nil, false // made whole, the error is reported
		}
		byAddr[&part.data[0]] = data
		next[p.Notice] = jsonPart{data: data, key: part.key}
	}
	if len(next) != len(d.swapped) {
		return nil, false
	}
	parts := slices.Clone(c.jsonParts)
	found := 0
	for i, part := range parts {
		if len(part) == 0 {
			continue
		}
		if data, ok := byAddr[&part[0]]; ok {
			parts[i] = data
			found++
		}
	}
	if found != len(byAddr) {
		return nil, false
	}
	for old, n := range d.swapped {
		delete(c.json, old)
		c.json[n] = next[n]
	}
	c.jsonParts = parts
	return parts, true
}

// partsSink is a sink that can keep a file as the parts it is made of.
type partsSink interface {
	writeParts(rel string, parts [][]byte) error
}

// putParts writes rel as parts to a sink that keeps them.
func (w *writer) putParts(ps partsSink, rel string, parts [][]byte) error {
	if err := w.claim(rel); err != nil {
		return err
	}
	if err := ps.writeParts(rel, parts); err != nil {
		return err
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	w.mu.Lock()
	w.res.Files++
	w.res.Bytes += int64(n)
	w.mu.Unlock()
	return nil
}

// noticesJSON writes notices.json from each notice's encoded part, which
// the cache keeps while the notice is the one read, the renderer's
// site-level inputs are the same (its URLs, the strings of its version
// summaries) and so are its versions (a commit, or an edit of a
// translation, changes them without reading it again): the bytes the
// build writes, at a fraction of the cost on a large site.
func (pr *pageRenderer) noticesJSON(out io.Writer) error {
	s, c := pr.s, pr.c
	seen := make(map[*notice.Notice]jsonPart, len(s.Pages))
	// Without a history every part's key is the renderer's generation
	// alone: hashed once, not once for each of a large site's notices on
	// every save.
	unversioned := newKeyer(pr.gen).sum()
	err := s.writeNoticesJSON(out, func(n *notice.Notice, version string) ([]byte, error) {
		key := unversioned
		if s.history != nil {
			k := newKeyer(pr.gen)
			s.keyVersions(k, s.history.versionsIn(n.ID, n.Lang), n.Lang)
			key = k.sum()
		}
		part, ok := c.json[n]
		if !ok || part.key != key {
			data, err := s.encodeNoticeJSON(n, version)
			if err != nil {
				return nil, err
			}
			part = jsonPart{data: data, key: key}
		}
		seen[n] = part
		return part.data, nil
	})
	if err == nil {
		c.json = seen
	}
	return err
}

// notice writes the page of p, whose notice n is, whole, with its
// translations: from the cache when its inputs are those of the page
// there, else rendered.
func (pr *pageRenderer) notice(p *content.Page, n *notice.Notice, translations render.Translations, buf *bytes.Buffer) error {
	rel := render.NoticePath(n.Lang, n.ID) + "index.html"
	var in noticeInputs
	if pr.c != nil {
		e, ok := pr.c.pages[rel]
		if ok && pr.delta.keeps(p, e) {
			pr.reused.Add(1)
			return pr.w.put(rel, "", e.data)
		}
		in = pr.s.noticeInputs(pr.gen, p)
		if ok && e.inputs.equal(in) {
			pr.reused.Add(1)
			return pr.w.put(rel, "", e.data)
		}
	}
	buf.Reset()
	if err := pr.r.NoticeTo(buf, n, p.Version, translations, pr.s.ByID); err != nil {
		return layoutError(n, err)
	}
	pr.rendered.Add(1)
	data, err := pr.w.putReturning(rel, "text/html", buf.Bytes(), false)
	if err == nil && pr.c != nil {
		pr.keepNew(rel, pageEntry{inputs: in, data: data})
	}
	return err
}

// assetFiles reads assets/ and minifies it; CSS and JS get content-hashed
// names so they can be cached forever. It returns original → output names
// and the files as they are to be written.
func (s *Site) assetFiles(w *writer) (map[string]string, []staged, error) {
	names := map[string]string{}
	var files []staged
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
		if mediaType != "" {
			var buf bytes.Buffer
			if err := w.min.Minify(mediaType, &buf, bytes.NewBuffer(data)); err != nil { // read in place (see putReturning)
				return fmt.Errorf("%s: %w", p, err)
			}
			data = buf.Bytes()
		}
		if mediaType == "text/css" || mediaType == "application/javascript" {
			out = hashed(rel, data)
		}
		names[rel] = out
		files = append(files, staged{rel: out, data: data, keep: out != rel})
		return nil
	})
	return names, files, err
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
	var d *diag.Diagnostic
	if errors.As(err, &d) && d.Rule == diag.RuleLayout {
		// At its place in the layout (render), for this notice's page.
		d.Notice, d.Lang = n.ID, n.Lang
		d.Message = fmt.Sprintf("notice %q: %s", n.ID, d.Message)
		return d
	}
	return &diag.Diagnostic{Rule: diag.RuleLayout, Severity: diag.Error, Notice: n.ID, Lang: n.Lang, Pos: diag.Position{File: n.File},
		Message: "its page does not render: " + err.Error(), Fix: "fix the layout the message names; compare it with notis's own layouts/"}
}

// translationFile is where notice id's translation into lang belongs,
// beside a translation it has (content.TranslationFile).
func (s *Site) translationFile(id, lang string) string {
	for _, have := range s.languages() {
		if n := s.ByID[id][have]; n != nil && n.File != "" {
			return content.TranslationFile(n.File, lang, s.langs)
		}
	}
	return content.Dir + "/" + id + "." + lang + ".md"
}

// declaresCookie reports whether a banner's categories list the named
// cookie.
func declaresCookie(cats []widget.Category, name string) bool {
	for _, c := range cats {
		if slices.ContainsFunc(c.Cookies, func(k widget.Cookie) bool { return k.Name == name }) {
			return true
		}
	}
	return false
}

// bannerHost is the host of the pages the banner runs on, for a cookie it
// sets: the first of [consent] origins, else the site's own; "" when
// notis.toml names neither.
func (s *Site) bannerHost() string {
	for _, o := range append(slices.Clone(s.Config.Consent.Origins), s.Config.BaseURL) {
		if u, err := url.Parse(o); err == nil && u.Hostname() != "" {
			return u.Hostname()
		}
	}
	return ""
}
