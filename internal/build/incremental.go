package build

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tdewolff/minify/v2"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/render"
	"github.com/notis-dev/notis/internal/site"
	"github.com/notis-dev/notis/internal/widget"
)

// Output is one complete, immutable build held in memory: output path
// (as under public/, forward slashes) to bytes. `notis serve` serves it;
// a new build replaces it whole, so a reader never sees half a site.
type Output struct {
	Files map[string][]byte // every file but notices.json
	Gen   int               // counts the builds published, from 1
	// notices.json is joined from per-notice parts when first read: on a
	// large site it is megabytes, and an edit should not wait for it.
	notices *joined
}

// NoticesJSON is the path of the notices' data file.
const NoticesJSON = "notices.json"

// joined is a file made of parts, joined once on first read.
type joined struct {
	parts [][]byte
	once  sync.Once
	data  []byte
}

func (j *joined) bytes() []byte {
	j.once.Do(func() {
		n := 0
		for _, p := range j.parts {
			n += len(p)
		}
		j.data = make([]byte, 0, n)
		for _, p := range j.parts {
			j.data = append(j.data, p...)
		}
	})
	return j.data
}

func (j *joined) equal(k *joined) bool {
	if j == k {
		return true
	}
	if j == nil || k == nil || len(j.parts) != len(k.parts) {
		return false
	}
	for i := range j.parts {
		if !bytes.Equal(j.parts[i], k.parts[i]) {
			return false
		}
	}
	return true
}

// File returns one output file.
func (o *Output) File(name string) ([]byte, bool) {
	if name == NoticesJSON && o.notices != nil {
		return o.notices.bytes(), true
	}
	data, ok := o.Files[name]
	return data, ok
}

// All returns every output file, notices.json included.
func (o *Output) All() map[string][]byte {
	all := maps.Clone(o.Files)
	if o.notices != nil {
		all[NoticesJSON] = o.notices.bytes()
	}
	return all
}

// Change says what one Update did, for the live-reload message and the
// terminal.
type Change struct {
	Full     bool              // everything was reloaded and rendered
	Changed  []string          // output paths written or removed, sorted
	CSS      map[string]string // stylesheets renamed, old → new root-relative path
	Rendered int               // pages rendered
	Notices  []string          // ids of the notices re-read, sorted; nil with Full: every notice
	Warnings []string
	Duration time.Duration
}

// CSSOnly reports whether only stylesheets (and the links to them)
// changed, so open pages can swap their stylesheets instead of reloading.
func (c *Change) CSSOnly() bool {
	if c.Full || len(c.CSS) == 0 || c.Rendered > 0 {
		return false
	}
	for _, p := range c.Changed {
		if !strings.HasSuffix(p, ".css") && !strings.HasSuffix(p, ".html") {
			return false
		}
	}
	return true
}

// Incremental keeps a site built in memory and brings it up to date after
// edits, redoing only what an edit can affect: one notice re-renders its
// own pages, its translations' (the language switcher), the pages that
// link to it, its language's index, notices.json and the sitemap; an
// asset or the widget is redone alone and the links to it swapped; only
// notis.toml, layouts/ and i18n/ reload and render everything. The result
// is byte for byte what Build writes for the same sources.
type Incremental struct {
	opts Options

	mu      sync.Mutex             // serialises Update
	out     *Output                // last published; read and written under mu
	current atomic.Pointer[Output] // the same, for readers that must not wait for an Update

	ok       bool // the state below is of a site that loaded
	s        *Site
	r        *render.Renderer
	ropts    render.Options
	assets   map[string]string // asset → output name
	banner   *widget.Result
	bannerOK bool
	bcfg     widget.Config
	min      *minify.M

	pages   map[string]*content.Page  // content file → parsed page (files that parse)
	srcSum  map[string][32]byte       // content file → hash of the bytes last read
	fileErr map[string]error          // content files that do not parse
	jsonOf  map[*notice.Notice][]byte // each notice's part of notices.json
	notices *joined                   // notices.json of the build being made

	// What is out of date since the last published build; kept across
	// failed updates so the fix re-renders everything the breakage touched.
	full, assetsDirty, widgetDirty bool
	dirty                          dirt
}

// dirt is what content edits made out of date.
type dirt struct {
	any     bool               // notices.json
	pages   map[[2]string]bool // id, lang: that page itself
	ids     map[string]bool    // notices that appeared, went or moved: all their pages and the pages linking to them
	titles  map[string]bool    // notices whose title changed: the pages linking to them
	langs   map[string]bool    // language indexes
	sitemap bool
}

func newDirt() dirt {
	return dirt{pages: map[[2]string]bool{}, ids: map[string]bool{}, titles: map[string]bool{}, langs: map[string]bool{}}
}

// noticeIDs lists the notices whose files changed, sorted.
func (d *dirt) noticeIDs() []string {
	ids := maps.Clone(d.ids)
	for p := range d.pages {
		ids[p[0]] = true
	}
	return slices.Sorted(maps.Keys(ids))
}

// mark records what changes when a content file's page goes from a to b
// (nil when the file is new, gone or broken).
func (d *dirt) mark(a, b *content.Page) {
	d.any = true
	if a == nil || b == nil || a.Notice.ID != b.Notice.ID || a.Notice.Lang != b.Notice.Lang {
		for _, p := range []*content.Page{a, b} {
			if p != nil {
				d.ids[p.Notice.ID] = true
				d.langs[p.Notice.Lang] = true
			}
		}
		d.sitemap = true
		return
	}
	n, m := a.Notice, b.Notice
	d.pages[[2]string{m.ID, m.Lang}] = true
	if n.Title != m.Title {
		d.titles[m.ID] = true
	}
	updated := !n.Updated.Equal(m.Updated.Time)
	if n.Title != m.Title || n.Summary != m.Summary || updated {
		d.langs[m.Lang] = true
	}
	if updated {
		d.sitemap = true
	}
}

// NewIncremental builds the site in opts.Source into memory. The
// destination is ignored. An error (a broken site) still returns a
// usable Incremental: Update retries, and Output is nil until a build
// succeeds.
func NewIncremental(opts Options) (*Incremental, error) {
	inc := &Incremental{opts: opts, full: true}
	_, err := inc.Update(nil)
	return inc, err
}

// Output is the last build that succeeded, nil before the first. It
// never waits for an Update in progress.
func (inc *Incremental) Output() *Output { return inc.current.Load() }

// memSink collects output files in a map; safe for concurrent use. It
// keeps the slices it is given: every writer hands over a fresh one.
type memSink struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memSink) write(rel string, data []byte, _ bool, _ func()) error { // keeps data: never done
	m.mu.Lock()
	m.files[rel] = data
	m.mu.Unlock()
	return nil
}

func (m *memSink) create(rel string) (io.WriteCloser, error) {
	return &memFile{sink: m, rel: rel}, nil
}

// memFile is a file of a memSink being written.
type memFile struct {
	bytes.Buffer
	sink *memSink
	rel  string
}

func (f *memFile) Close() error { return f.sink.write(f.rel, f.Bytes(), false, nil) }

// Notices returns every language's version of the notices with these
// ids (every notice when ids is nil), in file order, for checks such as
// the lint. Updates replace notices rather than change them, so the
// caller may read them at leisure.
func (inc *Incremental) Notices(ids []string) []*notice.Notice {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	if inc.s == nil {
		return nil
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	var out []*notice.Notice
	for _, p := range inc.s.Pages {
		if ids == nil || want[p.Notice.ID] {
			out = append(out, p.Notice)
		}
	}
	return out
}

// Categories lists the site's consent categories, as Site.Categories.
func (inc *Incremental) Categories() []string {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	if inc.s == nil {
		return nil
	}
	return inc.s.Categories()
}

// Update brings the build up to date after the named source files
// (slash paths relative to the source folder) changed, appeared or
// disappeared. On an error the published output stays as it was.
func (inc *Incremental) Update(changed []string) (*Change, error) {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	start := time.Now()
	var contentFiles []string
	for _, p := range changed {
		p = path.Clean(strings.TrimPrefix(p, "./"))
		top, _, _ := strings.Cut(p, "/")
		switch {
		case p == site.FileName || top == "layouts" || top == "i18n" || top == "static":
			inc.full = true
		case top == "assets":
			inc.assetsDirty = true
		case top == "widget":
			inc.widgetDirty = true
		case top == content.Dir:
			contentFiles = append(contentFiles, p)
		}
	}
	var ch *Change
	var err error
	if inc.full || !inc.ok {
		ch, err = inc.rebuild()
	} else {
		ch, err = inc.update(contentFiles)
	}
	if err != nil {
		return nil, err
	}
	ch.Duration = time.Since(start)
	return ch, nil
}

// rebuild loads and renders everything.
func (inc *Incremental) rebuild() (*Change, error) {
	inc.full = true
	s, err := inc.opts.load()
	if err != nil {
		return nil, err
	}
	inc.s, inc.ok = s, true
	inc.pages, inc.srcSum, inc.fileErr = map[string]*content.Page{}, map[string][32]byte{}, map[string]error{}
	for _, p := range s.Pages {
		inc.pages[p.Notice.File] = p
		inc.srcSum[p.Notice.File] = p.Sum // of the bytes load parsed, not a second read
	}
	inc.jsonOf = map[*notice.Notice][]byte{}
	sk := &memSink{files: map[string][]byte{}}
	w := newWriter(sk, newMinifier(), &Result{PagesByLang: map[string]int{}})
	inc.min = w.min
	if inc.assets, err = s.writeAssets(w); err != nil {
		inc.ok = false
		return nil, err
	}
	if err := inc.bundle(w); err != nil {
		inc.ok = false
		return nil, err
	}
	if err := inc.newRenderer(); err != nil {
		inc.ok = false
		return nil, err
	}
	n, err := inc.renderAll(w)
	if err != nil {
		inc.ok = false
		return nil, err
	}
	if err := inc.writeData(w, true); err != nil {
		inc.ok = false
		return nil, err
	}
	if err := s.writeStatic(w); err != nil {
		inc.ok = false
		return nil, err
	}
	ch := &Change{Full: true, Rendered: n, Warnings: s.Warnings}
	var oldFiles map[string][]byte
	var oldNotices *joined
	if inc.out != nil {
		oldFiles, oldNotices = inc.out.Files, inc.out.notices
	}
	ch.Changed = diff(oldFiles, sk.files, oldNotices, inc.notices)
	inc.publish(sk.files)
	inc.full, inc.assetsDirty, inc.widgetDirty = false, false, false
	inc.dirty = newDirt()
	return ch, nil
}

// bundle builds the banner into w and remembers its config.
func (inc *Incremental) bundle(w *writer) error {
	cfg, ok := inc.s.BannerConfig()
	b, err := inc.s.buildBanner(w, cfg, ok)
	if err != nil {
		return err
	}
	inc.banner, inc.bannerOK, inc.bcfg = b, ok, cfg
	return nil
}

func (inc *Incremental) newRenderer() error {
	ropts := renderOptions(inc.assets, inc.banner, inc.opts.DevScript)
	r, err := render.New(inc.s.FS, inc.s.Config, inc.s.Strings, ropts)
	if err != nil {
		return err
	}
	inc.r, inc.ropts = r, ropts
	return nil
}

// renderAll renders every page, as Site.render does, from the loaded site.
func (inc *Incremental) renderAll(w *writer) (int, error) {
	s := inc.s
	if err := s.renderNotices(inc.r, w, w.res); err != nil {
		return 0, err
	}
	if err := s.renderSitePages(inc.r, w); err != nil {
		return 0, err
	}
	return len(s.Pages) + len(s.Config.Languages) + 2, nil
}

// writeData writes notices.json and, when asked, the sitemap (which
// only lists pages and their dates). notices.json is put together from
// each notice's JSON, cached until the notice changes: the bytes Build's
// single json.Marshal of the document makes, at a fraction of the cost
// on a large site.
func (inc *Incremental) writeData(w *writer, sitemap bool) error {
	s := inc.s
	if sitemap {
		sm, err := s.sitemap()
		if err != nil {
			return err
		}
		if err := w.put("sitemap.xml", "application/xml", sm); err != nil {
			return err
		}
	}
	// notices.json is kept as its parts, each notice's fragment cached
	// until the notice changes, and joined when first read.
	seen := make(map[*notice.Notice][]byte, len(s.Pages))
	var parts partsWriter
	err := s.writeNoticesJSON(&parts, func(n *notice.Notice, version string) ([]byte, error) {
		frag, ok := inc.jsonOf[n]
		if !ok {
			var err error
			if frag, err = s.encodeNoticeJSON(n, version); err != nil {
				return nil, err
			}
		}
		seen[n] = frag
		return frag, nil
	})
	if err != nil {
		return err
	}
	inc.jsonOf = seen
	inc.notices = &joined{parts: parts.parts}
	return nil
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
	_, err := p.Write([]byte{c})
	return err
}

func (inc *Incremental) publish(files map[string][]byte) {
	gen := 1
	if inc.out != nil {
		gen = inc.out.Gen + 1
	}
	inc.out = &Output{Files: files, Gen: gen, notices: inc.notices}
	inc.current.Store(inc.out)
}

// update applies edits to content, assets and the widget to the loaded
// site.
func (inc *Incremental) update(contentFiles []string) (*Change, error) {
	s := inc.s
	if len(contentFiles) > 0 {
		if err := inc.readContent(contentFiles); err != nil {
			return nil, err
		}
	}
	if len(inc.fileErr) > 0 {
		var errs []error
		for _, f := range slices.Sorted(maps.Keys(inc.fileErr)) {
			errs = append(errs, inc.fileErr[f])
		}
		return nil, errors.Join(errs...)
	}
	contentDirty := inc.dirty.any
	if contentDirty {
		if err := inc.relink(); err != nil {
			return nil, err
		}
	}
	ch := &Change{Warnings: s.Warnings, Notices: inc.dirty.noticeIDs()}
	if !contentDirty && !inc.assetsDirty && !inc.widgetDirty {
		return ch, nil
	}
	files := maps.Clone(inc.out.Files)
	sk := &memSink{files: files}
	w := newWriter(sk, inc.min, &Result{PagesByLang: map[string]int{}})
	renames := map[string]string{}
	assets, banner, bannerOK, bcfg := inc.assets, inc.banner, inc.bannerOK, inc.bcfg
	if inc.assetsDirty {
		var err error
		if assets, err = inc.redoAssets(w, files, renames); err != nil {
			return nil, err
		}
	}
	all := false
	if cfg, ok := s.BannerConfig(); inc.widgetDirty || ok != bannerOK || !reflect.DeepEqual(cfg, bcfg) {
		if banner != nil {
			for _, f := range banner.Files {
				delete(files, f.Path)
			}
		}
		b, err := s.buildBanner(w, cfg, ok)
		if err != nil {
			return nil, err
		}
		switch {
		case (b == nil) != (banner == nil):
			all = true // the banner appeared or went: every page's buttons change
		case b != nil && b.Script != banner.Script:
			renames[banner.Script] = b.Script
		}
		banner, bannerOK, bcfg = b, ok, cfg
	}
	ropts := renderOptions(assets, banner, inc.opts.DevScript)
	r := inc.r
	if ropts != inc.ropts {
		var err error
		if r, err = render.New(s.FS, s.Config, s.Strings, ropts); err != nil {
			return nil, err
		}
	}
	// Pages not re-rendered below get the renamed links swapped in place.
	if len(renames) > 0 && !all {
		if !swapRefs(files, inc.s.Config.BasePath(), renames) {
			all = true
		}
	}
	// The pages of notices that went.
	for id := range inc.dirty.ids {
		for _, lang := range s.Config.LanguageCodes() {
			if _, ok := s.ByID[id][lang]; !ok {
				delete(files, render.NoticePath(lang, id)+"index.html")
			}
		}
	}
	prevR := inc.r
	inc.r = r
	rendered := 0
	var err error
	if all {
		rendered, err = inc.renderAll(w)
	} else if contentDirty {
		rendered, err = inc.renderDirty(w)
	}
	if err == nil && contentDirty {
		err = inc.writeData(w, all || inc.dirty.sitemap)
	}
	if err != nil {
		inc.r = prevR
		return nil, err
	}
	inc.assets, inc.ropts, inc.banner, inc.bannerOK, inc.bcfg = assets, ropts, banner, bannerOK, bcfg
	ch.Rendered = rendered
	ch.Changed = diff(inc.out.Files, files, inc.out.notices, inc.notices)
	for old, nu := range renames {
		if strings.HasSuffix(old, ".css") {
			if ch.CSS == nil {
				ch.CSS = map[string]string{}
			}
			ch.CSS[inc.s.Config.BasePath()+old] = inc.s.Config.BasePath() + nu
		}
	}
	inc.publish(files)
	inc.assetsDirty, inc.widgetDirty = false, false
	inc.dirty = newDirt()
	return ch, nil
}

// readContent re-reads the named content files and finds files that
// appeared or went, marking the notices they hold as dirty.
func (inc *Incremental) readContent(changed []string) error {
	fsys := os.DirFS(inc.opts.Source)
	// An edit to files already known needs no walk of content/ (on a
	// large site the walk costs more than the rest of the update).
	walk := false
	for _, f := range changed {
		if _, known := inc.srcSum[f]; !known {
			walk = true
		} else if _, err := fs.Stat(fsys, f); err != nil {
			walk = true
		}
	}
	forget := func(f string) {
		inc.dirty.mark(inc.pages[f], nil)
		delete(inc.pages, f)
		delete(inc.srcSum, f)
		delete(inc.fileErr, f)
	}
	todo := map[string]bool{}
	for _, f := range changed {
		if _, known := inc.srcSum[f]; known {
			todo[f] = true
		}
	}
	if walk {
		files, err := content.Find(fsys, content.Dir)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s/: no such folder; notices live in %s/NAME.LANG.md", content.Dir, content.Dir)
			}
			return err
		}
		present := make(map[string]bool, len(files))
		for _, f := range files {
			present[f] = true
			if _, known := inc.srcSum[f]; !known {
				todo[f] = true
			}
		}
		for f := range inc.srcSum {
			if !present[f] {
				forget(f)
				delete(todo, f)
			}
		}
	}
	langs := content.Languages{Codes: inc.s.Config.LanguageCodes(), Default: inc.s.Config.DefaultLanguage}
	for f := range todo {
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				forget(f)
				continue
			}
			return err
		}
		sum := sha256.Sum256(src)
		if old, ok := inc.srcSum[f]; ok && old == sum {
			continue
		}
		inc.srcSum[f] = sum
		p, err := content.Parse(f, src, langs)
		if err != nil {
			p = nil
			inc.fileErr[f] = err
		} else {
			delete(inc.fileErr, f)
		}
		inc.dirty.mark(inc.pages[f], p)
		if p == nil {
			delete(inc.pages, f)
		} else {
			inc.pages[f] = p
		}
	}
	return nil
}

// relink rebuilds the site's page list and index from the parsed files
// and checks what spans files, as Load does.
func (inc *Incremental) relink() error {
	s := inc.s
	if len(inc.dirty.ids) == 0 {
		// Only edits in place: the same files hold the same notices, so
		// no notice is defined twice and only the edited ones can link to
		// a notice that does not exist (a failed update keeps its dirt).
		// Checking just those keeps a save on a large site cheap.
		var edited []*notice.Notice
		for i, p := range s.Pages {
			np := inc.pages[p.Notice.File]
			if np != p {
				s.Pages[i] = np
				s.ByID[np.Notice.ID][np.Notice.Lang] = np.Notice
			}
			if inc.dirty.pages[[2]string{np.Notice.ID, np.Notice.Lang}] {
				edited = append(edited, np.Notice)
			}
		}
		errs := s.checkCategories()
		for _, n := range edited {
			errs = append(errs, content.CheckRelated(n, func(id string) bool { return s.ByID[id] != nil }))
		}
		return errors.Join(errs...)
	}
	s.Pages = s.Pages[:0]
	for _, f := range slices.Sorted(maps.Keys(inc.pages)) {
		s.Pages = append(s.Pages, inc.pages[f])
	}
	s.index()
	return errors.Join(append([]error{content.CheckSite(s.Pages)}, s.checkCategories()...)...)
}

// renderDirty renders the pages that depend on the dirty notices: their
// own pages in every language, the pages that link to them, and the
// indexes of the languages they were or are in.
func (inc *Incremental) renderDirty(w *writer) (int, error) {
	s := inc.s
	var todo []*content.Page
	for _, p := range s.Pages {
		n := p.Notice
		d := &inc.dirty
		if d.ids[n.ID] || d.pages[[2]string{n.ID, n.Lang}] || slices.ContainsFunc(n.Related, func(id string) bool { return d.ids[id] || d.titles[id] }) {
			todo = append(todo, p)
		}
	}
	var langs []string
	for _, lang := range s.Config.LanguageCodes() {
		if inc.dirty.langs[lang] {
			langs = append(langs, lang)
		}
	}
	// Pages and indexes render side by side: on a large site an index,
	// listing every notice, costs more than a notice page.
	errs := make([]error, len(langs)+1)
	var wg sync.WaitGroup
	for i, lang := range langs {
		wg.Go(func() { errs[i] = s.renderIndex(inc.r, w, lang) })
	}
	errs[len(langs)] = s.renderPages(inc.r, w, todo)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return len(todo) + len(langs), nil
}

// redoAssets rewrites assets/ into files and records renamed outputs.
func (inc *Incremental) redoAssets(w *writer, files map[string][]byte, renames map[string]string) (map[string]string, error) {
	for _, out := range inc.assets {
		delete(files, out)
	}
	assets, err := inc.s.writeAssets(w)
	if err != nil {
		return nil, err
	}
	for name, old := range inc.assets {
		if nu, ok := assets[name]; ok && nu != old {
			renames[old] = nu
		}
	}
	return assets, nil
}

// swapRefs replaces the quoted root-relative links to renamed files in
// every page. It reports false when a page holds a link it cannot account
// for, and then the caller renders the pages instead.
func swapRefs(files map[string][]byte, base string, renames map[string]string) bool {
	type pair struct{ old, nu []byte }
	var ps []pair
	for old, nu := range renames {
		ps = append(ps, pair{[]byte(`"` + base + old + `"`), []byte(`"` + base + nu + `"`)})
	}
	out := map[string][]byte{}
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		d := data
		for _, p := range ps {
			switch bytes.Count(d, p.old) {
			case 0:
			case 1:
				d = bytes.Replace(d, p.old, p.nu, 1)
			default:
				return false
			}
		}
		if len(d) != len(data) || !bytes.Equal(d, data) {
			out[name] = d
		}
	}
	maps.Copy(files, out)
	return true
}

// diff lists the paths whose bytes differ between two builds.
func diff(a, b map[string][]byte, an, bn *joined) []string {
	var out []string
	if !an.equal(bn) {
		out = append(out, NoticesJSON)
	}
	for p, d := range b {
		if old, ok := a[p]; !ok || !bytes.Equal(old, d) {
			out = append(out, p)
		}
	}
	for p := range a {
		if _, ok := b[p]; !ok {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
