package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/site"
)

// replicate makes n notices from a few, each with its own id.
func replicate(from []*notice.Notice, n int) []*notice.Notice {
	ns := make([]*notice.Notice, n)
	for i := range ns {
		c := *from[i%len(from)]
		c.ID = fmt.Sprintf("%s-%d", c.ID, i)
		ns[i] = &c
	}
	return ns
}

// BenchmarkCheck2000Clean lints 2,000 notices like the example site's,
// the size of a large site; the build runs Check on every page.
func BenchmarkCheck2000Clean(b *testing.B) {
	root := filepath.Join("..", "..")
	cfg, err := site.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	pages, err := content.LoadAll(os.DirFS(root), cfg)
	if err != nil || len(pages) == 0 {
		b.Fatalf("the example site: %d notices, %v", len(pages), err)
	}
	var from []*notice.Notice
	for _, p := range pages {
		from = append(from, p.Notice)
	}
	ns := replicate(from, 2000)
	b.ReportAllocs()
	for b.Loop() {
		Check(ns, Options{AsOf: contentReviewed})
	}
}

// BenchmarkCheck2000Defective lints 2,000 copies of the seeds, where
// nearly every rule reports something.
func BenchmarkCheck2000Defective(b *testing.B) {
	var from []*notice.Notice
	for name := range seedDefects {
		from = append(from, loadSeed(b, name))
	}
	ns := replicate(from, 2000)
	b.ReportAllocs()
	for b.Loop() {
		Check(ns, Options{AsOf: seedAsOf})
	}
}
