package notice

import (
	"fmt"

	"github.com/notis-dev/notis/internal/diag"
	"strconv"
	"strings"
)

// Path is a field path in front matter: map keys (string) and list
// indexes (int), e.g. purposes[2].basis.
type Path []any

// String prints the path as purposes[2].basis.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch x := e.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(x) + "]")
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, x)
		}
	}
	return b.String()
}

// Child returns the path extended by one element; it never aliases p.
func (p Path) Child(e any) Path {
	c := make(Path, len(p)+1)
	copy(c, p)
	c[len(p)] = e
	return c
}

// Position is a place in a file, 1-based: the diagnostics' position.
type Position = diag.Position

// Locator maps a field path to its position in the source file. The
// content reader provides one per file format; it returns the nearest
// enclosing field's position when the exact one is missing (a required
// field that is absent is reported where its parent is).
type Locator func(Path) Position

// Pos is the position of a field of the notice, for messages.
func (n *Notice) Pos(path ...any) Position {
	if n.Locate == nil {
		return Position{File: n.File}
	}
	return n.Locate(Path(path))
}
