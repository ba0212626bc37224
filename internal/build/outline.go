package build

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/render"
)

// The notice pages are rendered a notice at a time: its files in every
// language, together, so each page links its translations. A site that
// holds its notices (the preview, a build that reads the history) has
// them whole. A build that keeps outlines (Site.outlined: the load stage
// kept of each notice only what other pages show of it, so memory does
// not grow with every notice's facts, about 4 KB a notice) reads each
// notice whole again here: checks it (Options.Lint), renders its pages
// and encodes its parts of notices.json, which the writer takes in order
// as they come.

// notices renders the notice pages on all cores, a notice at a time in
// the order of their ids, writing each page as soon as it is done so
// the site is never held as HTML.
func (pr *pageRenderer) notices() error {
	s := pr.s
	groups := s.groups()
	var parents *parentCache
	if s.outlined {
		parents = &parentCache{fsys: os.DirFS(s.Dir), langs: content.Languages{Codes: s.Config.LanguageCodes(), Default: s.Config.DefaultLanguage},
			entries: map[parentKey]*parentEntry{}}
		// The index of pages by id and language serves only the parents
		// of layered notices: a site without any does not make it (at
		// 10,000 notices, 20,000 entries).
		if slices.ContainsFunc(s.Pages, func(p *content.Page) bool { return p.Notice.Extends != "" }) {
			parents.pages = make(map[parentKey]*content.Page, len(s.Pages))
			for _, p := range s.Pages {
				parents.pages[parentKey{p.Notice.ID, p.Notice.Lang}] = p
			}
		}
	}
	errs := make([]error, len(groups))
	next := make(chan int)
	progress := newProgress(pr.progress, len(groups))
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(groups)) {
		wg.Go(func() {
			var html bytes.Buffer // reused: minify copies it out
			for i := range next {
				errs[i] = pr.group(groups[i], parents, &html)
				progress.step()
			}
		})
	}
	for i := range groups {
		next <- i
	}
	close(next)
	wg.Wait()
	progress.end()
	return errors.Join(errs...)
}

// ProgressEvery is how often at most a build reports its progress.
const ProgressEvery = 100 * time.Millisecond

// progress counts rendered notices for Options.Progress, passing the
// count on at most every ProgressEvery, from one goroutine at a time.
type progress struct {
	report func(done, total int)
	total  int
	mu     sync.Mutex
	done   int
	last   time.Time
}

func newProgress(report func(done, total int), total int) *progress {
	return &progress{report: report, total: total, last: time.Now()}
}

// step counts one notice rendered.
func (p *progress) step() {
	if p.report == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if now := time.Now(); now.Sub(p.last) >= ProgressEvery && p.done < p.total {
		p.last = now
		p.report(p.done, p.total)
	}
}

// end reports the final count.
func (p *progress) end() {
	if p.report == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.report(p.done, p.total)
}

// groups are the site's pages by notice, in the order of their ids, each
// notice's in file order: slices of one sorted copy of the pages.
func (s *Site) groups() [][]*content.Page {
	pages := slices.Clone(s.Pages)
	byID := func(a, b *content.Page) int { return strings.Compare(a.Notice.ID, b.Notice.ID) }
	// Files are usually named by their ids, so the pages often come
	// sorted: checking costs a comparison a page, sorting on every
	// preview save about 0.15 ms at 2,000 pages.
	if !slices.IsSortedFunc(pages, byID) {
		slices.SortStableFunc(pages, byID)
	}
	var out [][]*content.Page
	for i := 0; i < len(pages); {
		j := i + 1
		for j < len(pages) && pages[j].Notice.ID == pages[i].Notice.ID {
			j++
		}
		out = append(out, pages[i:j:j])
		i = j
	}
	return out
}

// group renders the pages of one notice's files. In an outlined site it
// reads them whole first, checks them, and settles their parts of
// notices.json, failed or not, so the writer of notices.json never waits
// for a part that will not come.
func (pr *pageRenderer) group(pages []*content.Page, parents *parentCache, buf *bytes.Buffer) (err error) {
	s := pr.s
	if !s.outlined {
		for _, p := range pages {
			if err := pr.notice(p, p.Notice, s.ByID[p.Notice.ID], buf); err != nil {
				return err
			}
		}
		return nil
	}
	settled := 0
	defer func() {
		for _, p := range pages[settled:] {
			pr.parts[p.Notice].settle(nil, err)
		}
	}()
	whole := make([]*notice.Notice, len(pages))
	translations := make(render.Translations, len(pages))
	for i, p := range pages {
		w, err := content.Reread(parents.fsys, p, parents.langs)
		if err != nil {
			return err
		}
		n := w.Notice
		if n.Extends != "" {
			if err := content.ResolveExtends(n, parents.find); err != nil {
				return errors.Join(parents.failure(), err)
			}
		}
		whole[i], translations[n.Lang] = n, n
	}
	if pr.lint != nil {
		pr.lint.Check(s, whole)
	}
	for i, p := range pages {
		n := whole[i]
		if err := pr.notice(p, n, translations, buf); err != nil {
			return err
		}
		part, err := s.encodeNoticeJSON(n, p.Version)
		pr.parts[p.Notice].settle(part, err)
		settled++
		if err != nil {
			return err
		}
	}
	return nil
}

// jsonPartSlot is one notice's part of notices.json, which its group's
// worker settles and the writer waits for.
type jsonPartSlot struct {
	done chan struct{}
	data []byte
	err  error
}

func (j *jsonPartSlot) settle(data []byte, err error) {
	j.data, j.err = data, err
	close(j.done)
}

// newPartSlots makes a slot for every page's part of notices.json.
func newPartSlots(pages []*content.Page) map[*notice.Notice]*jsonPartSlot {
	slots := make(map[*notice.Notice]*jsonPartSlot, len(pages))
	for _, p := range pages {
		slots[p.Notice] = &jsonPartSlot{done: make(chan struct{})}
	}
	return slots
}

// outlinedPart is notices.json's part for n (an outline), as its group's
// worker encoded it from the whole notice.
func (pr *pageRenderer) outlinedPart(n *notice.Notice, _ string) ([]byte, error) {
	slot := pr.parts[n]
	<-slot.done
	if slot.err != nil {
		return nil, errSkipped
	}
	data := slot.data
	slot.data = nil // written once: not held until the build ends
	return data, nil
}

// errSkipped stands for a part of notices.json whose notice failed to
// render: the render stage reports why, once.
var errSkipped = errors.New("a notice failed to render")

// parentCache reads the parents that layered notices extend, whole and
// with their own parents resolved, once each: a main notice may be the
// parent of every other.
type parentCache struct {
	fsys  fs.FS
	langs content.Languages
	pages map[parentKey]*content.Page // the site's outlined pages; nil when none extends another

	mu      sync.Mutex
	entries map[parentKey]*parentEntry
}

type parentKey struct{ id, lang string }

type parentEntry struct {
	once sync.Once
	n    *notice.Notice
	err  error // why n could not be read again
}

// failure is why a parent could not be read again, if one could not: a
// layered notice then fails with the reason, not only with "no parent".
func (c *parentCache) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, e := range c.entries {
		errs = append(errs, e.err)
	}
	return errors.Join(errs...)
}

// find is content.ResolveExtends's lookup: the parent id in lang, whole
// and resolved, or nil when the site has none (the load stage reported
// that already).
func (c *parentCache) find(id, lang string) *notice.Notice {
	k := parentKey{id, lang}
	c.mu.Lock()
	e, ok := c.entries[k]
	if !ok {
		e = &parentEntry{}
		c.entries[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		p := c.pages[k]
		if p == nil {
			return
		}
		w, err := content.Reread(c.fsys, p, c.langs)
		if err == nil && w.Notice.Extends != "" {
			err = content.ResolveExtends(w.Notice, c.find)
		}
		if err != nil {
			e.err = err
			return
		}
		e.n = w.Notice
	})
	return e.n
}
