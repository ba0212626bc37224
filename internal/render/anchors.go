package render

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// BodyAnchors returns the ids a notice page gives the headings of its
// Markdown body, as renderBody gives them, for checking a body's own
// #links (the lint's text.broken-link).
func BodyAnchors(body []byte) []string {
	ctx := parser.NewContext(parser.WithIDs(newBodyIDs()))
	doc := newMarkdown().Parser().Parse(text.NewReader(body), parser.WithContext(ctx))
	var ids []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			if id, ok := h.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					ids = append(ids, string(b))
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return ids
}

// PageAnchor reports whether id is one the notice page itself writes (a
// section, its heading, a purpose), so a body may link to it.
func PageAnchor(id string) bool { return reserved(id) }
