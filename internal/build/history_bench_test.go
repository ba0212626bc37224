package build

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/build/synth"
	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/history/gittest"
)

var updatedLine = regexp.MustCompile(`(?m)^updated: .*$`)

// BenchmarkHistory1000 measures what the history costs a build: the
// synthetic 1,000-notice × 2-language site in git with 20 commits (the
// site, then 19 commits that each give 10 notices a new version in both
// languages, with a new date and a new sentence), built with its history
// and with `[history] enabled = false`, alternately, each after the file
// system has written back the last. Metrics, from the medians: the two
// build times, extra-% (target < 25) and user-cpu-extra-%, the build's
// own work without the kernel's; and both again against the build
// without history holding every notice, as the build with it does
// (extra-vs-held-%). NOTIS_BENCH_SMALL=1 makes it 200
// notices and 2 a commit, for a quick profile. NOTIS_BENCH_OUT=/dev/shm
// writes the outputs there: on this project's VM, ext4 spends up to a
// fifth of the build's CPU skipping recently freed inodes when it
// allocates one (perf: __ext4_new_inode → recently_deleted), a cost of
// the disk and what ran before, not of the build.
func BenchmarkHistory1000(b *testing.B) {
	notices, commits, perCommit := 1000, 20, 10
	if os.Getenv("NOTIS_BENCH_SMALL") != "" {
		notices, perCommit = 200, 2
	}
	dir := syntheticHistory(b, notices, commits, perCommit)
	// The setup's repository and files are garbage now: collect them, so
	// the builds' collector does not mark them.
	runtime.GC()
	cfg := filepath.Join(dir, "notis.toml")
	on, err := os.ReadFile(cfg)
	if err != nil {
		b.Fatal(err)
	}
	off := append(slices.Clone(on), "[history]\nenabled = false\n"...)
	// The user CPU time of each build, apart: the kernel's time to make
	// the history's files and folders varied by seconds between two
	// identical builds on the 2-core machine's file system.
	var userWith, userWithout, userHeld []time.Duration
	build := func(config []byte, hold content.Hold) time.Duration {
		if err := os.WriteFile(cfg, config, 0o644); err != nil {
			b.Fatal(err)
		}
		parent := b.TempDir()
		if out := os.Getenv("NOTIS_BENCH_OUT"); out != "" {
			var err error
			if parent, err = os.MkdirTemp(out, "notis-bench-"); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { os.RemoveAll(parent) })
		}
		dest := filepath.Join(parent, "public")
		// The file system writes back what the last build wrote while
		// this one runs unless it is flushed first: measure one build,
		// not its predecessor's write-back.
		syscall.Sync()
		var r0, r1 syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
		start := time.Now()
		if _, err := Build(Options{Source: dir, Destination: dest, hold: hold}); err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		user := time.Duration(r1.Utime.Nano() - r0.Utime.Nano())
		switch {
		case len(config) == len(on):
			userWith = append(userWith, user)
		case hold == content.Lean:
			userHeld = append(userHeld, user)
		default:
			userWithout = append(userWithout, user)
		}
		return wall
	}
	b.ResetTimer()
	var with, without, held []time.Duration
	for i := range b.N {
		if i%2 == 0 {
			with = append(with, build(on, 0))
			without = append(without, build(off, 0))
			held = append(held, build(off, content.Lean))
		} else {
			held = append(held, build(off, content.Lean))
			without = append(without, build(off, 0))
			with = append(with, build(on, 0))
		}
	}
	b.StopTimer()
	b.Logf("with history %v, without %v, without and holding every notice %v", with, without, held)
	mw, mo, mh := median(with), median(without), median(held)
	b.ReportMetric(mw.Seconds(), "s-with-history")
	b.ReportMetric(mo.Seconds(), "s-without")
	b.ReportMetric(100*(mw.Seconds()/mo.Seconds()-1), "extra-%")
	b.ReportMetric(100*(median(userWith).Seconds()/median(userWithout).Seconds()-1), "user-cpu-extra-%")
	// A build with history holds its notices whole (it joins each with
	// its earlier versions) where one without keeps outlines and reads
	// each file twice: against the same site built holding its notices,
	// the history's own cost.
	b.ReportMetric(100*(mw.Seconds()/mh.Seconds()-1), "extra-vs-held-%")
	b.ReportMetric(100*(median(userWith).Seconds()/median(userHeld).Seconds()-1), "user-cpu-extra-vs-held-%")
}

// syntheticHistory writes the synthetic site of notices notices into a new git
// repository, in commits commits: the site, then commits that each give
// perCommit notices a new version in both languages, with a new date and
// a new sentence. It returns the site's folder.
func syntheticHistory(b *testing.B, notices, commits, perCommit int) string {
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
	return g.Dir
}
