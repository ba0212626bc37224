package render

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/site"
)

// A layout's mistake is a diagnostic at its file, line and column, with
// that line, whether the layout does not parse, cannot be executed on a
// page, calls a function that fails, or leaves html/template a context it
// cannot escape: the CLI, the lint's formats and the preview's overlay
// read the place from the diagnostic, never from its text.
func TestALayoutsMistakeIsADiagnosticAtItsLine(t *testing.T) {
	for _, c := range []struct {
		name, index       string
		file              string
		line, col         int
		source, inMessage string
		atExecution       bool
	}{
		{"parse", "{{define \"main\"}}\n<p>{{if .Title}}x\n{{end}}", "layouts/index.html", 3, 1, "{{end}}", "the layout does not parse: unexpected EOF", false},
		{"field", "{{define \"main\"}}\n<p>{{.Nope}}</p>{{end}}", "layouts/index.html", 2, 5, "<p>{{.Nope}}</p>{{end}}", "the index page (en) does not render: executing \"main\" at <.Nope>", true},
		{"function", "{{define \"main\"}}\n\n<p>{{t \"no.such.key\"}}</p>{{end}}", "layouts/index.html", 3, 5, "<p>{{t \"no.such.key\"}}</p>{{end}}", "no.such.key", true},
		{"escaping", "{{define \"main\"}}\n<script>var x = 1;\n{{if .Title}}</script>{{end}}{{end}}", "layouts/index.html", 3, 0, "", "the index page (en) does not render: ", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := site.Overlay(fstest.MapFS{"layouts/index.html": {Data: []byte(c.index)}}, notis.Defaults)
			r, err := rendererOver(t, fsys)
			if c.atExecution {
				if err != nil {
					t.Fatal(err)
				}
				_, err = r.Index("en", nil)
			}
			var d *diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("want a diagnostic, got %T: %v", err, err)
			}
			t.Log(d)
			if d.Rule != diag.RuleLayout || d.Severity != diag.Error || d.Pos.File != c.file || d.Pos.Line != c.line ||
				(c.col != 0 && d.Pos.Col != c.col) || (c.source != "" && d.Source != c.source) || !strings.Contains(d.Message, c.inMessage) || d.Fix == "" {
				t.Errorf("got %+v", d)
			}
		})
	}
}
