package build

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// staging is a folder beside the destination that a build writes into;
// commit swaps it in, so a failed build never touches the previous output
// and a reader never sees half a site.
//
// A build writes only where it may: the destination must be missing,
// empty, or a folder notis built, and it only ever removes files a
// manifest of its own lists (see checkOutput and manifest). The folders
// it keeps beside the destination, .public.notis-new-* while it builds
// and .public.notis-prev after, are its own: made by it, marked, and
// never one the user had.
//
// The output replaced by a commit is kept as the spare
// (.public.notis-prev) rather than deleted, and the next build stages into
// that spare: files whose bytes are unchanged are left alone, changed ones
// are replaced by new files, stale ones removed. A rebuild then creates
// and deletes only what changed. Deleting and recreating a whole site on
// every build costs more than rendering it on file systems that are slow
// to allocate inodes next to recently freed ones, such as ext4. A spare
// is reused only when its manifest accounts for everything in it.
type staging struct {
	dest      string    // the destination, absolute, e.g. /site/public
	spare     string    // the previous output kept for reuse, e.g. /site/.public.notis-prev
	dir       string    // the folder being written
	prev      *manifest // the destination's; nil when it is new or an empty folder
	reuse     bool      // dir is a former output: compare before writing, prune after
	generator string    // names notis and its version in the manifest

	release  func() // unlocks the destination's parent folder
	released sync.Once
	warnings []string // what the user should know: folders left alone

	// Files are written by a few goroutines of their own, so rendering on
	// every core is not held up by the file system's latency.
	jobs    chan stagedFile
	closed  sync.Once
	done    sync.WaitGroup
	mu      sync.Mutex
	errs    []error
	written map[string]bool // rel paths of this build → kept by later builds
	// made holds the folders under dir known to exist: most files share
	// their folder's parents with others, and a site with history has a
	// folder for almost every file.
	made sync.Map
}

type stagedFile struct {
	rel  string
	data []byte
	done func() // hands data back once written; may be nil
}

// stagingWriters is how many files are written at once: more contend for
// the parent folder's lock and burn CPU the renderers need.
const stagingWriters = 2

// stagingMark is the file that marks a folder as a staging folder notis
// made: only a marked folder left by a build that died is ever removed.
const stagingMark = ".notis-staging"

// spareName is where the output replaced by a commit is kept for reuse.
func spareName(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".notis-prev")
}

// stagingPattern is the prefix of the staging folders beside dest.
func stagingPrefix(dest string) string { return "." + filepath.Base(dest) + ".notis-new-" }

// newStaging prepares a build into dest, an absolute path that checkPlace
// and checkOutput accepted; prev is what checkOutput returned.
func newStaging(dest string, prev *manifest, generator string) (*staging, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	release, locked := lockDir(parent)
	s := &staging{dest: dest, spare: spareName(dest), prev: prev, generator: generator, release: release, written: map[string]bool{}}
	ok := false
	defer func() {
		if !ok {
			s.unlock()
		}
	}()
	if locked {
		s.removeLeftovers()
	}
	legacy := filepath.Join(parent, "."+filepath.Base(dest)+".prev")
	if fi, err := os.Stat(legacy); err == nil && fi.IsDir() {
		s.warnings = append(s.warnings, fmt.Sprintf("%s is the spare output of an older notis, which this one no longer uses: delete it", legacy))
	}
	dir, err := os.MkdirTemp(parent, stagingPrefix(dest))
	if err != nil {
		return nil, err
	}
	s.dir = dir
	if err := os.Remove(dir); err != nil {
		return nil, err
	}
	if s.reusableSpare() {
		if err := os.Rename(s.spare, dir); err == nil {
			s.reuse = true
		}
	}
	if !s.reuse {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, stagingMark), nil, 0o644); err != nil {
		_ = os.RemoveAll(dir)
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
	ok = true
	return s, nil
}

func (s *staging) unlock() { s.released.Do(s.release) }

// removeLeftovers removes the staging folders of builds into the same
// destination that died before they finished. The parent folder's lock
// is held, so none of them is in use; only folders carrying notis's mark
// are touched.
func (s *staging) removeLeftovers() {
	parent := filepath.Dir(s.dest)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), stagingPrefix(s.dest)) {
			continue
		}
		p := filepath.Join(parent, e.Name())
		if fi, err := os.Lstat(filepath.Join(p, stagingMark)); err == nil && fi.Mode().IsRegular() {
			_ = os.RemoveAll(p)
		}
	}
}

// reusableSpare reports whether the spare exists and holds only what its
// manifest lists; a spare that holds anything else is left alone, with a
// warning.
func (s *staging) reusableSpare() bool {
	fi, err := os.Lstat(s.spare)
	if err != nil {
		return false
	}
	why := ""
	if !fi.IsDir() {
		why = "it is not a folder"
	} else if m, err := readManifest(s.spare); err != nil {
		why = "it has no valid " + ManifestName
	} else if bad, err := m.foreign(s.spare); err != nil {
		why = err.Error()
	} else if bad != "" {
		why = "it holds " + bad + ", which notis did not write"
	} else {
		return true
	}
	s.warnings = append(s.warnings, fmt.Sprintf("left %s alone (%s); notis keeps its spare output there: move it away", s.spare, why))
	return false
}

// wait lets the queued writes finish and returns their errors.
func (s *staging) wait() error {
	s.closed.Do(func() { close(s.jobs) })
	s.done.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.errs...)
}

// write queues one output file; rel uses forward slashes. keep marks a
// content-addressed file that later builds carry over. The caller must
// not change data until done is called (if not nil), once it is written.
// Errors surface in commit.
func (s *staging) write(rel string, data []byte, keep bool, done func()) error {
	if !validOutputPath(rel) {
		return fmt.Errorf("output path %q escapes the destination or is reserved", rel)
	}
	s.mu.Lock()
	s.written[rel] = keep
	s.mu.Unlock()
	s.jobs <- stagedFile{rel, data, done}
	return nil
}

// create opens rel in the staging folder for writing in pieces. In a
// reused spare the old file is removed first, never rewritten in place.
func (s *staging) create(rel string) (io.WriteCloser, error) {
	if !validOutputPath(rel) {
		return nil, fmt.Errorf("output path %q escapes the destination or is reserved", rel)
	}
	s.mu.Lock()
	s.written[rel] = false
	s.mu.Unlock()
	if s.reuse {
		if err := s.clear(rel); err != nil {
			return nil, err
		}
	}
	p := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.Create(p)
}

func (s *staging) writeNow(rel string, data []byte, old *bytes.Buffer) error {
	p := filepath.Join(s.dir, filepath.FromSlash(rel))
	if !s.reuse {
		if err := s.mkdirs(filepath.Dir(p)); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
	if sameFile(p, data, old) {
		return nil
	}
	// A changed file is replaced, never rewritten in place: a web server
	// may still be reading it from the output this spare once was.
	if err := s.clear(rel); err != nil {
		return err
	}
	if err := s.mkdirs(filepath.Dir(p)); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// mkdirs makes dir, a folder in the staging folder, and its parents: one
// mkdir for each folder not made yet, instead of os.MkdirAll's stat of
// every parent for every file. A folder clear removed is never one made
// here: clear removes a former output's folder where this build writes a
// file, and this build makes no folder there.
func (s *staging) mkdirs(dir string) error {
	if dir == s.dir {
		return nil
	}
	if !strings.HasPrefix(dir, s.dir+string(filepath.Separator)) {
		return fmt.Errorf("%s is outside the output folder", dir)
	}
	if _, ok := s.made.Load(dir); ok {
		return nil
	}
	if err := s.mkdirs(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	s.made.Store(dir, struct{}{})
	return nil
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
// folders: a file where this build needs a folder, or the reverse. It
// runs only in a reused spare, whose manifest accounted for every file
// in it. What this build itself wrote is never removed, so its own
// conflicts still fail the write.
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
		_, mine := s.written[sub]
		s.mu.Unlock()
		if mine && !last {
			return nil // the write below fails, as it should
		}
		return os.RemoveAll(p)
	}
	return nil
}

// prune removes what the reused spare held that this build did not
// write (its manifest listed all of it).
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
		slash := filepath.ToSlash(rel)
		_, mine := s.written[slash]
		switch {
		case d.IsDir() && !keepDirs[rel]:
			stale = append(stale, p)
			return filepath.SkipDir
		case !d.IsDir() && !mine && slash != stagingMark:
			stale = append(stale, p)
		}
		return nil
	})
	for _, p := range stale {
		err = errors.Join(err, os.RemoveAll(p))
	}
	return err
}

// carryOver brings the destination's content-addressed files that this
// build did not make into the new output, as hard links where the file
// system allows (the files never change) and copies elsewhere.
func (s *staging) carryOver() error {
	if s.prev == nil {
		return nil
	}
	var buf bytes.Buffer
	for rel, keep := range s.prev.files {
		if _, made := s.written[rel]; !keep || made {
			continue
		}
		from := filepath.Join(s.dest, filepath.FromSlash(rel))
		fi, err := os.Lstat(from)
		if err != nil || !fi.Mode().IsRegular() {
			continue // gone from the output: nothing left to keep
		}
		to := filepath.Join(s.dir, filepath.FromSlash(rel))
		if s.reuse {
			if ti, err := os.Lstat(to); err == nil && os.SameFile(fi, ti) {
				s.written[rel] = true
				continue
			}
			if err := s.clear(rel); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		if err := os.Link(from, to); err != nil {
			data, rerr := os.ReadFile(from)
			if rerr != nil {
				return rerr
			}
			if sameFile(to, data, &buf) {
				s.written[rel] = true
				continue
			}
			if err := os.WriteFile(to, data, 0o644); err != nil {
				return err
			}
		}
		s.written[rel] = true
	}
	return nil
}

// commit replaces the destination with the staged folder: the old one is
// renamed aside to become the next build's spare, the new one renamed into
// place. An error means the destination is as it was.
func (s *staging) commit() error {
	if err := s.wait(); err != nil {
		return err
	}
	if err := s.carryOver(); err != nil {
		return fmt.Errorf("keep the earlier builds' content-addressed files: %w", err)
	}
	if s.reuse {
		if err := s.prune(); err != nil {
			return fmt.Errorf("remove stale files from the reused output: %w", err)
		}
	}
	m := newManifest(s.generator)
	maps.Copy(m.files, s.written)
	if err := os.WriteFile(filepath.Join(s.dir, ManifestName), m.encode(), 0o644); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.dir, stagingMark)); err != nil {
		return err
	}
	defer s.unlock()
	if s.prev == nil {
		// Missing, or an empty folder: Remove takes only an empty one, so
		// whatever appeared in it during the build stays.
		if err := os.Remove(s.dest); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s is no longer empty: %w", s.dest, err)
		}
		return os.Rename(s.dir, s.dest)
	}
	aside := s.spare
	if _, err := os.Lstat(aside); err == nil {
		// The spare was left alone (it holds what notis did not write):
		// set the old output aside under a name of its own and remove
		// what its manifest lists once the new one is in place.
		tmp, err := os.MkdirTemp(filepath.Dir(s.dest), "."+filepath.Base(s.dest)+".notis-old-")
		if err != nil {
			return err
		}
		if err := os.Remove(tmp); err != nil {
			return err
		}
		aside = tmp
	}
	if err := os.Rename(s.dest, aside); err != nil {
		return fmt.Errorf("move the previous %s aside: %w", s.dest, err)
	}
	if err := os.Rename(s.dir, s.dest); err != nil {
		_ = os.Rename(aside, s.dest) // put the previous output back
		return fmt.Errorf("move the new site into %s: %w", s.dest, err)
	}
	if aside != s.spare {
		if left := removeListed(aside, s.prev); left != "" {
			s.warnings = append(s.warnings, fmt.Sprintf("kept %s: the previous output, which now holds %s, which notis did not write", aside, left))
		}
	}
	return nil
}

// removeListed removes the files m lists from dir, then the folders that
// leaves empty, then dir if it is empty. It returns an entry that is left
// ("" when dir is gone).
func removeListed(dir string, m *manifest) string {
	dirs := map[string]bool{}
	for rel := range m.files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if fi, err := os.Lstat(p); err == nil && !fi.IsDir() {
			_ = os.Remove(p)
		}
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	_ = os.Remove(filepath.Join(dir, ManifestName))
	sorted := slices.Sorted(maps.Keys(dirs))
	slices.Reverse(sorted) // children before their parents
	for _, d := range sorted {
		_ = os.Remove(filepath.Join(dir, filepath.FromSlash(d))) // only if empty
	}
	if err := os.Remove(dir); err == nil || errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) > 0 {
		return entries[0].Name()
	}
	return "?"
}

// discard gives up the staged folder after a failed build. It becomes the
// spare, with a manifest of what it holds, unless there is one already:
// its unchanged files still spare the next build work.
func (s *staging) discard() {
	defer s.unlock()
	_ = s.wait()
	if _, err := os.Lstat(s.dir); err != nil {
		return // committed, or never made
	}
	m := newManifest(s.generator)
	if s.reuse {
		if old, err := readManifest(s.dir); err == nil {
			maps.Copy(m.files, old.files)
		}
	}
	maps.Copy(m.files, s.written)
	err := os.WriteFile(filepath.Join(s.dir, ManifestName), m.encode(), 0o644)
	if err == nil {
		err = os.Remove(filepath.Join(s.dir, stagingMark))
	}
	if err == nil {
		if _, serr := os.Lstat(s.spare); errors.Is(serr, fs.ErrNotExist) {
			err = os.Rename(s.dir, s.spare)
		} else {
			err = errors.New("a spare exists")
		}
	}
	if err != nil {
		// The folder is this build's own, marked and made by it.
		_ = os.RemoveAll(s.dir)
	}
}
