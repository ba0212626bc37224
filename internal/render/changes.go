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
// "en/candidates/versions/2026-03-01/". A zero VersionRef is "no earlier
// version".
type VersionRef struct {
	Date notice.Date
	Path string
}

// ChangesPath is the site-relative path of the change page of the version
// at versionPath.
func ChangesPath(versionPath string) string { return versionPath + "changes/" }

// ChangesPage is what layouts/changes.html shows.
type ChangesPage struct {
	Page
	N        *notice.Notice
	From, To *VersionLink // From is nil for a notice's first version
	Current  string       // root-relative link to the notice as it is now
	// Material lists the material changes again, first, so a reader sees
	// what they must know before the detail.
	Material []ChangeLine
	Sections []ChangeSection
	// Prose is the body's word-level diff, escaped by noticediff.BodyHTML.
	Prose        template.HTML
	ProseChanged bool
}

// VersionLink is a version with its link.
type VersionLink struct {
	Date notice.Date
	Href string
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

// ChangesTo renders the change page of notice n's version to, from the
// version from (zero for the first version), in language lang. d is
// noticediff.Compare of the two versions.
func (r *Renderer) ChangesTo(w io.Writer, lang string, n *notice.Notice, from, to VersionRef, d *noticediff.Diff) error {
	if d.BodyErr != nil {
		return d.BodyErr // the prose diff is unknown: no page says "no change"
	}
	pagePath := ChangesPath(to.Path)
	alts := r.alternates(lang, func(l string) (string, bool) { return pagePath, l == lang })
	title, err := r.strings.T(lang, "diff.page.title", "date", r.dateIn(lang, to.Date), "notice", n.Title)
	if err != nil {
		return err
	}
	p := &ChangesPage{
		Page:         r.page(lang, title, pagePath, alts),
		N:            n,
		To:           &VersionLink{Date: to.Date, Href: r.rel(to.Path)},
		Current:      r.rel(NoticePath(lang, n.ID)),
		ProseChanged: d.ProseChanged(),
	}
	p.Description = d.Summary(r.strings, lang)
	if from.Path != "" {
		p.From = &VersionLink{Date: from.Date, Href: r.rel(from.Path)}
	}
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
			heading, err := r.sectionTitle(lang, ch.Section)
			if err != nil {
				return err
			}
			p.Sections = append(p.Sections, ChangeSection{ID: ch.Section, Title: heading})
		}
		s := &p.Sections[len(p.Sections)-1]
		s.Lines = append(s.Lines, line)
	}
	if p.ProseChanged {
		ins, err := r.strings.T(lang, "diff.page.inserted")
		if err != nil {
			return err
		}
		del, err := r.strings.T(lang, "diff.page.deleted")
		if err != nil {
			return err
		}
		p.Prose = noticediff.BodyHTML(d.Body, ins, del)
	}
	var buf bytes.Buffer
	if err := r.executeTo(&buf, KindChanges, lang, p); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// sectionTitle is a section's heading on the notice page; the first
// layer's for the title and summary.
func (r *Renderer) sectionTitle(lang, id string) (string, error) {
	if id == "layer" {
		return r.strings.T(lang, "layer.heading")
	}
	return r.strings.T(lang, "section."+id)
}

func (r *Renderer) dateIn(lang string, d notice.Date) string {
	var s string
	if d.MonthOnly {
		s, _ = r.strings.Month(lang, d.Time)
	} else {
		s, _ = r.strings.Date(lang, d.Time)
	}
	return s
}
