// Package diag is notis's one vocabulary for a problem found in a site's
// files: a Diagnostic says where (file, line, column, field path), what
// (message), what would be right (fix), which rule (a stable id such as
// syntax.yaml, decode.field or basis.missing) and how bad (severity).
//
// Every reader and checker produces Diagnostics: the site config (site),
// the strings (i18n), the notice files (content, notice), the build's
// cross-file checks and the lint. They travel as errors (a *Diagnostic is
// an error; a List is an error holding several) through packages that
// only pass errors on, and every output reads them as data: Collect walks
// an error tree and returns the Diagnostics in it, so no output ever has
// to recover a file or a line from an error's text.
//
// Positions are what an editor shows: 1-based lines of the whole file
// (front matter counted from the file's first line, not from its
// delimiter) and 1-based columns in characters. Source holds the line at
// the position, so a reader can be shown the line and a caret under the
// column without reading the file again.
package diag

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Severity says how bad a diagnostic is.
type Severity int

// The severities, from least to most severe.
const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// MarshalText prints error, warning or info.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Position is a place in a file: 1-based line and column (in characters);
// a zero Line means the whole file.
type Position struct {
	File      string
	Line, Col int
}

func (p Position) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Under is p with its file, named from the site folder (content/x.md),
// named from where the command ran instead: dir is the site folder as
// the command line gave it (--source site), so a CI job's annotations
// and SARIF locations name files from the repository's root. A file
// named absolutely, and any when dir is "" or ".", stays as it is.
func (p Position) Under(dir string) Position {
	if p.File == "" || dir == "" || dir == "." || filepath.IsAbs(filepath.FromSlash(p.File)) {
		return p
	}
	trailing := strings.HasSuffix(p.File, "/") // a folder: content/
	p.File = filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(p.File)))
	if trailing {
		p.File += "/"
	}
	return p
}

// Diagnostic is one problem in one file.
type Diagnostic struct {
	Rule     string   // stable id: a lint rule, or one of Rules (syntax.yaml …)
	Severity Severity //
	Articles []string // the law it enforces, e.g. "Art 13(1)(f)"; may be empty
	Notice   string   // the notice id, when the problem is in a notice
	Lang     string   // the notice's language
	Field    string   // front matter path (purposes[2].basis), "body", or ""
	Pos      Position
	Message  string // what is wrong
	Fix      string // what would be right; "" when there is no advice
	Source   string // the file's line at Pos, for an excerpt; "" when unknown
}

// Error prints "file:line:col: field: message; fix", the form of a
// diagnostic in an error chain and in a terminal.
func (d *Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	if d.Field != "" && d.Field != "body" {
		b.WriteString(d.Field)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	if d.Fix != "" {
		b.WriteString("; ")
		b.WriteString(d.Fix)
	}
	return b.String()
}

// Excerpt is the source line and a caret under the column, indented, for
// a terminal: "" when the line is not known.
//
//	12 | updated: 2026-02-30
//	   |          ^
func (d *Diagnostic) Excerpt() string {
	if d.Source == "" || d.Pos.Line <= 0 {
		return ""
	}
	num := strconv.Itoa(d.Pos.Line)
	var b strings.Builder
	fmt.Fprintf(&b, "  %s | %s\n", num, d.Source)
	b.WriteString("  " + strings.Repeat(" ", len(num)) + " | ")
	// Tabs stay tabs so the caret lines up however wide the terminal
	// draws them.
	col := 1
	for _, r := range d.Source {
		if col >= d.Pos.Col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		col++
	}
	b.WriteString("^\n")
	return b.String()
}

// List is several diagnostics, as one error.
type List []*Diagnostic

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, d := range l {
		msgs[i] = d.Error()
	}
	return strings.Join(msgs, "\n")
}

// Collect returns the diagnostics in an error tree, in order: each
// *Diagnostic and List as it is, and each other error (a file that could
// not be read, a template that failed) as a diagnostic of rule "error"
// whose message is the error's text. A wrapping error that adds only
// context ("index (en): …") around diagnostics is looked through.
func Collect(err error) List {
	var out List
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
			return
		case *Diagnostic:
			out = append(out, e)
			return
		case List:
			out = append(out, e...)
			return
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
			return
		}
		if inner := errors.Unwrap(err); inner != nil && holds(inner) {
			walk(inner)
			return
		}
		out = append(out, &Diagnostic{Rule: RuleOther, Severity: Error, Message: err.Error()})
	}
	walk(err)
	return out
}

// holds reports whether an error tree contains a diagnostic.
func holds(err error) bool {
	var d *Diagnostic
	var l List
	return errors.As(err, &d) || errors.As(err, &l)
}

// LineOf returns line n (1-based) of src without its line ending, and
// whether the file has that line.
func LineOf(src []byte, n int) (string, bool) {
	if n < 1 {
		return "", false
	}
	for line := 1; ; line++ {
		i := bytes.IndexByte(src, '\n')
		if line == n {
			if i >= 0 {
				src = src[:i]
			}
			s := strings.TrimSuffix(string(src), "\r")
			if !utf8.ValidString(s) {
				s = strings.ToValidUTF8(s, "\uFFFD")
			}
			return s, true
		}
		if i < 0 {
			return "", false
		}
		src = src[i+1:]
	}
}

// AddSource fills in the Source line of each diagnostic in l that is in
// file and has a line, from the file's bytes.
func (l List) AddSource(file string, src []byte) {
	for _, d := range l {
		if d.Pos.File == file && d.Source == "" {
			d.Source, _ = LineOf(src, d.Pos.Line)
		}
	}
}
