package build

import (
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
	if err := st.write("a", []byte("a file")); err != nil {
		t.Fatal(err)
	}
	if err := st.write("a/b.html", []byte("under a file")); err != nil { // a is a file: cannot be a folder
		t.Fatal(err)
	}
	if err := st.write("../escape", nil); err == nil {
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
