// Package history reads a site's notice history from git, with go-git (no
// git binary): every commit on the first-parent line of HEAD that changed
// a notice file, in either language, is a candidate version of that
// notice; its date is the notice's `updated` at that commit, and
// consecutive commits with one date are one version (the latest commit's
// text). For each file the log also keeps the version that set its
// current date, so the lint can tell when what a notice says has changed
// since without `updated` changing (readers would see the change under an
// older date).
//
// The log is walked once, diffing each commit's content/ tree with its
// parent's (unchanged trees are skipped by their hash), and every blob is
// read and parsed once, however many commits hold it.
package history

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
)

// ErrNoRepo means the site is not in a git repository: it has no history,
// and builds as a site without one.
var ErrNoRepo = errors.New("not in a git repository")

// ErrUnknownRevision means a revision names no commit of the repository.
var ErrUnknownRevision = errors.New("no such revision")

// Repo is the git repository that holds a site folder.
type Repo struct {
	repo   *git.Repository
	site   string // the site folder, absolute
	prefix string // the site folder inside the repository: "" or "sites/a/"

	// git serialises reads of the repository: go-git's storage (a pack
	// file's reader) is not safe for concurrent use. Parsing is.
	git    sync.Mutex
	mu     sync.Mutex
	blobs  map[plumbing.Hash][]byte
	parsed map[fileAt]*parsed
	known  map[fileAt]*content.Page // Reuse's pages, by their files
}

// Reuse gives the reader pages already parsed (the work tree's, as the
// build loaded them): a blob with the same path and bytes (its id is the
// page's Blob) is neither read from the repository nor parsed again. Most
// of a site's files are, at most commits, what they are now. Pages of
// notices that extend another are not reused: they hold their parent's
// facts as they are now.
func (r *Repo) Reuse(pages []*content.Page) {
	known := make(map[fileAt]*content.Page, len(pages))
	for _, p := range pages {
		if p.Notice.Extends == "" {
			var h plumbing.Hash
			copy(h[:], p.Blob[:])
			known[fileAt{h, p.Notice.File}] = p
		}
	}
	r.mu.Lock()
	r.known = known
	r.mu.Unlock()
}

// fileAt is one file's bytes under one name: a parse depends on both (the
// name gives the language).
type fileAt struct {
	hash plumbing.Hash
	rel  string
}

type parsed struct {
	page *content.Page // nil when the front matter did not parse
	ok   bool          // decoded without mistakes: a build would publish it
}

// Open finds the repository holding the site folder dir, which may be a
// subfolder of the repository's work tree. It returns ErrNoRepo when
// there is none.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, ErrNoRepo
	}
	if err != nil {
		return nil, fmt.Errorf("git repository of %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		// A bare repository has no site folder in it.
		return nil, ErrNoRepo
	}
	root := wt.Filesystem.Root()
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s is outside its git work tree %s", dir, root)
	}
	prefix := ""
	if rel != "." {
		prefix = filepath.ToSlash(rel) + "/"
	}
	return &Repo{repo: repo, site: abs, prefix: prefix, blobs: map[plumbing.Hash][]byte{}, parsed: map[fileAt]*parsed{}}, nil
}

// GitDir is the folder that holds the repository of the site folder dir
// (its .git), whose HEAD and branches the preview watches. ErrNoRepo when
// there is none, or when the repository is not in a folder.
func GitDir(dir string) (string, error) {
	r, err := Open(dir)
	if err != nil {
		return "", err
	}
	st, ok := r.repo.Storer.(*filesystem.Storage)
	if !ok {
		return "", ErrNoRepo
	}
	return st.Filesystem().Root(), nil
}

// Files returns the notice files (content/**/NAME.LANG.md, as
// content.Find lists them) at a revision, keyed by their path in the site
// folder. rev "" is the work tree as it is on disk.
func (r *Repo) Files(rev string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if rev == "" {
		fsys := os.DirFS(r.site)
		names, err := content.Find(fsys, content.Dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		for _, name := range names {
			src, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			out[name] = src
		}
		return out, nil
	}
	c, err := r.commit(rev)
	if err != nil {
		return nil, err
	}
	tree, err := r.contentTree(c)
	if err != nil || tree == nil {
		return out, err
	}
	err = tree.Files().ForEach(func(f *object.File) error {
		rel := content.Dir + "/" + f.Name
		if !content.IsFile(rel) {
			return nil
		}
		src, err := r.blob(f.Hash)
		if err != nil {
			return fmt.Errorf("%s at %s: %w", rel, rev, err)
		}
		out[rel] = src
		return nil
	})
	return out, err
}

// MergeBase returns the commit (its full hash) where HEAD and rev last
// shared history: what a pull request's changes are counted from.
func (r *Repo) MergeBase(rev string) (string, error) {
	head, err := r.commit("HEAD")
	if err != nil {
		return "", err
	}
	other, err := r.commit(rev)
	if err != nil {
		return "", err
	}
	bases, err := head.MergeBase(other)
	if err != nil {
		return "", fmt.Errorf("merge base of HEAD and %s: %w", rev, err)
	}
	if len(bases) == 0 {
		return "", fmt.Errorf("HEAD and %s share no history", rev)
	}
	return bases[0].Hash.String(), nil
}

// Head is the commit HEAD names (its full hash), "" in a repository
// without commits: a log read at that commit is still the history.
func (r *Repo) Head() (string, error) {
	ref, err := r.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return ref.Hash().String(), nil
}

// commit resolves a revision (a branch, tag, HEAD~2, a hash) to its commit.
func (r *Repo) commit(rev string) (*object.Commit, error) {
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, fmt.Errorf("revision %q: %w", rev, ErrUnknownRevision)
	}
	if err != nil {
		return nil, fmt.Errorf("revision %q: %w", rev, err)
	}
	return r.repo.CommitObject(*h)
}

// contentTree is the site's content/ folder at a commit; nil when the
// commit has none.
func (r *Repo) contentTree(c *object.Commit) (*object.Tree, error) {
	root, err := c.Tree()
	if err != nil {
		return nil, err
	}
	t, err := root.Tree(r.prefix + content.Dir)
	if errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
		return nil, nil
	}
	return t, err
}

// blob reads a blob once; later reads of the same hash come from memory.
func (r *Repo) blob(h plumbing.Hash) ([]byte, error) {
	r.mu.Lock()
	src, ok := r.blobs[h]
	r.mu.Unlock()
	if ok {
		return src, nil
	}
	r.git.Lock()
	src, err := r.read(h)
	r.git.Unlock()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.blobs[h] = src
	r.mu.Unlock()
	return src, nil
}

func (r *Repo) read(h plumbing.Hash) ([]byte, error) {
	b, err := r.repo.BlobObject(h)
	if err != nil {
		return nil, err
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// parse reads the notice file rel held in blob h as the build reads it.
// A result for a notice that extends another is not shared: resolving
// its parent changes it, and the parent differs between commits.
func (r *Repo) parse(rel string, h plumbing.Hash, langs content.Languages) (*parsed, error) {
	key := fileAt{h, rel}
	if p := r.cached(key); p != nil {
		return p, nil
	}
	src, err := r.blob(h)
	if err != nil {
		return nil, err
	}
	page, perr := content.Parse(rel, src, langs)
	p := &parsed{page: page, ok: page != nil && perr == nil}
	if page == nil || page.Notice.Extends == "" {
		r.mu.Lock()
		r.parsed[key] = p
		r.mu.Unlock()
	}
	return p, nil
}

// cached is the parse of a file already made, or the work tree's page
// when the file has the bytes it has there; nil when there is neither.
func (r *Repo) cached(key fileAt) *parsed {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.parsed[key]; ok {
		return p
	}
	if page := r.known[key]; page != nil {
		p := &parsed{page: page, ok: true}
		r.parsed[key] = p
		return p
	}
	return nil
}

// parseAll parses files on all cores, into the cache parse reads.
func (r *Repo) parseAll(files []fileAt, langs content.Languages) error {
	if len(files) < 8 {
		return nil // not worth the goroutines: parse reads them one by one
	}
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				_, errs[i] = r.parse(files[i].rel, files[i].hash, langs)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// Version is one version of a notice: its text at the latest commit that
// carried its date.
type Version struct {
	Date   notice.Date
	Commit string    // the full hash of the latest commit with this date
	Time   time.Time // that commit's time
	// Pages holds the notice in each language it had at Commit.
	Pages map[string]*content.Page
}

// Short is the commit's abbreviated hash, as git prints it.
func (v *Version) Short() string { return v.Commit[:min(len(v.Commit), 7)] }

// Log is a site's history.
type Log struct {
	// Versions holds each notice's committed versions, oldest first.
	Versions map[string][]*Version
	// Dated holds, for each notice file (its path in the site folder), the
	// file as the commit that gave it its current `updated` date had it:
	// the text readers were told dates from then.
	Dated map[string]*Dated
	// Shallow is a warning when the clone does not reach the first commit,
	// "" when it does.
	Shallow string
	// Commits is how many commits were read.
	Commits int
	// Head is the commit the log was read from; "" for an empty repository.
	Head string
}

// Dated is a notice file at the commit that set its current date.
type Dated struct {
	Page    *content.Page
	Commit  string // the full hash
	Subject string // the first line of the commit's message
	done    bool   // an older commit had another date, or no such file
}

// Read walks the first-parent line of HEAD once, newest first, and
// returns every notice's versions. An empty repository has an empty log.
func (r *Repo) Read(langs content.Languages) (*Log, error) {
	log := &Log{Versions: map[string][]*Version{}, Dated: map[string]*Dated{}}
	ref, err := r.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return log, nil
	}
	if err != nil {
		return nil, err
	}
	shallowList, err := r.repo.Storer.Shallow()
	if err != nil {
		return nil, err
	}
	shallow := map[plumbing.Hash]bool{}
	for _, h := range shallowList {
		shallow[h] = true
	}
	c, err := r.repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, err
	}
	log.Head = ref.Hash().String()
	snaps := map[string][]*Version{} // newest first
	tree, err := r.contentTree(c)
	if err != nil {
		return nil, err
	}
	files, err := r.index(tree, langs)
	if err != nil {
		return nil, err
	}
	for c != nil {
		log.Commits++
		var parent *object.Commit
		var ptree *object.Tree
		boundary := shallow[c.Hash]
		if !boundary && c.NumParents() > 0 {
			if parent, err = c.Parent(0); err != nil {
				return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
			}
			if ptree, err = r.contentTree(parent); err != nil {
				return nil, err
			}
		}
		if treeHash(tree) != treeHash(ptree) {
			if err := r.commitSnapshots(c, tree, ptree, langs, files, snaps, log.Dated); err != nil {
				return nil, err
			}
		}
		if boundary {
			log.Shallow = shallowWarning(c, tree)
			break
		}
		c, tree = parent, ptree
	}
	for id, list := range snaps {
		log.Versions[id] = collapse(list)
	}
	for rel, d := range log.Dated {
		if d.Page == nil {
			delete(log.Dated, rel)
		}
	}
	return log, nil
}

// commitSnapshots records the notices commit c changed, each as it was
// at c, and moves each changed file's dated version back to c while the
// file still has the date it has now. files is which notice each file of
// c's tree holds; it leaves holding the parent's.
func (r *Repo) commitSnapshots(c *object.Commit, tree, ptree *object.Tree, langs content.Languages, files *treeIndex, snaps map[string][]*Version, dated map[string]*Dated) error {
	changes, err := object.DiffTree(ptree, tree)
	if err != nil {
		return fmt.Errorf("commit %s: %w", c.Hash, err)
	}
	// The commit's files are parsed on all cores first: a site's first
	// commit holds every file. The loop below then reads them from memory.
	var changed []fileAt
	for _, ch := range changes {
		for _, e := range []object.ChangeEntry{ch.From, ch.To} {
			if e.Name != "" && content.IsFile(content.Dir+"/"+e.Name) {
				changed = append(changed, fileAt{e.TreeEntry.Hash, content.Dir + "/" + e.Name})
			}
		}
	}
	if err := r.parseAll(changed, langs); err != nil {
		return err
	}
	var atParent []indexed           // the files c changed, as its parent has them
	touched := map[string][]string{} // notice id → changed paths at c
	for _, ch := range changes {
		name := ch.To.Name
		if name == "" {
			name = ch.From.Name
		}
		rel := content.Dir + "/" + name
		if !content.IsFile(rel) {
			continue
		}
		var now *parsed
		if ch.To.Name != "" {
			if now, err = r.parse(rel, ch.To.TreeEntry.Hash, langs); err != nil {
				return err
			}
			if now.page != nil {
				touched[now.page.Notice.ID] = append(touched[now.page.Notice.ID], rel)
			}
		}
		if ch.From.Name != "" {
			fromRel := content.Dir + "/" + ch.From.Name
			before, err := r.parse(fromRel, ch.From.TreeEntry.Hash, langs)
			if err != nil {
				return err
			}
			if before.page != nil {
				touched[before.page.Notice.ID] = append(touched[before.page.Notice.ID], fromRel)
				atParent = append(atParent, indexed{fromRel, before.page.Notice.ID})
			}
		}
		date(dated, rel, c, now)
	}
	for id, paths := range touched {
		v, err := r.versionAt(c, tree, id, paths, files, langs)
		if err != nil {
			return err
		}
		if v != nil { // else deleted, or not publishable at c
			snaps[id] = append(snaps[id], v)
		}
	}
	for _, ch := range changes {
		if ch.To.Name != "" {
			files.remove(content.Dir + "/" + ch.To.Name)
		}
	}
	for _, f := range atParent {
		files.add(f.rel, f.id)
	}
	return nil
}

// date moves a file's dated version back to commit c, which changed it
// (now is the file at c; nil when c deleted it), while the file keeps
// the date of its newest version.
func date(dated map[string]*Dated, rel string, c *object.Commit, now *parsed) {
	d := dated[rel]
	if d == nil {
		d = &Dated{}
		dated[rel] = d
		if now == nil || !now.ok {
			d.done = true // not a file of the newest commit, or not one a build publishes
			return
		}
	} else if d.done {
		return
	}
	if now == nil || !now.ok || (d.Page != nil && !sameDate(now.page.Notice.Updated, d.Page.Notice.Updated)) {
		d.done = true
		return
	}
	d.Page, d.Commit, d.Subject = now.page, c.Hash.String(), firstLine(c.Message)
}

// versionAt is notice id as it was at commit c, in every language: its
// files are those of c's tree that say they are notice id (files), as
// the build joins translations, whatever they are named. nil when the
// notice had no file at c, or one that a build would have refused: such
// a state was never published.
func (r *Repo) versionAt(c *object.Commit, tree *object.Tree, id string, paths []string, files *treeIndex, langs content.Languages) (*Version, error) {
	if tree == nil {
		return nil, nil
	}
	v := &Version{Commit: c.Hash.String(), Time: c.Committer.When.UTC(), Pages: map[string]*content.Page{}}
	seen := map[string]bool{}
	for _, rel := range append(slices.Clone(files.byID[id]), paths...) {
		if seen[rel] {
			continue
		}
		seen[rel] = true
		h, err := fileHash(tree, rel)
		if errors.Is(err, object.ErrFileNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		pr, err := r.parse(rel, h, langs)
		if err != nil {
			return nil, err
		}
		if pr.page == nil || pr.page.Notice.ID != id {
			continue
		}
		if !pr.ok {
			return nil, nil
		}
		n := pr.page.Notice
		if n.Extends != "" {
			if err := content.ResolveExtends(n, func(pid, lang string) *notice.Notice { return r.parentAt(tree, files, pid, lang, langs) }); err != nil {
				return nil, nil
			}
		}
		if v.Pages[n.Lang] != nil {
			return nil, nil // two files claim one language: the build refuses it
		}
		v.Pages[n.Lang] = pr.page
		if n.Updated.After(v.Date.Time) || v.Date.IsZero() {
			v.Date = n.Updated
		}
	}
	if len(v.Pages) == 0 {
		return nil, nil
	}
	return v, nil
}

// parentAt finds the parent notice pid in lang at a commit: the file of
// the commit's tree that says it is notice pid in lang, wherever it is,
// as the build finds a parent.
func (r *Repo) parentAt(tree *object.Tree, files *treeIndex, pid, lang string, langs content.Languages) *notice.Notice {
	for _, rel := range files.byID[pid] {
		h, err := fileHash(tree, rel)
		if err != nil {
			continue
		}
		pr, err := r.parse(rel, h, langs)
		if err == nil && pr.ok && pr.page.Notice.ID == pid && pr.page.Notice.Lang == lang {
			return pr.page.Notice
		}
	}
	return nil
}

// treeIndex is which notice each file of one commit's content tree
// holds, and the files of each notice: translations belong to a notice
// by the id they give (or their file name gives), as content.Load joins
// them, so a translation named its own way (sokande.sv.md, with
// `notice: applicants`) is as much a part of each version as a sibling
// named applicants.sv.md. Read makes it for HEAD and moves it back one
// commit at a time with the files each commit changed.
type treeIndex struct {
	idOf map[string]string   // site-relative path → notice id
	byID map[string][]string // notice id → paths, sorted
}

// indexed is one file of a tree and the notice it holds.
type indexed struct{ rel, id string }

func (x *treeIndex) add(rel, id string) {
	x.remove(rel)
	x.idOf[rel] = id
	paths := x.byID[id]
	i, _ := slices.BinarySearch(paths, rel)
	x.byID[id] = slices.Insert(paths, i, rel)
}

func (x *treeIndex) remove(rel string) {
	id, ok := x.idOf[rel]
	if !ok {
		return
	}
	delete(x.idOf, rel)
	x.byID[id] = slices.DeleteFunc(x.byID[id], func(p string) bool { return p == rel })
}

// index reads which notice each file of a content tree holds. The
// walk reads the tree's folders, not its files' bytes: the work tree's
// files are Reuse's pages, and any other is parsed once here, on all
// cores, for the commit that changed it to find in the cache.
func (r *Repo) index(tree *object.Tree, langs content.Languages) (*treeIndex, error) {
	x := &treeIndex{idOf: map[string]string{}, byID: map[string][]string{}}
	if tree == nil {
		return x, nil
	}
	var files []fileAt
	walker := object.NewTreeWalker(tree, true, nil)
	defer walker.Close()
	for {
		name, e, err := walker.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if rel := content.Dir + "/" + name; e.Mode.IsFile() && content.IsFile(rel) {
			files = append(files, fileAt{e.Hash, rel})
		}
	}
	if err := r.parseAll(files, langs); err != nil {
		return nil, err
	}
	for _, f := range files {
		pr, err := r.parse(f.rel, f.hash, langs)
		if err != nil {
			return nil, err
		}
		if pr.page != nil {
			x.add(f.rel, pr.page.Notice.ID)
		}
	}
	return x, nil
}

// fileHash is the blob of the file rel (a path in the site folder) in
// the content tree, found without reading the blob: most are the work
// tree's, which parse takes without reading them. object.ErrFileNotFound
// when there is no such file.
func fileHash(tree *object.Tree, rel string) (plumbing.Hash, error) {
	e, err := tree.FindEntry(strings.TrimPrefix(rel, content.Dir+"/"))
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) || err == nil && !e.Mode.IsFile() {
		return plumbing.ZeroHash, object.ErrFileNotFound
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return e.Hash, nil
}

// collapse turns a notice's snapshots, newest first, into its versions,
// oldest first: consecutive snapshots with one date are one version, the
// newest of them.
func collapse(list []*Version) []*Version {
	var out []*Version
	for i, v := range list {
		if i > 0 && sameDate(v.Date, list[i-1].Date) {
			continue
		}
		out = append(out, v)
	}
	slices.Reverse(out)
	return out
}

func sameDate(a, b notice.Date) bool { return a.Equal(b.Time) && a.MonthOnly == b.MonthOnly }

func treeHash(t *object.Tree) plumbing.Hash {
	if t == nil {
		return plumbing.ZeroHash
	}
	return t.Hash
}

// shallowWarning says what a shallow clone hides: the versions before its
// oldest commit of every notice that existed then.
func shallowWarning(c *object.Commit, tree *object.Tree) string {
	notices := 0
	if tree != nil {
		_ = tree.Files().ForEach(func(f *object.File) error {
			if content.IsFile(content.Dir + "/" + f.Name) {
				notices++
			}
			return nil
		})
	}
	return fmt.Sprintf("history is shallow: it stops at commit %s (%s), so the versions before it are missing for the %d notice files that existed then; check out with fetch-depth: 0",
		c.Hash.String()[:7], c.Committer.When.UTC().Format("2006-01-02"), notices)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
