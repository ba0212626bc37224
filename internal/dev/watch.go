package dev

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/notis-dev/notis/internal/build"
)

// Watched are the folders of a site that a rebuild reads, watched with
// everything under them; notis.toml is watched through the site folder.
var Watched = build.SourceDirs

// Watcher reports changed files of a site in batches: a burst of events
// (an editor's write-temp-then-rename save, a git checkout) becomes one
// batch once the folder has been quiet for Quiet.
type Watcher struct {
	root  string
	git   string // the repository's folder (.git) when WatchGit was called
	fsw   *fsnotify.Watcher
	Quiet time.Duration // default 5 ms
	// MaxWait bounds how long a continuous stream of events delays a
	// batch (default 250 ms).
	MaxWait time.Duration
	// Errors receives the watcher's own errors (nil: ignored).
	Errors func(error)
}

// NewWatcher watches the site folder root.
func NewWatcher(root string) (*Watcher, error) {
	fsw, err := fsnotify.NewBufferedWatcher(4096)
	if err != nil {
		return nil, err
	}
	w := &Watcher{root: filepath.Clean(root), fsw: fsw, Quiet: 5 * time.Millisecond, MaxWait: 250 * time.Millisecond}
	if err := fsw.Add(w.root); err != nil {
		fsw.Close()
		return nil, err
	}
	for _, d := range Watched {
		if _, err := w.addTree(filepath.Join(w.root, d)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			fsw.Close()
			return nil, err
		}
	}
	return w, nil
}

// GitHead is the path a batch holds when the site's repository moved its
// HEAD or a branch (a commit, a checkout): no file of the site changed,
// but the history the preview shows did.
const GitHead = ".git/HEAD"

// WatchGit also watches the repository's folder gitDir: its HEAD, packed
// refs and branches. A commit changes none of the site's files, yet the
// version it makes should show at once, not at the next save.
func (w *Watcher) WatchGit(gitDir string) error {
	w.git = filepath.Clean(gitDir)
	if err := w.fsw.Add(w.git); err != nil {
		return err
	}
	return w.addRefs(filepath.Join(w.git, "refs", "heads"))
}

// addRefs watches dir and the folders under it: branch names nest.
func (w *Watcher) addRefs(dir string) error {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return w.fsw.Add(p)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// gitRel reports whether p is a file of the repository whose change
// moves HEAD or a branch.
func (w *Watcher) gitRel(p string) bool {
	if w.git == "" {
		return false
	}
	r, err := filepath.Rel(w.git, p)
	if err != nil || strings.HasPrefix(r, "..") || strings.HasSuffix(r, ".lock") {
		return false
	}
	r = filepath.ToSlash(r)
	return r == "HEAD" || r == "packed-refs" || strings.HasPrefix(r, "refs/heads/")
}

// Close stops watching.
func (w *Watcher) Close() error { return w.fsw.Close() }

// addTree watches dir and every folder under it, and returns the files
// found there: a folder that appears may already hold files whose events
// came before its watch.
func (w *Watcher) addTree(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (ignored(d.Name()) || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return w.fsw.Add(p)
		}
		files = append(files, p)
		return nil
	})
	return files, err
}

// ignored reports editor and system droppings: swap files, backups,
// lock files, hidden files.
func ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") ||
		strings.HasSuffix(name, ".swp") || strings.HasSuffix(name, ".swx") || strings.HasSuffix(name, ".tmp") ||
		strings.Contains(name, "___jb_") || name == "4913"
}

// rel returns the slash path of p under the site folder, and whether a
// rebuild cares about it.
func (w *Watcher) rel(p string) (string, bool) {
	if w.gitRel(p) {
		return GitHead, true
	}
	r, err := filepath.Rel(w.root, p)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	r = filepath.ToSlash(r)
	top, _, _ := strings.Cut(r, "/")
	if r == "notis.toml" {
		return r, true
	}
	if !slices.Contains(Watched, top) || ignored(filepath.Base(p)) {
		return "", false
	}
	return r, true
}

// Run calls fn with each batch of changed paths (slash paths relative to
// the site folder, sorted) until ctx is done. fn runs on Run's goroutine:
// events that arrive meanwhile wait for the next batch.
func (w *Watcher) Run(ctx context.Context, fn func(paths []string)) error {
	pending := map[string]bool{}
	var timer <-chan time.Time
	var first time.Time
	add := func(p string) {
		if r, ok := w.rel(p); ok {
			if len(pending) == 0 {
				first = time.Now()
			}
			pending[r] = true
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return nil
			}
			if w.Errors != nil {
				w.Errors(err)
			}
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return nil
			}
			w.handle(ev, add)
			if len(pending) > 0 {
				wait := w.Quiet
				if left := w.MaxWait - time.Since(first); left < wait {
					wait = max(left, 0)
				}
				timer = time.After(wait)
			}
		case <-timer:
			timer = nil
			if len(pending) == 0 {
				continue
			}
			batch := make([]string, 0, len(pending))
			for p := range pending {
				batch = append(batch, p)
			}
			clear(pending)
			slices.Sort(batch)
			fn(batch)
		}
	}
}

func (w *Watcher) handle(ev fsnotify.Event, add func(string)) {
	p := filepath.Clean(ev.Name)
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() && w.gitRel(p) {
			// A new folder of branches (feature/x): watch it too.
			if err := w.addRefs(p); err != nil && w.Errors != nil {
				w.Errors(err)
			}
			add(p) // its first branch may be there before the watch
			return
		}
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			// A new folder: watch it, and everything already in it.
			if _, ok := w.rel(p); ok {
				files, err := w.addTree(p)
				if err != nil && w.Errors != nil {
					w.Errors(err)
				}
				add(p)
				for _, f := range files {
					add(f)
				}
			}
			return
		}
	}
	if ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove) {
		// A folder moved away keeps its watch under its old name; drop it.
		// (Removing a path that is not watched is harmless.)
		_ = w.fsw.Remove(p)
	}
	if ev.Op == fsnotify.Chmod {
		return
	}
	add(p)
}
