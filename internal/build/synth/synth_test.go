package synth

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGenerateWritesTwoLanguagesPerNotice(t *testing.T) {
	dir := t.TempDir()
	if err := Generate(dir, 3); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "content", "*.md"))
	if len(files) != 6 {
		t.Fatalf("%d files, want 6", len(files))
	}
	b, _ := os.ReadFile(files[0])
	if len(b) < 10_000 {
		t.Fatalf("a notice of %d bytes is smaller than ~2,000 words", len(b))
	}
}
