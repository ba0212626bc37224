package lint

import (
	"io/fs"
	"os"
	"path/filepath"
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
