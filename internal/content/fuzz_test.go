package content

import (
	"testing"

	"github.com/notis-dev/notis/internal/diag"
)

// FuzzParse feeds arbitrary files to the reader: it must never panic, and
// every error must be a diag.List of diagnostics with a rule, each placed
// inside the file, with the file's own line at that place.
func FuzzParse(f *testing.F) {
	f.Add([]byte(validYAML))
	f.Add([]byte("+++\ntitle = \"T\"\nupdated = 2026-04-01\n[controller]\nname = \"X\"\n[[purposes]]\nname = \"A\"\nbasis = \"consent\"\n+++\nbody\n"))
	f.Add([]byte(`{"title": "T", "purposes": [{"name": "A", "basis": "x"}], "data": [{"id": "a"}]}`))
	f.Add([]byte("---\ncookies: [{name: a, duration: P1Y2M3DT4H}]\nretention: [{records: r, period: P}]\n---\n"))
	f.Add([]byte("---\na: &x [1, *x]\n---\n"))
	f.Add([]byte("no front matter at all"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := Parse("f.md", src, langs)
		if err == nil {
			if p == nil || p.Notice == nil || p.Notice.Title == "" {
				t.Fatal("no error, but no usable notice")
			}
			return
		}
		errs, ok := err.(diag.List)
		if !ok || len(errs) == 0 {
			t.Fatalf("error %T %v, want a diag.List", err, err)
		}
		lines := 1
		for _, b := range src {
			if b == '\n' {
				lines++
			}
		}
		for _, e := range errs {
			if e.Pos.File != "f.md" || e.Pos.Line < 1 || e.Pos.Line > lines {
				t.Fatalf("error outside the file: %v (file has %d lines)", e, lines)
			}
			if e.Rule == "" || e.Severity != diag.Error {
				t.Fatalf("error without a rule: %v", e)
			}
			if line, _ := diag.LineOf(src, e.Pos.Line); e.Source != line {
				t.Fatalf("error %v shows line %q, the file has %q", e, e.Source, line)
			}
		}
	})
}
