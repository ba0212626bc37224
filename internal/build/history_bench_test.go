package build

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/build/synth"
	"github.com/notis-dev/notis/internal/history/gittest"
)

var updatedLine = regexp.MustCompile(`(?m)^updated: .*$`)

// BenchmarkHistory1000 measures what the history costs a build: the
// synthetic 1,000-notice × 2-language site in git with 20 commits (the
// site, then 19 commits that each give 10 notices a new version in both
// languages, with a new date and a new sentence), built with its history and with `[history] enabled =
// false`, alternately. Metrics, from the medians: the two build times and
// extra-% (target < 25). NOTIS_BENCH_SMALL=1 makes it 200 notices and 2
// a commit, for a quick profile.
func BenchmarkHistory1000(b *testing.B) {
	notices, commits, perCommit := 1000, 20, 10
	if os.Getenv("NOTIS_BENCH_SMALL") != "" {
		notices, perCommit = 200, 2
	}
	g := gittest.New(b)
	if err := synth.Generate(g.Dir, notices); err != nil {
		b.Fatal(err)
	}
	site := map[string]string{}
	err := filepath.WalkDir(g.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.Name() == ".git" {
				return filepath.SkipDir
			}
			return err
		}
		src, err := os.ReadFile(p)
		rel, _ := filepath.Rel(g.Dir, p)
		site[filepath.ToSlash(rel)] = string(src)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	g.Commit("the site", site)
	for k := 1; k < commits; k++ {
		files := map[string]string{}
		// An editor's change: a new date and a sentence in the body.
		for j := range perCommit {
			i := (k*97 + j*13) % notices
			for _, lang := range []string{"en", "sv"} {
				name := fmt.Sprintf("content/notice-%04d.%s.md", i, lang)
				src, err := os.ReadFile(filepath.Join(g.Dir, name))
				if err != nil {
					b.Fatal(err)
				}
				text := updatedLine.ReplaceAllString(string(src), fmt.Sprintf("updated: 2026-05-%02d", k))
				head, body, _ := strings.Cut(text, "\n---\n")
				files[name] = head + "\n---\n" + fmt.Sprintf("Revision %d of this notice.\n\n", k) + body
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
