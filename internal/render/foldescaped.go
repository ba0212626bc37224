package render

import (
	"bytes"
	"errors"
	"html/template"
	"strings"
	"sync"
	"text/template/parse"
)

// foldEscaped turns each output action whose value is a literal string
// into the text html/template would write for it, once, when the layouts
// are parsed. After foldStrings a notice page's templates hold about 230
// such actions ({{t "rights.erasure"}} became {{"Right to erasure"}}),
// and html/template passes each through its escapers by reflection on
// every page: about 0.6 µs and 6 allocations an action, a quarter of the
// time a notice page spends in its layouts (BenchmarkNoticePage).
//
// The escaped text is not computed here: html/template's escapers are
// not exported, and a copy of them would be a second, unreviewed
// escaper. Instead html/template escapes the set as it would on its first
// page, and each constant action names, in its pipeline, the escapers
// html/template chose for its context. A small template whose one action
// gets exactly that chain (escaperChains) then writes the string through
// html/template itself, and the action becomes that text. An action whose
// chain none of them has is left as it is. Each escaper is a function of
// its argument alone, so the same chain writes the same text anywhere.
//
// It runs once per template set, before any page is rendered from it:
// the escaped trees are then only read, from every goroutine.
func foldEscaped(t *template.Template, entry string) {
	// html/template escapes a set when a template is first executed, and
	// only then. Executing it with no data into a writer that refuses
	// every byte escapes it and stops at the first write or field. An
	// escaping mistake stays in the set, to be reported by the first page
	// as before; nothing is folded then.
	err := t.ExecuteTemplate(refusingWriter{}, entry, nil)
	var escaping *template.Error
	if errors.As(err, &escaping) {
		return
	}
	chains := escaperChains()
	for _, x := range t.Templates() {
		if x.Tree != nil && x.Tree.Root != nil {
			foldList(x.Tree.Root, chains)
		}
	}
}

// refusingWriter fails every write.
type refusingWriter struct{}

var errRefused = errors.New("refused")

func (refusingWriter) Write([]byte) (int, error) { return 0, errRefused }

// foldList folds the constant actions of a list and of the lists nested
// in it, and joins the text nodes that end up side by side.
func foldList(l *parse.ListNode, chains map[string]chainWriter) {
	if l == nil {
		return
	}
	nodes := l.Nodes[:0]
	for _, n := range l.Nodes {
		if a, ok := n.(*parse.ActionNode); ok {
			if text, ok := foldAction(a, chains); ok {
				n = &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(text)}
			}
		}
		switch n := n.(type) {
		case *parse.TextNode:
			if k := len(nodes); k > 0 {
				if prev, ok := nodes[k-1].(*parse.TextNode); ok {
					// A fresh slice: a text node's bytes may be the
					// source's own.
					nodes[k-1] = &parse.TextNode{NodeType: parse.NodeText, Pos: prev.Pos,
						Text: append(append([]byte(nil), prev.Text...), n.Text...)}
					continue
				}
			}
		case *parse.IfNode:
			foldList(n.List, chains)
			foldList(n.ElseList, chains)
		case *parse.RangeNode:
			foldList(n.List, chains)
			foldList(n.ElseList, chains)
		case *parse.WithNode:
			foldList(n.List, chains)
			foldList(n.ElseList, chains)
		}
		nodes = append(nodes, n)
	}
	clear(l.Nodes[len(nodes):]) // what was joined, for the collector
	l.Nodes = nodes
}

// foldAction returns the text an action writes when it is a literal
// string followed by html/template's escapers alone, and a chain writer
// has that chain.
func foldAction(a *parse.ActionNode, chains map[string]chainWriter) (string, bool) {
	p := a.Pipe
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) < 2 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	s, ok := p.Cmds[0].Args[0].(*parse.StringNode)
	if !ok {
		return "", false
	}
	chain, ok := escaperChain(p.Cmds[1:])
	if !ok {
		return "", false
	}
	w, ok := chains[chain]
	if !ok {
		return "", false
	}
	return w.write(s.Text)
}

// escaperChain names the escapers of a pipeline's commands, in order,
// when every command is one of html/template's own.
func escaperChain(cmds []*parse.CommandNode) (string, bool) {
	names := make([]string, 0, len(cmds))
	for _, c := range cmds {
		if len(c.Args) != 1 {
			return "", false
		}
		id, ok := c.Args[0].(*parse.IdentifierNode)
		if !ok || !strings.HasPrefix(id.Ident, "_html_template_") {
			return "", false
		}
		names = append(names, id.Ident)
	}
	return strings.Join(names, " | "), true
}

// chainWriter writes a string through one chain of escapers: a template
// whose only action has that chain, between a fixed prefix and suffix.
type chainWriter struct {
	t              *template.Template
	prefix, suffix string
}

func (w chainWriter) write(s string) (string, bool) {
	var b bytes.Buffer
	if w.t.Execute(&b, s) != nil {
		return "", false
	}
	out, ok := strings.CutPrefix(b.String(), w.prefix)
	if !ok {
		return "", false
	}
	return strings.CutSuffix(out, w.suffix)
}

// chainContexts are the places a layout writes a value that a chain
// writer is made for: {{.}} between each prefix and suffix. Which chain
// each gets is read from html/template's escaped tree, not assumed.
var chainContexts = [][2]string{
	{"<p>", "</p>"},                      // HTML text
	{`<p title="`, `">`},                 // a quoted attribute
	{`<p title='`, `'>`},                 // a single-quoted attribute
	{`<p title=`, `>`},                   // an unquoted attribute
	{`<a href="`, `">`},                  // a URL attribute's start
	{`<a href="/x/`, `">`},               // within a URL's path
	{`<a href="/x?q=`, `">`},             // within a URL's query
	{`<a href=`, `>`},                    // an unquoted URL
	{`<img srcset="`, `">`},              // a srcset
	{"<title>", "</title>"},              // RCDATA
	{"<textarea>", "</textarea>"},        // RCDATA
	{"<script>var x = ", ";</script>"},   // a JavaScript value
	{`<script>var x = "`, `";</script>`}, // a JavaScript string
	{`<p onclick="f(`, `)">`},            // a value in an event handler
	{"<style>p{color:", "}</style>"},     // a CSS value
	{`<p style="color:`, `">`},           // a CSS value in an attribute
}

// escaperChains maps each chain of escapers to its writer. It is made
// once: its templates are only executed after, which html/template
// allows from any goroutine.
var escaperChains = sync.OnceValue(makeEscaperChains)

func makeEscaperChains() map[string]chainWriter {
	chains := map[string]chainWriter{}
	for _, c := range chainContexts {
		t, err := template.New("chain").Parse(c[0] + "{{.}}" + c[1])
		if err != nil {
			continue
		}
		// Executing escapes it; "" writes what the context itself needs
		// (a JavaScript value's quotes), which the prefix then holds.
		var b bytes.Buffer
		if t.Execute(&b, "") != nil || !strings.HasPrefix(b.String(), c[0]) {
			continue
		}
		var a *parse.ActionNode
		for _, n := range t.Tree.Root.Nodes {
			if x, ok := n.(*parse.ActionNode); ok {
				a = x
			}
		}
		if a == nil || len(a.Pipe.Cmds) < 2 {
			continue
		}
		chain, ok := escaperChain(a.Pipe.Cmds[1:])
		if !ok {
			continue
		}
		if _, seen := chains[chain]; !seen {
			chains[chain] = chainWriter{t: t, prefix: c[0], suffix: c[1]}
		}
	}
	return chains
}
