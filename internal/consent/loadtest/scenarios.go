package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/notis-dev/notis/internal/consent"
	"github.com/notis-dev/notis/internal/consent/pgtest"
	"github.com/notis-dev/notis/internal/consent/store"
)

// The at-scale scenarios of issue #16: /v1/stats and the export over 13
// months of records, and intake latency while the server's retention
// purge deletes a million. Each runs on SQLite and on PostgreSQL.
type scaleOptions struct {
	rows       int // records for stats and export
	purgeRows  int // records past retention for the purge
	rate       int // intake events per second during the purge
	conns      int // the intake generator's connections
	runs       int // how many times the purge scenario runs per store
	stores     []string
	requirePG  bool
	baseline   time.Duration // intake measured without a purge
	adminToken string
}

func scenarios(o scaleOptions) error {
	for _, kind := range o.stores {
		skip := func(err error) error {
			if kind == "postgres" && !o.requirePG {
				fmt.Println("postgres skipped:", err)
				return nil
			}
			return fmt.Errorf("%s: %w", kind, err)
		}
		if o.rows > 0 {
			if err := statsScenario(kind, o); err != nil {
				if err := skip(err); err != nil {
					return err
				}
				continue
			}
		}
		for run := 1; run <= o.runs && o.purgeRows > 0; run++ {
			if err := purgeScenario(kind, run, o); err != nil {
				if err := skip(err); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

// openStore opens a fresh store of kind in a temporary folder.
func openStore(kind string) (store.Store, string, func(), error) {
	dir, err := os.MkdirTemp("", "notis-scenario-")
	if err != nil {
		return nil, "", nil, err
	}
	cleanup := []func(){func() { os.RemoveAll(dir) }}
	dsn := "sqlite:" + filepath.Join(dir, "consent.db")
	if kind == "postgres" {
		pg, err := pgtest.Start()
		if err != nil {
			runAll(cleanup)
			return nil, "", nil, err
		}
		cleanup = append([]func(){func() { pg.Stop() }}, cleanup...)
		if dsn, err = pg.NewDatabase(context.Background()); err != nil {
			runAll(cleanup)
			return nil, "", nil, err
		}
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		runAll(cleanup)
		return nil, "", nil, err
	}
	return st, dir, func() { st.Close(); runAll(cleanup) }, nil
}

// fillBatch is how many records one Insert of fill carries: one
// transaction, so the bulk load costs one commit (and one fsync) per
// batch, not per record.
const fillBatch = 10_000

// fill inserts n records through the store's own Insert, the path every
// event takes (so the statistics rollups are kept as in production), in
// transactions of fillBatch, the i-th received at(i); a progress line
// goes to stderr every million.
func fill(kind string, st store.Store, n int, at func(i int) time.Time) (time.Duration, error) {
	start := time.Now()
	methods := []string{"accept_all", "reject_all", "custom", "withdraw", "gpc"}
	batch := make([]store.Record, 0, fillBatch)
	for i := range n {
		m := methods[i%len(methods)]
		choices := map[string]bool{"necessary": true, "analytics": m == "accept_all" || (m == "custom" && i%2 == 0), "marketing": m == "accept_all"}
		batch = append(batch, store.Record{
			EventID: uuidV7(), ConsentID: uuidV7(), ReceivedAt: at(i).UTC().Truncate(time.Microsecond),
			Site: "careers", Version: "bench1", Lang: []string{"en", "sv"}[i%2], Choices: choices, Method: m, GPC: m == "gpc",
			Page: "https://jobs.example.org/apply", UAFamily: "Firefox", NetHash: "0123456789abcdef0123456789abcdef",
		})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := st.Insert(context.Background(), batch); err != nil {
				return 0, err
			}
			batch = batch[:0]
		}
		if (i+1)%1_000_000 == 0 {
			fmt.Fprintf(os.Stderr, "%s: %d records loaded in %s\n", kind, i+1, time.Since(start).Round(time.Second))
		}
	}
	return time.Since(start), nil
}

// serve runs the real server on st in dir on a free port of 127.0.0.1.
func serve(dir string, st store.Store, token string) (*consent.Server, string, func(), error) {
	srv, err := serverOn(dir, st, token)
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return nil, "", nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	return srv, ln.Addr().String(), func() { hs.Close(); srv.Close() }, nil
}

// adminGet GETs an admin route and copies the answer into w.
func adminGet(addr, path, token string, w io.Writer) error {
	req, err := http.NewRequest("GET", "http://"+addr+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

func statsScenario(kind string, o scaleOptions) error {
	st, dir, done, err := openStore(kind)
	if err != nil {
		return err
	}
	defer done()
	now := time.Now()
	span := 395 * 24 * time.Hour // 13 months
	took, err := fill(kind, st, o.rows, func(i int) time.Time { return now.Add(-span + time.Duration(i)*(span/time.Duration(o.rows))) })
	if err != nil {
		return err
	}
	fmt.Printf("%s: loaded %d records over 13 months through the store's Insert, %d a transaction, in %s (%.0f/s)\n",
		kind, o.rows, fillBatch, took.Round(time.Second), float64(o.rows)/took.Seconds())
	_, addr, stop, err := serve(dir, st, o.adminToken)
	if err != nil {
		return err
	}
	defer stop()
	for _, r := range []struct{ name, query string }{
		{"13 months", ""},
		{"30 days", "?since=" + now.AddDate(0, 0, -30).UTC().Format(time.DateOnly)},
	} {
		var times []time.Duration
		var size int
		for range 5 {
			var body strings.Builder
			start := time.Now()
			if err := adminGet(addr, "/v1/stats"+r.query, o.adminToken, &body); err != nil {
				return err
			}
			times = append(times, time.Since(start))
			size = body.Len()
			if r.query == "" && !strings.Contains(body.String(), `"total":`+strconv.Itoa(o.rows)+",") {
				return fmt.Errorf("/v1/stats over 13 months does not count %d records: %.200s", o.rows, body.String())
			}
		}
		slices.Sort(times)
		fmt.Printf("%s: GET /v1/stats over %s: median %s, max %s (%d bytes)\n", kind, r.name, ms(times[2]), ms(times[4]), size)
	}
	// The export, streamed to a counter: its time, and the process's
	// peak memory while it ran (the high-water mark is reset first).
	debug.FreeOSMemory()
	before := resetPeakRSS()
	count := &lineCounter{}
	start := time.Now()
	if err := adminGet(addr, "/v1/export", o.adminToken, count); err != nil {
		return err
	}
	took = time.Since(start)
	if count.lines != o.rows {
		return fmt.Errorf("the export streamed %d records, want %d", count.lines, o.rows)
	}
	fmt.Printf("%s: GET /v1/export (JSON lines) of %d records, %.0f MB: %s (%.0f records/s); process RSS %s before, peak %s during\n",
		kind, count.lines, float64(count.bytes)/1e6, took.Round(100*time.Millisecond), float64(count.lines)/took.Seconds(), mib(before), mib(peakRSS()))
	return nil
}

// lineCounter counts the bytes and lines written to it.
type lineCounter struct{ lines, bytes int }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.bytes += len(p)
	for _, b := range p {
		if b == '\n' {
			c.lines++
		}
	}
	return len(p), nil
}

// resetPeakRSS resets the kernel's high-water mark of this process's
// resident memory (Linux: clear_refs 5) and returns the resident memory
// now; peakRSS then reads the mark. Both are 0 where /proc is missing.
func resetPeakRSS() int64 {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return procStatus("VmRSS:")
}

func peakRSS() int64 { return procStatus("VmHWM:") }

func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// purgeScenario loads records past retention, then measures intake at
// o.rate for o.baseline with no purge and again while the server's own
// retention purge (the daily job's path) deletes them all.
func purgeScenario(kind string, run int, o scaleOptions) error {
	st, dir, done, err := openStore(kind)
	if err != nil {
		return err
	}
	defer done()
	old := time.Now().AddDate(-2, 0, 0)
	took, err := fill(kind, st, o.purgeRows, func(i int) time.Time { return old.Add(time.Duration(i) * time.Millisecond) })
	if err != nil {
		return err
	}
	fmt.Printf("%s purge run %d: loaded %d records past retention in %s\n", kind, run, o.purgeRows, took.Round(time.Second))
	srv, addr, stop, err := serve(dir, st, o.adminToken)
	if err != nil {
		return err
	}
	defer stop()
	// 2 s of intake first, not measured: connections, the first commits.
	if _, err := intake(addr, o.rate, o.conns, func() { time.Sleep(2 * time.Second) }); err != nil {
		return err
	}
	base, err := intake(addr, o.rate, o.conns, func() { time.Sleep(o.baseline) })
	if err != nil {
		return err
	}
	var purged int64
	var purgeErr error
	start := time.Now()
	during, err := intake(addr, o.rate, o.conns, func() { purged, purgeErr = srv.PurgeNow(context.Background()) })
	purgeTook := time.Since(start)
	if err != nil {
		return err
	}
	if purgeErr != nil {
		return purgeErr
	}
	if purged != int64(o.purgeRows) {
		return fmt.Errorf("the purge deleted %d records, want %d", purged, o.purgeRows)
	}
	fmt.Printf("%s purge run %d: the server's purge deleted %d records in %s (%.0f/s) while intake ran\n",
		kind, run, purged, purgeTook.Round(100*time.Millisecond), float64(purged)/purgeTook.Seconds())
	for _, r := range []struct {
		name string
		res  result
	}{{"no purge", base}, {"during the purge", during}} {
		fmt.Printf("%s purge run %d: intake at %d/s, %-16s: %6d answered in %5.1f s, p50 %s, p99 %s, max %s, errors %d, other%% %.0f\n",
			kind, run, o.rate, r.name, r.res.ok, r.res.elapsed.Seconds(), ms(pct(r.res.latencies, .5)), ms(pct(r.res.latencies, .99)),
			ms(pct(r.res.latencies, 1)), r.res.bad, r.res.cpu.other)
	}
	if b := pct(base.latencies, .99); b > 0 {
		fmt.Printf("%s purge run %d: p99 during the purge / p99 without: %.2f\n", kind, run, float64(pct(during.latencies, .99))/float64(b))
	}
	return nil
}

// intake posts events at rate per second over conns connections until
// during returns (open loop: latency counts from each event's scheduled
// time, so a stall cannot hide by slowing the generator down).
func intake(addr string, rate, conns int, during func()) (result, error) {
	cs, err := dialAll(addr, notisEvent, conns)
	if err != nil {
		return result{}, err
	}
	stop := make(chan struct{})
	sched := make(chan time.Time)
	go func() {
		defer close(sched)
		interval := time.Second / time.Duration(rate)
		start := time.Now()
		for i := 0; ; i++ {
			at := start.Add(time.Duration(i) * interval)
			time.Sleep(time.Until(at))
			select {
			case <-stop:
				return
			case sched <- at:
			}
		}
	}()
	go func() { during(); close(stop) }()
	cpu0 := sampleCPU()
	start := time.Now()
	res, err := drive(addr, cs, func() (time.Time, bool, bool) {
		at, more := <-sched
		return at, true, more
	})
	res.elapsed = time.Since(start)
	res.cpu = cpu0.until(sampleCPU())
	return res, err
}
