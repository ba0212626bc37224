package lint

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// meta.placeholder must know every value the scaffold asks its user to
// replace, and nothing the scaffold does not write.
func TestPlaceholdersAreTheScaffolds(t *testing.T) {
	var all strings.Builder
	root := filepath.Join("..", "scaffold", "templates")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		all.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ToLower(all.String())
	for _, p := range append(placeholders, placeholderProse...) {
		if !strings.Contains(text, p) {
			t.Errorf("placeholder %q is not in the scaffold's templates", p)
		}
	}
	for _, want := range []string{"example organisation ltd", "privacy@example.org", "example mail ltd"} {
		if !strings.Contains(text, want) {
			t.Errorf("the scaffold no longer writes %q: update meta.placeholder", want)
		}
	}
}

// text.broken-link accepts links to the page's own sections: the same ids
// the renderer reserves for them.
func TestPageSectionsAreTheRenderers(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "render", "markdown.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`reservedIDs = \[\]string\{([^}]*)\}`).FindSubmatch(src)
	if m == nil {
		t.Fatal("render.reservedIDs not found in internal/render/markdown.go")
	}
	var ids []string
	for _, q := range strings.Split(string(m[1]), ",") {
		ids = append(ids, strings.Trim(strings.TrimSpace(q), `"`))
	}
	if strings.Join(ids, ",") != strings.Join(pageSections, ",") {
		t.Errorf("pageSections %v, render's reservedIDs %v", pageSections, ids)
	}
}
