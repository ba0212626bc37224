package widget

import (
	"testing"

	"github.com/notis-dev/notis/widget"
)

// Published gzip sizes of peers' first layer in one language (JS + CSS),
// measured in /work/shared/research/consent-banners.md.
const (
	osanoGz   = 8113  // Osano cookieconsent 3.1.1, yes/no only
	orejimeGz = 14545 // Orejime 3.2.1
	vccGz     = 15513 // vanilla-cookieconsent 3.1.0
)

// BenchmarkBuild times bundling the banner for a two-language site.
func BenchmarkBuild(b *testing.B) {
	cfg := testConfig(b, "https://consent.example.org")
	for b.Loop() {
		if _, err := Build(widget.Source, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSize reports what the banner's first layer weighs (gzip -9
// bytes: the script with its CSS, plus the largest language file), and
// the ratio to the 6 KB budget and to the peers' published sizes:
//
//	go test ./internal/widget -run XXX -bench Size
func BenchmarkSize(b *testing.B) {
	cfg := testConfig(b, "https://consent.example.org")
	var r Result
	for b.Loop() {
		var err error
		if r, err = Build(widget.Source, cfg); err != nil {
			b.Fatal(err)
		}
	}
	s := r.Sizes
	first := float64(s.FirstLayer())
	b.ReportMetric(first, "first-layer-gzB")
	b.ReportMetric(float64(s.JS), "script-gzB")
	b.ReportMetric(float64(s.Lang), "lang-gzB")
	b.ReportMetric(float64(s.Dialog), "dialog-gzB")
	b.ReportMetric(first/Budget, "of-budget")
	b.ReportMetric(first/osanoGz, "of-osano")
	b.ReportMetric(first/orejimeGz, "of-orejime")
	b.ReportMetric(first/vccGz, "of-vcc")
	if s.FirstLayer() > Budget {
		b.Errorf("first layer %d B gzip, over the %d B budget", s.FirstLayer(), Budget)
	}
}
