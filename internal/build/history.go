package build

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/history"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/noticediff"
	"github.com/notis-dev/notis/internal/render"
)

// The history stages: the load stage reads the site's git history
// (internal/history) and joins it with the work tree into each notice's
// versions; the render stage writes, beside the current pages, each
// notice's list of versions, its earlier versions as they read, what
// changed in each version, its feed, and each language's feed.

// siteHistory is every notice's versions, from the site's git history and
// its work tree.
type siteHistory struct {
	notices map[string][]*version // by notice id, oldest first; the last is the current
	dated   map[string]*history.Dated
	state   *historyState
}

// historyState is what the history keeps from one run of the pipeline to
// the next (the preview's cache): the log as of a HEAD, and the diffs
// between versions already computed.
type historyState struct {
	log   *history.Log
	langs string // the site's languages the log was read with

	mu    sync.Mutex
	diffs map[diffKey]*noticediff.Diff
}

// diffKey names a diff by the bytes of its two files (zero: none).
type diffKey struct{ from, to [32]byte }

// version is one version of a notice, in every language it had.
type version struct {
	Date    notice.Date
	Slug    string // its path segment under versions/: the date, made unique
	Commit  string // "" for the current version when the work tree is ahead of git
	Time    time.Time
	Current bool
	pages   map[string]*content.Page // by language; the current version's are the site's own
}

// readsHistory reports whether loadHistory will read a history: it is
// enabled and the site is in a git repository (or one it cannot open,
// which loadHistory reports).
func (s *Site) readsHistory() bool {
	if s.Config == nil || !s.Config.HistoryEnabled() {
		return false
	}
	_, err := s.repo()
	return !errors.Is(err, history.ErrNoRepo)
}

// repo opens the site's git repository, once for a loaded site: the
// build asks readsHistory before it loads the notices and loadHistory
// after.
func (s *Site) repo() (*history.Repo, error) {
	if s.opened == nil {
		repo, err := history.Open(s.Dir)
		s.opened = &openedRepo{repo, err}
	}
	return s.opened.repo, s.opened.err
}

// openedRepo is what history.Open said of a site's folder.
type openedRepo struct {
	repo *history.Repo
	err  error
}

// loadHistory is the load stage's history: the git log (kept in c while
// HEAD and the languages stay as they were), joined with the work tree.
// A site outside git has none and builds as one without history; a
// shallow clone is a warning.
func (s *Site) loadHistory(c *cache) error {
	if s.Config == nil || !s.Config.HistoryEnabled() {
		return nil
	}
	repo, err := s.repo()
	if errors.Is(err, history.ErrNoRepo) {
		return nil
	}
	if err != nil {
		return err
	}
	head, err := repo.Head()
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	langs := content.Languages{Codes: s.languages(), Default: s.Config.DefaultLanguage}
	key := strings.Join(langs.Codes, ",") + "/" + langs.Default
	var st *historyState
	if c != nil && c.history != nil && c.history.log.Head == head && c.history.langs == key {
		st = c.history
	} else {
		repo.Reuse(s.Pages)
		log, err := repo.Read(langs)
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		st = &historyState{log: log, langs: key, diffs: map[diffKey]*noticediff.Diff{}}
		if c != nil {
			c.history = st
		}
	}
	if st.log.Shallow != "" {
		s.Warnings = append(s.Warnings, st.log.Shallow)
	}
	h := &siteHistory{notices: map[string][]*version{}, dated: st.log.Dated, state: st}
	current := map[string]map[string]*content.Page{}
	for _, p := range s.Pages {
		if current[p.Notice.ID] == nil {
			current[p.Notice.ID] = map[string]*content.Page{}
		}
		current[p.Notice.ID][p.Notice.Lang] = p
	}
	for id, pages := range current {
		h.notices[id] = versionsOf(st.log.Versions[id], pages)
	}
	s.Warnings = append(s.Warnings, goneWarnings(st.log.Versions, current, s.Config.History.Withdrawn)...)
	s.history = h
	return nil
}

// goneWarnings are the notices the history holds and no file holds now,
// but those withdrawn lists: a file renamed (its id comes from its name)
// or deleted takes its page, its address and every earlier version off
// the site, and nothing else would say so. A file still there that says
// another notice: now was given its new id on purpose. A notice withdrawn
// that a file holds again is said too, as the list no longer tells the
// truth.
func goneWarnings(versions map[string][]*history.Version, current map[string]map[string]*content.Page, withdrawn []string) []string {
	files := map[string]bool{}
	for _, pages := range current {
		for _, p := range pages {
			files[p.Notice.File] = true
		}
	}
	var out []string
	for _, id := range slices.Sorted(maps.Keys(versions)) {
		list := versions[id]
		if current[id] != nil || slices.Contains(withdrawn, id) || len(list) == 0 {
			continue
		}
		last := list[len(list)-1]
		var had []string
		for _, lang := range slices.Sorted(maps.Keys(last.Pages)) {
			had = append(had, last.Pages[lang].Notice.File)
		}
		if slices.ContainsFunc(had, func(f string) bool { return files[f] }) {
			continue
		}
		count := "its committed version is"
		if len(list) > 1 {
			count = fmt.Sprintf("its %d committed versions are", len(list))
		}
		out = append(out, fmt.Sprintf("notice %q is in the site's history (%s, last in commit %s) and no file has it now: its page, its address and %s no longer published. If the file was renamed, give it notice: %s to keep them; if the notice was withdrawn on purpose, add it to [history] withdrawn in notis.toml",
			id, strings.Join(had, ", "), last.Short(), count, id))
	}
	for _, id := range withdrawn {
		if current[id] != nil {
			out = append(out, fmt.Sprintf("notice %q is listed in [history] withdrawn in notis.toml, and a file has it again: take it off the list", id))
		}
	}
	return out
}

// versionsOf joins a notice's committed versions and its pages as the
// work tree has them: the newest committed version is the current one
// when it has the work tree's date (its text is then the work tree's,
// saved or not); otherwise the work tree is a version of its own.
func versionsOf(committed []*history.Version, pages map[string]*content.Page) []*version {
	var date notice.Date
	for _, p := range pages {
		if u := p.Notice.Updated; date.IsZero() || u.After(date.Time) {
			date = u
		}
	}
	var out []*version
	for _, v := range committed {
		out = append(out, &version{Date: v.Date, Commit: v.Commit, Time: v.Time, pages: v.Pages})
	}
	if n := len(out); n > 0 && sameDate(out[n-1].Date, date) {
		out[n-1].Current, out[n-1].pages = true, pages
	} else {
		var t time.Time
		if n > 0 {
			t = out[n-1].Time
		}
		out = append(out, &version{Date: date, Time: t, Current: true, pages: pages})
	}
	seen := map[string]int{}
	for _, v := range out {
		slug := v.Date.String()
		if slug == "" {
			slug = "undated"
		}
		if seen[slug]++; seen[slug] > 1 {
			slug += "-" + strconv.Itoa(seen[slug])
		}
		v.Slug = slug
	}
	return out
}

func sameDate(a, b notice.Date) bool { return a.Equal(b.Time) && a.MonthOnly == b.MonthOnly }

// versionsIn lists a notice's versions that exist in a language, newest
// first.
func (h *siteHistory) versionsIn(id, lang string) []*version {
	var out []*version
	for _, v := range slices.Backward(h.notices[id]) {
		if v.pages[lang] != nil {
			out = append(out, v)
		}
	}
	return out
}

// diff is what changed in list[i] (a notice's versions in lang, newest
// first) from the version before it; computed once for each pair of
// files, and kept across the preview's runs.
func (h *siteHistory) diff(list []*version, i int, lang string) *noticediff.Diff {
	to := list[i].pages[lang]
	var from *content.Page
	var key diffKey
	key.to = to.Sum
	if i+1 < len(list) {
		from = list[i+1].pages[lang]
		key.from = from.Sum
	}
	st := h.state
	st.mu.Lock()
	d, ok := st.diffs[key]
	st.mu.Unlock()
	if ok {
		return d
	}
	if from == nil {
		d = noticediff.Compare(nil, to.Notice)
	} else {
		d = noticediff.Compare(from.Notice, to.Notice)
	}
	st.mu.Lock()
	st.diffs[key] = d
	st.mu.Unlock()
	return d
}

// summary is the one line that says what changed in list[i], in lang.
// A first version is only that: it is not compared with nothing, which
// would diff its whole text to say so. A version whose text in lang is
// the one before it, byte for byte, exists because another language's
// file changed (a translation corrected alone): it says so, not "No
// changes", which would leave the reader wondering why it is listed.
func (s *Site) summary(list []*version, i int, lang string) string {
	if first(list, i) {
		t, _ := s.Strings.T(lang, "diff.summary.first")
		return t
	}
	if otherLanguageOnly(list[i], list[i+1], lang) {
		t, _ := s.Strings.T(lang, "diff.summary.other_language")
		return t
	}
	return s.history.diff(list, i, lang).Summary(s.Strings, lang)
}

// otherLanguageOnly reports whether v differs from prev, the version
// before it in lang, only in other languages' files.
func otherLanguageOnly(v, prev *version, lang string) bool {
	if v.pages[lang].Sum != prev.pages[lang].Sum {
		return false
	}
	for l, p := range v.pages {
		if q := prev.pages[l]; l != lang && (q == nil || q.Sum != p.Sum) {
			return true
		}
	}
	return false
}

// first reports whether list[i] is a notice's first version in its
// language: it has no change page, as nothing came before it.
func first(list []*version, i int) bool { return i == len(list)-1 }

// changesElsewhere is v's change pages in the notice's languages other
// than lang, by language: a language has one when the notice is in it
// now, v holds its file and an earlier version held it too.
func (s *Site) changesElsewhere(id, lang string, v *version) map[string]string {
	all := s.history.notices[id]
	earlier := all[:max(slices.Index(all, v), 0)]
	var out map[string]string
	for _, l := range s.languages() {
		if l == lang || v.pages[l] == nil || s.ByID[id][l] == nil ||
			!slices.ContainsFunc(earlier, func(u *version) bool { return u.pages[l] != nil }) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[l] = render.ChangesPath(render.VersionPath(l, id, v.Slug))
	}
	return out
}

// changesPath is a version's change page, site-relative; "" for a first
// version.
func changesPath(lang, id string, list []*version, i int) string {
	if first(list, i) {
		return ""
	}
	return render.ChangesPath(render.VersionPath(lang, id, list[i].Slug))
}

// versionRef is where a version is and where it reads: the current
// version reads at the notice's page.
func versionRef(lang, id string, v *version) render.VersionRef {
	ref := render.VersionRef{Date: v.Date, Path: render.VersionPath(lang, id, v.Slug)}
	if v.Current {
		ref.Reads = render.NoticePath(lang, id)
	}
	return ref
}

// versionHref is where a version reads, site-relative.
func versionHref(lang, id string, v *version) string {
	if v.Current {
		return render.NoticePath(lang, id)
	}
	return render.VersionPath(lang, id, v.Slug)
}

// history is the render stage's history: for every notice in every
// language its list of versions and its feed, every earlier version's
// page, every version's change page; then each language's feed. Each
// file comes from the cache when its inputs did not change. Nothing
// without a history.
func (pr *pageRenderer) history() error {
	s := pr.s
	if s.history == nil {
		return nil
	}
	type job struct {
		id, lang string
		list     []*version
		i        int // -1: the list of versions and the feed; else list[i]'s pages
	}
	var jobs []job
	for _, id := range s.IDs() {
		for _, lang := range s.languages() {
			if s.ByID[id][lang] == nil {
				continue
			}
			list := s.history.versionsIn(id, lang)
			jobs = append(jobs, job{id, lang, list, -1})
			for i := range list {
				jobs = append(jobs, job{id, lang, list, i})
			}
		}
	}
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			var buf bytes.Buffer
			for i := range next {
				j := jobs[i]
				if j.i < 0 {
					errs[i] = errors.Join(pr.versions(j.id, j.lang, j.list, &buf), pr.feed(j.lang, j.id, &buf))
					continue
				}
				errs[i] = pr.version(j.id, j.lang, j.list, j.i, &buf)
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, lang := range s.languages() {
		if err := pr.feed(lang, "", &buf); err != nil {
			return err
		}
	}
	return nil
}

// keyVersions adds a notice's versions in a language to a key: what its
// list of versions, its feed and its summaries are made of. Every
// language's file counts: a summary says when only another changed.
func (s *Site) keyVersions(k *keyer, list []*version, lang string) {
	for _, v := range list {
		k.str(v.Slug)
		k.str(v.Commit)
		sum := v.pages[lang].Sum
		k.str(string(sum[:]))
		for _, l := range s.languages() {
			if p := v.pages[l]; p != nil && l != lang {
				k.str(l)
				k.str(string(p.Sum[:]))
			}
		}
		if v.Current {
			k.str("current")
		}
	}
}

// versions writes a notice's list of versions in a language.
func (pr *pageRenderer) versions(id, lang string, list []*version, buf *bytes.Buffer) error {
	s := pr.s
	n := s.ByID[id][lang]
	var langs []string
	for _, l := range s.languages() {
		if s.ByID[id][l] != nil {
			langs = append(langs, l)
		}
	}
	rel := render.VersionsPath(lang, id) + "index.html"
	key := func() [32]byte {
		k := newKeyer(pr.gen)
		k.str(rel)
		k.str(n.Title)
		k.str(strings.Join(langs, ","))
		s.keyVersions(k, list, lang)
		return k.sum()
	}
	return pr.page(rel, key, func(b *bytes.Buffer) error {
		entries := make([]render.VersionEntry, len(list))
		for i, v := range list {
			entries[i] = render.VersionEntry{Date: v.Date, Href: pr.r.Rel(versionHref(lang, id, v)), Summary: s.summary(list, i, lang), Current: v.Current}
			if c := changesPath(lang, id, list, i); c != "" {
				entries[i].ChangesHref = pr.r.Rel(c)
			}
		}
		page, err := pr.r.Versions(n, langs, entries)
		if err != nil {
			return layoutError(n, err)
		}
		b.Write(page)
		return nil
	}, buf)
}

// version writes list[i]'s change page (none for a first version) and,
// for an earlier version, its page as it read then.
func (pr *pageRenderer) version(id, lang string, list []*version, i int, buf *bytes.Buffer) error {
	s := pr.s
	v := list[i]
	p := v.pages[lang]
	n := p.Notice
	var err error
	if c := changesPath(lang, id, list, i); c != "" {
		err = pr.changes(id, lang, list, i, c+"index.html", buf)
	}
	if err != nil || v.Current {
		return err
	}
	rel := render.VersionPath(lang, id, v.Slug) + "index.html"
	translations := render.Translations{}
	for l, tp := range v.pages {
		translations[l] = tp.Notice
	}
	key := func() [32]byte {
		k := newKeyer(pr.gen)
		k.str(rel)
		k.str(v.Commit)
		for _, l := range s.languages() {
			if tp := v.pages[l]; tp != nil {
				k.str(l)
				k.str(string(tp.Sum[:]))
			}
		}
		for _, r := range n.Related { // the titles its links show
			for _, l := range []string{lang, s.Config.DefaultLanguage} {
				if rn := s.ByID[r][l]; rn != nil {
					k.str(l + rn.Title)
					break
				}
			}
		}
		return k.sum()
	}
	return pr.page(rel, key, func(b *bytes.Buffer) error {
		if err := pr.r.ArchivedTo(b, n, p.Version, v.Date, v.Slug, translations, s.ByID); err != nil {
			return layoutError(n, fmt.Errorf("version %s: %w", v.Slug, err))
		}
		return nil
	}, buf)
}

// changes writes what changed in list[i] from the version before it.
func (pr *pageRenderer) changes(id, lang string, list []*version, i int, changes string, buf *bytes.Buffer) error {
	s := pr.s
	v := list[i]
	n := v.pages[lang].Notice
	elsewhere := s.changesElsewhere(id, lang, v)
	key := func() [32]byte {
		k := newKeyer(pr.gen)
		k.str(changes)
		s.keyVersions(k, list[i:min(i+2, len(list))], lang)
		k.str(s.ByID[id][lang].Title) // the link to the current page
		for _, l := range s.languages() {
			k.str(elsewhere[l])
		}
		return k.sum()
	}
	return pr.page(changes, key, func(b *bytes.Buffer) error {
		if err := pr.r.ChangesTo(b, lang, n, versionRef(lang, id, list[i+1]), versionRef(lang, id, v), render.Change{
			Diff:          s.history.diff(list, i, lang),
			Summary:       s.summary(list, i, lang),
			OtherLanguage: otherLanguageOnly(v, list[i+1], lang),
			Elsewhere:     elsewhere,
		}); err != nil {
			return layoutError(n, fmt.Errorf("changes of version %s: %w", v.Slug, err))
		}
		return nil
	}, buf)
}

// atomFeed is an Atom 1.0 feed (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary *atomText  `xml:"summary"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// feed writes the Atom feed of a language's versions (id "") or of one
// notice's. Dates are the versions' own, never the build's: a feed built
// twice is the same bytes. An entry's id is the address of the version's
// own page, which it keeps once it is superseded; it links the page
// where the version reads and its change page.
func (pr *pageRenderer) feed(lang, id string, buf *bytes.Buffer) error {
	s := pr.s
	ids := s.IDs()
	self := render.FeedPath(lang)
	if id != "" {
		ids = []string{id}
		self = render.NoticeFeedPath(lang, id)
	}
	key := func() [32]byte {
		k := newKeyer(pr.gen)
		k.str(self)
		for _, nid := range ids {
			if n := s.ByID[nid][lang]; n != nil {
				k.str(nid)
				k.str(n.Title)
				s.keyVersions(k, s.history.versionsIn(nid, lang), lang)
			}
		}
		return k.sum()
	}
	return pr.file(self, "application/xml", key, func(b *bytes.Buffer) error {
		doc, err := s.feed(lang, id, ids, self)
		b.Write(doc)
		return err
	}, buf)
}

func (s *Site) feed(lang, id string, ids []string, self string) ([]byte, error) {
	home := lang + "/"
	title, err := s.Strings.T(lang, "history.feed_title", "site", s.Config.Languages[lang].Title)
	if id != "" {
		home = render.NoticePath(lang, id)
		title, err = s.Strings.T(lang, "history.notice_feed_title", "title", s.ByID[id][lang].Title)
	}
	if err != nil {
		return nil, err
	}
	type dated struct {
		t     time.Time
		id    string
		entry atomEntry
	}
	var entries []dated
	for _, nid := range ids {
		if s.ByID[nid][lang] == nil {
			continue
		}
		list := s.history.versionsIn(nid, lang)
		for i, v := range list {
			n := v.pages[lang].Notice
			t := v.Date.Time
			if v.Date.IsZero() {
				t = v.Time // an undated version is dated by its commit
			}
			label := v.Date.String()
			if d, err := s.dateIn(lang, v.Date); err == nil && d != "" {
				label = d
			}
			et, err := s.Strings.T(lang, "history.entry_title", "title", n.Title, "date", label)
			if err != nil {
				return nil, err
			}
			e := atomEntry{
				ID: s.Config.URL(render.VersionPath(lang, nid, v.Slug)), Title: et, Updated: atomTime(t),
				Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: s.Config.URL(versionHref(lang, nid, v))}},
			}
			if c := changesPath(lang, nid, list, i); c != "" {
				e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", Href: s.Config.URL(c)})
			}
			if sum := s.summary(list, i, lang); sum != "" {
				e.Summary = &atomText{Type: "text", Text: sum}
			}
			entries = append(entries, dated{t, nid, e})
		}
	}
	slices.SortStableFunc(entries, func(a, b dated) int {
		if c := b.t.Compare(a.t); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	feed := atomFeed{
		Lang: lang, ID: s.Config.URL(self), Title: title, Updated: atomTime(time.Unix(0, 0)),
		Author: atomPerson{Name: s.Config.Languages[lang].Title},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.Config.URL(self)},
			{Rel: "alternate", Type: "text/html", Href: s.Config.URL(home)},
		},
	}
	if len(entries) > 0 {
		feed.Updated = entries[0].entry.Updated
	}
	for _, e := range entries {
		feed.Entries = append(feed.Entries, e.entry)
	}
	return xmlDocument(feed)
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// dateIn prints a date as the pages do.
func (s *Site) dateIn(lang string, d notice.Date) (string, error) {
	switch {
	case d.IsZero():
		return "", nil
	case d.MonthOnly:
		return s.Strings.Month(lang, d.Time)
	}
	return s.Strings.Date(lang, d.Time)
}

// VersionJSON is one version of a notice in notices.json.
type VersionJSON struct {
	Date    string `json:"date"`
	URL     string `json:"url"`
	Changes string `json:"changes,omitempty"` // the address of what changed in it; none for the first version
	Current bool   `json:"current,omitempty"`
	Commit  string `json:"commit,omitempty"`
	Summary string `json:"summary,omitempty"`
}

// versionsJSON is a notice's versions in a language for notices.json,
// newest first; nil without a history.
func (s *Site) versionsJSON(n *notice.Notice) []VersionJSON {
	if s.history == nil {
		return nil
	}
	list := s.history.versionsIn(n.ID, n.Lang)
	out := make([]VersionJSON, len(list))
	for i, v := range list {
		out[i] = VersionJSON{Date: v.Date.String(), URL: s.Config.URL(versionHref(n.Lang, n.ID, v)),
			Current: v.Current, Commit: v.Commit, Summary: s.summary(list, i, n.Lang)}
		if c := changesPath(n.Lang, n.ID, list, i); c != "" {
			out[i].Changes = s.Config.URL(c)
		}
	}
	return out
}

// Dated gives the lint (history.undated-change) each notice file as the
// commit that set its current date had it, with that commit's short hash
// and subject; nil when the site has no history.
func (s *Site) Dated() func(file string) (*notice.Notice, string) {
	if s.history == nil {
		return nil
	}
	return func(file string) (*notice.Notice, string) {
		d := s.history.dated[file]
		if d == nil {
			return nil, ""
		}
		return d.Page.Notice, fmt.Sprintf("%s, %q", d.Commit[:min(7, len(d.Commit))], d.Subject)
	}
}

// Dated is Site.Dated for the preview's current site, so its lint finds
// an undated edit as soon as it is saved.
func (inc *Incremental) Dated() func(file string) (*notice.Notice, string) {
	inc.mu.Lock()
	defer inc.mu.Unlock()
	if inc.s == nil {
		return nil
	}
	return inc.s.Dated()
}
