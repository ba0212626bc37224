package content

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/notis-dev/notis/internal/site"
)

// The example site in the repository's content/ must always decode
// cleanly: it is what a newcomer builds first.
func TestExampleSiteDecodesCleanly(t *testing.T) {
	root := filepath.Join("..", "..")
	cfg, err := site.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(root)
	files, err := Find(fsys, "content")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no notices in content/")
	}
	langs := Languages{Codes: cfg.LanguageCodes(), Default: cfg.DefaultLanguage}
	for _, f := range files {
		src, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(f, src, langs); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// A lean load holds no bodies but gives the same text on demand.
func TestLeanLoadReadsBodiesOnDemand(t *testing.T) {
	root := filepath.Join("..", "..")
	cfg, err := site.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	full, err := LoadAll(os.DirFS(root), cfg)
	if err != nil {
		t.Fatal(err)
	}
	lean, err := LoadAllLean(os.DirFS(root), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range full {
		if o := lean[i].Notice.Origin.(*origin); o.body != nil || o.load == nil {
			t.Fatalf("%s: lean load kept the body", lean[i].Notice.File)
		}
		text, err := lean[i].Notice.Text()
		if err != nil {
			t.Fatal(err)
		}
		if string(text) != string(full[i].Notice.Origin.(*origin).body) {
			t.Fatalf("%s: body read on demand differs", lean[i].Notice.File)
		}
	}
}
