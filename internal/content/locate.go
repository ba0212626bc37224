package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"strings"
	"sync"
	"weak"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/notis-dev/notis/internal/notice"
)

// origin is where content read a notice from (notice.Origin): its body,
// held or read again from the file, and the places of its fields.
type origin struct {
	body     []byte                 // held; unused when load is set
	load     func() ([]byte, error) // reads the body again (a lean load)
	bodyLine int                    // the file's line of the body's first line
	locate   locator
}

func (o *origin) Body() ([]byte, error) {
	if o.load != nil {
		return o.load()
	}
	return o.body, nil
}

func (o *origin) BodyLine() int { return o.bodyLine }

func (o *origin) Locate(p notice.Path) notice.Position { return o.locate(p) }

// A locator maps a field path to its position in the file, one per front
// matter format. It returns the nearest enclosing field's position when
// the exact one is missing (a required field that is absent is reported
// where its parent is).
type locator func(notice.Path) notice.Position

// positions maps a field path (Path.String form) to its line and column
// within the front matter block.
type positions map[string][2]int

// heldLocator returns a locator for a front matter block held in
// memory (src), from the file at fm. The index of positions is built on
// first use, as most notices never need one and building it costs a
// second parse, and then kept with the block.
func heldLocator(file string, fm frontMatter, src []byte) locator {
	var (
		once  sync.Once
		index positions
	)
	return func(p notice.Path) notice.Position {
		once.Do(func() { index = fm.positions(src) })
		return index.find(file, fm.line, p)
	}
}

// rereadLocator returns a locator for a notice loaded without its
// front matter (a lean load): it reads the file again when a position is
// asked for. The index it builds is held only weakly, so the lint's
// findings on one notice share it while the garbage collector may free
// it between notices: a large site's positions are never all in memory.
// A file that changed since it was read (its SHA-256 is not sum) gives
// no positions: every field is placed on the block's first line.
func rereadLocator(fsys fs.FS, file string, fm frontMatter, sum [32]byte) locator {
	var (
		mu     sync.Mutex
		cached weak.Pointer[positions]
	)
	return func(p notice.Path) notice.Position {
		mu.Lock()
		index := cached.Value()
		if index == nil {
			index = new(positions)
			if src, err := fs.ReadFile(fsys, file); err == nil && sha256.Sum256(src) == sum && fm.end <= len(src) {
				*index = fm.positions(src[fm.start:fm.end])
			}
			cached = weak.Make(index)
		}
		mu.Unlock()
		return index.find(file, fm.line, p)
	}
}

// positions indexes the front matter block src, in fm's format.
func (fm frontMatter) positions(src []byte) positions {
	var index positions
	switch fm.format {
	case "yaml":
		index = yamlPositions(src)
	case "toml":
		index = tomlPositions(src)
	case "json":
		index = jsonPositions(src)
	}
	if index == nil {
		index = positions{}
	}
	return index
}

// find returns the place of the field at p, or of the nearest enclosing
// field that exists: a missing required field is reported where its
// parent table is. firstLine is the file's line of the block's first.
func (index positions) find(file string, firstLine int, p notice.Path) notice.Position {
	for n := len(p); n >= 0; n-- {
		if lc, ok := index[notice.Path(p[:n]).String()]; ok {
			return notice.Position{File: file, Line: firstLine + lc[0] - 1, Col: lc[1]}
		}
	}
	return notice.Position{File: file, Line: firstLine, Col: 1}
}

func yamlPositions(src []byte) positions {
	f, err := parser.ParseBytes(src, 0)
	if err != nil || len(f.Docs) == 0 {
		return nil
	}
	idx := positions{}
	var walk func(path notice.Path, n ast.Node)
	walk = func(path notice.Path, n ast.Node) {
		switch x := n.(type) {
		case *ast.MappingNode:
			for _, mv := range x.Values {
				walk(path, mv)
			}
		case *ast.MappingValueNode:
			key := strings.Trim(x.Key.String(), `"'`)
			child := path.Child(key)
			if tk := x.Key.GetToken(); tk != nil {
				idx[child.String()] = [2]int{tk.Position.Line, tk.Position.Column}
			}
			walk(child, x.Value)
		case *ast.SequenceNode:
			for i, v := range x.Values {
				child := path.Child(i)
				if tk := v.GetToken(); tk != nil {
					idx[child.String()] = [2]int{tk.Position.Line, tk.Position.Column}
				}
				walk(child, v)
			}
		case *ast.TagNode:
			walk(path, x.Value)
		case *ast.AnchorNode:
			walk(path, x.Value)
		}
	}
	walk(nil, f.Docs[0].Body)
	return idx
}

func tomlPositions(src []byte) positions {
	idx := positions{}
	var p unstable.Parser
	p.Reset(src)
	var table notice.Path
	arrayCount := map[string]int{}
	keyPath := func(base notice.Path, it unstable.Iterator) (notice.Path, [2]int) {
		path := base
		var lc [2]int
		for it.Next() {
			k := it.Node()
			path = path.Child(string(k.Data))
			if lc == [2]int{} {
				sh := p.Shape(k.Raw)
				lc = [2]int{sh.Start.Line, sh.Start.Column}
			}
		}
		return path, lc
	}
	var value func(path notice.Path, v *unstable.Node)
	value = func(path notice.Path, v *unstable.Node) {
		switch v.Kind {
		case unstable.InlineTable:
			it := v.Children()
			for it.Next() {
				kv := it.Node()
				child, lc := keyPath(path, kv.Key())
				idx[child.String()] = lc
				value(child, kv.Value())
			}
		case unstable.Array:
			it := v.Children()
			i := 0
			for it.Next() {
				el := it.Node()
				child := path.Child(i)
				if el.Raw.Length > 0 {
					sh := p.Shape(el.Raw)
					idx[child.String()] = [2]int{sh.Start.Line, sh.Start.Column}
				} else if lc, ok := idx[path.String()]; ok {
					idx[child.String()] = lc
				}
				value(child, el)
				i++
			}
		}
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			var lc [2]int
			table, lc = keyPath(nil, e.Key())
			idx[table.String()] = lc
		case unstable.ArrayTable:
			base, lc := keyPath(nil, e.Key())
			n := arrayCount[base.String()]
			arrayCount[base.String()] = n + 1
			table = base.Child(n)
			if _, ok := idx[base.String()]; !ok {
				idx[base.String()] = lc
			}
			idx[table.String()] = lc
		case unstable.KeyValue:
			child, lc := keyPath(table, e.Key())
			idx[child.String()] = lc
			value(child, e.Value())
		}
	}
	return idx
}

// jsonPositions walks the JSON tokens, tracking the path, and records where
// each key and list element starts.
func jsonPositions(src []byte) positions {
	idx := positions{}
	dec := json.NewDecoder(bytes.NewReader(src))
	lineCol := func(off int64) [2]int {
		line := 1 + bytes.Count(src[:off], []byte("\n"))
		col := int(off) - bytes.LastIndexByte(src[:off], '\n')
		return [2]int{line, col}
	}
	type frame struct {
		path    notice.Path
		isArray bool
		n       int
		key     string
		wantKey bool
	}
	var stack []*frame
	here := func() notice.Path {
		if len(stack) == 0 {
			return nil // the document itself
		}
		f := stack[len(stack)-1]
		if f.isArray {
			return f.path.Child(f.n)
		}
		return f.path.Child(f.key)
	}
	afterValue := func() {
		if len(stack) == 0 {
			return
		}
		f := stack[len(stack)-1]
		if f.isArray {
			f.n++
		} else {
			f.wantKey = true
		}
	}
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil { // io.EOF at the end
			break
		}
		// InputOffset before Token points at the separator; skip blanks,
		// colons and commas to the token itself.
		for off < int64(len(src)) && strings.IndexByte(" \t\r\n,:", src[off]) >= 0 {
			off++
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				var path notice.Path
				if len(stack) > 0 {
					path = here()
					if stack[len(stack)-1].isArray {
						idx[path.String()] = lineCol(off)
					}
				}
				stack = append(stack, &frame{path: path, isArray: t == '[', wantKey: t == '{'})
			case '}', ']':
				stack = stack[:len(stack)-1]
				afterValue()
			}
		default:
			if len(stack) == 0 {
				continue
			}
			f := stack[len(stack)-1]
			if !f.isArray && f.wantKey {
				f.key, _ = t.(string)
				f.wantKey = false
				idx[f.path.Child(f.key).String()] = lineCol(off)
				continue
			}
			if f.isArray {
				idx[f.path.Child(f.n).String()] = lineCol(off)
			}
			afterValue()
		}
	}
	return idx
}
