// Package mdtext turns a notice's Markdown body into the text its reader
// reads: one line for each heading, paragraph, list item and table row,
// a blank line between blocks, and none of Markdown's marks (#, **, the
// brackets of a link). The change page and `notis diff` compare versions
// in this text, so a reader sees what a sentence said and says, not the
// syntax around it; a link keeps its address, which is part of what it
// says.
package mdtext

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// md parses as the pages render (CommonMark with GitHub's tables,
// strikethrough and task lists) but without finding bare links: a bare
// link reads as the text it is, and finding them was a third of the time.
var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList))

// Of returns the reading text of a Markdown body, "" when it has no words.
func Of(src []byte) string {
	doc := md.Parser().Parse(text.NewReader(src))
	w := &writer{src: src}
	w.b.Grow(len(src))
	w.blocks(doc, "")
	out := strings.TrimRight(w.b.String(), "\n")
	if out == "" {
		return "" // no words
	}
	return out + "\n"
}

type writer struct {
	src []byte
	b   strings.Builder
}

// line writes one line of text, prefix first, and ends it: runs of
// white space are one space, and a line without text is none.
func (w *writer) line(prefix, s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	w.b.WriteString(prefix)
	space := false
	for i := 0; i < len(s); {
		c, n := s[i], 1
		isSpace := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
		if c >= utf8.RuneSelf {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			isSpace = unicode.IsSpace(r)
		}
		switch {
		case isSpace:
			space = true
		default:
			if space {
				w.b.WriteByte(' ')
				space = false
			}
			w.b.WriteString(s[i : i+n])
		}
		i += n
	}
	w.b.WriteByte('\n')
}

// gap ends a block with a blank line, once.
func (w *writer) gap() {
	if s := w.b.String(); s != "" && !strings.HasSuffix(s, "\n\n") {
		w.b.WriteString("\n")
	}
}

// blocks writes the block children of n; prefix marks a list item's
// lines.
func (w *writer) blocks(n ast.Node, prefix string) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Heading, *ast.Paragraph, *ast.TextBlock:
			w.line(prefix, w.inline(c))
			if prefix == "" {
				w.gap()
			}
		case *ast.List:
			// A nested list's items are indented under their item.
			indent := strings.Repeat(" ", utf8.RuneCountInString(prefix))
			for i, item := 0, c.FirstChild(); item != nil; i, item = i+1, item.NextSibling() {
				mark := "• "
				if c.IsOrdered() {
					mark = strconv.Itoa(c.Start+i) + ". "
				}
				w.blocks(item, indent+mark)
			}
			if prefix == "" {
				w.gap()
			}
		case *ast.Blockquote:
			w.blocks(c, prefix)
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := c.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				w.line(prefix, string(seg.Value(w.src)))
			}
			w.gap()
		case *east.Table:
			for row := c.FirstChild(); row != nil; row = row.NextSibling() {
				var cells []string
				for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
					cells = append(cells, w.inline(cell))
				}
				w.line(prefix, strings.Join(cells, " · "))
			}
			w.gap()
		case *ast.ThematicBreak, *ast.HTMLBlock:
			// No words: a rule, or markup the page does not show as text.
		default:
			w.blocks(c, prefix)
		}
	}
}

// inline is the text of n's inline children.
func (w *writer) inline(n ast.Node) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if c == n {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			if entering {
				b.Write(c.Segment.Value(w.src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(c.Value)
			}
		case *ast.CodeSpan:
			if entering {
				for t := c.FirstChild(); t != nil; t = t.NextSibling() {
					if s, ok := t.(*ast.Text); ok {
						b.Write(s.Segment.Value(w.src))
					}
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if entering {
				label := w.inline(c)
				b.WriteString(label)
				if dest := string(c.Destination); dest != "" && dest != label {
					b.WriteString(" (" + dest + ")")
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			if entering {
				b.Write(c.URL(w.src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.Image:
			if entering {
				b.WriteString(w.inline(c))
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
