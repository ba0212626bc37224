package dev

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Problem is one build error as the overlay shows it: where, what, and
// what would be right.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

// Where is "file:line:col", as much of it as is known.
func (p Problem) Where() string {
	s := p.File
	if p.Line > 0 {
		s += ":" + strconv.Itoa(p.Line)
		if p.Col > 0 {
			s += ":" + strconv.Itoa(p.Col)
		}
	}
	return s
}

// Problems splits a build error into its separate mistakes.
func Problems(err error) []Problem {
	var out []Problem
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
			return
		case notice.Errors:
			for _, fe := range e {
				walk(fe)
			}
			return
		case *notice.FieldError:
			msg, fix := splitFix(e.Msg)
			if e.Hint != "" {
				fix = e.Hint
			}
			out = append(out, Problem{File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col, Field: e.Path.String(), Message: msg, Fix: fix})
			return
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
			return
		}
		// One error per line, except that indented lines (a source
		// excerpt with a caret) belong to the message above them.
		start := len(out)
		for _, line := range strings.Split(err.Error(), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if len(out) > start && strings.IndexAny(line[:1], " \t>|^") == 0 {
				out[len(out)-1].Message += "\n" + line
				continue
			}
			out = append(out, parseLine(line))
		}
	}
	walk(err)
	if len(out) == 0 && err != nil {
		out = append(out, Problem{Message: err.Error()})
	}
	// The same mistake found by several pages is one problem.
	seen := map[Problem]bool{}
	uniq := out[:0]
	for _, p := range out {
		if !seen[p] {
			seen[p] = true
			uniq = append(uniq, p)
		}
	}
	return uniq
}

// Shown is how many problems the overlay and the terminal list; a broken
// strings file can cause hundreds, and the first ones name the cause.
const Shown = 12

// firstProblems keeps the first Shown problems and says how many more
// there are.
func firstProblems(ps []Problem) []Problem {
	if len(ps) <= Shown {
		return ps
	}
	out := append([]Problem(nil), ps[:Shown]...)
	return append(out, Problem{Message: strconv.Itoa(len(ps)-Shown) + " more problems, most likely caused by the ones above."})
}

// A position in a message: a source file, a line and maybe a column.
var posRe = regexp.MustCompile(`([\w./-]+\.(?:md|html|toml|ts|css|js|json|yaml|yml)):(\d+)(?::(\d+))?`)

// parseLine reads "file:line:col: message; fix" and the shapes template
// and i18n errors take.
func parseLine(s string) Problem {
	var p Problem
	if m := posRe.FindStringSubmatchIndex(s); m != nil {
		p.File = s[m[2]:m[3]]
		p.Line, _ = strconv.Atoi(s[m[4]:m[5]])
		if m[6] >= 0 {
			p.Col, _ = strconv.Atoi(s[m[6]:m[7]])
		}
		s = strings.TrimLeft(s[m[1]:], ": ")
	} else if file, rest, ok := strings.Cut(s, ": "); ok && !strings.ContainsAny(file, " \t") {
		p.File, s = file, rest
	}
	p.Message, p.Fix = splitFix(s)
	if p.Fix == "" {
		p.Fix = fixFor(p.Message)
	}
	return p
}

// splitFix separates a message's advice, which notis writes after "; " or
// as ", want …".
func splitFix(msg string) (string, string) {
	if i := strings.Index(msg, ", want "); i > 0 {
		return msg[:i], "Want " + msg[i+len(", want "):]
	}
	if i := strings.LastIndex(msg, "; "); i > 0 {
		return msg[:i], upperFirst(msg[i+2:])
	}
	return msg, ""
}

// fixFor gives advice for errors that carry none.
func fixFor(msg string) string {
	switch {
	case strings.Contains(msg, "is missing in language"):
		return "Add the key to that language's file in i18n/."
	case strings.Contains(msg, "error calling t"), strings.Contains(msg, "no string"), strings.Contains(msg, "missing key"):
		return "Define the string in i18n/ for every language, or fix its name in the layout."
	case strings.Contains(msg, "template:"), strings.Contains(msg, "executing"):
		return "Fix the layout at that line; compare it with notis's own layouts/."
	case strings.Contains(msg, "does not parse"), strings.Contains(msg, "front matter"):
		return "Fix the front matter's syntax at that line (a missing quote, colon or bracket)."
	}
	return ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
