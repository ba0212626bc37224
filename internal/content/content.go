// Package content finds a site's notice files and reads each into the
// notice model: front matter through Hugo's pageparser (YAML, TOML or
// JSON), language and translation key from the file name.
package content

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/gohugoio/hugo/parser/pageparser"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/notice"
)

// Find lists the Markdown files under root in fsys, sorted, so builds are
// deterministic whatever order the file system returns.
func Find(fsys fs.FS, root string) ([]string, error) {
	files, _, err := Walk(fsys, root)
	return files, err
}

// Walk is Find that also returns a diagnostic for each file under root
// that looks like a notice and is not read as one (cookies.MD,
// cookies.markdown): a check that skipped a notice for its name must
// not report the site clean.
func Walk(fsys fs.FS, root string) (files []string, misnamed diag.List, err error) {
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && skipDir(name) {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case noticeName(name):
			files = append(files, p)
		case !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "#"):
			if ext := path.Ext(name); slices.Contains(markdownExts, strings.ToLower(ext)) {
				misnamed = append(misnamed, &diag.Diagnostic{Rule: diag.RuleFileName, Severity: diag.Error, Pos: diag.Position{File: p},
					Message: fmt.Sprintf("the file is not read: notice files end in .md, in lower case, and this one ends in %s", ext),
					Fix:     fmt.Sprintf("rename it %s.md", strings.TrimSuffix(name, ext))})
			}
		}
		return nil
	})
	slices.Sort(files)
	slices.SortFunc(misnamed, func(a, b *diag.Diagnostic) int { return strings.Compare(a.Pos.File, b.Pos.File) })
	return files, misnamed, err
}

// markdownExts are the endings of Markdown files other than .md, lower
// cased (Hugo's list, and .MD): a file ending in one was meant as a notice.
var markdownExts = []string{".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext"}

// IsFile reports whether a site-relative, slash-separated path is one Find
// lists under Dir: what a reader of the site's git history counts as a
// notice file.
func IsFile(rel string) bool {
	parts := strings.Split(rel, "/")
	if len(parts) < 2 || parts[0] != Dir {
		return false
	}
	for _, dir := range parts[1 : len(parts)-1] {
		if skipDir(dir) {
			return false
		}
	}
	return noticeName(parts[len(parts)-1])
}

// skipDir reports whether Find leaves out a folder of this name: hidden
// and underscore folders hold drafts and editor files.
func skipDir(name string) bool { return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") }

// noticeName reports whether a file of this name is a notice: Markdown,
// not hidden, not an editor's lock file.
func noticeName(name string) bool {
	return strings.HasSuffix(name, ".md") && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "#")
}

// Languages tells the reader which language codes the site has.
type Languages struct {
	Codes   []string
	Default string
}

// Page is one content file, read.
type Page struct {
	Notice  *notice.Notice
	Version string   // hash of the file's bytes: the notice's content version
	Sum     [32]byte // the file's SHA-256, of which Version is the start
	// Blob is the file's git blob id (the SHA-1 of "blob <size>\0" and its
	// bytes): the history takes a committed file with this id as this
	// page, without reading it from the repository or parsing it again.
	Blob [20]byte

	fm frontMatter // where the front matter is in the file
}

// frontMatter is where a file's front matter block is, so a lean load can
// find its fields again without holding it.
type frontMatter struct {
	format     string // yaml, toml or json
	start, end int    // byte offsets of the block in the file
	line       int    // the file's line of the block's first line
}

// Parse reads one notice file. name is the path shown in messages; src is
// the file's bytes. A returned error is a diag.List: every mistake in the
// file, each with its rule, its place as an editor shows it and the
// file's line there. The page is nil only when the front matter does not
// parse at all; otherwise it holds what did decode.
func Parse(name string, src []byte, langs Languages) (*Page, error) {
	return parseShared(name, src, langs, nil)
}

// parseShared is Parse giving the notice the copies in shared of the text
// it holds, when shared is not nil.
func parseShared(name string, src []byte, langs Languages, shared *texts) (*Page, error) {
	p, errs := parse(name, src, langs, shared)
	if len(errs) == 0 {
		return p, nil
	}
	errs.AddSource(name, src)
	if p != nil {
		for _, d := range errs {
			d.Notice, d.Lang = p.Notice.ID, p.Notice.Lang
		}
	}
	return p, errs
}

func parse(name string, src []byte, langs Languages, shared *texts) (*Page, diag.List) {
	items, err := pageparser.ParseBytes(src, pageparser.Config{})
	if err != nil {
		return nil, diag.List{{Rule: diag.RuleFrontMatter, Severity: diag.Error, Pos: diag.Position{File: name, Line: 1, Col: 1}, Message: err.Error()}}
	}
	var fm pageparser.Item
	found := false
	for _, it := range items {
		if it.IsFrontMatter() {
			fm, found = it, true
			break
		}
	}
	if !found {
		return nil, diag.List{unclosed(name, src)}
	}
	format := pageparser.FormatFromFrontMatterType(fm.Type)
	fmSrc := fm.Val(src)
	fmLine := 1 + bytes.Count(src[:fm.Pos()], []byte("\n"))
	end := fm.Pos() + len(fmSrc)
	// The body starts after the closing delimiter line.
	body := src[end:]
	if nl := bytes.IndexByte(body, '\n'); nl >= 0 && format != metadecoders.JSON {
		body = body[nl+1:]
	}
	bodyLine := 1 + bytes.Count(src[:len(src)-len(body)], []byte("\n"))

	raw, err := decodeFrontMatter(fmSrc, format)
	if err != nil {
		return nil, diag.List{syntaxError(name, string(format), fmSrc, fmLine, err)}
	}
	if shared != nil {
		shared.share(raw)
	}
	// The origin holds the file (the body and the front matter its
	// locator reads); a lean load gives the notice one that reads the
	// file again (Read).
	at := frontMatter{format: string(format), start: fm.Pos(), end: end, line: fmLine}
	n, derr := notice.Decode(raw, name, &origin{body: body, bodyLine: bodyLine, locate: heldLocator(name, at, fmSrc)})

	stem, fileLang := splitName(path.Base(name), langs.Codes)
	if n.ID == "" {
		n.ID = stem
	}
	var errs diag.List
	if derr != nil {
		errs = derr.(diag.List)
	}
	bad := func(field string, format string, args ...any) *diag.Diagnostic {
		return &diag.Diagnostic{Rule: diag.RuleNotice, Severity: diag.Error, Pos: n.Pos(field), Field: field, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case fileLang != "":
		if n.Lang != "" && n.Lang != fileLang {
			errs = append(errs, bad("lang", "says %q but the file name says %q", n.Lang, fileLang))
		}
		n.Lang = fileLang
	case n.Lang == "":
		n.Lang = langs.Default
	case !slices.Contains(langs.Codes, n.Lang):
		d := bad("lang", "found %q, want one of the site's languages (%s) from notis.toml", n.Lang, strings.Join(langs.Codes, ", "))
		// sv-SE, SV, sv_SE: a tag whose language the site has.
		primary, _, _ := strings.Cut(strings.ReplaceAll(strings.ToLower(n.Lang), "_", "-"), "-")
		if slices.Contains(langs.Codes, primary) {
			d.Fix = "write lang: " + primary
		} else if looksLikeLanguage(n.Lang) {
			d.Fix = fmt.Sprintf("write one of the site's language codes, or add [languages.%s] to notis.toml", strings.ToLower(n.Lang))
		} else {
			d.Fix = "write the language's code (" + strings.Join(langs.Codes, ", ") + "), not its name"
		}
		errs = append(errs, d)
	}
	if !validID(n.ID) {
		errs = append(errs, badID(n, stem, fileLang, langs.Codes))
	}
	sum := sha256.Sum256(src)
	// The version is the hash's first six bytes in hex, encoded alone: a
	// slice of the whole hash's hex would keep all 64 bytes alive with
	// every page of a large site (1.3 MB at 20,000 pages).
	return &Page{Notice: n, Version: hex.EncodeToString(sum[:6]), Sum: sum, Blob: gitBlobID(src), fm: at}, errs
}

// gitBlobID is the id git gives a file with these bytes.
func gitBlobID(src []byte) (id [20]byte) {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(src)) + "\x00"))
	h.Write(src)
	h.Sum(id[:0])
	return id
}

// TranslationFile is where the translation into lang of the notice in
// file belongs: beside it, named as it is with lang in place of its
// language ("content/essex/partners.en.md" → "content/essex/partners.sv.md";
// "content/cookies.md" → "content/cookies.sv.md"), so a notice in an
// organisation's folder is never sent to content/. langs are the site's.
func TranslationFile(file, lang string, langs []string) string {
	dir, base := path.Split(filepath.ToSlash(file))
	stem, _ := splitName(base, langs)
	return dir + stem + "." + lang + ".md"
}

// splitName splits "candidates.sv.md" into ("candidates", "sv") when sv is
// a site language, and "candidates.md" into ("candidates", "").
func splitName(base string, langs []string) (stem, lang string) {
	stem = strings.TrimSuffix(base, ".md")
	if i := strings.LastIndexByte(stem, '.'); i > 0 && slices.Contains(langs, stem[i+1:]) {
		return stem[:i], stem[i+1:]
	}
	return stem, ""
}

// badID is the diagnostic for a notice whose id is not a valid one, with
// the name that would be: the id comes from the file's name unless its
// front matter says notice:, and a name like "partners.de.md" whose
// language the site does not have is read as the id "partners.de".
func badID(n *notice.Notice, stem, fileLang string, langs []string) *diag.Diagnostic {
	d := &diag.Diagnostic{Rule: diag.RuleNotice, Severity: diag.Error, Pos: n.Pos("notice"), Field: "notice",
		Message: fmt.Sprintf("notice id %q: want lower-case letters, digits and dashes (it becomes the page's URL)", n.ID)}
	if n.ID != stem {
		if slug := Slug(n.ID); slug != "" {
			d.Fix = fmt.Sprintf("write notice: %s", slug)
		}
		return d
	}
	ext := ".md"
	if fileLang != "" {
		ext = "." + fileLang + ".md"
	}
	if i := strings.LastIndexByte(stem, '.'); i > 0 && fileLang == "" && looksLikeLanguage(stem[i+1:]) {
		lang := stem[i+1:]
		d.Message = fmt.Sprintf("the file name says language %q, which is not one of the site's languages (%s)", lang, strings.Join(langs, ", "))
		d.Fix = fmt.Sprintf("add [languages.%s] to notis.toml, or name the file for a site language (%s.%s.md)", lang, stem[:i], langs[0])
		return d
	}
	if slug := Slug(stem); slug != "" {
		d.Fix = fmt.Sprintf("rename the file to %s%s, or give it notice: %s", slug, ext, slug)
	}
	return d
}

// looksLikeLanguage reports whether s has the shape of a language tag
// (de, fr-ca, nb-no, zh-hans): what a file name ending in .de.md meant.
func looksLikeLanguage(s string) bool {
	base, region, _ := strings.Cut(s, "-")
	if len(base) < 2 || len(base) > 3 || region != "" && (len(region) < 2 || len(region) > 8) {
		return false
	}
	for _, r := range base {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	for _, r := range region {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// Slug is the notice id nearest to name: lower case, accents and marks
// dropped (å → a, é → e, ß → ss), every run of anything else a dash;
// "" when nothing of name is left.
func Slug(name string) string {
	folded, _, err := transform.String(transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn))), name)
	if err != nil {
		folded = name
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(folded) {
		var piece string
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			piece = string(r)
		case r == 'ß':
			piece = "ss"
		case r == 'æ':
			piece = "ae"
		case r == 'ø':
			piece = "o"
		case r == 'ł':
			piece = "l"
		default:
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(piece)
		dash = false
	}
	slug := b.String()
	if len(slug) > 80 {
		slug = strings.TrimRight(slug[:80], "-")
	}
	return slug
}

func validID(id string) bool {
	if id == "" || len(id) > 80 {
		return false
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return id[0] != '-'
}
