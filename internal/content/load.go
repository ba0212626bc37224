package content

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/site"
)

// Dir is the folder under a site's root that holds its notices.
const Dir = "content"

// LoadAll reads and decodes every notice of a site, using all cores. Pages
// come back in file-name order. The error joins every file's mistakes, so
// a user sees all of them in one run; pages whose files decoded are still
// returned.
func LoadAll(fsys fs.FS, cfg *site.Config) ([]*Page, error) {
	ok, _, _, err := Load(fsys, cfg, Whole)
	return ok, err
}

// Hold is how much of each notice a load keeps in memory.
type Hold int

const (
	// Whole keeps every notice and its body: the preview renders its
	// pages again from them on every save.
	Whole Hold = iota
	// Lean keeps the notices without their bodies, which are read again
	// from the file when asked for (notice.Notice.Text), as are the
	// positions of fields for messages: memory does not grow with the
	// site's prose.
	Lean
	// Outlines is Lean keeping only each notice's outline
	// (notice.Notice.Outline): what other pages show of it. Reread reads
	// a notice whole again to render, check and list it, so a build
	// never holds every notice's facts at once.
	Outlines
	// OutlinesIfLarge is Whole for a site whose notice files total at
	// most WholeBudget bytes, and Outlines for a larger one: a site that
	// fits is read and parsed once; a larger one's memory does not grow
	// with its notices. Which one a load chose is the Hold it returns.
	OutlinesIfLarge
)

// WholeBudget is the most bytes of notice files OutlinesIfLarge holds
// whole. Held whole, a notice costs about its file's size (its body is a
// slice of the file's bytes), so this is about what holding can add to a
// build's memory: little enough that memory stays flat in the size of
// the site, and room for every real site (a few hundred KB). Holding the
// synthetic 1,000-notice site's 40 MB whole saved a fifth of its
// build's CPU (6.1 s against 7.8 s) but raised its peak from 90 to 138
// MiB, and since a site ten times larger cannot be held, its notices
// would each cost over a quarter more than the small site's: time would
// stop growing in step with the site (docs/build.md).
const WholeBudget = 8 << 20

// wholeBudget is WholeBudget, which tests lower.
var wholeBudget int64 = WholeBudget

// LoadAllLean is LoadAll for a one-shot build of a large site: notices do
// not hold their bodies, which are read again from fsys when asked for
// (notice.Notice.Text), so memory does not grow with the site's prose.
func LoadAllLean(fsys fs.FS, cfg *site.Config) ([]*Page, error) {
	ok, _, _, err := Load(fsys, cfg, Lean)
	return ok, err
}

// Load is LoadAll, holding what hold says, that also returns the broken
// pages: files whose front matter parsed but held mistakes, decoded as
// far as they could be. Nothing renders them; the lint checks them, so a
// writer sees every mistake of a file in one run.
// held is what the pages hold: hold, or the choice OutlinesIfLarge made.
func Load(fsys fs.FS, cfg *site.Config, hold Hold) (ok, broken []*Page, held Hold, err error) {
	files, misnamed, err := Walk(fsys, Dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, hold, fmt.Errorf("%s/: no such folder; notices live in %s/NAME.LANG.md", Dir, Dir)
		}
		return nil, nil, hold, err
	}
	if hold == OutlinesIfLarge {
		// Settled before reading, so a large site never holds more than
		// its outlines, not even while it is read.
		hold = Outlines
		if fits(fsys, files, wholeBudget) {
			hold = Whole
		}
	}
	pages, errs := Read(fsys, files, Languages{Codes: cfg.LanguageCodes(), Default: cfg.DefaultLanguage}, hold)
	ok, broken, err = Sort(pages, errs)
	if len(misnamed) > 0 {
		err = errors.Join(misnamed, err)
	}
	return ok, broken, hold, err
}

// Sort files the pages of a site read by Read into those whose files held
// no mistake and the broken ones, then runs CheckSite over all of them.
func Sort(pages []*Page, errs []error) (ok, broken []*Page, err error) {
	for i, p := range pages {
		switch {
		case p == nil:
		case errs[i] == nil:
			ok = append(ok, p)
		default:
			broken = append(broken, p)
		}
	}
	return ok, broken, CheckSite(pages, errs)
}

// Read reads and parses the named files on all cores. pages[i] is nil
// when files[i] could not be read or its front matter did not parse;
// errs[i] holds that file's mistakes; hold says what each page keeps
// (not OutlinesIfLarge, which Load settles).
func Read(fsys fs.FS, files []string, langs Languages, hold Hold) (pages []*Page, errs []error) {
	pages = make([]*Page, len(files))
	errs = make([]error, len(files))
	shared := &texts{seen: map[string]string{}}
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				src, err := fs.ReadFile(fsys, files[i])
				if err != nil {
					errs[i] = err // gone since it was listed: the caller's to handle
					if _, lerr := fs.Lstat(fsys, files[i]); lerr == nil || !errors.Is(err, fs.ErrNotExist) {
						errs[i] = unreadable(files[i], err) // there, but cannot be read
					}
					continue
				}
				pages[i], errs[i] = parseShared(files[i], src, langs, shared)
				if hold != Whole && pages[i] != nil {
					// Nothing of the file is held: body and positions
					// are read again when asked for.
					p := pages[i]
					held := p.Notice.Origin.(*origin)
					p.Notice.Origin = &origin{
						load:     bodyLoader(fsys, files[i], len(src)-len(held.body), p.Sum),
						bodyLine: held.bodyLine,
						locate:   rereadLocator(fsys, files[i], p.fm, p.Sum),
					}
					if hold == Outlines {
						p.Notice = p.Notice.Outline()
					}
				}
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return pages, errs
}

// fits reports whether the named files total at most budget bytes,
// stating only as many as it takes to know: a file that cannot be
// stated does not fit, and Read reports why.
func fits(fsys fs.FS, files []string, budget int64) bool {
	var total int64
	for _, f := range files {
		fi, err := fs.Stat(fsys, f)
		if err != nil {
			return false
		}
		if total += fi.Size(); total > budget {
			return false
		}
	}
	return true
}

// Reread reads the file of a page Read outlined again, whole, body
// included; the file must still have the bytes it had then, or the page
// would not be the one the rest of the site was built from.
func Reread(fsys fs.FS, p *Page, langs Languages) (*Page, error) {
	name := p.Notice.File
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, unreadable(name, err)
	}
	if sha256.Sum256(src) != p.Sum {
		return nil, fmt.Errorf("%s changed while the site was built: build again", name)
	}
	return Parse(name, src, langs)
}

// CheckSite finds the mistakes that span files: two files claiming the
// same notice and language, related notices that do not exist, and
// parents (extends) that do not exist or loop; it gives each layered
// notice its parent's facts. It is the one home of these checks: Load
// runs it on a whole site, the build's cached pipeline after re-reading
// some files. errs holds each page's errors so far (nil: none); pages
// that failed to load are nil. The result joins every error.
func CheckSite(pages []*Page, errs []error) error {
	if errs == nil {
		errs = make([]error, len(pages))
	}
	add := func(i int, err error) {
		if err != nil {
			errs[i] = errors.Join(errs[i], err)
		}
	}
	// One pass files every notice by id and language, then one checks
	// each against the others: the preview runs this on every save, over
	// every page of the site.
	type key struct{ id, lang string }
	byKey := make(map[key]*notice.Notice, len(pages))
	ids := make(map[string]bool, len(pages))
	var dups []int
	for i, p := range pages {
		if p == nil {
			continue
		}
		n := p.Notice
		ids[n.ID] = true
		if _, dup := byKey[key{n.ID, n.Lang}]; dup {
			dups = append(dups, i)
			continue
		}
		byKey[key{n.ID, n.Lang}] = n
	}
	for _, i := range dups {
		n := pages[i].Notice
		first := byKey[key{n.ID, n.Lang}]
		fix := "give one of them another id or language"
		if a, b := languageFolder(first.File), languageFolder(n.File); a != "" && b != "" && a != b {
			// content/en/x.md and content/sv/x.md, as a Hugo site lays
			// out its languages: here a folder is an organisation.
			fix = fmt.Sprintf("if %s and %s are languages: a notice's language comes from its file name, and a folder under content/ is an organisation, so name them %s and %s, side by side; else give one of them another id",
				a, b, path.Join(path.Dir(path.Dir(first.File)), n.ID+"."+a+".md"), path.Join(path.Dir(path.Dir(n.File)), n.ID+"."+b+".md"))
		}
		add(i, &diag.Diagnostic{Rule: diag.RuleNotice, Severity: diag.Error, Notice: n.ID, Lang: n.Lang, Pos: n.Pos("notice"),
			Message: fmt.Sprintf("notice %q in %q is also defined by %s", n.ID, n.Lang, first.File), Fix: fix})
	}
	known := func(id string) bool { return ids[id] }
	find := func(id, lang string) *notice.Notice { return byKey[key{id, lang}] }
	for i, p := range pages {
		if p == nil {
			continue
		}
		if n := p.Notice; len(n.Related) > 0 {
			add(i, CheckRelated(n, known))
		}
	}
	for i, p := range pages {
		if p != nil && p.Notice.Extends != "" {
			add(i, ResolveExtends(p.Notice, find))
		}
	}
	return errors.Join(errs...)
}

// ResolveExtends gives a layered notice its parent's facts (see
// notice.Notice.Inherit), the parent's own parent first. find returns the
// notice with an id in a language, or nil. A parent that does not exist
// in the notice's language, or a loop, is a content.extends error.
func ResolveExtends(n *notice.Notice, find func(id, lang string) *notice.Notice) error {
	var chain []*notice.Notice
	for cur := n; cur.Extends != "" && cur.Parent == nil; {
		parent := find(cur.Extends, cur.Lang)
		bad := func(format string, args ...any) error {
			return &diag.Diagnostic{Rule: diag.RuleExtends, Severity: diag.Error, Notice: n.ID, Lang: n.Lang, Pos: n.Pos("extends"), Field: "extends", Message: fmt.Sprintf(format, args...)}
		}
		if parent == nil {
			return bad("no notice %q in %q to extend", cur.Extends, cur.Lang)
		}
		if parent == n || slices.Contains(chain, parent) {
			return bad("notice %q extends itself through %q", n.ID, cur.Extends)
		}
		chain = append(chain, cur)
		cur = parent
	}
	// Resolve from the top of the chain down, so each parent is complete.
	for i := len(chain) - 1; i >= 0; i-- {
		chain[i].Inherit(find(chain[i].Extends, chain[i].Lang))
	}
	return nil
}

// CheckRelated reports each notice n lists as related that is not known.
func CheckRelated(n *notice.Notice, known func(id string) bool) error {
	var errs []error
	for j, r := range n.Related {
		if !known(r) {
			errs = append(errs, &diag.Diagnostic{Rule: diag.RuleRelated, Severity: diag.Error, Notice: n.ID, Lang: n.Lang, Pos: n.Pos("related", j), Field: notice.Path{"related", j}.String(),
				Message: fmt.Sprintf("no notice has the id %q", r)})
		}
	}
	return errors.Join(errs...)
}

// bodyLoader reads a notice's body again: the file from the offset where
// its body started when it was loaded. A file whose bytes are no longer
// those it was loaded from (SHA-256 sum) is an error: its body would not
// be the one whose hash is the page's version, nor agree with the facts
// decoded from it.
func bodyLoader(fsys fs.FS, name string, offset int, sum [32]byte) func() ([]byte, error) {
	return func() ([]byte, error) {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, unreadable(name, err)
		}
		if offset > len(src) || sha256.Sum256(src) != sum {
			return nil, fmt.Errorf("%s: changed while the site was being built; build again", name)
		}
		return src[offset:], nil
	}
}

// unreadable is the diagnostic for a notice file that could not be read,
// placed on the file, so that every output names it: a link that leads
// nowhere or loops is listed like a file but opens as nothing.
func unreadable(name string, err error) error {
	reason := err
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		reason = pe.Err // the path is the diagnostic's own
	}
	fix := "make it a readable notice file, or remove it from content/"
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fix = "it is a link to a file that does not exist: point it at the notice, or remove it"
	case errors.Is(err, fs.ErrPermission):
		fix = "let the user running notis read it (chmod a+r " + name + ")"
	case errors.Is(err, syscall.ELOOP):
		fix = "it is a link that leads back to itself: point it at the notice, or remove it"
	}
	return &diag.Diagnostic{Rule: diag.RuleUnreadable, Severity: diag.Error, Pos: diag.Position{File: name},
		Message: "the file cannot be read: " + reason.Error(), Fix: fix}
}

// languageFolder is the language code a notice file's folder is named
// as (content/sv/x.md → "sv") when the file's own name gives none;
// "" otherwise.
func languageFolder(file string) string {
	dir, base := path.Split(file)
	stem := strings.TrimSuffix(base, ".md")
	if strings.Contains(stem, ".") {
		return ""
	}
	folder := path.Base(path.Clean(dir))
	if dir == "" || folder == Dir || !looksLikeLanguage(folder) {
		return ""
	}
	return strings.ToLower(folder)
}
