package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/render"
)

// Mistakes of people new to notis: a scaffold published as it came, a
// body in the other language, Markdown features the page leaves out, and
// links that lead nowhere.

// placeholders are the values the scaffold's templates
// (internal/scaffold/templates) fill in for the author to replace, the
// controller's name first; TestPlaceholdersAreTheScaffolds keeps the two
// in step. Lower case.
var placeholders = []string{"example organisation ltd", "1 high street, london, ec1a 1aa", "020 7946 0000", "example mail ltd"}

// placeholderProse are sentences of the scaffold's bodies that tell the
// author what to write, not the reader what happens. Lower case.
var placeholderProse = []string{"explain in plain words what the facts above cannot", "förklara med egna ord det som fakta ovan inte kan"}

// exampleDomains are reserved for documentation (RFC 2606, RFC 6761): no
// one reads mail sent there.
var exampleDomains = []string{"example.org", "example.com", "example.net", "example.se", "example.co.uk"}

func isExampleAddress(s string) bool {
	_, domain, ok := strings.Cut(strings.ToLower(s), "@")
	if !ok {
		return false
	}
	return slices.Contains(exampleDomains, domain) || strings.HasSuffix(domain, ".example") || slices.ContainsFunc(exampleDomains, func(d string) bool { return strings.HasSuffix(domain, "."+d) })
}

// languageOf tells whether a word is one of the frequent words of English
// (1) or Swedish (2) that the other language does not use, to tell a
// body's language. A switch: Go compiles it to a search on length and bytes,
// cheaper than a map for a body's every word.
func languageOf(w string) int {
	switch w {
	case "the", "and", "of", "to", "we", "you", "your", "is", "are", "for", "with", "this", "that", "our", "will", "be", "it", "on", "by", "not", "can", "if", "or", "who", "how", "data":
		return 1
	case "och", "att", "det", "för", "vi", "du", "dina", "din", "ditt", "med", "som", "är", "av", "om", "till", "på", "inte", "kan", "har", "oss", "vår", "våra", "vårt", "eller", "ett", "hur", "vem", "uppgifter":
		return 2
	}
	return 0
}

// languageSample bounds how much of a body is read to tell its language.
const languageSample = 1536

var _ = register(
	&Rule{
		ID:       "meta.placeholder",
		Severity: Error,
		Articles: []string{"Art 13(1)(a)", "Art 12(1)"},
		Summary:  "The notice does not publish the scaffold as it came: a notice still naming its placeholder controller (Example Organisation Ltd) or keeping its instructions to the author is reported, with every placeholder left in it (the address, phone, Example Mail Ltd, example addresses such as privacy@example.org). Such values alone are not: documentation and tests use them on purpose.",
		Check: func(c *Context) {
			k := c.N.Controller
			fields := []struct {
				path  notice.Path
				value string
			}{
				{notice.Path{"controller", "name"}, k.Name}, {notice.Path{"controller", "trading_name"}, k.TradingName},
				{notice.Path{"controller", "address"}, k.Address}, {notice.Path{"controller", "phone"}, k.Phone},
			}
			for i, r := range c.N.Recipients {
				fields = append(fields, struct {
					path  notice.Path
					value string
				}{notice.Path{"recipients", i, "name"}, r.Name})
			}
			// The scaffold's name or instructions mark a notice not yet
			// filled in; then each placeholder left is listed. (The address
			// or phone alone could be a coincidence, and tests and docs use
			// such values on purpose.)
			body := c.Body()
			at := -1
			prose := ""
			for _, p := range placeholderProse {
				if c.mayContain(p) {
					if at = find(body, p, false); at >= 0 {
						prose = p
						break
					}
				}
			}
			if !slices.Contains(placeholders[:1], strings.ToLower(strings.TrimSpace(k.Name))) && at < 0 {
				return
			}
			for _, f := range fields {
				if slices.Contains(placeholders, strings.ToLower(strings.TrimSpace(f.value))) {
					c.Report(f.path, fmt.Sprintf("%q is the scaffold's placeholder, not a fact about you", f.value),
						"replace it with your own: the legal name, address and contact details, and the processors you really use")
				}
			}
			if at >= 0 {
				line, col, _ := c.LineOf(at)
				c.ReportBody(line, col, fmt.Sprintf("%q is the scaffold's instruction to you, not text for your readers", clip(prose, 60)),
					"replace the paragraph with what it asks for: where the data comes from, what people can expect, whom to ask")
			}
			emails := []struct {
				path notice.Path
				addr notice.Email
			}{{notice.Path{"controller", "email"}, k.Email}, {notice.Path{"rights", "email"}, c.N.Rights.Email}, {notice.Path{"rights", "complaints", "email"}, c.N.Rights.Complaints.Email}}
			if c.N.DPO != nil {
				emails = append(emails, struct {
					path notice.Path
					addr notice.Email
				}{notice.Path{"dpo", "email"}, c.N.DPO.Email})
			}
			for _, e := range emails {
				if isExampleAddress(string(e.addr)) {
					c.Report(e.path, fmt.Sprintf("%s is an example address: mail sent there reaches no one", e.addr),
						"give the mailbox that people should write to")
				}
			}
			for _, d := range exampleDomains {
				if !c.mayContain("@" + d) {
					continue
				}
				for from := 0; ; {
					at := strings.Index(body[from:], "@"+d)
					if at < 0 {
						break
					}
					at += from
					from = at + 1
					if end := at + 1 + len(d); end < len(body) && isWordByte(body[end]) {
						continue
					}
					start := at
					for start > 0 && (isEmailByte(body[start-1]) || body[start-1] == '.') {
						start--
					}
					line, col, _ := c.LineOf(start)
					c.ReportBody(line, col, fmt.Sprintf("%q is an example address: mail sent there reaches no one", body[start:at+1+len(d)]),
						"give the mailbox that people should write to")
				}
			}
		},
	},
	&Rule{
		ID:       "text.language-mismatch",
		Severity: Warning,
		Articles: []string{"Art 12(1)", "WP260 rev.01"},
		Summary:  "The body is written in the file's language: an English body in a .sv.md file (or the reverse) is shown to readers who chose the other language.",
		Check: func(c *Context) {
			lang := c.N.Lang
			if lang != "en" && lang != "sv" {
				return
			}
			body := c.Body()
			if len(body) > languageSample {
				body = body[:languageSample]
			}
			en, sv := 0, 0
			for i := 0; i < len(body); {
				// Words of ASCII letters and any non-ASCII bytes (å, ä, ö).
				j := i
				for j < len(body) && (body[j] >= 'a' && body[j] <= 'z' || body[j] >= 0x80) {
					j++
				}
				if j > i && j-i <= 9 {
					switch languageOf(body[i:j]) {
					case 1:
						en++
					case 2:
						sv++
					}
				}
				i = j + 1
			}
			other, own, name := en, sv, "English"
			if lang == "en" {
				other, own, name = sv, en, "Swedish"
			}
			if other >= 10 && other > 3*own {
				c.ReportBody(1, 1, fmt.Sprintf("the file is %s (lang %s) but its body reads as %s (%d common %s words, %d of its own language)", c.N.File, lang, name, other, name, own),
					fmt.Sprintf("translate the body, or name the file for its language (%s.%s.md)", c.N.ID, map[string]string{"en": "sv", "sv": "en"}[lang]))
			}
		},
	},
	&Rule{
		ID:       "text.raw-html",
		Severity: Warning,
		Articles: []string{"Art 12(1)"},
		Summary:  "The body has no raw HTML: notis renders Markdown only (so a body cannot inject markup or scripts) and leaves HTML out of the page, silently losing what it said.",
		Check: func(c *Context) {
			body := c.Body()
			if strings.IndexByte(body, '<') < 0 {
				return
			}
			fenced := false
			for i, start := range c.starts {
				end := len(body)
				if i+1 < len(c.starts) {
					end = c.starts[i+1] - 1
				}
				line := body[start:end]
				t := strings.TrimLeft(line, " \t")
				if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
					fenced = !fenced
					continue
				}
				if fenced || strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
					continue
				}
				if col, tag := htmlTag(line); col > 0 {
					c.ReportBody(i+1, col, fmt.Sprintf("%q is raw HTML, which the page leaves out", tag),
						"write it in Markdown (lists, tables, links, **emphasis**); markup belongs in the layout, not the notice")
				}
			}
		},
	},
	&Rule{
		ID:       "text.broken-link",
		Severity: Warning,
		Articles: []string{"Art 12(1)", "WP260 rev.01"},
		Summary:  "Links in the body that stay on the site lead somewhere: an #anchor names a heading of the body or a section of the page, and a link to another notice names one that exists.",
		Check: func(c *Context) {
			body := c.Body()
			if !strings.Contains(body, "](") {
				return
			}
			var anchors []string
			for from := 0; ; {
				at := strings.Index(body[from:], "](")
				if at < 0 {
					break
				}
				at += from + 2
				from = at
				end := strings.IndexAny(body[at:], ") \n")
				if end < 0 || body[at+end] != ')' {
					continue
				}
				target := body[at : at+end]
				line, col, _ := c.LineOf(at)
				switch {
				case strings.HasPrefix(target, "#"):
					if anchors == nil {
						text, _ := c.N.Text()
						anchors = append(render.BodyAnchors(text), "") // non-nil: read once
					}
					if id := target[1:]; !slices.Contains(anchors, id) && !render.PageAnchor(id) {
						c.ReportBody(line, col, fmt.Sprintf("%q names no heading of the body and no section of the page", target),
							"link a heading's id (its text in lower case, spaces as dashes) or a section of the page (#rights, #retention …)")
					}
				case c.groups != nil:
					if id, ok := noticeLink(target); ok && !c.knows(id) {
						c.ReportBody(line, col, fmt.Sprintf("%q links a notice %q that the site does not have", target, id),
							"link an existing notice by its id (/LANG/ID/), or add content/"+id+".LANG.md")
					}
				}
			}
		},
	},
	&Rule{
		ID:       "translation.missing",
		Severity: Warning,
		Articles: []string{"Art 12(1)", "WP260 rev.01"},
		Summary:  "Every notice exists in every language of the site: readers who chose a language find the notice in it (a warning, so `notis lint --strict` fails on it).",
		Check: func(c *Context) {
			if c.langs == nil || c.Ref != c.N {
				return // reported once, at the reference file of the notice
			}
			for _, lang := range c.langs {
				if !slices.ContainsFunc(c.groups[c.N.ID], func(n *notice.Notice) bool { return n.Lang == lang }) {
					c.Report(notice.Path{"title"}, fmt.Sprintf("there is no %s translation of this notice", lang),
						fmt.Sprintf("add %s with the same facts in %s", content.TranslationFile(c.N.File, lang, c.langs), lang))
				}
			}
		},
	},
)

// htmlTag finds a raw HTML tag or comment in a line of Markdown outside
// code spans; it returns its column (1-based) and the tag, or 0. Autolinks
// (<https://…>, <name@host>) are Markdown, not HTML.
func htmlTag(line string) (int, string) {
	inCode := false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '`':
			inCode = !inCode
		case '<':
			if inCode || i+1 >= len(line) {
				continue
			}
			rest := line[i+1:]
			if strings.HasPrefix(rest, "!--") {
				return i + 1, "<!--"
			}
			rest = strings.TrimPrefix(rest, "/")
			n := 0
			for n < len(rest) && (rest[n] >= 'a' && rest[n] <= 'z' || n > 0 && rest[n] >= '0' && rest[n] <= '9') {
				n++
			}
			if n == 0 || n == len(rest) {
				continue
			}
			if next := rest[n]; next != '>' && next != ' ' && next != '/' && next != '\t' {
				continue // <https://…>, <name@host>, a < comparison
			}
			close := strings.IndexByte(rest, '>')
			if close < 0 {
				continue
			}
			return len([]rune(line[:i])) + 1, line[i : i+strings.IndexByte(line[i:], '>')+1]
		}
	}
	return 0, ""
}

// noticeLink reads a link that stays on the site and points at a notice
// page (/en/candidates/, ../candidates/, candidates.sv.md) and returns the
// notice id; ok is false for anything else (other sites, mail, files).
func noticeLink(target string) (string, bool) {
	if strings.Contains(target, ":") || strings.HasPrefix(target, "//") {
		return "", false // a scheme: another site, mailto:, tel:
	}
	target, _, _ = strings.Cut(target, "#")
	target, _, _ = strings.Cut(target, "?")
	if strings.HasSuffix(target, ".md") {
		base := target[strings.LastIndexByte(target, '/')+1:]
		id, _, _ := strings.Cut(strings.TrimSuffix(base, ".md"), ".")
		return id, id != ""
	}
	if !strings.HasSuffix(target, "/") {
		return "", false // a file (a PDF, an image): not a notice page
	}
	parts := strings.FieldsFunc(target, func(r rune) bool { return r == '/' })
	for len(parts) > 0 && (parts[0] == ".." || parts[0] == ".") {
		parts = parts[1:]
	}
	switch {
	case len(parts) == 1 && len(parts[0]) != 2: // "/en/" is a language's index
		return parts[0], true
	case len(parts) == 2 && len(parts[0]) == 2:
		return parts[1], true
	}
	return "", false
}
