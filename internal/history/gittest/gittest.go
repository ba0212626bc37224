// Package gittest builds real git repositories for tests, with go-git: a
// site's files committed step by step at fixed times, so a test of the
// history reads the same log on every run.
package gittest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repo is a repository in a temporary folder.
type Repo struct {
	t    testing.TB
	Dir  string // the work tree
	Git  *git.Repository
	tree *git.Worktree
	when time.Time
}

// New makes an empty repository in a temporary folder.
func New(t testing.TB) *Repo {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &Repo{t: t, Dir: dir, Git: repo, tree: wt, when: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
}

// Write writes files (work-tree paths → contents; "" deletes) without
// committing them.
func (r *Repo) Write(files map[string]string) {
	r.t.Helper()
	for name, src := range files {
		p := filepath.Join(r.Dir, filepath.FromSlash(name))
		if src == "" {
			if err := os.Remove(p); err != nil {
				r.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// Commit writes files as Write does and commits them, a day after the
// previous commit; with no files it commits every change in the work
// tree. It returns the commit's hash.
func (r *Repo) Commit(msg string, files map[string]string) plumbing.Hash {
	r.t.Helper()
	writes := map[string]string{}
	for name, src := range files {
		if src != "" {
			writes[name] = src
		}
	}
	r.Write(writes) // a deletion is the index's and the file's: Remove below
	if len(files) == 0 {
		if err := r.tree.AddWithOptions(&git.AddOptions{All: true}); err != nil {
			r.t.Fatal(err)
		}
	}
	// One path at a time, without a status of the whole work tree: on a
	// site of thousands of files that status is most of a commit's time.
	for name, src := range files {
		var err error
		if src == "" {
			_, err = r.tree.Remove(name)
		} else {
			err = r.tree.AddWithOptions(&git.AddOptions{Path: name, SkipStatus: true})
		}
		if err != nil {
			r.t.Fatal(err)
		}
	}
	r.when = r.when.Add(24 * time.Hour)
	sig := &object.Signature{Name: "Test", Email: "test@example.test", When: r.when}
	h, err := r.tree.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// Shallow marks the repository as a shallow clone whose history stops at
// the given commits, as `git clone --depth` leaves it.
func (r *Repo) Shallow(at ...plumbing.Hash) {
	r.t.Helper()
	if err := r.Git.Storer.SetShallow(at); err != nil {
		r.t.Fatal(err)
	}
}
