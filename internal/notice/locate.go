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

// Pos is the position of a field of the notice, for messages: in File,
// where its Origin places it, when it can.
func (n *Notice) Pos(path ...any) Position {
	if n.Origin == nil {
		return Position{File: n.File}
	}
	p := n.Origin.Locate(Path(path))
	if p.File == "" {
		p.File = n.File
	}
	return p
}

// Origin is what a notice's reader keeps of the file it read the notice
// from: the model asks it for the body and for the places of fields, and
// does not know whether they are held in memory or read again from the
// file. internal/content provides it for every notice file; HeldBody
// serves notices made in code.
type Origin interface {
	// Body is the notice's Markdown body.
	Body() ([]byte, error)
	// BodyLine is the line of the file the body starts on; 0 when unknown.
	BodyLine() int
	// Locate is the place of the field at path in the file; the zero
	// Position when it has none.
	Locate(Path) Position
}

// HeldBody is the Origin of a notice made in code rather than read from
// a file (tests, tools): a Markdown body held in memory, without places.
type HeldBody []byte

func (b HeldBody) Body() ([]byte, error) { return b, nil }
func (HeldBody) BodyLine() int           { return 0 }
func (HeldBody) Locate(Path) Position    { return Position{} }
