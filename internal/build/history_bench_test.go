package build

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/build/synth"
	"github.com/notis-dev/notis/internal/history/gittest"
)

// BenchmarkHistory1000 measures what the history costs a build: the
// synthetic 1,000-notice × 2-language site in git with 20 commits (the
// site, then 19 commits that each give 10 notices a new version in both
// languages), built with its history and with `[history] enabled =
// false`, alternately. Metrics, from the medians: the two build times and
// extra-% (target < 25).
func BenchmarkHistory1000(b *testing.B) {
	const notices, commits, perCommit = 1000, 20, 10
	g := gittest.New(b)
	if err := synth.Generate(g.Dir, notices); err != nil {
		b.Fatal(err)
	}
	g.Commit("the site", nil)
	for k := 1; k < commits; k++ {
		files := map[string]string{}
		for j := range perCommit {
			i := (k*97 + j*13) % notices
			for _, lang := range []string{"en", "sv"} {
				rng := rand.New(rand.NewPCG(uint64(i), uint64(k)))
				files[fmt.Sprintf("content/notice-%04d.%s.md", i, lang)] = string(synth.Notice(rng, i, notices, lang, synth.Edit{Rev: k, Updated: fmt.Sprintf("2026-05-%02d", k)}))
			}
		}
		g.Commit(fmt.Sprintf("new versions %d", k), files)
	}
	cfg := filepath.Join(g.Dir, "notis.toml")
	on, err := os.ReadFile(cfg)
	if err != nil {
		b.Fatal(err)
	}
	off := append(slices.Clone(on), "[history]\nenabled = false\n"...)
	build := func(config []byte) time.Duration {
		if err := os.WriteFile(cfg, config, 0o644); err != nil {
			b.Fatal(err)
		}
		dest := filepath.Join(b.TempDir(), "public")
		start := time.Now()
		if _, err := Build(Options{Source: g.Dir, Destination: dest}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	b.ResetTimer()
	var with, without []time.Duration
	for i := range b.N {
		if i%2 == 0 {
			with = append(with, build(on))
			without = append(without, build(off))
		} else {
			without = append(without, build(off))
			with = append(with, build(on))
		}
	}
	b.StopTimer()
	mw, mo := median(with), median(without)
	b.ReportMetric(mw.Seconds(), "s-with-history")
	b.ReportMetric(mo.Seconds(), "s-without")
	b.ReportMetric(100*(mw.Seconds()/mo.Seconds()-1), "extra-%")
}
