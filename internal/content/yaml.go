package content

import (
	"bytes"
	"io"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/token"
	"github.com/gohugoio/hugo/parser/metadecoders"
	yaml "go.yaml.in/yaml/v3"
)

// decodeFrontMatter reads a front matter block in its format into the
// generic map the notice decoder takes, as Hugo reads it.
func decodeFrontMatter(src []byte, format metadecoders.Format) (map[string]any, error) {
	if format == metadecoders.YAML {
		return decodeYAML(src)
	}
	return metadecoders.Default.UnmarshalToMap(src, format)
}

// decodeYAML reads a YAML front matter block into the generic map the
// notice decoder takes, giving exactly the values Hugo's decoder
// (metadecoders, on goccy/go-yaml) gives, at about a third of its cost.
//
// Why two decoders: goccy/go-yaml allocates about 230 KB and takes about
// 0.3 ms for a 1.6 KB front matter block; it was 60 % of all the bytes a
// build allocated and a fifth of its CPU time, paid twice for a notice
// whose outline a large build keeps (docs/build.md). go.yaml.in/yaml/v3
// reads the same block into a node tree with a quarter of the
// allocations. Its values are not Hugo's, though (it reads 2026-04-01 as
// a time and 1e3 as a number, where Hugo's decoder keeps both as text),
// so the tree is turned into values by goccy's own rules for plain
// scalars (token.ToNumber and its reserved words), and anything outside
// the plain shape of front matter (tags, aliases of lists and tables, merge keys,
// keys that are not text, repeated keys, more than one document, and
// every document yaml/v3 cannot read) is handed to Hugo's decoder
// whole, which then decides, errors included. FuzzYAMLAsHugoReadsIt
// holds the two to the same values.
func decodeYAML(src []byte) (map[string]any, error) {
	if m, ok := plainYAML(src); ok {
		return m, nil
	}
	return metadecoders.Default.UnmarshalToMap(src, metadecoders.YAML)
}

// plainYAML is decodeYAML's fast path; ok is false when it declines.
func plainYAML(src []byte) (m map[string]any, ok bool) {
	if len(src) == 0 || src[len(src)-1] != '\n' {
		// Front matter ends with a line break before its closing
		// delimiter; without one, goccy folds a last block scalar
		// otherwise than the YAML spec (and yaml/v3) does.
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode || len(root.Content) == 0 {
		return nil, false
	}
	r := &plainReader{src: src}
	v, ok := r.value(root, false)
	if !ok {
		return nil, false
	}
	return v.(map[string]any), true
}

// plainReader turns a node tree into the values goccy/go-yaml gives it.
type plainReader struct {
	src   []byte
	lines []int // offsets of line starts, counted when first needed
}

// line is the text of the 1-based line n.
func (r *plainReader) line(n int) []byte {
	if r.lines == nil {
		r.lines = append(r.lines, 0)
		for i, b := range r.src {
			if b == '\n' {
				r.lines = append(r.lines, i+1)
			}
		}
	}
	if n < 1 || n > len(r.lines) {
		return nil
	}
	l := r.src[r.lines[n-1]:]
	if i := bytes.IndexByte(l, '\n'); i >= 0 {
		l = l[:i]
	}
	return l
}

// blockHeaders are the block scalar headers the two libraries read
// alike; yaml/v3 accepts more (indentation indicators, a comment on the
// header line) that goccy refuses or reads otherwise.
var blockHeaders = []string{"|", "|-", "|+", ">", ">-", ">+"}

// blockHeader reports whether the block scalar that starts at line and
// column has one of blockHeaders, alone on its line.
func (r *plainReader) blockHeader(line, col int) bool {
	l := r.line(line)
	if col < 1 || col > len(l) {
		return false
	}
	h := string(bytes.TrimRight(l[col-1:], " \r"))
	return slices.Contains(blockHeaders, h)
}

// value is the value goccy gives node n; false when plainYAML must
// decline. flow says n is inside a flow collection ([…] or {…}).
func (r *plainReader) value(n *yaml.Node, flow bool) (any, bool) {
	if n.Style&yaml.TaggedStyle != 0 || n.Kind != yaml.AliasNode && !strings.HasPrefix(n.Tag, "!!") {
		// A tag written in the document, even the bare "!".
		return nil, false
	}
	if l := r.line(n.Line); n.Kind != yaml.AliasNode && n.Column >= 1 && n.Column <= len(l) && l[n.Column-1] == '!' {
		// yaml/v3 keeps no trace of the non-specific tag "!" in the
		// node, which goccy reads as "text".
		return nil, false
	}
	if n.Anchor != "" && (n.Kind != yaml.ScalarNode || n.Value == "") {
		// Only a text is anchored in the plain shape: law: &nhs "…".
		return nil, false
	}
	switch n.Kind {
	case yaml.AliasNode:
		// An alias of a text (law: *nhs) is the text again. An alias of
		// a list or a table is left to Hugo's decoder, which also limits
		// how many a document may hold (billion laughs).
		if n.Alias == nil || n.Alias.Kind != yaml.ScalarNode {
			return nil, false
		}
		return r.value(n.Alias, false)
	case yaml.ScalarNode:
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return n.Value, n.Value != "" && r.blockHeader(n.Line, n.Column)
		}
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			return n.Value, true
		}
		if flow && strings.HasSuffix(n.Value, ":") || strings.ContainsRune(n.Value, '\t') {
			// {a:} is a key and no value by the spec and goccy; yaml/v3
			// reads the key "a:". goccy ends a plain text at a tab.
			return nil, false
		}
		return plainScalar(n.Value)
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			if c.Kind == yaml.ScalarNode && c.Style == 0 && c.Value == "" {
				// An empty entry (a lone -): goccy may read the next
				// line's key into it.
				return nil, false
			}
			v, ok := r.value(c, flow || n.Style&yaml.FlowStyle != 0)
			if !ok {
				return nil, false
			}
			l[i] = v
		}
		return l, true
	case yaml.MappingNode:
		inFlow := flow || n.Style&yaml.FlowStyle != 0
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Anchor != "" || k.Style&yaml.TaggedStyle != 0 || !strings.HasPrefix(k.Tag, "!!") || k.Value == "<<" {
				return nil, false
			}
			if k.Style == 0 && (inFlow && strings.ContainsRune(k.Value, ':') || strings.ContainsRune(k.Value, '\t')) {
				// goccy reads {a:b} as a: b, the spec as the key "a:b".
				return nil, false
			}
			if k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
				if kv, ok := plainScalar(k.Value); !ok || kv != k.Value {
					// A key that reads as a number, a truth value or
					// null: goccy's own rules for it are Hugo's.
					return nil, false
				}
			}
			if _, dup := m[k.Value]; dup {
				return nil, false
			}
			v, ok := r.value(n.Content[i+1], inFlow)
			if !ok {
				return nil, false
			}
			m[k.Value] = v
		}
		return m, true
	}
	return nil, false
}

// plainScalar reads an unquoted scalar by goccy/go-yaml's rules (YAML
// 1.2's core schema: yes, no, on and off stay text, and so do dates).
func plainScalar(s string) (any, bool) {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return nil, true
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	if s[0] == '@' || s[0] == '`' {
		// Reserved indicators: goccy refuses them, and says where.
		return nil, false
	}
	if c := s[0]; c == '.' || c == '+' || c == '-' || c >= '0' && c <= '9' {
		if len(s) > 1 && (s[1] == '.' || s[1] == 'i' || s[1] == 'I' || s[1] == 'n' || s[1] == 'N') && (c == '.' || c == '-' || c == '+') {
			// .inf, -.inf, .nan and their kin: too rare in a notice to
			// copy goccy's reading of them.
			return nil, false
		}
		if num := token.ToNumber(s); num != nil {
			return num.Value, true
		}
	}
	return s, true
}
