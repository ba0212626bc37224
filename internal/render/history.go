package render

import (
	"bytes"
	"fmt"

	"github.com/notis-dev/notis/internal/notice"
)

// KindVersions is the page that lists a notice's versions.
const KindVersions = "versions"

// The paths of a notice's history, site-relative: its versions, each
// earlier version as it read then, what changed in each, and the feeds.
func VersionsPath(lang, id string) string      { return NoticePath(lang, id) + "versions/" }
func VersionPath(lang, id, slug string) string { return VersionsPath(lang, id) + slug + "/" }
func FeedPath(lang string) string              { return lang + "/feed.xml" }
func NoticeFeedPath(lang, id string) string    { return NoticePath(lang, id) + "feed.xml" }

// Feed is an Atom feed a page links from its head.
type Feed struct {
	Title string
	Href  string // root-relative
}

// NoticeHistory is what a notice page shows of the notice's history.
type NoticeHistory struct {
	VersionsHref string
	// Superseded is set on an earlier version's page.
	Superseded *Superseded
}

// Superseded marks a page as an earlier version of its notice.
type Superseded struct {
	Date        notice.Date // the version's date
	Slug        string      // its path segment under versions/
	CurrentHref string      // the notice as it reads now
}

// feeds are the feeds every page of a language links: the language's.
func (r *Renderer) feeds(lang string) []Feed {
	if !r.opts.History || lang == "" {
		return nil
	}
	title, _ := r.strings.T(lang, "history.feed_title", "site", r.cfg.Languages[lang].Title)
	return []Feed{{Title: title, Href: r.rel(FeedPath(lang))}}
}

// noticeFeed is the feed of one notice's versions.
func (r *Renderer) noticeFeed(n *notice.Notice) Feed {
	title, _ := r.strings.T(n.Lang, "history.notice_feed_title", "title", n.Title)
	return Feed{Title: title, Href: r.rel(NoticeFeedPath(n.Lang, n.ID))}
}

// currentHistory is what a notice's current page links of its history.
func (r *Renderer) currentHistory(n *notice.Notice) *NoticeHistory {
	if !r.opts.History {
		return nil
	}
	return &NoticeHistory{VersionsHref: r.rel(VersionsPath(n.Lang, n.ID))}
}

// ArchivedTo renders an earlier version of a notice, as it read then with
// today's layouts, marked as superseded by the current page. translations
// are the version's own, so its language links stay within the version.
// date is the version's, which may be newer than n's own `updated` when
// only another language changed in it.
func (r *Renderer) ArchivedTo(buf *bytes.Buffer, n *notice.Notice, version string, date notice.Date, slug string, translations Translations, all map[string]Translations) error {
	h := &NoticeHistory{
		VersionsHref: r.rel(VersionsPath(n.Lang, n.ID)),
		Superseded:   &Superseded{Date: date, Slug: slug, CurrentHref: r.rel(NoticePath(n.Lang, n.ID))},
	}
	return r.noticeTo(buf, n, version, translations, all, h)
}

// VersionEntry is one version in a notice's list of versions.
type VersionEntry struct {
	Date        notice.Date
	Href        string // the version's page: the current page for the current version
	ChangesHref string // what changed in it; "" when there is no page for that
	Summary     string
	Current     bool
}

// VersionsPage lists a notice's versions, newest first.
type VersionsPage struct {
	Page
	Notice   Link
	Versions []VersionEntry
}

// Versions renders the list of a notice's versions in its language. n is
// the current notice; versions come newest first.
func (r *Renderer) Versions(n *notice.Notice, languages []string, versions []VersionEntry) ([]byte, error) {
	alts := r.alternates(n.Lang, func(lang string) (string, bool) {
		for _, l := range languages {
			if l == lang {
				return VersionsPath(lang, n.ID), true
			}
		}
		return "", false
	})
	title, err := r.strings.T(n.Lang, "history.versions_title", "title", n.Title)
	if err != nil {
		return nil, err
	}
	p := VersionsPage{
		Page:     r.page(n.Lang, title, VersionsPath(n.Lang, n.ID), alts),
		Notice:   Link{Title: n.Title, Href: r.rel(NoticePath(n.Lang, n.ID))},
		Versions: versions,
	}
	p.Feeds = append(p.Feeds, r.noticeFeed(n))
	out, err := r.execute(KindVersions, n.Lang, p)
	if err != nil {
		return nil, fmt.Errorf("versions of %s (%s): %w", n.ID, n.Lang, err)
	}
	return out, nil
}

// Rel makes a site-relative path root-relative under the base URL's
// path, as the pages link it.
func (r *Renderer) Rel(p string) string { return r.rel(p) }
