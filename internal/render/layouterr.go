package render

import (
	"errors"
	htmltemplate "html/template"
	"regexp"
	"strconv"
	texttemplate "text/template"
	"text/template/parse"

	"github.com/notis-dev/notis/internal/diag"
)

// layoutFix is the advice on every layout's mistake.
const layoutFix = "correct the layout at that line; the built-in layout of the same name (layouts/ in notis's repository) shows what the page is given"

// layoutError is a layout's mistake as a diagnostic at its place: the
// file, line and column in layouts/ that the template packages name,
// with that line of the file. what says what failed ("the index page
// (en) does not render"); sources are the layouts by name, for the line.
//
// html/template gives the place of an escaping mistake as fields, but
// text/template gives the place of a parse or execution error only in
// the error's text ("template: NAME:LINE:COL: …", its documented
// form), and no other way: this is the one place notis reads a place out
// of an error's text, at the edge of the package that made it.
func layoutError(err error, what string, sources map[string]string) error {
	if err == nil {
		return nil
	}
	d := &diag.Diagnostic{Rule: diag.RuleLayout, Severity: diag.Error, Fix: layoutFix}
	msg := err.Error()
	var escaping *htmltemplate.Error
	var exec texttemplate.ExecError
	switch {
	case errors.As(err, &escaping):
		d.Pos = diag.Position{File: escaping.Name, Line: escaping.Line}
		if escaping.Node != nil {
			// The node's place, in the form of an execution error's.
			loc, _ := (*parse.Tree)(nil).ErrorContext(escaping.Node)
			if pos, _ := templatePlace("template: " + loc + ": "); pos.Line > 0 {
				d.Pos = pos
			}
		}
		msg = escaping.Description
	case errors.As(err, &exec):
		d.Pos, msg = templatePlace(exec.Err.Error())
	default:
		d.Pos, msg = templatePlace(msg)
	}
	if d.Pos.Line > 0 {
		if d.Pos.Col == 0 {
			d.Pos.Col = 1
		}
		if src, ok := sources[d.Pos.File]; ok {
			d.Source, _ = diag.LineOf([]byte(src), d.Pos.Line)
		}
	}
	d.Message = what + ": " + msg
	return d
}

// templatePlace reads "template: NAME:LINE[:COL]: rest", the form of
// text/template's parse and execution errors, into a place and the rest;
// text it does not know is all message.
func templatePlace(text string) (diag.Position, string) {
	m := placeText.FindStringSubmatch(text)
	if m == nil {
		return diag.Position{}, text
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3]) // "" when the parser gives no column
	return diag.Position{File: m[1], Line: line, Col: col}, m[4]
}

// placeText is text/template's "template: NAME:LINE[:COL]: " prefix; NAME
// is a layout's path (render.LayoutDir/…), which holds no colon.
var placeText = regexp.MustCompile(`^template: (` + LayoutDir + `/[^:]+):(\d+)(?::(\d+))?: (?s)(.*)$`)

// failedPage says which page a layout's mistake stopped.
func failedPage(kind, lang string) string {
	return "the " + kind + " page (" + lang + ") does not render"
}

// failedParse says that the layouts did not parse.
const failedParse = "the layout does not parse"
