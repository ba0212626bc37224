package noticediff

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/notis-dev/notis/internal/i18n"
	"github.com/notis-dev/notis/internal/notice"
)

// Report is what changed in a whole site between two revisions, notice by
// notice: what `notis diff` prints for a reviewer.
type Report struct {
	From, To string // the revisions as the reader should see them
	Notices  []NoticeDiff
}

// NoticeDiff is one notice's diff in one language.
type NoticeDiff struct {
	ID, Lang string
	Title    string
	File     string // the new version's file, or the old one's when it went
	Status   string // "changed", "added" or "removed"
	Diff     *Diff
}

// changes are the changes a reviewer reads: none for a notice that
// appeared or went, which "New notice" or "Notice removed" says in full
// (every fact of a new notice would read as a change).
func (n NoticeDiff) changes() []Change {
	if n.Status != "changed" {
		return nil
	}
	return n.Diff.Changes
}

// Material reports whether any notice changed materially.
func (r *Report) Material() bool {
	return slices.ContainsFunc(r.Notices, func(n NoticeDiff) bool { return n.Diff.Material })
}

// SiteDiff compares every notice of two versions of a site, paired by id
// and language, and keeps those that changed, sorted by id then language.
func SiteDiff(from, to string, old, new []*notice.Notice) (*Report, error) {
	type key struct{ id, lang string }
	before := map[key]*notice.Notice{}
	for _, n := range old {
		before[key{n.ID, n.Lang}] = n
	}
	after := map[key]*notice.Notice{}
	var keys []key
	for _, n := range new {
		after[key{n.ID, n.Lang}] = n
		keys = append(keys, key{n.ID, n.Lang})
	}
	for k := range before {
		if after[k] == nil {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.lang, b.lang)) })
	r := &Report{From: from, To: to}
	for _, k := range keys {
		o, n := before[k], after[k]
		d := Compare(o, n)
		if d.BodyErr != nil {
			return nil, d.BodyErr
		}
		nd := NoticeDiff{ID: k.id, Lang: k.lang, Status: "changed", Diff: d}
		switch {
		case d.Added:
			nd.Status, nd.Title, nd.File = "added", n.Title, n.File
		case d.Removed:
			nd.Status, nd.Title, nd.File = "removed", o.Title, o.File
		default:
			nd.Title, nd.File = n.Title, n.File
		}
		if nd.Status == "changed" && !d.Changed() {
			continue
		}
		r.Notices = append(r.Notices, nd)
	}
	return r, nil
}

// Hunk is one stretch of changed prose with a few words of kept text
// around it (cut with "…"); changes closer than twice that context share
// a hunk. Whitespace, line breaks included, reads as single spaces.
type Hunk []BodyOp

// hunkContext is how many characters of kept text a hunk shows around a
// change, cut at a word.
const hunkContext = 40

// Hunks lists the prose changes with their surrounding words, for a
// reviewer's summary; spacing alone is not a change.
func (d *Diff) Hunks() []Hunk {
	ops := make([]BodyOp, 0, len(d.Body))
	for _, op := range d.Body {
		op.Text = flat(op.Text)
		if op.Op != Equal && strings.TrimSpace(op.Text) == "" {
			if op.Op == Delete {
				continue
			}
			op.Op = Equal
		}
		if n := len(ops); n > 0 && ops[n-1].Op == op.Op {
			ops[n-1].Text += op.Text
			continue
		}
		ops = append(ops, op)
	}
	var out []Hunk
	var cur Hunk
	for i, op := range ops {
		switch {
		case op.Op != Equal:
			if cur == nil && i > 0 {
				cur = Hunk{{Equal, tail(ops[i-1].Text, hunkContext)}}
			}
			cur = append(cur, op)
		case cur == nil:
			// Kept text before the first change of a hunk: taken when the
			// change comes.
		case i == len(ops)-1 || len(op.Text) > 2*hunkContext:
			cur = append(cur, BodyOp{Equal, head(op.Text, hunkContext)})
			out, cur = append(out, cur), nil
		default:
			cur = append(cur, op) // short enough to join the next change
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

// flat shows any run of whitespace as one space.
func flat(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// tail is about the last n bytes of s, from a word's start, cut at a
// character boundary, after "…".
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	at := len(s) - n
	for at < len(s) && !utf8.RuneStart(s[at]) {
		at++
	}
	cut := s[at:]
	if i := strings.IndexByte(cut, ' '); i >= 0 {
		cut = cut[i:]
	}
	return "…" + cut
}

// head is about the first n bytes of s, to a word's end, cut at a
// character boundary, before "…".
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	at := n
	for at > 0 && !utf8.RuneStart(s[at]) {
		at--
	}
	cut := s[:at]
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i+1]
	}
	return cut + "…"
}

// reportStrings are the words of a report in one language.
type reportStrings struct {
	b    *i18n.Bundle
	lang string
	err  error
}

func (s *reportStrings) t(key string, args ...any) string {
	v, err := s.b.T(s.lang, key, args...)
	if err != nil && s.err == nil {
		s.err = err
	}
	return v
}

func (s *reportStrings) sentence(ch Change) string {
	v, err := Sentence(s.b, s.lang, ch)
	if err != nil && s.err == nil {
		s.err = err
	}
	return v
}

// WriteText prints the report for a terminal: each notice that changed,
// its changes as sentences (material ones marked), and its prose changes
// in git's word-diff notation, [-deleted-]{+inserted+}.
func (r *Report) WriteText(w io.Writer, b *i18n.Bundle, lang string) error {
	s := &reportStrings{b: b, lang: lang}
	var out strings.Builder
	out.WriteString(s.t("diff.report.from_to", "from", r.From, "to", r.To) + "\n")
	if len(r.Notices) == 0 {
		out.WriteString(s.t("diff.report.none") + "\n")
	}
	for _, n := range r.Notices {
		out.WriteString("\n" + s.t("diff.report.title", "notice", n.Title) + " (" + n.ID + ", " + n.Lang + ") " + n.File + "\n")
		if n.Status != "changed" {
			out.WriteString("  " + s.t("diff.report."+n.Status) + "\n")
		}
		for _, ch := range n.changes() {
			line := "  - " + flat(s.sentence(ch)) // a value's line break would fake a line
			if ch.Material {
				line += " (" + s.t("diff.report.material") + ")"
			}
			out.WriteString(line + "\n")
		}
		if n.Status == "changed" && n.Diff.ProseChanged() {
			out.WriteString("  " + s.t("diff.report.prose") + "\n")
			for _, h := range n.Diff.Hunks() {
				out.WriteString(strings.TrimRight("    "+wordDiff(h), " ") + "\n")
			}
		}
	}
	if s.err != nil {
		return s.err
	}
	_, err := io.WriteString(w, strings.Map(printable, out.String()))
	return err
}

// printable keeps a notice's text from steering the terminal: control
// characters other than the line breaks written here show as U+FFFD.
func printable(r rune) rune {
	if r != '\n' && unicode.IsControl(r) {
		return unicode.ReplacementChar
	}
	return r
}

// wordDiff writes a hunk in git's word-diff notation.
func wordDiff(h Hunk) string {
	var b strings.Builder
	for _, op := range h {
		switch op.Op {
		case Equal:
			b.WriteString(op.Text)
		case Delete:
			b.WriteString("[-" + op.Text + "-]")
		case Insert:
			b.WriteString("{+" + op.Text + "+}")
		}
	}
	return b.String()
}

// side is the hunk as one version reads: kept text and drop's opposite.
func side(h Hunk, drop Op) string {
	var b strings.Builder
	for _, op := range h {
		if op.Op != drop {
			b.WriteString(op.Text)
		}
	}
	return strings.TrimSpace(b.String())
}

// WriteMarkdown prints the report as GitHub-flavoured Markdown, for a
// pull request comment or $GITHUB_STEP_SUMMARY. Every text from a notice
// is escaped, so a notice cannot add links, images, mentions or markup to
// the comment; the prose goes in a fenced diff block longer than any run
// of backticks inside it.
func (r *Report) WriteMarkdown(w io.Writer, b *i18n.Bundle, lang string) error {
	s := &reportStrings{b: b, lang: lang}
	var out strings.Builder
	out.WriteString("## " + mdEscape(s.t("diff.report.heading")) + "\n\n")
	out.WriteString(mdEscape(s.t("diff.report.from_to", "from", r.From, "to", r.To)) + "\n")
	if len(r.Notices) == 0 {
		out.WriteString("\n" + mdEscape(s.t("diff.report.none")) + "\n")
	}
	for _, n := range r.Notices {
		out.WriteString("\n### " + mdEscape(s.t("diff.report.title", "notice", n.Title)) + " (" + mdEscape(n.Lang) + ")\n\n")
		out.WriteString(mdEscape(n.File) + "\n\n")
		if n.Status != "changed" {
			out.WriteString("**" + mdEscape(s.t("diff.report."+n.Status)) + "**\n\n")
		}
		for _, ch := range n.changes() {
			line := "- "
			if ch.Material {
				line += "**" + mdEscape(s.t("diff.report.material_label")) + "** "
			}
			out.WriteString(line + mdEscape(s.sentence(ch)) + "\n")
		}
		if n.Status == "changed" && n.Diff.ProseChanged() {
			var block strings.Builder
			for _, h := range n.Diff.Hunks() {
				block.WriteString("- " + side(h, Insert) + "\n+ " + side(h, Delete) + "\n")
			}
			fence := strings.Repeat("`", max(3, longestRun(block.String(), '`')+1))
			out.WriteString("\n<details><summary>" + htmlEscape(s.t("diff.report.prose")) + "</summary>\n\n")
			out.WriteString(fence + "diff\n" + block.String() + fence + "\n\n</details>\n")
		}
	}
	if s.err != nil {
		return s.err
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// mdEscape makes text from a notice literal in Markdown: every ASCII
// punctuation mark that Markdown or GitHub could read as syntax gets a
// backslash, & its entity, and an @ that starts a word a zero-width
// space, so no link, image, HTML or mention forms.
func mdEscape(s string) string {
	var b strings.Builder
	prev := ' '
	for _, r := range s {
		switch {
		case r == '@' && !unicode.IsLetter(prev) && !unicode.IsDigit(prev):
			// A mention starts a word; an email address keeps its @.
			b.WriteString("@\u200b")
		case r == '&':
			b.WriteString("&amp;")
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_{}[]<>()#+-.!|~:\"'=$%^", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// WriteJSON prints the report as one JSON document: each notice with its
// changes (the kind, section, path, values and the sentence in lang; for a
// new notice, every fact as added) and its prose hunks.
func (r *Report) WriteJSON(w io.Writer, b *i18n.Bundle, lang string) error {
	type change struct {
		Kind     string `json:"kind"`
		Section  string `json:"section"`
		Path     string `json:"path"`
		Subject  string `json:"subject,omitempty"`
		Old      string `json:"old,omitempty"`
		New      string `json:"new,omitempty"`
		Material bool   `json:"material"`
		Sentence string `json:"sentence"`
	}
	type noticeOut struct {
		Notice       string   `json:"notice"`
		Lang         string   `json:"lang"`
		Title        string   `json:"title"`
		File         string   `json:"file"`
		Status       string   `json:"status"`
		Material     bool     `json:"material"`
		Changes      []change `json:"changes"`
		ProseChanged bool     `json:"prose_changed"`
		Prose        []Hunk   `json:"prose"`
	}
	doc := struct {
		From     string      `json:"from"`
		To       string      `json:"to"`
		Material bool        `json:"material"`
		Notices  []noticeOut `json:"notices"`
	}{From: r.From, To: r.To, Material: r.Material(), Notices: []noticeOut{}}
	for _, n := range r.Notices {
		o := noticeOut{Notice: n.ID, Lang: n.Lang, Title: n.Title, File: n.File, Status: n.Status, Material: n.Diff.Material,
			Changes: []change{}, ProseChanged: n.Diff.ProseChanged(), Prose: []Hunk{}}
		for _, ch := range n.Diff.Changes {
			s, err := Sentence(b, lang, ch)
			if err != nil {
				return err
			}
			o.Changes = append(o.Changes, change{ch.Kind, ch.Section, ch.Path.String(), ch.Subject, ch.Old, ch.New, ch.Material, s})
		}
		if n.Status == "changed" {
			o.Prose = append(o.Prose, n.Diff.Hunks()...)
		}
		doc.Notices = append(doc.Notices, o)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("json: %w", err)
	}
	return nil
}
