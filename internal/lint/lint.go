// Package lint checks privacy notices against GDPR Articles 13 and 14 and
// the UK and Swedish rules around them, and reports each defect with the
// article it breaks and how to fix it.
//
// Every check is a Rule: an id, a severity, the articles it enforces and a
// function that looks at one notice through a Context. Rules live one
// family to a file (controller.go, transfer.go, prose.go …) and register
// themselves in the package's registry, which Rules lists; the registry is
// also what docs/lint-rules.md is generated from. Legal facts that change
// with time (a transfer mechanism struck down, an authority renamed) live
// in facts.go with their dates and sources, so Check judges a notice by
// the law of Options.AsOf.
package lint

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/notice"
)

// Severity says how bad a finding is: the diagnostics' severity.
type Severity = diag.Severity

// The severities, from least to most severe.
const (
	Info    = diag.Info
	Warning = diag.Warning
	Error   = diag.Error
)

// Finding is one defect in one notice: a diagnostic whose Rule is a lint
// rule, with the articles it enforces, the notice's id and language, and
// a message that names the notice and the field.
type Finding = diag.Diagnostic

// Options tune a run of Check.
type Options struct {
	// AsOf is the date the notices are judged on; zero means today.
	AsOf time.Time
	// Strict makes warnings fail the run, as errors do.
	Strict bool
	// Categories are the consent categories the site defines; empty means
	// the built-in necessary, preferences, analytics and marketing.
	Categories []string
	// Languages are the site's languages; a notice missing one is
	// reported (translation.missing). Empty: not checked.
	Languages []string
	// Dated gives, for a notice file, the version of it that set its
	// current `updated` date and the commit that did (its short hash and
	// subject), from the site's git history; nil for a file it does not
	// know. Nil: not checked (history.undated-change).
	Dated func(file string) (n *notice.Notice, commit string)
	// Known reports whether the site has a notice of that id, for links
	// between notices, when Check is given one notice's files at a time
	// (the build checks each as it renders it). Nil: the notices given
	// are the site's.
	Known func(id string) bool
}

// DefaultCategories are the consent categories every site has unless its
// i18n files define others.
var DefaultCategories = []string{"necessary", "preferences", "analytics", "marketing"}

// Rule is one check. Check looks at c.N and calls c.Report for each
// defect; it must not keep c.
type Rule struct {
	ID       string
	Severity Severity
	Articles []string
	// Summary says what the rule checks, for the rule reference.
	Summary string
	Check   func(c *Context)
}

var registry []*Rule

// register adds rules to the registry; each rule file calls it from a
// package-level var so the registry is complete before any Check.
func register(rs ...*Rule) bool {
	registry = append(registry, rs...)
	return true
}

// Rules lists every rule, sorted by id.
func Rules() []*Rule { return slices.Clone(sortedRules()) }

// sortedRules is the registry sorted once: a build checks each notice on
// its own, so Check runs once a notice.
var sortedRules = sync.OnceValue(func() []*Rule {
	rs := slices.Clone(registry)
	slices.SortFunc(rs, func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) })
	return rs
})

// Lookup finds a rule by id.
func Lookup(id string) (*Rule, bool) {
	for _, r := range registry {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// Context is what a rule sees of one notice.
type Context struct {
	N    *notice.Notice
	AsOf time.Time
	// Ref is the notice's version that its translations are compared
	// against (the first file of the group sharing its id).
	Ref        *notice.Notice
	Categories []string

	rule     *Rule
	findings []Finding
	groups   map[string][]*notice.Notice // the notices of the run by id
	known    func(id string) bool        // Options.Known
	langs    []string                    // Options.Languages
	dated    func(string) (*notice.Notice, string)
	data     []string           // dataText's cache
	body     string             // the body, lower-cased; built on first use
	starts   []int              // byte offset of each line of body
	grams    *[gramWords]uint64 // the body's trigrams; nil until built
	scratch  *scratch           // the worker's buffers, or nil
}

// scratch is what a worker of Check reuses from one notice to the next:
// lower-casing every body and hashing its trigrams into fresh memory made
// the lint allocate about 25 KB a notice (500 MB on a 20,000-page site),
// which only the garbage collector's work could give back. A Context's
// body lives in the buffer until the worker's next notice; findings copy
// what they keep.
type scratch struct {
	body   []byte
	starts []int
	grams  [gramWords]uint64
}

// scratches keeps workers' buffers from one Check to the next: the build
// checks a large site one notice at a time.
var scratches = sync.Pool{New: func() any { return new(scratch) }}

// gramWords sizes the body's trigram filter: 65,536 bits keeps false
// positives rare for a notice-sized body.
const gramWords = 1024

func gramBit(a, b, c byte) uint32 {
	return (uint32(a)*0x9E3779B1 ^ uint32(b)*0x85EBCA77 ^ uint32(c)*0xC2B2AE3D) >> 16
}

// knows reports whether the site has notice id.
func (c *Context) knows(id string) bool {
	if c.known != nil {
		return c.known(id)
	}
	return c.groups[id] != nil
}

// mayContain reports whether the body might contain text (lower-case): it
// is false only when one of text's three-byte sequences is absent, so the
// prose rules skip most of their phrases without scanning the body.
func (c *Context) mayContain(text string) bool {
	if c.grams == nil {
		// The body's trigrams with each run of white space read as one
		// space, as find matches a phrase's spaces.
		body := c.Body()
		if c.scratch != nil {
			c.grams = &c.scratch.grams
			clear(c.grams[:])
		} else {
			c.grams = new([gramWords]uint64)
		}
		var a, b byte
		n := 0 // bytes in the window so far
		for i := 0; i < len(body); i++ {
			x := body[i]
			if isSpace(x) {
				x = ' '
			}
			if x == ' ' && n > 0 && b == ' ' {
				continue
			}
			if n >= 2 {
				h := gramBit(a, b, x)
				c.grams[h/64] |= 1 << (h % 64)
			}
			a, b, n = b, x, n+1
		}
	}
	for i := 0; i+2 < len(text); i++ {
		h := gramBit(text[i], text[i+1], text[i+2])
		if c.grams[h/64]&(1<<(h%64)) == 0 {
			return false
		}
	}
	return true
}

// BodyContains reports whether the lower-cased body contains any of the
// lower-case phrases, scanning only for those its trigrams allow.
func (c *Context) BodyContains(phrases ...string) bool {
	for _, p := range phrases {
		if c.mayContain(p) && find(c.Body(), p, false) >= 0 {
			return true
		}
	}
	return false
}

// Report records a finding of the running rule at a front matter field.
// path is the field's path, as for notice.Notice.Pos.
func (c *Context) Report(path notice.Path, msg, fix string) {
	c.add(c.N.Pos(path...), path.String(), msg, fix)
}

// ReportBody records a finding at a line and column (1-based) of the body.
func (c *Context) ReportBody(line, col int, msg, fix string) {
	pos := notice.Position{File: c.N.File, Line: c.N.BodyLine() + line - 1, Col: col}
	c.add(pos, "body", msg, fix)
}

func (c *Context) add(pos notice.Position, field, msg, fix string) {
	if field == "" {
		field = "front matter"
	}
	// The message is formatted anew below; the fix may be cut from the
	// body, whose buffer the next notice reuses.
	fix = strings.Clone(fix)
	c.findings = append(c.findings, Finding{
		Rule:     c.rule.ID,
		Severity: c.rule.Severity,
		Articles: c.rule.Articles,
		Notice:   c.N.ID,
		Lang:     c.N.Lang,
		Field:    field,
		Pos:      pos,
		Message:  fmt.Sprintf("notice %q (%s), %s: %s", c.N.ID, c.N.Lang, field, msg),
		Fix:      fix,
	})
}

// Law is the jurisdiction the notice is judged under.
func (c *Context) Law() notice.Jurisdiction { return c.N.Law() }

// Body returns the body lower-cased, for prose rules; LineOf maps a byte
// offset in it to a line and column (1-based, columns in characters).
func (c *Context) Body() string {
	if c.starts == nil {
		text, _ := c.N.Text() // a file that vanished since loading reads as empty
		if c.scratch != nil {
			c.scratch.body = lowerInto(c.scratch.body[:0], text)
			c.body = unsafe.String(unsafe.SliceData(c.scratch.body), len(c.scratch.body))
			c.starts = append(c.scratch.starts[:0], 0)
		} else {
			c.body = lower(text)
			c.starts = append(make([]int, 0, 64), 0)
		}
		for i := 0; i < len(c.body); i++ {
			if c.body[i] == '\n' {
				c.starts = append(c.starts, i+1)
			}
		}
		if c.scratch != nil {
			c.scratch.starts = c.starts
		}
	}
	return c.body
}

// lower is strings.ToLower(string(b)), lower-casing a copy in place: the
// standard library maps text with any non-ASCII letter rune by rune into
// a new string, which made lower-casing Swedish bodies the lint's largest
// cost. Runes whose lower case has another length, and invalid UTF-8, are
// rare enough to leave to strings.ToLower.
func lower(b []byte) string {
	out := lowerInto(make([]byte, 0, len(b)), b)
	// out is never written again: share it rather than copy it, as
	// strings.Builder does.
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// lowerInto appends b lower-cased to out, as lower does.
func lowerInto(out, b []byte) []byte {
	start := len(out)
	out = append(out, b...)
	for i := start; i < len(out); {
		c := out[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				out[i] = c + 'a' - 'A'
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(out[i:])
		l := unicode.ToLower(r)
		switch {
		case r == utf8.RuneError && size == 1, utf8.RuneLen(l) != size:
			return append(out[:i], strings.ToLower(string(b[i-start:]))...)
		case l != r:
			utf8.EncodeRune(out[i:], l)
		}
		i += size
	}
	return out
}

// LineOf returns the 1-based line and column of byte offset off in Body,
// and the line's text.
func (c *Context) LineOf(off int) (line, col int, text string) {
	c.Body()
	i, found := slices.BinarySearch(c.starts, off)
	if !found {
		i--
	}
	start := c.starts[i]
	end := len(c.body)
	if i+1 < len(c.starts) {
		end = c.starts[i+1] - 1
	}
	return i + 1, utf8.RuneCountInString(c.body[start:off]) + 1, c.body[start:end]
}

// Check lints notices and returns the findings sorted by file, line,
// column and rule. Notices sharing an id are translations of one another
// and are also checked for agreeing on every fact (the first of them is
// the reference). Findings a notice suppresses with a reason are left out.
//
// Check uses every core; the notices are only read.
func Check(notices []*notice.Notice, opts Options) []Finding {
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = time.Now().UTC()
	}
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	cats := opts.Categories
	if len(cats) == 0 {
		cats = DefaultCategories
	}
	groups := map[string][]*notice.Notice{}
	for _, n := range notices {
		groups[n.ID] = append(groups[n.ID], n)
	}
	rules := sortedRules()
	// Notices are checked on all cores: rules only read the notices, and a
	// large site's prose checks are the bulk of the work.
	perNotice := make([][]Finding, len(notices))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(notices)) {
		wg.Go(func() {
			sc := scratches.Get().(*scratch)
			defer scratches.Put(sc)
			for i := range next {
				n := notices[i]
				g := groups[n.ID]
				c := &Context{N: n, AsOf: asOf, Categories: cats, Ref: g[0], groups: groups, known: opts.Known, langs: opts.Languages, scratch: sc, dated: opts.Dated}
				for _, r := range rules {
					c.rule = r
					r.Check(c)
				}
				perNotice[i] = slices.DeleteFunc(suppress(c), func(f Finding) bool { return fromParent(n, f.Field) })
			}
		})
	}
	for i := range notices {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []Finding
	for _, fs := range perNotice {
		out = append(out, fs...)
	}
	sortFindings(out)
	return out
}

// WithReading puts the diagnostics of reading a site (files that do not
// parse, values the model refused, see diag.Rules) among the lint's
// findings, in file order, so every output counts a broken notice as the
// errors it has and never as clean. A lint finding at a field whose value
// was refused, or above or under it, is left out: the refused value reads
// as absent, and "missing" would be the wrong advice.
func WithReading(findings []Finding, reading diag.List) []Finding {
	refused := map[string][]string{} // file → fields with a reading error
	out := make([]Finding, 0, len(findings)+len(reading))
	for _, d := range reading {
		out = append(out, *d)
		if d.Field != "" && strings.HasPrefix(d.Rule, "decode.") {
			refused[d.Pos.File] = append(refused[d.Pos.File], d.Field)
		}
	}
	for _, f := range findings {
		if !slices.ContainsFunc(refused[f.Pos.File], func(field string) bool { return related(field, f.Field) }) {
			out = append(out, f)
		}
	}
	sortFindings(out)
	return out
}

// fromParent reports whether a finding at field is about facts a layered
// notice takes from the notice it extends: the parent's own lint reports
// it, at the place where the fact is written.
func fromParent(n *notice.Notice, field string) bool {
	for _, k := range n.Inherited {
		if related(k, field) {
			return true
		}
	}
	return false
}

// Sort orders findings as Check does: by file, then place, then rule.
// The build sorts with it the findings of the notices it checked one at
// a time.
func Sort(out []Finding) { sortFindings(out) }

// sortFindings orders findings by file, line, column and rule.
func sortFindings(out []Finding) {
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(
			strings.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			strings.Compare(a.Rule, b.Rule),
		)
	})
}

// related reports whether one field path is the other or encloses it.
func related(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a == b || (strings.HasPrefix(b, a) && (b[len(a)] == '.' || b[len(a)] == '['))
}

// Failed reports whether the findings should fail a pipeline: any error,
// or any warning when opts.Strict.
func Failed(fs []Finding, opts Options) bool {
	for _, f := range fs {
		if f.Severity == Error || (opts.Strict && f.Severity == Warning) {
			return true
		}
	}
	return false
}

// Count returns the number of findings at each severity.
func Count(fs []Finding) (errors, warnings, infos int) {
	for _, f := range fs {
		switch f.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		default:
			infos++
		}
	}
	return
}
