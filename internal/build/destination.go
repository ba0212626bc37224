package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SourceDirs are the folders of a site that a build reads. A build never
// writes into one of them, and `notis serve` watches them.
var SourceDirs = []string{"content", "layouts", "assets", "i18n", "widget", "static"}

// DestinationError is a destination a build refuses to write into: the
// site itself, one of its source folders, or a folder notis did not
// build. Nothing has been written when it is returned.
type DestinationError struct {
	Dir    string // the destination as the user gave it
	Reason string // what the folder is, or what it holds
	Fix    string // what to do
}

func (e *DestinationError) Error() string {
	return fmt.Sprintf("refusing to build into %s: %s. %s", e.Dir, e.Reason, e.Fix)
}

// resolvePath is p made absolute with every link in the part that exists
// resolved, so two spellings of one folder compare equal.
func resolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; {
		real, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
		cur = parent
	}
}

// within reports whether p is dir or inside it (both clean and absolute).
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// checkPlace refuses a destination that is the site folder, holds it, or
// lies in one of its source folders (or .git): a build replaces its
// destination whole.
func checkPlace(source, dest, shown string) error {
	src, err := resolvePath(source)
	if err != nil {
		return err
	}
	dst, err := resolvePath(dest)
	if err != nil {
		return err
	}
	own := "Give the build a folder of its own, such as --destination public (the default)"
	switch {
	case dst == src:
		return &DestinationError{shown, "it is the site folder, which holds notis.toml and the notices", own}
	case within(src, dst):
		return &DestinationError{shown, "it holds the site folder, " + src, own}
	}
	for _, d := range append([]string{".git"}, SourceDirs...) {
		if within(dst, filepath.Join(src, d)) {
			what := "is the site's " + d + "/ folder"
			if dst != filepath.Join(src, d) {
				what = "is inside the site's " + d + "/ folder"
			}
			if d == "static" {
				what += ", whose files notis copies into every build"
			} else if d != ".git" {
				what += ", which the build reads"
			}
			return &DestinationError{shown, "it " + what, own}
		}
	}
	return nil
}

// checkOutput inspects an existing destination: it returns its manifest
// (nil when it is missing or an empty folder) or refuses it when it holds
// anything notis did not write.
func checkOutput(dest, shown string) (*manifest, error) {
	fi, err := os.Lstat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, _ := filepath.EvalSymlinks(dest)
		return nil, &DestinationError{shown, "it is a symbolic link (to " + target + "), which a build would replace by a folder",
			"Give the folder it points to as --destination"}
	case !fi.IsDir():
		return nil, &DestinationError{shown, "it is a file, not a folder", "Give a folder, new or one notis built"}
	}
	m, err := readManifest(dest)
	if err != nil {
		entries, rerr := os.ReadDir(dest)
		if rerr != nil {
			return nil, rerr
		}
		if len(entries) == 0 {
			return nil, nil
		}
		name := entries[0].Name()
		if entries[0].IsDir() {
			name += "/"
		}
		why := "notis did not build it (it has no " + ManifestName + ")"
		if !errors.Is(err, errNoManifest) {
			why = "its " + ManifestName + " is damaged (" + err.Error() + ")"
		}
		return nil, &DestinationError{shown, "it holds " + joinShown(shown, name) + " and " + why,
			"Give a new or empty folder as --destination, or move what " + shown + " holds elsewhere (if it is the output of an older notis, delete it). Files to publish as they are belong in the site's static/ folder"}
	}
	bad, err := m.foreign(dest)
	if err != nil {
		return nil, err
	}
	if bad != "" {
		return nil, &DestinationError{shown, "it holds " + joinShown(shown, bad) + ", which notis did not write (" + ManifestName + " does not list it)",
			"Move files you want published into the site's static/ folder (copied into every build), or move " + bad + " elsewhere"}
	}
	return m, nil
}

// joinShown names an entry of the destination as the user spelled it.
func joinShown(dir, rel string) string {
	return strings.TrimSuffix(filepath.ToSlash(dir), "/") + "/" + rel
}
