package build

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/history"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/render"
)

// siteHistory is every notice's versions, from the site's git history and
// its work tree: the stages of the build that read it write each notice's
// list of versions, its earlier versions, its feed and the language feeds.
type siteHistory struct {
	notices map[string][]*version // by notice id, oldest first; the last is the current
	dated   map[string]*history.Dated
}

// version is one version of a notice, in every language it had.
type version struct {
	Date    notice.Date
	Slug    string // its path segment under versions/: the date, made unique
	Commit  string // "" for the current version when the work tree is ahead of git
	Time    time.Time
	Current bool
	pages   map[string]*content.Page // by language; the current version's are the site's own
}

// loadHistory reads the site's history from git. A site outside git has
// none and builds as one without history; a shallow clone is a warning.
func (s *Site) loadHistory() error {
	if !s.Config.HistoryEnabled() {
		return nil
	}
	repo, err := history.Open(s.Dir)
	if errors.Is(err, history.ErrNoRepo) {
		return nil
	}
	if err != nil {
		return err
	}
	log, err := repo.Read(content.Languages{Codes: s.Config.LanguageCodes(), Default: s.Config.DefaultLanguage})
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if log.Shallow != "" {
		s.Warnings = append(s.Warnings, log.Shallow)
	}
	h := &siteHistory{notices: map[string][]*version{}, dated: log.Dated}
	current := map[string]map[string]*content.Page{}
	for _, p := range s.Pages {
		if current[p.Notice.ID] == nil {
			current[p.Notice.ID] = map[string]*content.Page{}
		}
		current[p.Notice.ID][p.Notice.Lang] = p
	}
	for id, pages := range current {
		h.notices[id] = versionsOf(log.Versions[id], pages)
	}
	s.history = h
	return nil
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

// summary is the one line that says what changed in a version, in its
// language: the notice's own change log entry of that date when it has
// one, "first published" for its first version.
func (s *Site) summary(v *version, lang string, first bool) string {
	n := v.pages[lang].Notice
	for _, c := range n.Changes {
		if sameDate(c.Date, v.Date) {
			return c.Summary
		}
	}
	if first {
		t, _ := s.Strings.T(lang, "history.first")
		return t
	}
	return ""
}

// versionHref is where a version reads: the notice page for the current
// version, its own page for an earlier one.
func versionHref(lang, id string, v *version) string {
	if v.Current {
		return render.NoticePath(lang, id)
	}
	return render.VersionPath(lang, id, v.Slug)
}

// renderHistory writes the history stages' files: each notice's list of
// versions, its earlier versions as they read, its feed, and each
// language's feed. Nothing without a history.
func (s *Site) renderHistory(r *render.Renderer, w *writer) error {
	if s.history == nil {
		return nil
	}
	type job struct {
		id, lang string
		v        *version // nil: the notice's list of versions and feed
	}
	var jobs []job
	for _, id := range s.IDs() {
		for _, lang := range s.Config.LanguageCodes() {
			if s.ByID[id][lang] == nil {
				continue
			}
			jobs = append(jobs, job{id: id, lang: lang})
			for _, v := range s.history.versionsIn(id, lang) {
				if !v.Current {
					jobs = append(jobs, job{id, lang, v})
				}
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
				if j.v == nil {
					errs[i] = s.renderVersions(r, w, j.id, j.lang)
					continue
				}
				buf.Reset()
				errs[i] = s.renderArchived(r, w, &buf, j.id, j.lang, j.v)
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
	for _, lang := range s.Config.LanguageCodes() {
		if err := s.writeFeed(w, lang, ""); err != nil {
			return err
		}
	}
	return nil
}

// renderVersions writes a notice's list of versions in a language, and
// its feed.
func (s *Site) renderVersions(r *render.Renderer, w *writer, id, lang string) error {
	n := s.ByID[id][lang]
	list := s.history.versionsIn(id, lang)
	links := make([]render.VersionLink, len(list))
	for i, v := range list {
		links[i] = render.VersionLink{Date: v.Date, Href: r.Rel(versionHref(lang, id, v)), Summary: s.summary(v, lang, i == len(list)-1), Current: v.Current}
	}
	var langs []string
	for _, l := range s.Config.LanguageCodes() {
		if s.ByID[id][l] != nil {
			langs = append(langs, l)
		}
	}
	page, err := r.Versions(n, langs, links)
	if err != nil {
		return layoutError(n, err)
	}
	if err := w.put(render.VersionsPath(lang, id)+"index.html", "text/html", page); err != nil {
		return err
	}
	return s.writeFeed(w, lang, id)
}

// renderArchived writes an earlier version of a notice as it read then.
func (s *Site) renderArchived(r *render.Renderer, w *writer, buf *bytes.Buffer, id, lang string, v *version) error {
	p := v.pages[lang]
	translations := render.Translations{}
	for l, tp := range v.pages {
		translations[l] = tp.Notice
	}
	if err := r.ArchivedTo(buf, p.Notice, p.Version, v.Date, v.Slug, translations, s.ByID); err != nil {
		return layoutError(p.Notice, fmt.Errorf("version %s: %w", v.Slug, err))
	}
	return w.put(render.VersionPath(lang, id, v.Slug)+"index.html", "text/html", buf.Bytes())
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
	ID      string    `xml:"id"`
	Title   string    `xml:"title"`
	Updated string    `xml:"updated"`
	Link    atomLink  `xml:"link"`
	Summary *atomText `xml:"summary"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// writeFeed writes the Atom feed of a language's versions (id "") or of
// one notice's. Dates are the versions' own, never the build's: a feed
// built twice is the same bytes. An entry's id is the address of the
// version's own page, which it keeps once it is superseded.
func (s *Site) writeFeed(w *writer, lang, id string) error {
	ids := s.IDs()
	self := render.FeedPath(lang)
	home := lang + "/"
	title, err := s.Strings.T(lang, "history.feed_title", "site", s.Config.Languages[lang].Title)
	if id != "" {
		ids = []string{id}
		self, home = render.NoticeFeedPath(lang, id), render.NoticePath(lang, id)
		title, err = s.Strings.T(lang, "history.notice_feed_title", "title", s.ByID[id][lang].Title)
	}
	if err != nil {
		return err
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
				return err
			}
			e := atomEntry{
				ID: s.Config.URL(render.VersionPath(lang, nid, v.Slug)), Title: et, Updated: atomTime(t),
				Link: atomLink{Rel: "alternate", Type: "text/html", Href: s.Config.URL(versionHref(lang, nid, v))},
			}
			if sum := s.summary(v, lang, i == len(list)-1); sum != "" {
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
	doc, err := xmlDocument(feed)
	if err != nil {
		return err
	}
	return w.put(self, "", doc)
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
		out[i] = VersionJSON{Date: v.Date.String(), URL: s.Config.URL(versionHref(n.Lang, n.ID, v)), Current: v.Current, Commit: v.Commit, Summary: s.summary(v, n.Lang, i == len(list)-1)}
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
