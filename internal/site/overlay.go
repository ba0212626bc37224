package site

import (
	"errors"
	"io/fs"
	"slices"
)

// Overlay returns a file system that reads from upper first and falls back
// to lower: a site's own files over the embedded defaults, file by file.
// Directory listings merge both, upper winning on name clashes.
func Overlay(upper, lower fs.FS) fs.FS { return overlay{upper, lower} }

type overlay struct{ upper, lower fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.upper.Open(name)
	if err == nil {
		return f, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return o.lower.Open(name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	up, errU := fs.ReadDir(o.upper, name)
	low, errL := fs.ReadDir(o.lower, name)
	if errU != nil && errL != nil {
		return nil, errU
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range up {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range low {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int {
		if a.Name() < b.Name() {
			return -1
		}
		if a.Name() > b.Name() {
			return 1
		}
		return 0
	})
	return out, nil
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(o.upper, name)
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return fs.ReadFile(o.lower, name)
}
