package render

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/notis-dev/notis/internal/build/synth"
	"github.com/notis-dev/notis/internal/content"
)

// BenchmarkNoticePage renders one page of the synthetic site that
// BenchmarkBuild1000 builds a thousand of: the template's share of a
// build, apart from the file system and the minifier.
func BenchmarkNoticePage(b *testing.B) {
	r := newRenderer(b)
	langs := content.Languages{Codes: []string{"en", "sv"}, Default: "en"}
	p, err := content.Parse("content/notice-0001.en.md", synth.Notice(rand.New(rand.NewPCG(1, 1)), 1, 1000, "en", synth.Edit{}), langs)
	if err != nil {
		b.Fatal(err)
	}
	n := p.Notice
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.NoticeTo(&buf, n, "v1", Translations{n.Lang: n}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}
