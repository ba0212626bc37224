package widget

import (
	"os"
	"path/filepath"
	"testing"

	bt "github.com/notis-dev/notis/internal/browsertest"
	"github.com/notis-dev/notis/internal/testenv"
	"github.com/notis-dev/notis/widget"
)

// osanoGz is Osano cookieconsent 3.1.1's first layer (yes/no only), as
// /work/shared/research/consent-banners.md measured it; the others are
// measured from npm in the same run (peerSizes).
const osanoGz = 8113

// peerFiles are the files a visitor downloads for each peer's first layer
// in one language (JS + CSS), from the npm packages in
// internal/browsertest/testdata (package-lock.json pins the versions).
var peerFiles = map[string][]string{
	"vanilla-cookieconsent": {"vanilla-cookieconsent/dist/cookieconsent.umd.js", "vanilla-cookieconsent/dist/cookieconsent.css"},
	"orejime":               {"orejime/dist/orejime-standard-en.js", "orejime/dist/orejime-standard.css"},
}

// peerSizes measures the peers' first layers, gzip -9 bytes as gz counts ours.
func peerSizes(t testing.TB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for name, files := range peerFiles {
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(bt.NodeModules(), f))
			if err != nil {
				testenv.Missing(t, "npm packages not installed (run scripts/test-deps.sh): "+err.Error())
				return nil
			}
			out[name] += gz(b)
		}
	}
	return out
}

// TestFirstLayerAgainstPeers measures notis's first layer and its peers'
// in the same run (go test -v shows the figures), and holds the budget.
func TestFirstLayerAgainstPeers(t *testing.T) {
	r, err := Build(widget.Source, testConfig(t, "https://consent.example.org"))
	if err != nil {
		t.Fatal(err)
	}
	peers := peerSizes(t)
	first := r.Sizes.FirstLayer()
	t.Logf("first layer, gzip bytes: notis %d (script %d + language %d; budget %d), vanilla-cookieconsent %d, orejime %d; notis is %.2fx and %.2fx of them",
		first, r.Sizes.JS, r.Sizes.Lang, Budget, peers["vanilla-cookieconsent"], peers["orejime"],
		float64(first)/float64(peers["vanilla-cookieconsent"]), float64(first)/float64(peers["orejime"]))
	if first > Budget {
		t.Errorf("first layer %d B gzip, over the %d B budget", first, Budget)
	}
	for name, n := range peers {
		if n < 5000 {
			t.Errorf("%s measured %d B: the wrong files?", name, n)
		}
	}
}

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
	peers := peerSizes(b)
	b.ReportMetric(first/float64(peers["orejime"]), "of-orejime")
	b.ReportMetric(first/float64(peers["vanilla-cookieconsent"]), "of-vcc")
	if s.FirstLayer() > Budget {
		b.Errorf("first layer %d B gzip, over the %d B budget", s.FirstLayer(), Budget)
	}
}
