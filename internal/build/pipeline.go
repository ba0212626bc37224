package build

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/i18n"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/render"
	"github.com/notis-dev/notis/internal/site"
)

// The build is one pipeline of stages, which `notis build` and `notis
// serve` both run:
//
//	load    config, strings, layouts  →  content files, parsed  →  the checks
//	        that span files (content.CheckSite, checkCategories)
//	render  assets  →  banner  →  renderer  →  notice pages, indexes, root,
//	        404  →  sitemap, notices.json  →  static/
//
// A build runs it once with no cache. The preview keeps a cache, whose
// every entry is keyed by the inputs it was made from, and runs the whole
// pipeline again after each edit: a stage whose inputs did not change
// hands over what it made last time instead of making it again. The
// output is therefore the build's by construction, not by a second
// implementation kept equal to it.

// cache is what one run of the pipeline keeps for the next. A nil *cache
// keeps nothing: every stage does its work.
type cache struct {
	// Stale inputs, set from the paths an edit touched and cleared when
	// the stage that reads them has succeeded, so a fix after a failed
	// run redoes all the failure left undone.
	siteStale, assetsStale, widgetStale bool

	// Site-level inputs: config, strings, layouts and defaults; gen
	// counts their reloads.
	cfg     *site.Config
	strings *i18n.Bundle
	fsys    fs.FS
	gen     uint64

	files map[string]*fileEntry // content file → what it held when last read
	// replaced holds, for each content file the current run changed in
	// files (set or deleted, only through setFile), what it held before
	// the run (nil: nothing); made anew by each run that asks (Update).
	replaced map[string]*fileEntry
	known    bool      // files lists every content file (a walk happened)
	misnamed diag.List // the last walk's files not read for their names (content.Walk)
	// checked is the last run's pages as content.Sort split them, when it
	// found no mistake in any file: a save that changes no file's
	// identity (notice id, language, related notices, parent) takes them
	// and their index instead of checking and filing every page again.
	checked *checkedContent

	assets       []staged // assets/, minified, as the last run wrote them
	assetNames   map[string]string
	assetsOK     bool
	banners      *banners
	bannerScopes []bannerScope
	bannerValid  bool // banners and bannerScopes are of a run that succeeded
	static       []staged
	staticErrs   []error
	staticOK     bool

	renderer    *render.Renderer
	rendererKey rendererKey
	rendererGen uint64 // counts renderers; part of every page's key

	pages map[string]pageEntry        // output path → the page rendered there last
	names map[string]bool             // the writer's paths of a run: cleared and reused by the next
	json  map[*notice.Notice]jsonPart // each notice's part of notices.json
	// jsonParts is notices.json as the last run of the render stage
	// wrote it, in parts, with its renderer's generation; nil when that
	// run did not write it.
	jsonParts [][]byte
	jsonGen   uint64

	history *historyState // the site's git history as of a HEAD, and its diffs

	// rendered is set when a run's render stage succeeds, with the
	// generation of its renderer, and cleared when the next run starts:
	// prevRendered tells a run whether pages holds the last run's pages.
	rendered, prevRendered bool
	renderedGen            uint64
}

// delta is what a run of the pipeline changed since the last, when it
// read some notices again and each kept its identity (see sameIdentity)
// and the renderer is the same: a page that shows none of what changed
// is the last run's, without computing its key.
type delta struct {
	titles  map[string]bool // notice ids whose title changed, in any language
	index   map[string]bool // languages where an index entry changed
	dates   bool            // some notice's updated date changed (the sitemap)
	swapped map[*notice.Notice]*notice.Notice
}

func newDelta(swapped map[*notice.Notice]*notice.Notice) *delta {
	d := &delta{titles: map[string]bool{}, index: map[string]bool{}, swapped: swapped}
	for old, n := range swapped {
		if old.Title != n.Title {
			d.titles[n.ID] = true
		}
		// What indexKey reads.
		if old.Title != n.Title || old.Summary != n.Summary || !sameDate(old.Updated, n.Updated) || old.Controller.Name != n.Controller.Name {
			d.index[n.Lang] = true
		}
		if !sameDate(old.Updated, n.Updated) {
			d.dates = true
		}
	}
	return d
}

// keeps reports whether the notice page e, rendered from p, is this
// run's: p was not read again, and no notice it links to changed its
// title. A nil delta keeps nothing.
func (d *delta) keeps(p *content.Page, e pageEntry) bool {
	if d == nil || e.inputs.page != p {
		return false
	}
	if len(d.titles) == 0 {
		return true // a body edit: no title to look for among every page's links
	}
	for _, id := range p.Notice.Related {
		if d.titles[id] {
			return false
		}
	}
	return true
}

// checkedContent is a site's content that content.Sort found no mistake
// in, and the site loaded from it.
type checkedContent struct {
	ok      []*content.Page
	at      map[string]int // content file → its page's index in ok
	layered bool           // some page of ok extends another
	site    *Site          // the site loaded from ok: its index; nil until loaded
	// swapped maps each notice a save read again to its new self, when
	// the save kept every file's identity; nil after a full check.
	swapped map[*notice.Notice]*notice.Notice
}

// checkedSite is c's checked content; nil for no cache.
func (c *cache) checkedSite() *checkedContent {
	if c == nil {
		return nil
	}
	return c.checked
}

// sameIdentity reports whether a file read again still says what the
// checks that span files and the site's index read of it: the same
// notice id and language, related notices, and no parent on either side.
func sameIdentity(old, nu *fileEntry) bool {
	if old == nil || nu == nil || old.page == nil || nu.page == nil || old.err != nil || nu.err != nil {
		return false
	}
	a, b := old.page.Notice, nu.page.Notice
	return a.ID == b.ID && a.Lang == b.Lang && a.File == b.File && a.Extends == "" && b.Extends == "" && slices.Equal(a.Related, b.Related)
}

// jsonPart is a notice's part of notices.json, and the key of what it
// holds besides the notice: the renderer's generation and its versions.
type jsonPart struct {
	data []byte
	key  [32]byte
}

// fileEntry is one content file as last read.
type fileEntry struct {
	sum  [32]byte
	page *content.Page // nil when the front matter did not parse
	err  error
	// src is kept only for a notice that extends another: it takes its
	// parent's facts into itself, so when the parent changes it is
	// parsed again from these bytes.
	src []byte
}

// pageEntry is a rendered page and the key of all it read: a hash, or
// for a notice page its inputs.
type pageEntry struct {
	key    [32]byte
	inputs noticeInputs
	data   []byte
}

// staged is one output file made by a stage, as written.
type staged struct {
	rel  string
	data []byte
	keep bool
}

// rendererKey is what a renderer is made from besides the site-level
// inputs.
type rendererKey struct {
	gen  uint64
	opts render.Options
}

func newCache() *cache {
	return &cache{siteStale: true, assetsStale: true, widgetStale: true, files: map[string]*fileEntry{}, pages: map[string]pageEntry{}}
}

// touched marks the inputs behind the given source paths (slash paths
// relative to the site folder) as stale, and returns the content files
// among them.
func (c *cache) touched(paths []string) (contentFiles []string) {
	for _, p := range paths {
		p = path.Clean(strings.TrimPrefix(p, "./"))
		top, _, _ := strings.Cut(p, "/")
		switch {
		case p == site.FileName || top == "layouts" || top == "i18n" || top == StaticDir:
			c.siteStale = true
		case top == "assets":
			c.assetsStale = true
		case top == "widget":
			c.widgetStale = true
		case top == content.Dir:
			contentFiles = append(contentFiles, p)
		}
	}
	return contentFiles
}

// loadSite is the load stage: it reads the site in opts.Source, taking
// from c what has not changed since it was read (changed names the
// content files an edit touched). lean loads notices without their
// bodies, or only their outlines, for a one-shot build.
// The error reports every problem found, not just the first.
func (opts Options) loadSite(c *cache, changed []string, lean bool) (*Site, error) {
	s := &Site{Dir: opts.Source}
	if c != nil {
		c.prevRendered, c.rendered = c.rendered, false
	}
	reloaded := false
	if c == nil || c.siteStale || c.cfg == nil {
		cfg, err := site.LoadInSite(opts.Source)
		if err != nil {
			return nil, err
		}
		if opts.BaseURL != "" {
			if err := cfg.SetBaseURL(opts.BaseURL); err != nil {
				return nil, fmt.Errorf("--baseURL: %w", err)
			}
		}
		if opts.ConsentEndpoint != "" {
			cfg.Consent.Endpoint = strings.TrimSuffix(opts.ConsentEndpoint, "/")
		}
		strs, err := i18n.LoadLayers([]fs.FS{notis.Defaults, os.DirFS(opts.Source)}, cfg.LanguageCodes(), cfg.DefaultLanguage)
		s.Config, s.Strings, s.FS = cfg, strs, site.Overlay(os.DirFS(opts.Source), notis.Defaults)
		if err != nil {
			return nil, err
		}
		reloaded = true
		if c != nil {
			if c.cfg == nil || !slices.Equal(c.cfg.LanguageCodes(), cfg.LanguageCodes()) || c.cfg.DefaultLanguage != cfg.DefaultLanguage {
				c.files, c.known = map[string]*fileEntry{}, false // a file's language comes from the site's
			}
			c.cfg, c.strings, c.fsys = cfg, strs, s.FS
			c.gen++
			c.siteStale = false
			c.staticOK = false
		}
	} else {
		s.Config, s.Strings, s.FS = c.cfg, c.strings, c.fsys
	}
	var errs []error
	var broken []*content.Page
	var err error
	if c == nil {
		// A build holds a site that fits content.WholeBudget whole. A
		// larger one keeps each notice's outline and reads it whole
		// again to render it, so its memory does not grow with every
		// notice's facts, for the CPU of reading each file twice
		// (docs/build.md). One that reads the history holds its notices
		// whole: it joins each with its earlier versions.
		hold := content.Whole
		switch {
		case !lean:
		case opts.hold != content.Whole:
			hold = opts.hold
		case s.readsHistory():
			hold = content.Lean
		default:
			hold = content.OutlinesIfLarge
		}
		var held content.Hold
		s.Pages, broken, held, err = content.Load(os.DirFS(opts.Source), s.Config, hold)
		s.outlined = held == content.Outlines
	} else {
		s.Pages, broken, err = c.content(opts.Source, s.Config, changed, reloaded)
	}
	for _, p := range broken {
		s.Broken = append(s.Broken, p.Notice)
	}
	if err != nil {
		errs = append(errs, err)
	}
	if k := c.checkedSite(); k == nil || k.swapped == nil || k.site == nil || !s.reindex(k.site, k.swapped) {
		s.index()
	}
	if k := c.checkedSite(); k != nil {
		k.site = s
	}
	errs = append(errs, s.loadHistory(c))
	if s.Strings != nil {
		errs = append(errs, s.checkCategories()...)
	}
	errs = append(errs, s.checkBannerNotices())
	if s.outlined {
		// Past the checks that place their findings, an outline is read
		// for what other pages show: its body and the places of its
		// fields come with the whole notice the render stage reads.
		for _, p := range s.Pages {
			p.Notice.Origin = nil
		}
	}
	return s, errors.Join(errs...)
}

// content is the cached half of the load stage for content/: it reads
// again only the files an edit named (all of them after the site-level
// inputs were reloaded, and any the cache has not seen), walking
// content/ only when a file may have appeared or gone, and then runs the
// checks that span files over the whole site, as content.Load does.
func (c *cache) content(dir string, cfg *site.Config, changed []string, reloaded bool) (ok, broken []*content.Page, err error) {
	// A content file is kept with what it held; the split into ok and
	// broken pages and the checks that span files are content.Sort's,
	// as in content.Load.
	fsys := os.DirFS(dir)
	todo := map[string]bool{}
	walk := !c.known || reloaded
	for _, f := range changed {
		if _, known := c.files[f]; known {
			todo[f] = true
		} else {
			walk = true // a new file, or a folder: the walk finds what it holds
		}
	}
	if walk {
		files, misnamed, err := content.Walk(fsys, content.Dir)
		c.misnamed = misnamed
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil, fmt.Errorf("%s/: no such folder; notices live in %s/NAME.LANG.md", content.Dir, content.Dir)
			}
			return nil, nil, err
		}
		present := make(map[string]bool, len(files))
		for _, f := range files {
			present[f] = true
			if _, known := c.files[f]; !known || reloaded {
				todo[f] = true
			}
		}
		for f := range c.files {
			if !present[f] {
				c.setFile(f, nil)
				delete(todo, f)
			}
		}
		c.known = true
	}
	langs := content.Languages{Codes: cfg.LanguageCodes(), Default: cfg.DefaultLanguage}
	names := slices.Sorted(maps.Keys(todo))
	pages, errs := content.Read(fsys, names, langs, content.Whole)
	// same holds while every file read again keeps its identity: then
	// the checks that span files find what they found last time.
	same := c.checked != nil && !walk
	swapped := map[*notice.Notice]*notice.Notice{}
	for i, f := range names {
		if errors.Is(errs[i], fs.ErrNotExist) {
			c.setFile(f, nil) // went between the walk (or the edit) and the read
			same = false
			continue
		}
		e := &fileEntry{page: pages[i], err: errs[i]}
		if pages[i] != nil {
			e.sum = pages[i].Sum
			if old := c.files[f]; old != nil && old.page != nil && old.sum == e.sum && old.err == nil && e.err == nil {
				continue // saved without a change: keep the page, and every key that names it
			}
			if pages[i].Notice.Extends != "" {
				e.src, _ = fs.ReadFile(fsys, f)
				if sum := sha256.Sum256(e.src); sum != e.sum {
					e.src = nil // changed again since: the next edit's read takes it
				}
			}
		}
		if old := c.files[f]; same && sameIdentity(old, e) {
			swapped[old.page.Notice] = e.page.Notice
		} else {
			same = false
		}
		c.setFile(f, e)
	}
	// A site without layered notices has no parent chain to go stale; a
	// save that kept every file's identity added none (sameIdentity).
	if (!same || c.checked.layered) && c.refreshLayered(fsys, langs) {
		same = false
	}
	if same {
		ok := slices.Clone(c.checked.ok)
		for f := range todo {
			e := c.files[f]
			i, found := c.checked.at[f]
			if e == nil || e.page == nil || !found {
				same = false // not expected: check the whole site instead
				break
			}
			ok[i] = e.page
		}
		if same {
			c.checked = &checkedContent{ok: ok, at: c.checked.at, layered: c.checked.layered, site: c.checked.site, swapped: swapped}
			return ok, nil, c.misnamedErr()
		}
	}
	files := slices.Sorted(maps.Keys(c.files))
	all := make([]*content.Page, len(files))
	perFile := make([]error, len(files))
	for i, f := range files {
		all[i], perFile[i] = c.files[f].page, c.files[f].err
	}
	ok, broken, err = content.Sort(all, perFile)
	c.checked = nil
	if err == nil && len(broken) == 0 {
		at := make(map[string]int, len(ok))
		layered := false
		for i, p := range ok {
			at[p.Notice.File] = i
			layered = layered || p.Notice.Extends != ""
		}
		c.checked = &checkedContent{ok: ok, at: at, layered: layered}
	}
	if m := c.misnamedErr(); m != nil {
		err = errors.Join(m, err)
	}
	return ok, broken, err
}

// misnamedErr is the last walk's files that look like notices and are not
// read as ones (content.Walk), as an error; nil when there are none.
func (c *cache) misnamedErr() error {
	if len(c.misnamed) == 0 {
		return nil
	}
	return c.misnamed
}

// setFile sets (or, given nil, deletes) a content file's entry, noting
// in replaced, when the run keeps that log, what the file held before.
func (c *cache) setFile(f string, e *fileEntry) {
	if c.replaced != nil {
		if _, noted := c.replaced[f]; !noted {
			c.replaced[f] = c.files[f]
		}
	}
	if e == nil {
		delete(c.files, f)
	} else {
		c.files[f] = e
	}
}

// refreshLayered parses again every layered notice whose parent chain is
// not the one it took its facts from, so CheckSite gives it the current
// parent's.
func (c *cache) refreshLayered(fsys fs.FS, langs content.Languages) (refreshed bool) {
	var byKey map[noticeKey]*notice.Notice // made when a layered notice needs it
	for f, e := range c.files {
		if e.page == nil || e.page.Notice.Parent == nil {
			continue
		}
		if byKey == nil {
			byKey = c.byKey()
		}
		stale := false
		for cur := e.page.Notice; cur.Parent != nil; cur = cur.Parent {
			if byKey[noticeKey{cur.Extends, cur.Lang}] != cur.Parent {
				stale = true
				break
			}
		}
		if !stale {
			continue
		}
		if e.src == nil {
			// Read when its bytes were not those parsed: read it again.
			if src, err := fs.ReadFile(fsys, f); err == nil {
				e.src = src
			}
		}
		p, err := content.Parse(f, e.src, langs)
		c.setFile(f, &fileEntry{sum: sha256.Sum256(e.src), page: p, err: err, src: e.src})
		refreshed = true
	}
	return refreshed
}

// noticeKey names a notice in a language.
type noticeKey struct{ id, lang string }

// byKey files the parsed notices by id and language.
func (c *cache) byKey() map[noticeKey]*notice.Notice {
	m := make(map[noticeKey]*notice.Notice, len(c.files))
	for _, e := range c.files {
		if e.page != nil {
			m[noticeKey{e.page.Notice.ID, e.page.Notice.Lang}] = e.page.Notice
		}
	}
	return m
}

// stageAssets is the assets stage: assets/ minified, CSS and JS under
// content-hashed names. It returns original → output names.
func (s *Site) stageAssets(w *writer, c *cache) (map[string]string, error) {
	if c != nil && !c.assetsStale && c.assetsOK {
		return c.assetNames, w.putStaged(c.assets)
	}
	names, files, err := s.assetFiles(w)
	if err != nil {
		return nil, err
	}
	if c != nil {
		c.assets, c.assetNames, c.assetsOK, c.assetsStale = files, names, true, false
	}
	return names, w.putStaged(files)
}

// stageBanner is the banner stage: the bundles are made again only when
// their configurations or the widget's sources changed.
func (s *Site) stageBanner(w *writer, c *cache) (*banners, error) {
	scopes := s.bannerScopes()
	if c != nil && c.bannerValid && !c.widgetStale && reflect.DeepEqual(scopes, c.bannerScopes) {
		return c.banners, w.putBanners(c.banners)
	}
	b, err := s.buildBanners(scopes)
	if err != nil {
		return nil, err
	}
	if err := w.putBanners(b); err != nil {
		return nil, err
	}
	if c != nil {
		c.banners, c.bannerScopes, c.bannerValid, c.widgetStale = b, scopes, true, false
	}
	return b, nil
}

// stageRenderer makes the renderer, or hands over the last one when
// nothing it is made from changed.
func (s *Site) stageRenderer(c *cache, ropts render.Options) (*render.Renderer, uint64, error) {
	if c != nil && c.renderer != nil && reflect.DeepEqual(c.rendererKey, rendererKey{c.gen, ropts}) {
		return c.renderer, c.rendererGen, nil
	}
	r, err := render.New(s.FS, s.Config, s.Strings, ropts)
	if err != nil {
		return nil, 0, err
	}
	if c == nil {
		return r, 0, nil
	}
	c.renderer, c.rendererKey = r, rendererKey{c.gen, ropts}
	c.rendererGen++
	return r, c.rendererGen, nil
}

// stageStatic reads static/ once per reload of the site-level inputs.
func (s *Site) stageStatic(w *writer, c *cache) error {
	if c != nil && c.staticOK {
		return errors.Join(append(slices.Clone(c.staticErrs), w.putStatic(c.static))...)
	}
	files, errs, err := s.staticFiles()
	if err != nil {
		return err
	}
	if c != nil {
		c.static, c.staticErrs, c.staticOK = files, errs, true
	}
	return errors.Join(append(errs, w.putStatic(files))...)
}

// keyer builds a cache key: fields written with their lengths, so no two
// sequences of fields give one key by accident, hashed at the end.
type keyer struct{ b []byte }

func newKeyer(gen uint64) *keyer {
	k := &keyer{b: make([]byte, 0, 256)}
	k.uint(gen)
	return k
}

func (k *keyer) uint(v uint64) { k.b = binary.LittleEndian.AppendUint64(k.b, v) }

func (k *keyer) str(v string) {
	k.uint(uint64(len(v)))
	k.b = append(k.b, v...)
}

// date adds a date without formatting it: the keys of the preview's
// indexes and sitemap take one for every page on every save.
func (k *keyer) date(d notice.Date) {
	k.uint(uint64(d.Unix()))
	if d.MonthOnly {
		k.uint(1)
	} else {
		k.uint(0)
	}
}

func (k *keyer) sum() [32]byte { return sha256.Sum256(k.b) }

// noticeInputs is the key of a notice page: everything render.NoticeTo
// reads. The parsed file stands for its bytes and for the facts it took
// from the notices it extends (a page is parsed again when its bytes or
// a parent change, and kept otherwise); then the languages it exists in
// (the language switcher), whether the banner's cookie notice for its
// folder exists in its language or the default one, and the titles of
// its related notices, in its language or the default one. Compared field by field: on a large site
// hashing every page's key on every save cost more than the save.
type noticeInputs struct {
	gen     uint64
	page    *content.Page
	langs   string   // byte i is 1: the notice exists in the site's i-th language
	banner  uint8    // the banner's cookie notice exists: bit 0 in the page's language, bit 1 in the default one
	related []string // per related id: its title in the page's language, or "\x00" and the default language's, or "\x00\x00" for none
}

func (a noticeInputs) equal(b noticeInputs) bool {
	return a.gen == b.gen && a.page == b.page && a.langs == b.langs && a.banner == b.banner && slices.Equal(a.related, b.related)
}

func (s *Site) noticeInputs(gen uint64, p *content.Page) noticeInputs {
	n := p.Notice
	in := noticeInputs{gen: gen, page: p, langs: s.langMask[n.ID]}
	if id, ok := s.Config.Consent.BannerNotice(n.File); ok {
		for i, lang := range []string{n.Lang, s.Config.DefaultLanguage} {
			if s.ByID[id][lang] != nil {
				in.banner |= 1 << i
			}
		}
	}
	for _, id := range n.Related {
		tr := s.ByID[id]
		switch rel, def := tr[n.Lang], tr[s.Config.DefaultLanguage]; {
		case rel != nil:
			in.related = append(in.related, rel.Title)
		case def != nil:
			in.related = append(in.related, "\x00"+def.Title)
		default:
			in.related = append(in.related, "\x00\x00")
		}
	}
	return in
}

// indexKey is the key of a language's index: what render.Index reads of
// each notice in the language.
func (s *Site) indexKey(gen uint64, lang string) [32]byte {
	k := newKeyer(gen)
	k.b = slices.Grow(k.b, 128*len(s.IDs())) // grown once, not doubled a dozen times
	k.str(lang)
	for _, id := range s.IDs() {
		if n, ok := s.ByID[id][lang]; ok {
			k.str(n.ID)
			k.str(n.Title)
			k.str(n.Summary)
			k.date(n.Updated)
			k.str(n.Controller.Name)
		}
	}
	return k.sum()
}

// partsWriter keeps each write as a part of its own, without copying:
// notices.json's fragments are cached and immutable, so two versions of
// it share them and compare part by part.
type partsWriter struct{ parts [][]byte }

func (p *partsWriter) Write(b []byte) (int, error) {
	p.parts = append(p.parts, b)
	return len(b), nil
}

func (p *partsWriter) WriteString(s string) (int, error) { return p.Write([]byte(s)) }

func (p *partsWriter) WriteByte(c byte) error {
	p.parts = append(p.parts, everyByte[c:c+1:c+1]) // parts are never written to: one shared byte
	return nil
}

// everyByte holds each byte value at its own index.
var everyByte = func() (b [256]byte) {
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

// sitemapKey is the key of sitemap.xml: what Site.sitemap reads.
func (s *Site) sitemapKey(gen uint64) [32]byte {
	k := newKeyer(gen)
	k.b = slices.Grow(k.b, 64*len(s.IDs())*len(s.languages()))
	for _, id := range s.IDs() {
		k.str(id)
		for _, lang := range s.languages() {
			if n, ok := s.ByID[id][lang]; ok {
				k.str(lang)
				k.date(n.Updated)
			}
		}
		k.uint(0)
	}
	return k.sum()
}
