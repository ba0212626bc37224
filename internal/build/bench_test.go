package build

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gohugoio/hugo/parser/pageparser"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/notis-dev/notis/internal/build/synth"
)

// BenchmarkBuild1000 builds the synthetic 1,000-notice × 2-language site
// with the real notis binary and compares it with the floor measured in the
// same run on the same files: front matter parse + goldmark + minify alone,
// on all cores. Each iteration times a cold build into an empty folder (a
// CI runner's case) and a rebuild over an earlier output with its spare
// (a laptop's case). Metrics, from the median of the iterations: pages/s,
// the cold build's and the rebuild's time ratio to the floor (target
// ≤ 1.5), and the peak RSS of all builds (target < 150 MiB).
func BenchmarkBuild1000(b *testing.B) {
	const notices = 1000
	dir := b.TempDir()
	if err := synth.Generate(dir, notices); err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(b.TempDir(), "notis")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/notis").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "content", "*.md"))
	pages := float64(len(files))

	var rss int64
	build := func(dest string) time.Duration {
		start := time.Now()
		cmd := exec.Command(bin, "build", "--source", dir, "--destination", dest, "--quiet")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("notis build: %v\n%s", err, out)
		}
		rss = max(rss, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) // KiB on Linux
		return time.Since(start)
	}
	b.ResetTimer()
	var floor, cold, rebuild []time.Duration
	for range b.N {
		floor = append(floor, measureFloor(b, files))
		dest := filepath.Join(b.TempDir(), "public")
		cold = append(cold, build(dest))
		build(dest) // leaves the cold output as the spare
		rebuild = append(rebuild, build(dest))
	}
	// Medians: on a shared 2-core machine one slow run of either side
	// would swing a ratio of means.
	f, c, r := median(floor), median(cold), median(rebuild)
	b.ReportMetric(pages/c.Seconds(), "build_pages/s")
	b.ReportMetric(pages/f.Seconds(), "floor_pages/s")
	b.ReportMetric(c.Seconds()/f.Seconds(), "build/floor")
	b.ReportMetric(r.Seconds()/f.Seconds(), "rebuild/floor")
	b.ReportMetric(float64(rss)/1024, "peak_RSS_MiB")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// measureFloor is the least any generator must do per page: parse the
// front matter, convert the Markdown, minify the HTML, on every core.
func measureFloor(b *testing.B, files []string) time.Duration {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	m := newMinifier()
	start := time.Now()
	next := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var html, small bytes.Buffer
			for f := range next {
				src, err := os.ReadFile(f)
				if err != nil {
					b.Error(err)
					continue
				}
				cf, err := pageparser.ParseFrontMatterAndContent(bytes.NewReader(src))
				if err != nil {
					b.Error(err)
					continue
				}
				html.Reset()
				small.Reset()
				if err := md.Convert(cf.Content, &html); err != nil {
					b.Error(err)
				}
				if err := m.Minify("text/html", &small, &html); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	return time.Since(start)
}

// The site scalebench builds to time notis on the Hugo twin's work must
// build, and its pages must show what the twin's show and none of
// notis's own sections, or the comparison times different work.
func TestTheTwinLayoutsShowWhatHugosTwinShows(t *testing.T) {
	src, dest := t.TempDir(), filepath.Join(t.TempDir(), "public")
	if err := synth.GenerateTwinLayouts(src, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(Options{Source: src, Destination: dest}); err != nil {
		t.Fatal(err)
	}
	page := readOut(t, dest, "en/notice-0001/index.html")
	for _, want := range []string{"Example Organisation 1 Ltd", "Who we are", "Work history", "Referees", "Why we use it", "Recruiting", "ATS Ltd", "How long we keep it", "Related notices", `href="/en/notice-0002/"`, "Portability"} {
		if !bytes.Contains([]byte(page), []byte(want)) {
			t.Errorf("the twin layouts' page lacks %q", want)
		}
	}
	for _, own := range []string{"application/ld+json", `class="toc"`, `id="objection"`} {
		if bytes.Contains([]byte(page), []byte(own)) {
			t.Errorf("the twin layouts' page has notis's own %q", own)
		}
	}
}
