// Package i18n holds every user-visible string of notis: labels, headings,
// legal terms, month names and duration words, per language, read from
// TOML files. Legal text is content, so none of it lives in Go code.
//
// Files are i18n/LANG.toml and i18n/NAME.LANG.toml; all files of one
// language merge into one table, and nested tables flatten to dotted keys
// ([rights] access = "…" is the key "rights.access").
package i18n

import (
	"github.com/notis-dev/notis/internal/diag"

	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/notis-dev/notis/internal/period"
)

// Dir is the folder that holds the string files.
const Dir = "i18n"

// Bundle is the strings of every language.
type Bundle struct {
	strings map[string]map[string]string // lang → key → text
}

// Load reads every i18n file in fsys for the given languages and checks
// that each language has every key the reference language has. A missing
// key is an error naming the key and the language.
func Load(fsys fs.FS, langs []string, reference string) (*Bundle, error) {
	return LoadLayers([]fs.FS{fsys}, langs, reference)
}

// LoadLayers reads the strings of several file systems, lowest first: a
// key in a higher layer overrides the same key below it, so a site's
// i18n/en.toml can change one label and keep the built-in rest. Within one
// layer, a key defined by two files is an error.
func LoadLayers(layers []fs.FS, langs []string, reference string) (*Bundle, error) {
	b := &Bundle{strings: map[string]map[string]string{}}
	var errs []error
	for _, fsys := range layers {
		layer, err := readLayer(fsys, langs)
		if err != nil {
			errs = append(errs, err)
		}
		for lang, kv := range layer {
			if b.strings[lang] == nil {
				b.strings[lang] = map[string]string{}
			}
			for k, v := range kv {
				b.strings[lang][k] = v
			}
		}
	}
	if len(errs) > 0 {
		// A file that does not parse would make every key look missing;
		// report the file alone.
		return nil, errors.Join(errs...)
	}
	for _, lang := range langs {
		if b.strings[lang] == nil {
			errs = append(errs, stringsDiag(Dir+"/", 0, 0, fmt.Sprintf("no strings for language %q", lang), b.addLanguageFix(lang, reference)))
		}
	}
	if ref := b.strings[reference]; ref != nil {
		keys := make([]string, 0, len(ref))
		for k := range ref {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, lang := range langs {
			have := b.strings[lang]
			if have == nil || lang == reference {
				continue
			}
			for _, k := range keys {
				if _, ok := have[k]; !ok {
					errs = append(errs, stringsDiag(path.Join(Dir, lang+".toml"), 0, 0, fmt.Sprintf("key %q is missing in language %q (in %q it reads %q)", k, lang, reference, ref[k]), "add the key to that language's file in "+Dir+"/"))
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return b, nil
}

// readLayer reads one file system's i18n files: language → key → text.
func readLayer(fsys fs.FS, langs []string) (map[string]map[string]string, error) {
	entries, err := fs.ReadDir(fsys, Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // a site without its own strings
	}
	if err != nil {
		return nil, fmt.Errorf("%s/: %w", Dir, err)
	}
	out := map[string]map[string]string{}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".toml") {
			continue
		}
		stem := strings.TrimSuffix(name, ".toml")
		lang := stem[strings.LastIndexByte(stem, '.')+1:]
		if !slices.Contains(langs, lang) {
			continue
		}
		file := path.Join(Dir, name)
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var tree map[string]any
		if err := toml.Unmarshal(data, &tree); err != nil {
			var derr *toml.DecodeError
			if errors.As(err, &derr) {
				line, col := derr.Position()
				d := stringsDiag(file, line, col, strings.TrimPrefix(derr.Error(), "toml: "), "check the quotes, = signs and brackets of that line")
				d.Source, _ = diag.LineOf(data, line)
				errs = append(errs, d)
			} else {
				errs = append(errs, stringsDiag(file, 0, 0, err.Error(), ""))
			}
			continue
		}
		if out[lang] == nil {
			out[lang] = map[string]string{}
		}
		if err := flatten(file, "", tree, out[lang]); err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

func flatten(file, prefix string, tree map[string]any, out map[string]string) error {
	var errs []error
	for k, v := range tree {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := v.(type) {
		case string:
			if _, dup := out[key]; dup {
				errs = append(errs, stringsDiag(file, 0, 0, fmt.Sprintf("key %q is defined in more than one file of this language", key), "keep one of them"))
			}
			out[key] = x
		case map[string]any:
			if err := flatten(file, key, x, out); err != nil {
				errs = append(errs, err)
			}
		case []any:
			// Lists (month names) are stored as key.0, key.1, …
			for i, item := range x {
				s, ok := item.(string)
				if !ok {
					errs = append(errs, stringsDiag(file, 0, 0, fmt.Sprintf("%s[%d] must be text", key, i), "put the value in quotes"))
					continue
				}
				out[key+"."+strconv.Itoa(i)] = s
			}
		default:
			errs = append(errs, stringsDiag(file, 0, 0, fmt.Sprintf("%s must be text, found %T", key, v), "put the value in quotes"))
		}
	}
	return errors.Join(errs...)
}

// Has reports whether a key exists in a language.
func (b *Bundle) Has(lang, key string) bool {
	_, ok := b.strings[lang][key]
	return ok
}

// Strings returns every key under prefix (without it) for a language; the
// banner takes its strings this way.
func (b *Bundle) Strings(lang, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range b.strings[lang] {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}

// MissingKeyError is returned by T for a key no language defines.
type MissingKeyError struct{ Lang, Key string }

func (e *MissingKeyError) Error() string {
	return fmt.Sprintf("%s: key %q is missing in language %q", Dir, e.Key, e.Lang)
}

// T returns the text for key in lang, with {name} placeholders replaced by
// the pairs in args ("n", 6, "unit", "years").
func (b *Bundle) T(lang, key string, args ...any) (string, error) {
	s, ok := b.strings[lang][key]
	if !ok {
		return "", &MissingKeyError{lang, key}
	}
	if len(args) == 0 {
		return s, nil
	}
	return fill(s, args), nil
}

// Date prints a date in the language's format: date.format with {day},
// {month} (from date.months.0–11) and {year}.
func (b *Bundle) Date(lang string, t time.Time) (string, error) {
	month, err := b.T(lang, "date.months."+strconv.Itoa(int(t.Month())-1))
	if err != nil {
		return "", err
	}
	return b.T(lang, "date.format", "day", t.Day(), "month", month, "year", t.Year())
}

// Month prints a month of a year, for a date a notice gives only to the
// month: date.month_format with {month} and {year}.
func (b *Bundle) Month(lang string, t time.Time) (string, error) {
	month, err := b.T(lang, "date.months."+strconv.Itoa(int(t.Month())-1))
	if err != nil {
		return "", err
	}
	return b.T(lang, "date.month_format", "month", month, "year", t.Year())
}

// Period prints a duration in words: "6 years and 6 months", "6 år och 6
// månader". Each unit has a .one and an .other form with {n}.
func (b *Bundle) Period(lang string, p period.Period) (string, error) {
	var words []string
	for _, part := range p.Parts() {
		form := "other"
		if part.Count == 1 {
			form = "one"
		}
		w, err := b.T(lang, "duration."+part.Unit+"."+form, "n", part.Count)
		if err != nil {
			return "", err
		}
		words = append(words, w)
	}
	return b.List(lang, words)
}

// List joins items as the language does: "a, b and c", "a, b och c".
func (b *Bundle) List(lang string, items []string) (string, error) {
	switch len(items) {
	case 0:
		return "", nil
	case 1:
		return items[0], nil
	}
	and, err := b.T(lang, "list.and")
	if err != nil {
		return "", err
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + and + " " + items[len(items)-1], nil
}

// fill replaces {name} placeholders with the values paired in args. It
// scans once and allocates once: it runs for every label of every page.
func fill(s string, args []any) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[open+1 : open+end]
		b.WriteString(s[:open])
		found := false
		for i := 0; i+1 < len(args); i += 2 {
			if k, ok := args[i].(string); ok && k == name {
				fmt.Fprint(&b, args[i+1])
				found = true
				break
			}
		}
		if !found {
			b.WriteString(s[open : open+end+1])
		}
		s = s[open+end+1:]
	}
}

// stringsDiag is a mistake in the strings files.
func stringsDiag(file string, line, col int, msg, fix string) *diag.Diagnostic {
	return &diag.Diagnostic{Rule: diag.RuleStrings, Severity: diag.Error, Pos: diag.Position{File: file, Line: line, Col: col}, Message: msg, Fix: fix}
}

// addLanguageFix says how to give a language its strings: translate a
// file that has every key. When the site's own default language is the
// one missing, that is notis's English, which lives in notis's
// repository, not in the site.
func (b *Bundle) addLanguageFix(lang, reference string) string {
	from := reference
	if b.strings[from] == nil {
		from = "en"
	}
	return fmt.Sprintf("add %s/%s.toml beside notis.toml: a copy of %s.toml translated (notis's own: %s/%s.toml)", Dir, lang, from, StringsURL, from)
}

// StringsURL is where notis's own strings are published, for a fix that
// asks for a translation of one.
const StringsURL = "https://github.com/notis-dev/notis/blob/main/i18n"
