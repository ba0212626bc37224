package build

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// ManifestName is the file in the root of every folder notis builds that
// lists what notis wrote there. It is how a build tells a folder it made
// (which it may replace) from anything else (which it refuses to touch),
// and the only list of files a build ever removes.
const ManifestName = ".notis-manifest"

// manifestHeader opens every manifest; a file without it is not one.
const manifestHeader = "notis-manifest 1"

// manifest is what a build wrote into one folder: each file, slash path
// relative to the folder, and whether it is kept by later builds.
//
// Kept files are content-addressed (their name carries a hash of their
// bytes, or, for consent/versions/, the consent version, itself a hash):
// they never change, and pages, pasted script tags and consent records
// published earlier still refer to them, so a later build into the same
// folder carries them over instead of removing them.
type manifest struct {
	generator string
	files     map[string]bool // path → kept
}

func newManifest(generator string) *manifest {
	return &manifest{generator: generator, files: map[string]bool{}}
}

// encode writes the manifest: sorted, so the same build gives the same
// bytes.
func (m *manifest) encode() []byte {
	var b bytes.Buffer
	b.WriteString(manifestHeader + "\n")
	b.WriteString("# Written by notis build: every file in this folder that notis wrote.\n")
	b.WriteString("# A build removes only files listed here and refuses a folder that holds\n")
	b.WriteString("# anything else. \"keep\" files are content-addressed; later builds keep\n")
	b.WriteString("# them for the pages and consent records that still refer to them.\n")
	fmt.Fprintf(&b, "generator %s\n", m.generator)
	for _, p := range slices.Sorted(maps.Keys(m.files)) {
		kind := "file"
		if m.files[p] {
			kind = "keep"
		}
		fmt.Fprintf(&b, "%s %s\n", kind, p)
	}
	return b.Bytes()
}

// errNoManifest means a folder has no manifest: notis did not build it.
var errNoManifest = errors.New("no " + ManifestName)

// readManifest reads dir's manifest. A manifest that does not parse, or
// lists a path that could leave the folder, is treated as none: a build
// must never remove files on the word of a file it cannot trust.
func readManifest(dir string) (*manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoManifest
	}
	if err != nil {
		return nil, err
	}
	m := &manifest{files: map[string]bool{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			if text != manifestHeader {
				return nil, fmt.Errorf("%s: not a notis manifest (first line %q)", ManifestName, text)
			}
			continue
		}
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		kind, rest, _ := strings.Cut(text, " ")
		switch kind {
		case "generator":
			m.generator = rest
		case "file", "keep":
			if !validOutputPath(rest) {
				return nil, fmt.Errorf("%s:%d: %q is not a path inside the folder", ManifestName, line, rest)
			}
			m.files[rest] = kind == "keep"
		default:
			return nil, fmt.Errorf("%s:%d: unknown entry %q", ManifestName, line, kind)
		}
	}
	if line == 0 {
		return nil, fmt.Errorf("%s: empty", ManifestName)
	}
	return m, sc.Err()
}

// validOutputPath reports whether rel is a clean slash path that stays
// inside its folder and names no manifest.
func validOutputPath(rel string) bool {
	return rel != "" && rel != "." && path.Clean(rel) == rel && !path.IsAbs(rel) &&
		rel != ".." && !strings.HasPrefix(rel, "../") && !strings.ContainsAny(rel, "\\\n\r\x00") &&
		path.Base(rel) != ManifestName && path.Base(rel) != stagingMark
}

// foreign returns the first entry under dir (walking in lexical order)
// that m does not account for: a file or link it does not list, or a
// folder that holds none of the files it lists. "" when there is none.
func (m *manifest) foreign(dir string) (string, error) {
	dirs := map[string]bool{}
	for p := range m.files {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	found := ""
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && dirs[rel]:
			return nil
		case d.IsDir():
			found = rel + "/"
			return fs.SkipAll
		case rel == ManifestName || rel == stagingMark:
			return nil
		case !d.Type().IsRegular() || !m.listed(rel):
			found = rel
			return fs.SkipAll
		}
		return nil
	})
	return found, err
}

func (m *manifest) listed(rel string) bool {
	_, ok := m.files[rel]
	return ok
}

// contentAddressed reports whether an output file's name carries the hash
// of what it holds (css/notis.3f2a1c9e.css, consent/prefs.sv.ac6910cb88.js)
// or is a consent version record (named by the version, a hash of the
// categories and cookies): such a file never changes, so a later build
// keeps it for the pages and records that refer to it.
func contentAddressed(rel string) bool {
	if strings.HasPrefix(rel, "consent/versions/") && strings.HasSuffix(rel, ".json") {
		return true
	}
	parts := strings.Split(path.Base(rel), ".")
	if len(parts) < 3 {
		return false
	}
	h := parts[len(parts)-2]
	if len(h) < 8 {
		return false
	}
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
