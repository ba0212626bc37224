package main

import (
	"os"
	"path/filepath"

	"github.com/notis-dev/notis/internal/lint"
)

// placed is findings with every file named from where notis runs: a
// notice file under the site folder given as --source (content/x.md →
// site/content/x.md), and a file named absolutely, such as notis.toml,
// relative to the current folder when it lies inside it. GitHub
// annotations and SARIF locations are read from the repository's root,
// where CI runs `notis lint --source site`; a path named from the site
// folder would point at no file there.
func placed(findings []lint.Finding, source string) []lint.Finding {
	cwd, _ := os.Getwd()
	out := make([]lint.Finding, len(findings))
	for i, f := range findings {
		f.Pos = f.Pos.Under(source)
		if p := filepath.FromSlash(f.Pos.File); cwd != "" && filepath.IsAbs(p) {
			if rel, err := filepath.Rel(cwd, p); err == nil && filepath.IsLocal(rel) {
				f.Pos.File = filepath.ToSlash(rel)
			}
		}
		out[i] = f
	}
	return out
}
