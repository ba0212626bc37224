package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/notis-dev/notis/internal/consent/pgtest"
	"github.com/notis-dev/notis/internal/consent/store"
)

// scenarios measures the DPO's routes and the purge at scale (issue #16):
// /v1/stats over a year of records, and intake latency while a purge
// deletes a million.
func scenarios(statsRows, purgeRows, rate int, requirePG bool) error {
	if statsRows > 0 {
		if err := statsScenario("sqlite", statsRows); err != nil {
			return err
		}
		if err := statsScenario("postgres", statsRows); err != nil {
			if requirePG {
				return err
			}
			fmt.Println("postgres skipped:", err)
		}
	}
	if purgeRows > 0 {
		return purgeScenario(purgeRows, rate)
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

// fill inserts n records through the store's own Insert (so the rollups
// are kept as in production), in batches of 5,000, the i-th received at(i).
func fill(st store.Store, n int, at func(i int) time.Time) (time.Duration, error) {
	start := time.Now()
	methods := []string{"accept_all", "reject_all", "custom", "withdraw", "gpc"}
	batch := make([]store.Record, 0, 5000)
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
	}
	return time.Since(start), nil
}

func statsScenario(kind string, rows int) error {
	st, _, done, err := openStore(kind)
	if err != nil {
		return err
	}
	defer done()
	now := time.Now()
	span := 395 * 24 * time.Hour // 13 months
	took, err := fill(st, rows, func(i int) time.Time { return now.Add(-span + time.Duration(i)*(span/time.Duration(rows))) })
	if err != nil {
		return err
	}
	fmt.Printf("%s: loaded %d records over 13 months in %s (%.0f/s)\n", kind, rows, took.Round(time.Second), float64(rows)/took.Seconds())
	for _, r := range []struct {
		name string
		f    store.Filter
	}{{"13 months", store.Filter{}}, {"30 days", store.Filter{Since: now.Add(-30 * 24 * time.Hour)}}} {
		var times []time.Duration
		var total int64
		for range 5 {
			start := time.Now()
			s, err := st.Stats(context.Background(), r.f)
			if err != nil {
				return err
			}
			times = append(times, time.Since(start))
			total = s.Total
		}
		slices.Sort(times)
		fmt.Printf("%s: /v1/stats store call over %s (%d records): median %s, max %s\n", kind, r.name, total, ms(times[2]), ms(times[4]))
	}
	return nil
}

func purgeScenario(rows, rate int) error {
	st, dir, done, err := openStore("sqlite")
	if err != nil {
		return err
	}
	defer done()
	old := time.Now().Add(-2 * 365 * 24 * time.Hour)
	took, err := fill(st, rows, func(i int) time.Time { return old.Add(time.Duration(i) * time.Millisecond) })
	if err != nil {
		return err
	}
	fmt.Printf("sqlite: loaded %d records past retention in %s\n", rows, took.Round(time.Second))
	srv, err := serverOn(dir, st)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	addr := ln.Addr().String()

	measure := func(during func()) (result, error) {
		cs, err := dialAll(addr, 16)
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
		start := time.Now()
		res, err := drive(addr, cs, func() (time.Time, bool, bool) {
			at, more := <-sched
			return at, true, more
		})
		res.elapsed = time.Since(start)
		return res, err
	}
	base, err := measure(func() { time.Sleep(10 * time.Second) })
	if err != nil {
		return err
	}
	var purged int64
	var purgeTook time.Duration
	during, err := measure(func() {
		start := time.Now()
		n, perr := st.Purge(context.Background(), "", time.Now().Add(-365*24*time.Hour))
		purged, purgeTook, err = n, time.Since(start), perr
	})
	if err != nil {
		return err
	}
	fmt.Printf("sqlite: purged %d records in %s\n", purged, purgeTook.Round(100*time.Millisecond))
	for _, r := range []struct {
		name string
		res  result
	}{{"no purge (10 s)", base}, {"during the purge", during}} {
		fmt.Printf("intake at %d/s, %-16s: %d answered, p50 %s, p99 %s, max %s, errors %d\n", rate, r.name, r.res.ok,
			ms(pct(r.res.latencies, .5)), ms(pct(r.res.latencies, .99)), ms(pct(r.res.latencies, 1)), r.res.bad)
	}
	return nil
}
