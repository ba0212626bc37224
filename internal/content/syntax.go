package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/pelletier/go-toml/v2"

	"github.com/notis-dev/notis/internal/diag"
)

// unclosed explains a file in which the parser found no front matter: an
// opening delimiter whose closing line is missing, or none at all.
func unclosed(name string, src []byte) *diag.Diagnostic {
	line := 1
	rest := src
	for len(rest) > 0 {
		l, after, _ := bytes.Cut(rest, []byte("\n"))
		t := strings.TrimSpace(strings.TrimPrefix(string(l), "\uFEFF"))
		if t != "" {
			for _, delim := range []string{"---", "+++"} {
				if t == delim {
					return &diag.Diagnostic{Rule: diag.RuleFrontMatter, Severity: diag.Error, Pos: diag.Position{File: name, Line: line, Col: 1},
						Message: fmt.Sprintf("the front matter opened by %s on line %d is never closed", delim, line),
						Fix:     fmt.Sprintf("add a line with only %s after the last field, before the body", delim)}
				}
			}
			if strings.HasPrefix(t, "{") {
				// A JSON object the parser could not find the end of.
				return syntaxError(name, "json", rest, line, errors.New("the JSON object is never closed"))
			}
			break
		}
		line++
		rest = after
	}
	return &diag.Diagnostic{Rule: diag.RuleFrontMatter, Severity: diag.Error, Pos: diag.Position{File: name, Line: 1, Col: 1},
		Message: "no front matter: a notice starts with a block between --- lines (YAML), +++ lines (TOML) or a JSON object",
		Fix:     "run `notis new notice NAME` for a template"}
}

// syntaxError places a front matter block's parse error where an editor
// shows it: the block's own parser is asked again for the line and
// column, which are then counted from the file's first line. err is the
// first parser's error, used when the second one places nothing.
func syntaxError(name, format string, fm []byte, firstLine int, err error) *diag.Diagnostic {
	d := &diag.Diagnostic{Severity: diag.Error, Pos: diag.Position{File: name, Line: firstLine, Col: 1}}
	at := func(line, col int) { d.Pos.Line, d.Pos.Col = firstLine+line-1, max(col, 1) }
	switch format {
	case "yaml":
		d.Rule = diag.RuleYAML
		d.Message = "the YAML front matter does not parse"
		d.Fix = "check the line for a missing colon, quote or bracket, or an indent that does not line up"
		if strings.Contains(err.Error(), "too many YAML aliases") {
			// Hugo's guard (parser/metadecoders, v0.165.0) against a
			// document that expands to far more than it holds ("billion
			// laughs"); it has no place and no error value of its own,
			// only this text, which the alias-bomb case in
			// TestSyntaxErrorsArePlacedAsAnEditorShowsThem holds to.
			d.Message = "the YAML front matter repeats lists or tables through aliases (*name) more than a notice can hold"
			d.Fix = "write the values out where they are used, or repeat an anchor (&name) only a few times"
			return d
		}
		var m any
		var ye yaml.Error
		if perr := yaml.Unmarshal(fm, &m); errors.As(perr, &ye) && ye.GetToken() != nil {
			tk := ye.GetToken()
			at(tk.Position.Line, tk.Position.Column)
			d.Message = "YAML: " + ye.GetMessage()
			// A flow list or table left open is found only on the next
			// line; point at the bracket that was never closed.
			if prev, ok := diag.LineOf(fm, tk.Position.Line-1); ok && tk.Position.Column <= 1+len(prev)-len(strings.TrimLeft(prev, " ")) {
				if col, open := unclosedBracket(prev); col > 0 {
					at(tk.Position.Line-1, col)
					d.Message = fmt.Sprintf("YAML: the %c opened here is never closed", open)
					d.Fix = fmt.Sprintf("close it with %c on the same line, or quote the text if the %c is part of it", map[byte]byte{'[': ']', '{': '}'}[open], open)
				}
			}
		}
	case "toml":
		d.Rule = diag.RuleTOML
		d.Message = "the TOML front matter does not parse"
		d.Fix = "check the line: text needs quotes, a date is written 2026-04-01 without quotes (or \"2026-04\" with them for a month)"
		var m map[string]any
		var te *toml.DecodeError
		if perr := toml.Unmarshal(fm, &m); errors.As(perr, &te) {
			row, col := te.Position()
			at(row, col)
			msg := strings.TrimPrefix(te.Error(), "toml: ")
			d.Message = "TOML: " + msg
			if strings.Contains(msg, "impossible date") {
				d.Message = "TOML: this date does not exist in the calendar"
				// go-toml places the error after the value: point at its start.
				if l, ok := diag.LineOf(fm, row); ok && col-1 <= len(l) {
					for col > 1 && strings.IndexByte("0123456789-:T.", l[col-2]) >= 0 {
						col--
					}
					at(row, col)
				}
				d.Fix = "check the day and the month (February has 28 days, 29 in a leap year; April, June, September and November have 30)"
			}
		}
	case "json":
		d.Rule = diag.RuleJSON
		d.Message = "the JSON front matter does not parse: " + err.Error()
		d.Fix = "check for a comma after the last item, a missing comma, quote or brace"
		var m any
		var se *json.SyntaxError
		if perr := json.Unmarshal(fm, &m); errors.As(perr, &se) && len(fm) > 0 {
			off := int(se.Offset) - 1 // the byte that could not be read
			if off < 0 || off >= len(fm) {
				off = len(bytes.TrimRight(fm, " \t\r\n"))
			}
			d.Message = "JSON: " + se.Error()
			if c := fm[min(off, len(fm)-1)]; len(fm) > 0 && (c == '}' || c == ']') {
				if prev := bytes.TrimRight(fm[:off], " \t\r\n"); len(prev) > 0 && prev[len(prev)-1] == ',' {
					off = len(prev) - 1
					d.Message = fmt.Sprintf("JSON: a comma before %q: JSON allows no comma after the last item", c)
					d.Fix = "remove the comma"
				}
			}
			line := 1 + bytes.Count(fm[:off], []byte("\n"))
			col := utf8.RuneCount(fm[bytes.LastIndexByte(fm[:off], '\n')+1:off]) + 1
			at(line, col)
		} else if perr != nil && strings.Contains(perr.Error(), "unexpected end") {
			d.Message = "JSON: the front matter object is never closed"
			d.Fix = "add the closing } (and any ] or } still open) after the last field"
		}
	default:
		d.Rule = diag.RuleFrontMatter
		d.Message = err.Error()
	}
	return d
}

// unclosedBracket returns the column (1-based, in characters) of the last
// [ or { on a YAML line that is not closed on it, outside quotes.
func unclosedBracket(line string) (col int, open byte) {
	var stack []int
	var quote rune
scan:
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '#' && (i == 0 || line[i-1] == ' '):
			break scan // a comment
		case r == '[' || r == '{':
			stack = append(stack, i)
		case (r == ']' || r == '}') && len(stack) > 0:
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) == 0 {
		return 0, 0
	}
	i := stack[len(stack)-1]
	return utf8.RuneCountInString(line[:i]) + 1, line[i]
}
