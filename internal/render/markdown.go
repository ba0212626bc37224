package render

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Heading is a body heading listed in the table of contents.
type Heading struct {
	ID, Text string
}

// newMarkdown configures goldmark: GitHub-flavoured tables and lists,
// heading ids, and body headings shifted one level down because the body
// sits inside the page's own "More about…" section. Raw HTML stays off, so
// the body cannot inject markup or scripts.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(shiftHeadings{}, 100)),
		),
	)
}

type shiftHeadings struct{}

func (shiftHeadings) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+1, 6)
		}
		return ast.WalkContinue, nil
	})
}

// renderBody converts a notice's Markdown body to HTML into out and lists
// its top-level headings for the table of contents. Heading ids never
// take one the page reserves (pageSections and friends in sections.go).
func renderBody(md goldmark.Markdown, src []byte, out *bytes.Buffer) ([]Heading, error) {
	ctx := parser.NewContext(parser.WithIDs(newBodyIDs()))
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	var heads []Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Level == 3 {
			id, _ := h.AttributeString("id")
			idb, _ := id.([]byte)
			heads = append(heads, Heading{ID: string(idb), Text: plainText(h, src)})
		}
		return ast.WalkContinue, nil
	})
	if err := md.Renderer().Render(out, src, doc); err != nil {
		return nil, err
	}
	return heads, nil
}

func plainText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
