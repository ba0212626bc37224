package dev

import (
	"strconv"
	"strings"

	"github.com/notis-dev/notis/internal/diag"
)

// Problem is one build error as the overlay shows it: where, what, and
// what would be right; a diagnostic (internal/diag) as the page's script
// reads it.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
	Source  string `json:"source,omitempty"` // the file's line there
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

// Problems lists the diagnostics in a build error, each once: every
// package that reads a site reports diag.Diagnostics, so nothing here
// reads an error's text for a place or a fix.
func Problems(err error) []Problem {
	var out []Problem
	seen := map[Problem]bool{}
	for _, d := range diag.Collect(err) {
		p := Problem{File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Col, Field: d.Field, Rule: d.Rule, Message: d.Message, Fix: upperFirst(d.Fix), Source: d.Source}
		// The same mistake found by several pages is one problem.
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
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

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
