package render

import (
	"bytes"
	"errors"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
)

// A layout that writes literal strings in every context html/template
// knows, and in a partial, a branch and a loop.
const foldLayout = `{{define "p"}}<i>{{"a<b"}}</i>{{end}}<!doctype html>
<p title="{{"x\" y"}}" lang='{{"it's"}}'>{{"<&'+>"}}</p>
<a href="{{"javascript:alert(1)"}}">{{"é"}}</a><a href="/x/{{"a b"}}?q={{"c&d"}}">x</a><a href={{"/a b"}}>y</a>
<title>{{"</title>"}}</title><textarea>{{"</textarea>"}}</textarea>
<script>var x = {{"</script>"}}; var y = "{{"\"'\n"}}";</script>
<p onclick="f({{"a'b"}})" style="color:{{"red;}"}}">{{template "p"}}</p>
<style>p{color:{{"expression(x)"}}}</style>
{{if true}}{{"in if"}}{{else}}{{"in else"}}{{end}}{{range $i, $x := .}}{{"in range"}} {{$x}}{{end}}
<img srcset="{{"a.png 1x, javascript:x 2x"}}"><p title={{"un quoted"}}>{{$v := "declared"}}{{$v}}
`

func TestFoldingEscapedConstantsWritesWhatHTMLTemplateWrites(t *testing.T) {
	parse := func() *template.Template {
		return template.Must(template.New("page").Parse(foldLayout))
	}
	data := []string{"<v>", "w"}
	var want, got bytes.Buffer
	if err := parse().Execute(&want, data); err != nil {
		t.Fatal(err)
	}
	folded := parse()
	foldEscaped(folded, "page")
	if err := folded.Execute(&got, data); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("folded layout writes\n%s\nwant\n%s", got.String(), want.String())
	}
	// Every literal was folded: had a context's chain no writer, its
	// action would still be here, each page paying for its escapers.
	for _, name := range []string{"page", "p"} {
		for _, a := range constantActions(folded.Lookup(name).Tree.Root) {
			t.Errorf("%s: %s not folded", name, a)
		}
	}
}

func TestFoldingLeavesALayoutThatDoesNotEscapeToFailAtItsPage(t *testing.T) {
	bad := template.Must(template.New("page").Parse(`<a href="{{"x"}}`)) // ends inside an attribute
	foldEscaped(bad, "page")
	var escaping *template.Error
	if err := bad.Execute(&bytes.Buffer{}, nil); !errors.As(err, &escaping) {
		t.Errorf("got %v, want html/template's escaping error", err)
	}
}

func TestTheNoticeLayoutsKeepNoConstantAction(t *testing.T) {
	r := newRenderer(t)
	for kind, byLang := range r.tmpl {
		for lang, set := range byLang {
			for _, x := range set.Templates() {
				if x.Tree == nil || !strings.HasPrefix(x.Name(), LayoutDir) {
					continue
				}
				for _, a := range constantActions(x.Tree.Root) {
					t.Errorf("%s (%s), %s: %s not folded", kind, lang, x.Name(), a)
				}
			}
		}
	}
}

// constantActions lists the output actions in l whose value is a literal
// string that html/template has escaped.
func constantActions(l *parse.ListNode) []string {
	var found []string
	var walk func(*parse.ListNode)
	walk = func(l *parse.ListNode) {
		if l == nil {
			return
		}
		for _, n := range l.Nodes {
			switch n := n.(type) {
			case *parse.ActionNode:
				p := n.Pipe
				if len(p.Decl) == 0 && len(p.Cmds) > 1 && len(p.Cmds[0].Args) == 1 {
					if _, ok := p.Cmds[0].Args[0].(*parse.StringNode); ok {
						found = append(found, n.String())
					}
				}
			case *parse.IfNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.WithNode:
				walk(n.List)
				walk(n.ElseList)
			}
		}
	}
	walk(l)
	return found
}

// FuzzFoldEscaped holds a folded literal to the bytes html/template
// writes for it unfolded, for any string in every context a chain
// writer is made for, and in a few it is not.
func FuzzFoldEscaped(f *testing.F) {
	for _, s := range []string{"", "a<b>&'\"+", "javascript:alert(1)", "</script><b>", "\u2028\x00é", "a.png 1x, b 2x", "expression(x)", "{{", "\n\t"} {
		f.Add(s)
	}
	contexts := append(slices.Clone(chainContexts),
		[2]string{"<!-- ", " -->"}, [2]string{"<p ", `="x">`}, [2]string{"<script>`", "`</script>"})
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range contexts {
			src := c[0] + "{{" + strconv.Quote(s) + "}}" + c[1]
			plain, err := template.New("page").Parse(src)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			var want bytes.Buffer
			wantErr := plain.Execute(&want, nil)
			folded := template.Must(template.New("page").Parse(src))
			foldEscaped(folded, "page")
			var got bytes.Buffer
			gotErr := folded.Execute(&got, nil)
			if (wantErr == nil) != (gotErr == nil) || got.String() != want.String() {
				t.Errorf("%s: folded writes %q (%v), want %q (%v)", src, got.String(), gotErr, want.String(), wantErr)
			}
		}
	})
}
