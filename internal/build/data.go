package build

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/render"
)

// writeSitemap writes the sitemap: every notice page with its language
// alternates, so search engines serve each visitor the right language.
// It is written as it is made, compact, one url element at a time: on a
// site of 10,000 notices it is megabytes, which made whole and then
// minified cost tens of megabytes of memory at the end of the build.
func (s *Site) writeSitemap(w io.Writer) error {
	bw, flush := textOut(w)
	// Escaped by xml.EscapeText, text and attributes alike (it escapes
	// quotes too); written in the minified form, self-closing links.
	esc := func(s string) { _ = xml.EscapeText(bw, []byte(s)) }
	bw.WriteString(strings.TrimSuffix(xml.Header, "\n"))
	bw.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">`)
	langs := s.languages()
	for _, id := range s.IDs() {
		tr := s.ByID[id]
		for _, lang := range langs {
			n, ok := tr[lang]
			if !ok {
				continue
			}
			bw.WriteString("<url><loc>")
			esc(s.Config.URL(render.NoticePath(lang, id)))
			bw.WriteString("</loc>")
			if d := n.Updated.String(); d != "" {
				bw.WriteString("<lastmod>")
				esc(d)
				bw.WriteString("</lastmod>")
			}
			for _, alt := range langs {
				if _, ok := tr[alt]; !ok {
					continue
				}
				bw.WriteString(`<xhtml:link rel="alternate" hreflang="`)
				esc(alt)
				bw.WriteString(`" href="`)
				esc(s.Config.URL(render.NoticePath(alt, id)))
				bw.WriteString(`"/>`)
			}
			bw.WriteString("</url>")
		}
	}
	if _, err := bw.WriteString("</urlset>"); err != nil {
		return err
	}
	return flush()
}

// xmlDocument encodes v as an XML document with its declaration.
func xmlDocument(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// NoticeJSON is one notice in one language in notices.json.
type NoticeJSON struct {
	ID      string   `json:"id"`
	Lang    string   `json:"lang"`
	URL     string   `json:"url"`
	Version string   `json:"version"`
	Rights  []string `json:"rights"`
	// RightsMayApply are the rights that depend on a lawful basis the
	// notice does not state.
	RightsMayApply []string `json:"rights_may_apply,omitempty"`
	// Unstated lists the Art 13/14 elements the notice does not state
	// (notice.Notice.Unstated): absent from Notice, and not by default.
	Unstated []string `json:"unstated"`
	// Inherited lists the keys whose facts come from the notice that
	// Notice.extends names.
	Inherited []string `json:"inherited,omitempty"`
	// Versions are the notice's versions in this language, newest first,
	// when the site is in git.
	Versions []VersionJSON  `json:"versions,omitempty"`
	Notice   map[string]any `json:"notice"`
}

// writeNoticesJSON writes notices.json, every notice in every language as
// data, for machines (a DPO's inventory, a careers site that shows a
// summary): the bytes json.Marshal makes of {site, languages, notices},
// written a notice at a time so a large site is never held whole. frag
// gives one notice's encoded entry (the preview passes a cache); nil
// encodes each afresh.
func (s *Site) writeNoticesJSON(w io.Writer, frag func(n *notice.Notice, version string) ([]byte, error)) error {
	if frag == nil {
		frag = s.encodeNoticeJSON
	}
	head, err := json.Marshal(s.Config.Site)
	if err != nil {
		return err
	}
	langs, err := json.Marshal(s.languages())
	if err != nil {
		return err
	}
	versions := make(map[*notice.Notice]string, len(s.Pages))
	for _, p := range s.Pages {
		versions[p.Notice] = p.Version
	}
	bw, flush := textOut(w)
	bw.WriteString(`{"site":`)
	bw.Write(head)
	bw.WriteString(`,"languages":`)
	bw.Write(langs)
	bw.WriteString(`,"notices":`)
	first := true
	for _, id := range s.IDs() {
		for _, lang := range s.languages() {
			n, ok := s.ByID[id][lang]
			if !ok {
				continue
			}
			b, err := frag(n, versions[n])
			if err != nil {
				return err
			}
			if first {
				bw.WriteByte('[')
				first = false
			} else {
				bw.WriteByte(',')
			}
			bw.Write(b)
		}
	}
	end := "]}"
	if first {
		end = "null}"
	}
	if _, err := bw.WriteString(end); err != nil {
		return err
	}
	return flush()
}

// textWriter is a writer that takes strings and bytes without copying
// them through a buffer of its own.
type textWriter interface {
	io.Writer
	io.StringWriter
	io.ByteWriter
}

// textOut is w as a textWriter, and what to call once everything is
// written: nothing when w is one, else a buffer over w to flush. A
// buffer's errors stick, so the flush reports the first.
func textOut(w io.Writer) (textWriter, func() error) {
	if tw, ok := w.(textWriter); ok {
		return tw, func() error { return nil }
	}
	b := bufio.NewWriter(w)
	return b, b.Flush
}

// encodeNoticeJSON is one notice's entry in notices.json, encoded.
func (s *Site) encodeNoticeJSON(n *notice.Notice, version string) ([]byte, error) {
	return json.Marshal(s.noticeJSON(n, version))
}

// noticeJSON is one notice's entry in notices.json.
func (s *Site) noticeJSON(n *notice.Notice, version string) NoticeJSON {
	var rights, may []string
	for _, r := range n.DerivedRights() {
		if r.All || len(r.Purposes) > 0 {
			rights = append(rights, string(r.Right))
		} else {
			may = append(may, string(r.Right))
		}
	}
	unstated := n.Unstated()
	if unstated == nil {
		unstated = []string{}
	}
	return NoticeJSON{ID: n.ID, Lang: n.Lang, URL: s.Config.URL(render.NoticePath(n.Lang, n.ID)), Version: version, Rights: rights, RightsMayApply: may, Unstated: unstated, Inherited: n.Inherited, Versions: s.versionsJSON(n), Notice: n.Plain()}
}
