package build

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/notis-dev/notis/internal/notice"
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
	// Pages render again with the new stylesheet's name, so Rendered says
	// nothing here: what matters is that no notice changed and every
	// changed file is a stylesheet or a page linking to it.
	if c.Full || len(c.CSS) == 0 || len(c.Notices) > 0 {
		return false
	}
	for _, p := range c.Changed {
		if !strings.HasSuffix(p, ".css") && !strings.HasSuffix(p, ".html") {
			return false
		}
	}
	return true
}

// Incremental is the build pipeline with a cache, as `notis serve` runs
// it: it keeps the site built in memory and, after each edit, runs the
// pipeline again (see pipeline.go), which makes again only what read an
// input that changed. The result is the build's for the same sources, by
// construction.
type Incremental struct {
	opts Options

	mu      sync.Mutex             // serialises Update
	cache   *cache                 // read and written under mu
	s       *Site                  // the site last loaded without error, under mu
	out     *Output                // last published; under mu
	current atomic.Pointer[Output] // the same, for readers that must not wait for an Update
}

// NewIncremental builds the site in opts.Source into memory. The
// destination is ignored. An error (a broken site) still returns a
// usable Incremental: Update retries, and Output is nil until a build
// succeeds.
func NewIncremental(opts Options) (*Incremental, error) {
	inc := &Incremental{opts: opts, cache: newCache()}
	_, err := inc.Update(nil)
	return inc, err
}

// Output is the last build that succeeded, nil before the first. It
// never waits for an Update in progress.
func (inc *Incremental) Output() *Output { return inc.current.Load() }

// memSink collects output files in a map; safe for concurrent use. It
// keeps the slices it is given: every writer hands over a fresh one.
type memSink struct {
	// prev is the output the run replaces (nil: none), only read: each
	// write is compared with it as it comes, on the worker that made it,
	// rather than every file again once all are written.
	prev map[string][]byte

	mu      sync.Mutex
	files   map[string][]byte
	notices *joined  // notices.json, as its parts
	changed []string // paths whose bytes are not prev's
	inPrev  int      // paths written that prev has (the writer claims each path once)
}

// writeParts takes notices.json as the parts it is made of, without
// joining them: the parts are cached and immutable, so two builds share
// them and compare part by part, and a large site's file is joined only
// when it is read.
func (m *memSink) writeParts(rel string, parts [][]byte) error {
	if rel != NoticesJSON {
		return fmt.Errorf("%s: only %s is kept in parts", rel, NoticesJSON)
	}
	m.mu.Lock()
	m.notices = &joined{parts: parts}
	m.mu.Unlock()
	return nil
}

func (m *memSink) write(rel string, data []byte, _ bool, _ func()) error { // keeps data: never done
	old, had := m.prev[rel]
	same := had && bytes.Equal(old, data) // a kept page: the same slice, at once
	m.mu.Lock()
	m.files[rel] = data
	if had {
		m.inPrev++
	}
	if !same {
		m.changed = append(m.changed, rel)
	}
	m.mu.Unlock()
	return nil
}

// diff lists the paths whose bytes differ from prev's, sorted: those
// written with other bytes or new, notices.json when its parts differ
// from prevNotices, and those prev has that were not written.
func (m *memSink) diff(prevNotices *joined) []string {
	out := slices.Clone(m.changed)
	if !prevNotices.equal(m.notices) {
		out = append(out, NoticesJSON)
	}
	if m.inPrev < len(m.prev) { // not every earlier file was written again
		for p := range m.prev {
			if _, ok := m.files[p]; !ok {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
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
	c := inc.cache
	full := c.siteStale
	contentFiles := c.touched(changed)
	full = full || c.siteStale
	c.replaced = map[string]*fileEntry{} // for reread
	defer func() { c.replaced = nil }()  // not to hold the last run's entries
	oldAssets := c.assetNames
	s, err := inc.opts.loadSite(c, contentFiles, false)
	if err != nil {
		return nil, err
	}
	inc.s = s
	var oldFiles map[string][]byte
	var oldNotices *joined
	if inc.out != nil {
		oldFiles, oldNotices = inc.out.Files, inc.out.notices
	}
	sk := &memSink{prev: oldFiles, files: make(map[string][]byte, len(c.pages)+16)}
	rendered, err := s.render(sk, inc.opts, &Result{PagesByLang: map[string]int{}}, c)
	if err != nil {
		return nil, err
	}
	ch := &Change{Full: full, Rendered: rendered, Warnings: s.Warnings}
	if !full {
		ch.Notices = reread(c.replaced, c.files)
	}
	ch.Changed = sk.diff(oldNotices)
	for name, old := range oldAssets {
		if nu := c.assetNames[name]; nu != old && strings.HasSuffix(old, ".css") {
			if ch.CSS == nil {
				ch.CSS = map[string]string{}
			}
			base := s.Config.BasePath()
			ch.CSS[base+old] = base + nu
		}
	}
	inc.publish(sk)
	ch.Duration = time.Since(start)
	return ch, nil
}

// reread lists the ids of the notices in files that are not what they
// were (read again with other bytes, new, or gone), sorted, from the
// entries the run replaced and what they held before.
func reread(replaced, files map[string]*fileEntry) []string {
	ids := map[string]bool{}
	note := func(e *fileEntry) {
		if e != nil && e.page != nil {
			ids[e.page.Notice.ID] = true
		}
	}
	for f, old := range replaced {
		if e := files[f]; e != old {
			note(old)
			note(e)
		}
	}
	return slices.Sorted(maps.Keys(ids))
}

func (inc *Incremental) publish(sk *memSink) {
	gen := 1
	if inc.out != nil {
		gen = inc.out.Gen + 1
	}
	inc.out = &Output{Files: sk.files, Gen: gen, notices: sk.notices}
	inc.current.Store(inc.out)
}
