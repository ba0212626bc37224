package dev

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/build/synth"
)

// BenchmarkEditToReload measures what a privacy lead waits for: from a
// notice file's write to the reload signal going out to open pages, on a
// 1,000-notice × 2-language site, through the real watcher, incremental
// rebuild and live-reload hub. It reports the median and p95 over 20
// body edits, and over 20 summary edits that also re-render the
// language's index (run it with -benchtime 1x).
func BenchmarkEditToReload(b *testing.B) {
	dir := b.TempDir()
	const notices = 1000
	if err := synth.Generate(dir, notices); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	inc, err := build.NewIncremental(build.Options{Source: dir, BaseURL: "http://127.0.0.1:1313/", DevScript: ScriptPath})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first build of %d files: %s", len(inc.Output().Files), time.Since(start).Round(time.Millisecond))
	s := &Server{opts: Options{Source: dir, Out: io.Discard}, inc: inc, hub: NewHub()}
	w, err := NewWatcher(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var rebuilds []time.Duration // written before the signal is sent, read after it arrives
	go func() {
		_ = w.Run(ctx, func(paths []string) {
			t := time.Now()
			ch, err := s.inc.Update(paths)
			if err != nil {
				s.failed(err)
				return
			}
			rebuilds = append(rebuilds, time.Since(t))
			s.hub.Built(s.inc.Output().Gen, len(ch.Changed) > 0, nil)
		})
	}()
	msgs, stop := s.hub.Subscribe()
	defer stop()

	rng := rand.New(rand.NewPCG(3, 4))
	rev := 0
	// edits saves 20 notices and returns each save's write-to-signal time
	// and each rebuild's time, sorted.
	edits := func(summary bool) (lat, rebuilt []time.Duration) {
		from := len(rebuilds)
		for range 20 {
			rev++
			i, lang := rng.IntN(notices), []string{"en", "sv"}[rng.IntN(2)]
			data := synth.Notice(rand.New(rand.NewPCG(uint64(i), 9)), i, notices, lang, synth.Edit{Rev: rev, Summary: summary})
			p := filepath.Join(dir, "content", fmt.Sprintf("notice-%04d.%s.md", i, lang))
			t0 := time.Now()
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				b.Fatal(err)
			}
			select {
			case m := <-msgs:
				lat = append(lat, time.Since(t0))
				if m.Event != "reload" {
					b.Fatalf("got %s %s, want a reload", m.Event, m.Data)
				}
			case <-time.After(10 * time.Second):
				b.Fatal("no reload signal within 10 s")
			}
			time.Sleep(20 * time.Millisecond) // the next save comes later
		}
		slices.Sort(lat)
		rebuilt = slices.Sorted(slices.Values(rebuilds[from:]))
		return lat, rebuilt
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ResetTimer()
	for range b.N {
		// Typing in a notice's body: its page re-renders.
		body, bodyRebuilt := edits(false)
		b.ReportMetric(ms(body[len(body)/2]), "ms-median")
		b.ReportMetric(ms(body[len(body)*95/100]), "ms-p95")
		// Changing its summary: the language's index (1,000 entries)
		// re-renders too.
		sum, sumRebuilt := edits(true)
		b.ReportMetric(ms(sum[len(sum)/2]), "ms-median-index")
		b.ReportMetric(ms(sum[len(sum)*95/100]), "ms-p95-index")
		// What of each is the rebuild, the rest being the watcher's wait
		// for a quiet folder (Watcher.Quiet) and the signal's way out.
		b.ReportMetric(ms(bodyRebuilt[len(bodyRebuilt)/2]), "ms-rebuild-median")
		b.ReportMetric(ms(sumRebuilt[len(sumRebuilt)/2]), "ms-rebuild-median-index")
	}
	b.StopTimer()
	b.ReportMetric(0, "ns/op")
}
