// Package content finds a site's notice files and reads each into the
// notice model: front matter through Hugo's pageparser (YAML, TOML or
// JSON), language and translation key from the file name.
package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/gohugoio/hugo/parser/pageparser"

	"github.com/notis-dev/notis/internal/notice"
)

// Find lists the Markdown files under root in fsys, sorted, so builds are
// deterministic whatever order the file system returns.
func Find(fsys fs.FS, root string) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".md") && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "#") {
			files = append(files, p)
		}
		return nil
	})
	slices.Sort(files)
	return files, err
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
}

// Parse reads one notice file. name is the path shown in messages; src is
// the file's bytes. A returned error is a notice.Errors (every mistake in
// the file) or a single error for a file that cannot be parsed at all.
func Parse(name string, src []byte, langs Languages) (*Page, error) {
	items, err := pageparser.ParseBytes(src, pageparser.Config{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
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
		return nil, fmt.Errorf("%s:1:1: no front matter: a notice starts with a block between --- lines (YAML), +++ lines (TOML) or a JSON object; run `notis new notice NAME` for a template", name)
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

	raw, err := metadecoders.Default.UnmarshalToMap(fmSrc, format)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: front matter (%s) does not parse: %v", name, fmLine, format, err)
	}
	// The locator keeps its own copy of the front matter, so a notice loaded
	// without its body does not keep the whole file alive.
	n, derr := notice.Decode(raw, name, newLocator(name, string(format), bytes.Clone(fmSrc), fmLine))
	n.Body = body
	n.BodyLine = bodyLine

	stem, fileLang := splitName(path.Base(name), langs.Codes)
	if n.ID == "" {
		n.ID = stem
	}
	var errs notice.Errors
	if derr != nil {
		errs = derr.(notice.Errors)
	}
	switch {
	case fileLang != "":
		if n.Lang != "" && n.Lang != fileLang {
			errs = append(errs, &notice.FieldError{Pos: n.Pos("lang"), Path: notice.Path{"lang"}, Msg: fmt.Sprintf("says %q but the file name says %q", n.Lang, fileLang)})
		}
		n.Lang = fileLang
	case n.Lang == "":
		n.Lang = langs.Default
	case !slices.Contains(langs.Codes, n.Lang):
		errs = append(errs, &notice.FieldError{Pos: n.Pos("lang"), Path: notice.Path{"lang"}, Msg: fmt.Sprintf("found %q, want one of the site's languages (%s) from notis.toml", n.Lang, strings.Join(langs.Codes, ", "))})
	}
	if !validID(n.ID) {
		errs = append(errs, &notice.FieldError{Pos: n.Pos("notice"), Path: notice.Path{"notice"}, Msg: fmt.Sprintf("notice id %q: want lower-case letters, digits and dashes (it becomes the page's URL)", n.ID)})
	}
	sum := sha256.Sum256(src)
	p := &Page{Notice: n, Version: hex.EncodeToString(sum[:])[:12], Sum: sum}
	if len(errs) > 0 {
		return p, errs
	}
	return p, nil
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
