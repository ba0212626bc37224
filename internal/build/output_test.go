package build

import (
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file that cannot be written fails the commit, and the destination
// keeps what it had.
func TestStagingReportsWriteErrorsAtCommit(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	stage(t, dest, map[string]string{"old.html": "old"})
	st := openStaging(t, dest)
	if err := st.write("a", []byte("a file"), false, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.write("a/b.html", []byte("under a file"), false, nil); err != nil { // a is a file: cannot be a folder
		t.Fatal(err)
	}
	if err := st.write("../escape", nil, false, nil); err == nil {
		t.Fatal("a path outside the destination was accepted")
	}
	if err := st.commit(); err == nil {
		t.Fatal("commit succeeded although a file could not be written")
	}
	st.discard()
	if b, err := os.ReadFile(filepath.Join(dest, "old.html")); err != nil || string(b) != "old" {
		t.Fatalf("the destination changed: %q, %v", b, err)
	}
}

// openStaging starts a staged build into dest, which must be one a build
// may replace.
func openStaging(t *testing.T, dest string) *staging {
	t.Helper()
	prev, err := checkOutput(dest, dest)
	if err != nil {
		t.Fatal(err)
	}
	st, err := newStaging(dest, prev, "notis test")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// stage runs one staged build of files into dest and commits it.
func stage(t *testing.T, dest string, files map[string]string) {
	t.Helper()
	st := openStaging(t, dest)
	for rel, data := range files {
		if err := st.write(rel, []byte(data), false, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.commit(); err != nil {
		t.Fatal(err)
	}
}

// texts is tree with the contents as strings, for comparing, without the
// manifest.
func texts(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for rel, b := range tree(t, dir) {
		if rel != ManifestName {
			out[rel] = string(b)
		}
	}
	return out
}

// A rebuild stages into the output the build before replaced: unchanged
// files keep their inode, changed ones get a new file (a reader of the old
// one keeps its bytes), stale files and folders go, and a file where a
// folder now belongs (or the reverse) is cleared.
func TestStagingReusesTheSpareOutput(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	first := map[string]string{
		"same/index.html":    "same",
		"changed/index.html": "before",
		"stale/index.html":   "gone next time",
		"stale.txt":          "gone next time",
		"dir-then-file/x":    "x",
		"file-then-dir":      "f",
	}
	stage(t, dest, first)
	same, err := os.Stat(filepath.Join(dest, "same/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	reader, err := os.Open(filepath.Join(dest, "changed/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	stage(t, dest, map[string]string{"other": "second build"}) // first → spare
	if _, err := os.Stat(spareName(dest)); err != nil {
		t.Fatalf("no spare after a rebuild: %v", err)
	}
	third := map[string]string{
		"same/index.html":    "same",
		"changed/index.html": "after",
		"dir-then-file":      "now a file",
		"file-then-dir/y":    "now under a folder",
	}
	stage(t, dest, third) // reuses the first build's output
	if got := texts(t, dest); !maps.Equal(got, third) {
		t.Fatalf("output = %v, want %v", got, third)
	}
	now, err := os.Stat(filepath.Join(dest, "same/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(same, now) {
		t.Error("an unchanged file was rewritten instead of kept")
	}
	old, err := io.ReadAll(reader)
	if err != nil || string(old) != "before" {
		t.Errorf("a reader of the replaced file read %q, %v; want the old bytes", old, err)
	}
	if got := texts(t, spareName(dest)); !maps.Equal(got, map[string]string{"other": "second build"}) {
		t.Errorf("spare = %v, want the second build's output", got)
	}
}

// A failed build's staging becomes the spare instead of litter, and the
// destination keeps what it had.
func TestStagingDiscardKeepsNoStagingFolder(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	stage(t, dest, map[string]string{"index.html": "ok"})
	st := openStaging(t, dest)
	if err := st.write("index.html", []byte("half"), false, nil); err != nil {
		t.Fatal(err)
	}
	st.discard()
	if got := texts(t, dest); !maps.Equal(got, map[string]string{"index.html": "ok"}) {
		t.Fatalf("destination = %v after a discarded build", got)
	}
	left, _ := filepath.Glob(filepath.Join(parent, ".public.notis-new-*"))
	if len(left) > 0 {
		t.Fatalf("staging folders left behind: %v", left)
	}
}

// A link left in the spare is never taken for an output file, even when
// what it points to holds the very bytes the build writes: the spare is
// not reused (the link is not notis's), and the build writes a file.
func TestStagingReplacesLinksInTheSpare(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	stage(t, dest, map[string]string{"other": "first"})
	stage(t, dest, map[string]string{"other": "second"}) // first → spare
	outside := filepath.Join(t.TempDir(), "outside.html")
	if err := os.WriteFile(outside, []byte("same"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(spareName(dest), "page.html")); err != nil {
		t.Fatal(err)
	}
	stage(t, dest, map[string]string{"page.html": "same"})
	fi, err := os.Lstat(filepath.Join(dest, "page.html"))
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("page.html is %v (%v), want a regular file", fi.Mode(), err)
	}
}

// A spare that holds a file notis did not write is neither reused nor
// removed: the build writes a fresh output, says so, and sets the
// previous output aside by removing only what its manifest lists.
func TestStagingLeavesAForeignSpareAlone(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	stage(t, dest, map[string]string{"a/index.html": "first"})
	stage(t, dest, map[string]string{"a/index.html": "second"}) // first → spare
	notes := filepath.Join(spareName(dest), "a", "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, data := range []string{"third", "fourth"} {
		st := openStaging(t, dest)
		if i == 0 && (len(st.warnings) != 1 || !strings.Contains(st.warnings[0], "a/notes.txt")) {
			t.Errorf("warnings = %q, want one naming a/notes.txt", st.warnings)
		}
		if err := st.write("a/index.html", []byte(data), false, nil); err != nil {
			t.Fatal(err)
		}
		if err := st.commit(); err != nil {
			t.Fatal(err)
		}
		if got := texts(t, dest); !maps.Equal(got, map[string]string{"a/index.html": data}) {
			t.Fatalf("output = %v", got)
		}
	}
	if b, err := os.ReadFile(notes); err != nil || string(b) != "mine" {
		t.Fatalf("the user's file in the spare: %q, %v", b, err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".public.notis-old-*"))
	if len(left) > 0 {
		t.Errorf("previous outputs left behind: %v", left)
	}
}

// A build that died leaves its marked staging folder; the next build
// into the same destination removes it, and nothing unmarked.
func TestStagingRemovesLeftoversOfDeadBuilds(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	dead := filepath.Join(parent, ".public.notis-new-123")
	alike := filepath.Join(parent, ".public.notis-new-456")
	for _, f := range []string{filepath.Join(dead, stagingMark), filepath.Join(dead, "x.html"), filepath.Join(alike, "y.html")} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(dest, 0o755); err != nil { // an empty folder is fine
		t.Fatal(err)
	}
	stage(t, dest, map[string]string{"index.html": "ok"})
	if _, err := os.Stat(dead); err == nil {
		t.Error("the dead build's staging folder is still there")
	}
	if _, err := os.Stat(filepath.Join(alike, "y.html")); err != nil {
		t.Errorf("an unmarked folder was removed: %v", err)
	}
}

// A manifest that does not parse, or names a path outside its folder, is
// no manifest: the folder is refused, never pruned on its word.
func TestOutputWithAnUntrustworthyManifestIsRefused(t *testing.T) {
	for _, m := range []string{"garbage\n", manifestHeader + "\nfile ../../etc/passwd\n", manifestHeader + "\nfile a//b\n"} {
		dest := t.TempDir()
		if err := os.WriteFile(filepath.Join(dest, ManifestName), []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
		var de *DestinationError
		if _, err := checkOutput(dest, "public"); !errors.As(err, &de) || !strings.Contains(de.Reason, "damaged") {
			t.Errorf("manifest %q: got %v, want a refusal", m, err)
		}
	}
}

func TestContentAddressedNames(t *testing.T) {
	for rel, want := range map[string]bool{
		"consent/versions/34d03a341aae.json": true,
		"consent/consent.af4cf15584.js":      true,
		"consent/prefs.sv.ac6910cb88.js":     true,
		"consent/lang/sv.ca5de9599a.json":    true,
		"css/notis.aacd3f11.css":             true,
		"consent/consent.js":                 false, // the stable alias: the current bundle
		"consent/prefs.en.js":                false,
		"consent/lang/sv.json":               false,
		"consent/embed.html":                 false,
		"en/index.html":                      false,
		"img/photo.2026.jpg":                 false,
	} {
		if got := contentAddressed(rel); got != want {
			t.Errorf("contentAddressed(%q) = %v, want %v", rel, got, want)
		}
	}
}
