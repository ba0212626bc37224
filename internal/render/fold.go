package render

import (
	"html/template"
	"strconv"
	"text/template/parse"
)

// foldStrings replaces every call of t, sectionID and headingID in a
// language's templates whose arguments are all literal strings, such as
// {{t "site.skip"}} or {{headingID "data"}}, with the string it returns in
// that language. Each template set serves one language and the section
// ids are fixed, so the result is fixed when the layouts are parsed;
// text/template would otherwise make a reflective call for each of them
// on every page, about 600 allocations of a notice page's 5,400
// (BenchmarkNoticePage). The folded value is still a pipeline's value, so
// html/template escapes it for its context as it escaped the call's. A
// call that fails (a key the strings lack) is left as it is, to fail when
// the page renders, as it did before; so is a name the table of
// sections lacks.
//
// It must run before the templates are first executed: html/template
// escapes the parse trees then, and copies them on Clone.
func (r *Renderer) foldStrings(t *template.Template, lang string) {
	for _, x := range t.Templates() {
		if x.Tree != nil && x.Tree.Root != nil {
			r.foldNode(x.Tree.Root, lang)
		}
	}
}

func (r *Renderer) foldNode(n parse.Node, lang string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			r.foldNode(c, lang)
		}
	case *parse.ActionNode:
		r.foldPipe(n.Pipe, lang)
	case *parse.IfNode:
		r.foldBranch(&n.BranchNode, lang)
	case *parse.RangeNode:
		r.foldBranch(&n.BranchNode, lang)
	case *parse.WithNode:
		r.foldBranch(&n.BranchNode, lang)
	case *parse.TemplateNode:
		r.foldPipe(n.Pipe, lang)
	}
}

func (r *Renderer) foldBranch(b *parse.BranchNode, lang string) {
	r.foldPipe(b.Pipe, lang)
	r.foldNode(b.List, lang)
	r.foldNode(b.ElseList, lang)
}

func (r *Renderer) foldPipe(p *parse.PipeNode, lang string) {
	if p == nil {
		return
	}
	for _, c := range p.Cmds {
		r.foldCommand(c, lang)
	}
}

// foldCommand folds one command, after the commands nested in its
// arguments, so {{list (t "a") (t "b")}} folds both.
func (r *Renderer) foldCommand(c *parse.CommandNode, lang string) {
	for _, a := range c.Args {
		if p, ok := a.(*parse.PipeNode); ok {
			r.foldPipe(p, lang)
		}
	}
	if len(c.Args) < 2 {
		return
	}
	fn, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok || (fn.Ident != "t" && fn.Ident != "sectionID" && fn.Ident != "headingID") {
		return
	}
	strs := make([]string, 0, len(c.Args)-1)
	for _, a := range c.Args[1:] {
		s, ok := a.(*parse.StringNode)
		if !ok {
			return
		}
		strs = append(strs, s.Text)
	}
	var v string
	var err error
	switch {
	case fn.Ident == "t":
		args := make([]any, 0, len(strs)-1)
		for _, s := range strs[1:] {
			args = append(args, s)
		}
		v, err = r.strings.T(lang, strs[0], args...)
	case len(strs) != 1:
		return // the call's error, at render
	case fn.Ident == "sectionID":
		v, err = sectionID(strs[0])
	default:
		v, err = headingID(strs[0])
	}
	if err != nil {
		return
	}
	// The key's node becomes the string: it keeps its place in the
	// source for error messages.
	key := c.Args[1].(*parse.StringNode)
	key.Text, key.Quoted = v, strconv.Quote(v)
	c.Args = []parse.Node{key}
}
