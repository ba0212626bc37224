package render

import (
	"bytes"
	"html/template"
	"io"
	"slices"

	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/noticediff"
)

// KindChanges is the page that says what changed from one version of a
// notice to the next (layouts/changes.html).
const KindChanges = "changes"

// SectionOrder lists the page's section ids in page order, for packages
// that order things by section (noticediff's changes) without a second
// copy of the table.
func SectionOrder() []string { return slices.Clone(pageSections) }

// VersionRef is one version of a notice: the date it carries (its
// `updated`) and its page's site-relative path, e.g.
// "en/candidates/versions/2026-03-01/". A zero VersionRef as from is "no
// earlier version". A version without a date reads as "the previous
// version" (from) or "the version being edited" (to: the preview's
// unsaved next version, whose change page is still written under Path).
type VersionRef struct {
	Date notice.Date
	Path string
	// Reads is where the version reads when not at Path: the current
	// version reads at the notice's own page until it is superseded.
	Reads string
}

// href is the root-relative link to where the version reads.
func (r *Renderer) href(v VersionRef) string {
	if v.Reads != "" {
		return r.rel(v.Reads)
	}
	return r.rel(v.Path)
}

// ChangesPath is the site-relative path of the change page of the version
// at versionPath.
func ChangesPath(versionPath string) string { return versionPath + "changes/" }

// ChangesPage is what layouts/changes.html shows.
type ChangesPage struct {
	Page
	N       *notice.Notice
	Heading string
	Intro   string        // "" for a notice's first version
	Links   []VersionLink // the two versions' pages, when they have one
	Current string        // root-relative link to the notice as it is now
	// Material lists the material changes again, first, so a reader sees
	// what they must know before the detail.
	Material []ChangeLine
	Sections []ChangeSection
	// Prose is the body's word-level diff, escaped by noticediff.BodyHTML.
	Prose        template.HTML
	ProseChanged bool
	// OtherLanguage says the version is there because another language's
	// text changed: this language's reads as the one before it.
	OtherLanguage bool
}

// VersionLink is a link to a version's page.
type VersionLink struct {
	Label, Href string
}

// ChangeLine is one change as a sentence.
type ChangeLine struct {
	Text     string
	Kind     string
	Material bool
}

// ChangeSection is the changes of one page section, under its heading.
type ChangeSection struct {
	ID    string
	Title string
	Lines []ChangeLine
}

// Change is what changed from one version of a notice to the next, in
// one language, as its change page shows it.
type Change struct {
	Diff *noticediff.Diff // noticediff.Compare of the two versions
	// Summary is the line the version lists show for the version: the
	// change page's description, so the two never say different things.
	Summary string
	// OtherLanguage says only another language's file changed.
	OtherLanguage bool
	// Elsewhere is the same version's change pages in other languages,
	// by language, for the page's language links.
	Elsewhere map[string]string
}

// ChangesTo renders the change page of notice n's version to, from the
// version from (zero for the first version), in language lang.
func (r *Renderer) ChangesTo(w io.Writer, lang string, n *notice.Notice, from, to VersionRef, c Change) error {
	d := c.Diff
	if d.BodyErr != nil {
		return d.BodyErr // the prose diff is unknown: no page says "no change"
	}
	pagePath := ChangesPath(to.Path)
	alts := r.alternates(lang, func(l string) (string, bool) {
		if l == lang {
			return pagePath, true
		}
		p, ok := c.Elsewhere[l]
		return p, ok
	})
	l := &lookup{r: r, lang: lang}
	t := l.t
	date := r.dateIn(lang, to.Date)
	title, heading := t("diff.page.title", "date", date, "notice", n.Title), t("diff.page.heading", "date", date)
	if to.Date.IsZero() {
		title, heading = t("diff.page.title_undated", "notice", n.Title), t("diff.page.heading_undated")
	}
	p := &ChangesPage{
		N:             n,
		Heading:       heading,
		Current:       r.rel(NoticePath(lang, n.ID)),
		ProseChanged:  d.ProseChanged(),
		OtherLanguage: c.OtherLanguage,
	}
	if from.Path != "" {
		label, link := t("diff.page.version_previous"), t("diff.page.version_link_previous")
		if !from.Date.IsZero() {
			label, link = t("diff.page.version", "date", r.dateIn(lang, from.Date)), t("diff.page.version_link", "date", r.dateIn(lang, from.Date))
		}
		p.Links = append(p.Links, VersionLink{link, r.href(from)})
		toLabel := t("diff.page.version_edited")
		if !to.Date.IsZero() {
			toLabel = t("diff.page.version", "date", date)
		}
		p.Intro = t("diff.page.intro", "from", label, "to", toLabel)
	}
	if !to.Date.IsZero() {
		p.Links = append(p.Links, VersionLink{t("diff.page.version_link", "date", date), r.href(to)})
	}
	if l.err != nil {
		return l.err
	}
	p.Page = r.page(lang, title, pagePath, alts)
	p.Description = c.Summary
	for _, ch := range d.Changes {
		text, err := noticediff.Sentence(r.strings, lang, ch)
		if err != nil {
			return err
		}
		line := ChangeLine{Text: text, Kind: ch.Kind, Material: ch.Material}
		if ch.Material {
			p.Material = append(p.Material, line)
		}
		if k := len(p.Sections); k == 0 || p.Sections[k-1].ID != ch.Section {
			p.Sections = append(p.Sections, ChangeSection{ID: ch.Section, Title: t(sectionKey(ch.Section))})
		}
		s := &p.Sections[len(p.Sections)-1]
		s.Lines = append(s.Lines, line)
	}
	if p.ProseChanged {
		p.Prose = noticediff.BodyHTML(d.Body, t("diff.page.inserted"), t("diff.page.deleted"), func(n int) string {
			s, err := r.strings.T(lang, "diff.page.skipped", "n", n)
			if err != nil && l.err == nil {
				l.err = err
			}
			return s
		})
	}
	if l.err != nil {
		return l.err
	}
	var buf bytes.Buffer
	if err := r.executeTo(&buf, KindChanges, lang, p); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// sectionKey is the key of a section's heading on the notice page; the
// first layer's for the title and summary.
func sectionKey(id string) string {
	if id == "layer" {
		return "layer.heading"
	}
	return "section." + id
}

// lookup looks strings up in one language and keeps the first error, so
// a page's many labels read as one expression each.
type lookup struct {
	r    *Renderer
	lang string
	err  error
}

func (l *lookup) t(key string, args ...any) string {
	s, err := l.r.strings.T(l.lang, key, args...)
	if err != nil && l.err == nil {
		l.err = err
	}
	return s
}

func (r *Renderer) dateIn(lang string, d notice.Date) string {
	s, _ := r.formatDate(lang, d)
	return s
}
