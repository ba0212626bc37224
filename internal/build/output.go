package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// staging is a fresh folder beside the destination that a build writes
// into; commit swaps it in, so a failed build never touches the previous
// output and a reader never sees half a site.
type staging struct {
	dest string // the destination, e.g. public
	dir  string // the folder being written

	// Files are written by a few goroutines of their own, so rendering on
	// every core is not held up by the file system's latency.
	jobs   chan stagedFile
	closed sync.Once
	done   sync.WaitGroup
	mu     sync.Mutex
	errs   []error
}

type stagedFile struct {
	rel  string
	data []byte
}

// stagingWriters is how many files are written at once.
const stagingWriters = 4

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
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	jobs := make(chan stagedFile, 64)
	s := &staging{dest: dest, dir: dir, jobs: jobs}
	for range stagingWriters {
		s.done.Go(func() {
			for f := range jobs {
				if err := s.writeNow(f.rel, f.data); err != nil {
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
// not change data afterwards. Errors surface in commit.
func (s *staging) write(rel string, data []byte) error {
	if strings.Contains(rel, "..") || strings.HasPrefix(rel, "/") {
		return fmt.Errorf("output path %q escapes the destination", rel)
	}
	s.jobs <- stagedFile{rel, data}
	return nil
}

func (s *staging) writeNow(rel string, data []byte) error {
	p := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// commit replaces the destination with the staged folder: the old one is
// renamed aside, the new one renamed into place, then the old removed.
func (s *staging) commit() error {
	if err := s.wait(); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(s.dest); err == nil {
		old = fmt.Sprintf("%s.old-%d", s.dest, time.Now().UnixNano())
		if err := os.Rename(s.dest, old); err != nil {
			return fmt.Errorf("move the previous %s aside: %w", s.dest, err)
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
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// discard removes the staged folder after a failed build.
func (s *staging) discard() {
	_ = s.wait()
	_ = os.RemoveAll(s.dir)
}
