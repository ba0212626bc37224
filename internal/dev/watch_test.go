package dev

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/notis-dev/notis/internal/history"
	"github.com/notis-dev/notis/internal/history/gittest"
)

// watchSite starts a watcher on a fresh site folder and returns a
// function that waits for the next batch.
func watchSite(t *testing.T) (dir string, next func() []string) {
	t.Helper()
	dir = t.TempDir()
	write(t, filepath.Join(dir, "notis.toml"), "site = \"w\"\n")
	write(t, filepath.Join(dir, "content", "a.en.md"), "a")
	w, err := NewWatcher(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, run(t, w)
}

// run runs w until the test ends and returns a function that waits for
// its next batch.
func run(t *testing.T, w *Watcher) (next func() []string) {
	t.Helper()
	// Generous, so a loaded machine cannot split a burst.
	w.Quiet = 100 * time.Millisecond
	w.MaxWait = 2 * time.Second
	batches := make(chan []string, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Run(ctx, func(p []string) { batches <- p })
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		w.Close()
	})
	return func() []string {
		t.Helper()
		select {
		case b := <-batches:
			return b
		case <-time.After(10 * time.Second):
			t.Fatal("no batch of changes within 10 s")
			return nil
		}
	}
}

func TestWatcherReportsAnAtomicSaveAsOneChangeToTheFile(t *testing.T) {
	dir, next := watchSite(t)
	// What vim and most editors do: write a temporary file, rename it over.
	tmp := filepath.Join(dir, "content", ".a.en.md.swp")
	write(t, tmp, "new")
	if err := os.Rename(tmp, filepath.Join(dir, "content", "a.en.md")); err != nil {
		t.Fatal(err)
	}
	if got := next(); !slices.Equal(got, []string{"content/a.en.md"}) {
		t.Errorf("batch = %q, want just content/a.en.md", got)
	}
}

func TestWatcherDebouncesABurstIntoOneBatch(t *testing.T) {
	dir, next := watchSite(t)
	for i := range 30 {
		write(t, filepath.Join(dir, "content", "a.en.md"), string(rune('a'+i%26)))
	}
	write(t, filepath.Join(dir, "notis.toml"), "site = \"x\"\n")
	write(t, filepath.Join(dir, "public", "index.html"), "ignored: not a source")
	if got := next(); !slices.Equal(got, []string{"content/a.en.md", "notis.toml"}) {
		t.Errorf("batch = %q, want content/a.en.md and notis.toml once each", got)
	}
}

func TestWatcherFollowsNewFolders(t *testing.T) {
	dir, next := watchSite(t)
	// A folder that did not exist when watching began, with a file
	// written before its watch could be added.
	write(t, filepath.Join(dir, "layouts", "partials", "footer.html"), "x")
	got := next()
	if !slices.Contains(got, "layouts/partials/footer.html") {
		t.Errorf("batch = %q, want layouts/partials/footer.html", got)
	}
	// And later edits inside it are seen.
	write(t, filepath.Join(dir, "layouts", "partials", "header.html"), "y")
	if got := next(); !slices.Equal(got, []string{"layouts/partials/header.html"}) {
		t.Errorf("batch = %q, want layouts/partials/header.html", got)
	}
}

func TestWatcherReportsDeletesAndRenames(t *testing.T) {
	dir, next := watchSite(t)
	if err := os.Remove(filepath.Join(dir, "content", "a.en.md")); err != nil {
		t.Fatal(err)
	}
	if got := next(); !slices.Equal(got, []string{"content/a.en.md"}) {
		t.Errorf("after a delete, batch = %q", got)
	}
	write(t, filepath.Join(dir, "content", "sub", "b.en.md"), "b")
	next()
	if err := os.Rename(filepath.Join(dir, "content", "sub"), filepath.Join(dir, "content", "moved")); err != nil {
		t.Fatal(err)
	}
	got := next()
	if !slices.Contains(got, "content/sub") || !slices.Contains(got, "content/moved/b.en.md") {
		t.Errorf("after renaming a folder, batch = %q, want the old folder and the file under its new name", got)
	}
	write(t, filepath.Join(dir, "content", "moved", "b.en.md"), "edited")
	if got := next(); !slices.Equal(got, []string{"content/moved/b.en.md"}) {
		t.Errorf("after editing in the renamed folder, batch = %q", got)
	}
}

// A commit changes none of the site's files but adds a version: the
// watcher reports it, on the branch checked out and on a new branch whose
// name nests (feature/x), so the preview's history shows it at once.
func TestWatcherReportsACommit(t *testing.T) {
	g := gittest.New(t)
	g.Commit("the site", map[string]string{"notis.toml": "site = \"w\"\n", "content/a.en.md": "a"})
	gitDir, err := history.GitDir(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWatcher(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WatchGit(gitDir); err != nil {
		t.Fatal(err)
	}
	batch := run(t, w)
	next := func(what string) {
		t.Helper()
		if b := batch(); !slices.Equal(b, []string{GitHead}) {
			t.Errorf("%s: batch = %q, want %q", what, b, GitHead)
		}
	}
	wt, err := g.Git.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "t", Email: "t@example.test", When: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	commit := func(what string) {
		t.Helper()
		if _, err := wt.Commit(what, &git.CommitOptions{Author: sig, AllowEmptyCommits: true}); err != nil {
			t.Fatal(err)
		}
		next(what)
	}
	commit("a commit on the branch")
	if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("feature/x"), Create: true}); err != nil {
		t.Fatal(err)
	}
	next("a checkout of a new branch")
	commit("a commit on the new branch")
}
