package render

import (
	"bytes"
	"html/template"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/i18n"
)

// foldCases puts labels wherever a layout may: text, attributes, a URL,
// a script, with and without arguments, nested in another call, and a
// key the strings lack; and section ids, one of a section that is not.
const foldCases = `<p title="{{t "site.skip"}}">{{t "site.skip"}}</p>` +
	`<a href="/x?q={{t "site.skip"}}">{{t "layer.more" "n" "7"}}</a>` +
	`<script>var s = {{t "site.skip"}};</script>` +
	`{{if t "site.skip"}}<i>{{printf "%s!" (t "site.skip")}}</i>{{end}}` +
	`{{with .}}{{t "site.skip"}}{{end}}{{define "missing"}}{{t "no.such.key"}}{{end}}` +
	`<h2 id="{{headingID "data"}}"><a href="#{{sectionID "data"}}">x</a></h2>{{define "nosection"}}{{sectionID "no-such"}}{{end}}`

// TestFoldedLabelsRenderAsTheirCalls renders the same layouts with and
// without folding, with a label that holds markup, quotes and an
// ampersand: folding must change no byte, html/template still escaping
// each label for where it stands.
func TestFoldedLabelsRenderAsTheirCalls(t *testing.T) {
	site := fstest.MapFS{"i18n/en.toml": {Data: []byte("[site]\nskip = 'Skip <b>to</b> \"it\" & go'\n")}}
	strs, err := i18n.LoadLayers([]fs.FS{notis.Defaults, site}, []string{"en", "sv"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	r := &Renderer{strings: strs}
	parse := func() *template.Template {
		return template.Must(template.New("page").Funcs(r.funcs("en")).Parse(foldCases))
	}
	called, folded := parse(), parse()
	r.foldStrings(folded, "en")
	var want, got bytes.Buffer
	if err := called.Execute(&want, 1); err != nil {
		t.Fatal(err)
	}
	if err := folded.Execute(&got, 1); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("folded layouts render\n%s\nwant, as the calls render,\n%s", got.String(), want.String())
	}
	for _, frag := range []string{"Skip &lt;b&gt;to&lt;/b&gt; &#34;it&#34; &amp; go", "and 7 more", `"Skip \u003cb\u003eto`} {
		if !strings.Contains(got.String(), frag) {
			t.Errorf("the page lacks %q:\n%s", frag, got.String())
		}
	}
	// A key the strings lack still fails when the page renders.
	err = folded.ExecuteTemplate(&got, "missing", nil)
	if err == nil || !strings.Contains(err.Error(), "no.such.key") {
		t.Errorf("a missing key rendered without an error naming it: %v", err)
	}
	err = folded.ExecuteTemplate(&got, "nosection", nil)
	if err == nil || !strings.Contains(err.Error(), "no-such") {
		t.Errorf("a section the table lacks rendered without an error naming it: %v", err)
	}
	// And the folding is real: no call is left but the failing ones.
	for _, x := range folded.Templates() {
		s := x.Tree.Root.String()
		for _, call := range []string{`t "site.skip"`, `t "layer.more"`, `headingID "data"`, `sectionID "data"`} {
			if strings.Contains(s, call) {
				t.Errorf("template %s still calls %s: %s", x.Name(), call, s)
			}
		}
	}
}
