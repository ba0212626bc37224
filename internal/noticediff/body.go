package noticediff

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/notis-dev/notis/internal/mdtext"
	"github.com/notis-dev/notis/internal/notice"
)

// Op is what a run of the body diff does.
type Op int

// The body diff's operations.
const (
	Equal Op = iota
	Insert
	Delete
)

func (o Op) String() string { return [...]string{"equal", "insert", "delete"}[o] }

// MarshalText prints equal, insert or delete.
func (o Op) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// BodyOp is one run of the body diff: text kept, inserted or deleted.
// Runs cover whole words and keep the whitespace between them, so joining
// the Equal and Delete runs gives the old text and the Equal and Insert
// runs the new.
type BodyOp struct {
	Op   Op     `json:"op"`
	Text string `json:"text"`
}

func bodyDiff(old, new *notice.Notice) ([]BodyOp, error) {
	var a, b []byte
	var err error
	if old != nil {
		if a, err = old.Text(); err != nil {
			return nil, fmt.Errorf("%s: %w", old.File, err)
		}
	}
	if new != nil {
		if b, err = new.Text(); err != nil {
			return nil, fmt.Errorf("%s: %w", new.File, err)
		}
	}
	// Compared as read: Markdown's marks are not words, and a change of
	// formatting alone is no change of what the notice says.
	ta := mdtext.Of(a)
	if bytes.Equal(a, b) { // most versions leave the prose as it was
		return Words(ta, ta), nil
	}
	return Words(ta, mdtext.Of(b)), nil
}

// tokens splits text into words (letters, digits and the marks inside a
// word like an apostrophe or hyphen), runs of whitespace, and single
// other characters (punctuation, Markdown syntax).
func tokens(s string) []string {
	var out []string
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		n := size
		switch {
		case unicode.IsSpace(r):
			for n < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[n:])
				if !unicode.IsSpace(r2) {
					break
				}
				n += sz
			}
		case wordRune(r):
			for n < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[n:])
				if !wordRune(r2) && !(inWord(r2) && n+sz < len(s) && startsWord(s[n+sz:])) {
					break
				}
				n += sz
			}
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

// inWord are the marks that join a word when letters follow: don't,
// e-post, 6.5, 9(2)'s parts stay separate.
func inWord(r rune) bool { return r == '\'' || r == '’' || r == '-' || r == '.' || r == ',' }

func startsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return wordRune(r)
}

// maxEdits bounds the diff's work on one sequence: past it the changed
// middle is shown as deleted then inserted, which is still right, only
// coarser. Lines are diffed first and words only inside changed lines,
// so the bound is met only by a rewrite of most of a long paragraph run.
const maxEdits = 1000

// Words is the word-level diff from a to b: the lines are compared first,
// then the words of each stretch of changed lines, so an edit at the top
// and one at the bottom stay two small changes.
func Words(a, b string) []BodyOp {
	if a == b { // most versions leave the prose as it was
		if a == "" {
			return nil
		}
		return []BodyOp{{Equal, a}}
	}
	var ops runs
	emit := ops.add
	var del, ins strings.Builder
	flush := func() {
		for _, e := range diffTokens(tokens(del.String()), tokens(ins.String())) {
			emit(e.Op, e.Text)
		}
		del.Reset()
		ins.Reset()
	}
	for _, e := range diffTokens(lines(a), lines(b)) {
		switch e.Op {
		case Equal:
			flush()
			emit(Equal, e.Text)
		case Delete:
			del.WriteString(e.Text)
		case Insert:
			ins.WriteString(e.Text)
		}
	}
	flush()
	return tidy(ops.ops())
}

// runs builds BodyOps a piece at a time without copying each run's text
// again for every piece added to it.
type runs struct {
	op    []Op
	parts [][]string
}

func (r *runs) add(op Op, t string) {
	if t == "" {
		return
	}
	if n := len(r.op); n > 0 && r.op[n-1] == op {
		r.parts[n-1] = append(r.parts[n-1], t)
		return
	}
	r.op = append(r.op, op)
	r.parts = append(r.parts, []string{t})
}

func (r *runs) ops() []BodyOp {
	out := make([]BodyOp, len(r.op))
	for i, op := range r.op {
		out[i] = BodyOp{op, strings.Join(r.parts[i], "")}
	}
	return out
}

// lines splits text after each newline, keeping it.
func lines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

// diffTokens is the shortest edit script from ta to tb, one BodyOp a token.
func diffTokens(ta, tb []string) []BodyOp {
	// Tokens become small integers so the diff compares ints.
	ids := map[string]int{}
	id := func(ts []string) []int {
		out := make([]int, len(ts))
		for i, t := range ts {
			v, ok := ids[t]
			if !ok {
				v = len(ids)
				ids[t] = v
			}
			out[i] = v
		}
		return out
	}
	x, y := id(ta), id(tb)
	// The common start and end cost nothing to find and shrink the rest.
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var out []BodyOp
	for _, t := range ta[:pre] {
		out = append(out, BodyOp{Equal, t})
	}
	sa, sb := ta[pre:len(ta)-suf], tb[pre:len(tb)-suf]
	script, ok := myers(x[pre:len(x)-suf], y[pre:len(y)-suf])
	if !ok {
		for _, t := range sa {
			out = append(out, BodyOp{Delete, t})
		}
		for _, t := range sb {
			out = append(out, BodyOp{Insert, t})
		}
	} else {
		i, j := 0, 0
		for _, e := range script {
			switch e {
			case Equal:
				out = append(out, BodyOp{Equal, sa[i]})
				i, j = i+1, j+1
			case Delete:
				out = append(out, BodyOp{Delete, sa[i]})
				i++
			case Insert:
				out = append(out, BodyOp{Insert, sb[j]})
				j++
			}
		}
	}
	for _, t := range ta[len(ta)-suf:] {
		out = append(out, BodyOp{Equal, t})
	}
	return out
}

// myers is Myers' O(ND) diff: the shortest edit script from a to b, one
// Op per token; false when it needs more than maxEdits edits. It keeps
// each round's frontier (2d+3 entries) to walk back: O(D²) memory.
func myers(a, b []int) ([]Op, bool) {
	n, m := len(a), len(b)
	limit := min(n+m, maxEdits)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace []frontier
	for d := 0; d <= limit; d++ {
		trace = append(trace, frontier{lo: -d - 1, v: append([]int(nil), v[off-d-1:off+d+2]...)})
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m, d), true
			}
		}
	}
	return nil, false
}

// frontier is the furthest x reached on diagonals lo … lo+len(v)-1.
type frontier struct {
	lo int
	v  []int
}

func (f frontier) at(k int) int { return f.v[k-f.lo] }

// backtrack walks the saved frontiers back from (x, y) to the start.
func backtrack(trace []frontier, x, y, d int) []Op {
	var rev []Op
	for ; d > 0; d-- {
		f := trace[d]
		k := x - y
		var pk int
		if k == -d || (k != d && f.at(k-1) < f.at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := f.at(pk)
		py := px - pk
		for x > px && y > py {
			rev = append(rev, Equal)
			x, y = x-1, y-1
		}
		if x == px {
			rev = append(rev, Insert)
		} else {
			rev = append(rev, Delete)
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		rev = append(rev, Equal)
		x, y = x-1, y-1
	}
	out := make([]Op, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}

// tidy makes the runs read as a person would mark them: spaces or
// punctuation alone kept between two changes join them, so "a b c" →
// "x y z" is one deletion and one insertion, not three of each; and
// within each changed stretch the deletion comes before the insertion.
func tidy(ops []BodyOp) []BodyOp {
	changed := func(i int) bool { return i >= 0 && i < len(ops) && ops[i].Op != Equal }
	var out runs
	var del, ins []string
	flush := func() {
		out.add(Delete, strings.Join(del, ""))
		out.add(Insert, strings.Join(ins, ""))
		del, ins = del[:0], ins[:0]
	}
	for i, op := range ops {
		switch {
		case op.Op == Delete:
			del = append(del, op.Text)
		case op.Op == Insert:
			ins = append(ins, op.Text)
		case !strings.ContainsFunc(op.Text, wordRune) && changed(i-1) && changed(i+1):
			// Kept in both versions: part of the deletion and the insertion.
			del, ins = append(del, op.Text), append(ins, op.Text)
		default:
			flush()
			out.add(Equal, op.Text)
		}
	}
	flush()
	return out.ops()
}

// ProseContext is how many unchanged lines BodyHTML shows on each side of
// a change. A longer unchanged stretch is cut to one line that says how
// many lines it leaves out: a reader looks for what changed, and a page
// that repeats the whole notice around a changed sentence hides it.
const ProseContext = 3

// BodyHTML renders the prose diff for a page: insertions in <ins>,
// deletions in <del>, each opened by visually hidden words (inserted /
// deleted) so that a screen reader announces them and the change does not
// rest on colour alone. Unchanged text more than ProseContext lines from
// a change is left out, in its place the words skipped(n) gives for n
// lines. Every piece of text is escaped; the only markup is the fixed
// tags written here, and a <br> for each line break.
func BodyHTML(ops []BodyOp, inserted, deleted string, skipped func(lines int) string) template.HTML {
	var b strings.Builder
	text := func(s string) { b.WriteString(strings.ReplaceAll(template.HTMLEscapeString(s), "\n", "<br>\n")) }
	for i, op := range ops {
		if strings.TrimSpace(op.Text) == "" && op.Op != Equal {
			// Spacing alone is not announced as a change: the new
			// version's spacing is kept, the old one's dropped.
			if op.Op == Insert {
				text(op.Text)
			}
			continue
		}
		switch op.Op {
		case Equal:
			head, skip, tail := cut(op.Text, i > 0, i < len(ops)-1)
			text(head)
			if skip > 0 {
				b.WriteString(`<span class="prose-skip">` + template.HTMLEscapeString(skipped(skip)) + "</span>\n")
				text(tail)
			}
		case Insert:
			b.WriteString(`<ins><span class="visually-hidden">` + template.HTMLEscapeString(inserted) + ` </span>`)
			text(op.Text)
			b.WriteString(`</ins>`)
		case Delete:
			b.WriteString(`<del><span class="visually-hidden">` + template.HTMLEscapeString(deleted) + ` </span>`)
			text(op.Text)
			b.WriteString(`</del>`)
		}
	}
	return template.HTML(b.String()) // built above from escaped parts only
}

// cut splits unchanged text into what is shown before a cut, how many
// whole lines the cut leaves out (0: none, and head is all of s), and
// what is shown after it. after and before say whether a change comes
// before s and after it: the lines beside a change are kept, the rest
// are cut when that leaves out at least two lines.
func cut(s string, after, before bool) (head string, skipped int, tail string) {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	keepHead, keepTail := 0, 0
	if after {
		keepHead = ProseContext + 1 // the changed line's end, then the context
	}
	if before {
		keepTail = ProseContext
		if !strings.HasSuffix(s, "\n") {
			keepTail++ // the changed line's start
		}
	}
	if len(lines)-keepHead-keepTail < 2 {
		return s, 0, ""
	}
	return strings.Join(lines[:keepHead], ""), len(lines) - keepHead - keepTail, strings.Join(lines[len(lines)-keepTail:], "")
}
