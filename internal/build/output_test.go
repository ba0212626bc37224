package build

import (
	"io"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// A file that cannot be written fails the commit, and the destination
// keeps what it had.
func TestStagingReportsWriteErrorsAtCommit(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	if err := os.MkdirAll(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dest, "old.html"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := newStaging(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.write("a", []byte("a file"), nil); err != nil {
		t.Fatal(err)
	}
	if err := st.write("a/b.html", []byte("under a file"), nil); err != nil { // a is a file: cannot be a folder
		t.Fatal(err)
	}
	if err := st.write("../escape", nil, nil); err == nil {
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

// stage runs one staged build of files into dest and commits it.
func stage(t *testing.T, dest string, files map[string]string) {
	t.Helper()
	st, err := newStaging(dest)
	if err != nil {
		t.Fatal(err)
	}
	for rel, data := range files {
		if err := st.write(rel, []byte(data), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.commit(); err != nil {
		t.Fatal(err)
	}
}

// texts is tree with the contents as strings, for comparing.
func texts(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for rel, b := range tree(t, dir) {
		out[rel] = string(b)
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
	st, err := newStaging(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.write("index.html", []byte("half"), nil); err != nil {
		t.Fatal(err)
	}
	st.discard()
	if got := texts(t, dest); !maps.Equal(got, map[string]string{"index.html": "ok"}) {
		t.Fatalf("destination = %v after a discarded build", got)
	}
	left, _ := filepath.Glob(filepath.Join(parent, ".public.new-*"))
	if len(left) > 0 {
		t.Fatalf("staging folders left behind: %v", left)
	}
}

// A link left in the spare is replaced by a file, even when what it points
// to holds the very bytes the build writes.
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
