package build

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// staging is a folder beside the destination that a build writes into;
// commit swaps it in, so a failed build never touches the previous output
// and a reader never sees half a site.
//
// The output replaced by a commit is kept beside the destination as its
// spare (.public.prev) rather than deleted, and the next build stages into
// that spare: files whose bytes are unchanged are left alone, changed ones
// are replaced by new files, stale ones removed. A rebuild then creates
// and deletes only what changed. Deleting and recreating a whole site on
// every build costs more than rendering it on file systems that are slow
// to allocate inodes next to recently freed ones, such as ext4.
type staging struct {
	dest  string // the destination, e.g. public
	spare string // the previous output kept for reuse, e.g. .public.prev
	dir   string // the folder being written
	reuse bool   // dir is a former output: compare before writing, prune after

	// Files are written by a few goroutines of their own, so rendering on
	// every core is not held up by the file system's latency.
	jobs    chan stagedFile
	closed  sync.Once
	done    sync.WaitGroup
	mu      sync.Mutex
	errs    []error
	written map[string]bool // rel paths of this build, when reusing
}

type stagedFile struct {
	rel  string
	data []byte
	done func() // hands data back once written; may be nil
}

// stagingWriters is how many files are written at once: more contend for
// the parent folder's lock and burn CPU the renderers need.
const stagingWriters = 2

// spareName is where the output replaced by a commit is kept for reuse.
func spareName(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".prev")
}

func newStaging(dest string) (*staging, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".new-")
	if err != nil {
		return nil, err
	}
	s := &staging{dest: dest, spare: spareName(dest), dir: dir, written: map[string]bool{}}
	// Take the spare over if there is one; a concurrent build may have
	// taken it first, and then this one starts empty.
	if err := os.Remove(dir); err != nil {
		return nil, err
	}
	if err := os.Rename(s.spare, dir); err == nil {
		s.reuse = true
	} else if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	s.jobs = make(chan stagedFile, 64)
	for range stagingWriters {
		s.done.Go(func() {
			var old bytes.Buffer // reused to compare with the spare's files
			for f := range s.jobs {
				err := s.writeNow(f.rel, f.data, &old)
				if f.done != nil {
					f.done()
				}
				if err != nil {
					s.mu.Lock()
					s.errs = append(s.errs, err)
					s.mu.Unlock()
				}
			}
		})
	}
	return s, nil
}

// wait lets the queued writes finish and returns their errors.
func (s *staging) wait() error {
	s.closed.Do(func() { close(s.jobs) })
	s.done.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.errs...)
}

// write queues one output file; rel uses forward slashes. The caller must
// not change data until done is called (if not nil), once it is written.
// Errors surface in commit.
func (s *staging) write(rel string, data []byte, done func()) error {
	if strings.Contains(rel, "..") || strings.HasPrefix(rel, "/") {
		return fmt.Errorf("output path %q escapes the destination", rel)
	}
	s.jobs <- stagedFile{rel, data, done}
	return nil
}

func (s *staging) writeNow(rel string, data []byte, old *bytes.Buffer) error {
	p := filepath.Join(s.dir, filepath.FromSlash(rel))
	if !s.reuse {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
	s.mu.Lock()
	s.written[rel] = true
	s.mu.Unlock()
	if sameFile(p, data, old) {
		return nil
	}
	// A changed file is replaced, never rewritten in place: a web server
	// may still be reading it from the output this spare once was.
	if err := s.clear(rel); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// sameFile reports whether p is a regular file (not a link to one) that
// holds exactly data, reading it into buf only when the sizes match.
func sameFile(p string, data []byte, buf *bytes.Buffer) bool {
	if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(data)) {
		return false
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	buf.Reset()
	_, err = buf.ReadFrom(f)
	return err == nil && bytes.Equal(buf.Bytes(), data)
}

// clear removes what a former output left at rel and in the way of its
// folders: a file where this build needs a folder, or the reverse. What
// this build itself wrote is never removed, so its own conflicts still
// fail the write.
func (s *staging) clear(rel string) error {
	parts := strings.Split(rel, "/")
	for i := range parts {
		sub := strings.Join(parts[:i+1], "/")
		p := filepath.Join(s.dir, filepath.FromSlash(sub))
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		last := i == len(parts)-1
		if !last && fi.IsDir() {
			continue
		}
		s.mu.Lock()
		mine := s.written[sub] && !last
		s.mu.Unlock()
		if mine {
			return nil // the write below fails, as it should
		}
		return os.RemoveAll(p)
	}
	return nil
}

// prune removes what the spare held that this build did not write.
func (s *staging) prune() error {
	keepDirs := map[string]bool{".": true}
	for rel := range s.written {
		for d := filepath.Dir(filepath.FromSlash(rel)); !keepDirs[d]; d = filepath.Dir(d) {
			keepDirs[d] = true
		}
	}
	var stale []string
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(s.dir, p)
		switch {
		case d.IsDir() && !keepDirs[rel]:
			stale = append(stale, p)
			return filepath.SkipDir
		case !d.IsDir() && !s.written[filepath.ToSlash(rel)]:
			stale = append(stale, p)
		}
		return nil
	})
	for _, p := range stale {
		err = errors.Join(err, os.RemoveAll(p))
	}
	return err
}

// commit replaces the destination with the staged folder: the old one is
// renamed aside to become the next build's spare, the new one renamed into
// place.
func (s *staging) commit() error {
	if err := s.wait(); err != nil {
		return err
	}
	if s.reuse {
		if err := s.prune(); err != nil {
			return fmt.Errorf("remove stale files from the reused output: %w", err)
		}
	}
	old := ""
	if _, err := os.Stat(s.dest); err == nil {
		old = s.spare
		if err := os.Rename(s.dest, old); err != nil {
			// Another build left a spare meanwhile: set this one aside.
			old = fmt.Sprintf("%s.old-%d", s.dest, time.Now().UnixNano())
			if err := os.Rename(s.dest, old); err != nil {
				return fmt.Errorf("move the previous %s aside: %w", s.dest, err)
			}
			defer os.RemoveAll(old)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(s.dir, s.dest); err != nil {
		if old != "" {
			_ = os.Rename(old, s.dest) // put the previous output back
		}
		return fmt.Errorf("move the new site into %s: %w", s.dest, err)
	}
	return nil
}

// discard gives up the staged folder after a failed build. It becomes the
// spare again, unless there is one already: its unchanged files still
// spare the next build work.
func (s *staging) discard() {
	_ = s.wait()
	if err := os.Rename(s.dir, s.spare); err != nil {
		_ = os.RemoveAll(s.dir)
	}
}
