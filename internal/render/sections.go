package render

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
)

// pageSections is the one table of the ids a notice page generates, in
// page order: the layouts name sections through it ({{sectionID "data"}},
// {{headingID "data"}}), the contents list is built from it, and the
// Markdown renderer reserves every id in it, so a body heading can never
// take an id the page already uses. Each section's heading has the id
// ID+"-h".
var pageSections = []string{
	"layer", "contents", "controller", "data", "sources", "requirements",
	"purposes", "more", "recipients", "transfers", "retention", "automated",
	"cookies", "rights", "changes", "related",
}

// pageIDs are the other ids the layouts write once per page.
var pageIDs = []string{"main", "objection", "version"}

// pageIDPrefixes start the ids the layouts number or derive from data
// ("purpose-" + a purpose's id, "law-" + a number).
var pageIDPrefixes = []string{"purpose-", "law-"}

// headingSuffix turns a section id into its heading's id.
const headingSuffix = "-h"

func sectionID(name string) (string, error) {
	if !slices.Contains(pageSections, name) {
		return "", fmt.Errorf("section %q is not in render.pageSections", name)
	}
	return name, nil
}

func headingID(name string) (string, error) {
	id, err := sectionID(name)
	return id + headingSuffix, err
}

// reserved reports whether the page itself may use id.
func reserved(id string) bool {
	if slices.Contains(pageIDs, id) {
		return true
	}
	for _, s := range pageSections {
		if id == s || id == s+headingSuffix {
			return true
		}
	}
	for _, p := range pageIDPrefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// bodyIDs gives body headings goldmark's ids, except that an id the page
// reserves, or one already taken, gets a numeric suffix instead.
type bodyIDs struct {
	used map[string]bool
}

func newBodyIDs() *bodyIDs { return &bodyIDs{used: map[string]bool{}} }

var _ parser.IDs = (*bodyIDs)(nil)

func (s *bodyIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	base := slugify(value)
	if base == "" {
		if kind == ast.KindHeading {
			base = "heading"
		} else {
			base = "id"
		}
	}
	for _, p := range pageIDPrefixes {
		if strings.HasPrefix(base, p) {
			base = "h-" + base // no suffix could take it out of the page's range
		}
	}
	id := base
	for i := 1; reserved(id) || s.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	s.used[id] = true
	return []byte(id)
}

func (s *bodyIDs) Put(value []byte) { s.used[string(value)] = true }

// slugify is goldmark's own rule for heading ids, so body anchors stay
// what they were: ASCII letters and digits kept and lower-cased, space,
// hyphen and underscore become hyphens, everything else (non-ASCII
// letters included) is dropped.
func slugify(value []byte) string {
	var b bytes.Buffer
	for _, c := range bytes.TrimSpace(value) {
		switch {
		case c >= 0x80:
		case '0' <= c && c <= '9', 'a' <= c && c <= 'z':
			b.WriteByte(c)
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + ('a' - 'A'))
		case c == ' ' || c == '\t' || c == '\n' || c == '-' || c == '_':
			b.WriteByte('-')
		}
	}
	return b.String()
}
