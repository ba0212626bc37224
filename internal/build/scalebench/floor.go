package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// The file system floor: what a build of a site costs on this machine
// before it parses or renders anything. On a sandboxed or networked disk
// opening and making folders are expensive enough to be a large share of
// a build, and no build can do less than read its notices once and
// write its pages, so this is the time below which neither notis nor
// Hugo can go, measured in the same run as both.

// outputList writes, a line each, the size and slash-separated path of
// every file under root: the files a build wrote, for ioFloor to write
// again.
func outputList(root string, w io.Writer) error {
	bw := bufio.NewWriter(w)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(bw, "%d %s\n", info.Size(), filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// ioFloor reads every file under src once and writes, under dest, a file
// of each size at each path the list (outputList's form) names, making
// their folders, on as many goroutines as there are cores, as a build
// does. The bytes written are zeros: what they are costs the disk
// nothing more.
func ioFloor(src, list, dest string) error {
	var reads []string
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			reads = append(reads, path)
		}
		return err
	})
	if err != nil {
		return err
	}
	b, err := os.ReadFile(list)
	if err != nil {
		return err
	}
	type file struct {
		path string
		size int
	}
	var writes []file
	for line := range strings.Lines(string(b)) {
		size, path, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		n, err := strconv.Atoi(size)
		if !ok || err != nil || path == "" {
			return fmt.Errorf("%s: not a size and a path: %q", list, line)
		}
		writes = append(writes, file{filepath.Join(dest, filepath.FromSlash(path)), n})
	}
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		first = cmp.Or(first, err)
		mu.Unlock()
	}
	jobs := make(chan func() error)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for job := range jobs {
				if err := job(); err != nil {
					fail(err)
				}
			}
		})
	}
	for _, path := range reads {
		jobs <- func() error {
			_, err := os.ReadFile(path)
			return err
		}
	}
	for _, f := range writes {
		jobs <- func() error {
			if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
				return err
			}
			return os.WriteFile(f.path, make([]byte, f.size), 0o644)
		}
	}
	close(jobs)
	wg.Wait()
	return first
}
