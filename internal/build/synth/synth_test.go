package synth

import (
	"bytes"
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

// The Hugo twin must hold the very pages of the notis site, or a
// comparison of the two generators times different work.
func TestGenerateHugoWritesTheSamePagesWithHugoConfigAndLayouts(t *testing.T) {
	notis, hugo := t.TempDir(), t.TempDir()
	if err := Generate(notis, 3); err != nil {
		t.Fatal(err)
	}
	if err := GenerateHugo(hugo, 3); err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Glob(filepath.Join(notis, "content", "*.md"))
	got, _ := filepath.Glob(filepath.Join(hugo, "content", "*.md"))
	if len(got) != len(want) || len(want) != 6 {
		t.Fatalf("twin has %d content files, the site %d", len(got), len(want))
	}
	for i := range want {
		a, _ := os.ReadFile(want[i])
		b, _ := os.ReadFile(got[i])
		if filepath.Base(want[i]) != filepath.Base(got[i]) || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the site's %s", got[i], want[i])
		}
	}
	for name := range HugoFiles {
		if _, err := os.Stat(filepath.Join(hugo, name)); err != nil {
			t.Errorf("twin lacks %s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(hugo, "notis.toml")); err == nil {
		t.Error("twin has a notis.toml")
	}
	cfg, _ := os.ReadFile(filepath.Join(hugo, "hugo.toml"))
	for _, lang := range []string{"[languages.en]", "[languages.sv]"} {
		if !bytes.Contains(cfg, []byte(lang)) {
			t.Errorf("hugo.toml lacks %s", lang)
		}
	}
}
