package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
)

// StaticDir is the folder of a site whose files are published as they
// are, at the same path under the output root: CNAME, .nojekyll,
// _headers, robots.txt, favicons, .well-known/…, as in Hugo.
const StaticDir = "static"

// staticFiles reads static/, byte for byte. errs name the files that
// cannot be published (links, notis's own names); err is a failure to
// read.
func (s *Site) staticFiles() (files []staged, errs []error, err error) {
	fsys := os.DirFS(s.Dir)
	err = fs.WalkDir(fsys, StaticDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == StaticDir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll // no static/ folder: nothing to copy
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel := p[len(StaticDir)+1:]
		switch {
		case !d.Type().IsRegular():
			errs = append(errs, fmt.Errorf("%s: not a regular file (a link or device); notis publishes only files that are in static/ itself", p))
			return nil
		case !validOutputPath(rel):
			errs = append(errs, fmt.Errorf("%s: %s is notis's own; rename the file", p, path.Base(rel)))
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, staged{rel: rel, data: data})
		return nil
	})
	return files, errs, err
}

// putStatic writes static/'s files. It runs after everything else is
// written, so a file that would replace one notis makes is caught and
// named.
func (w *writer) putStatic(files []staged) error {
	var errs []error
	for _, f := range files {
		if w.has(f.rel) || f.rel == NoticesJSON {
			errs = append(errs, fmt.Errorf("%s/%s: the build makes %s itself; remove the file from static/ or rename it", StaticDir, f.rel, f.rel))
			continue
		}
		if err := w.put(f.rel, "", f.data); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
