// Command loadtest measures the consent server on 127.0.0.1, load
// generator included, for `make bench`:
//
//   - closed loop: N connections each post events back to back for a fixed
//     time, against a no-op handler (drains the body, answers 204), the
//     whole server with a store that keeps nothing (nostore: what the
//     request path alone costs), the whole server with a store that only
//     appends each group commit to a file and fdatasyncs it (fsync: the
//     ceiling of any store that makes a commit durable on this disk), the
//     server with SQLite, the server with PostgreSQL, and a peer (c15t's
//     backend on Node and PostgreSQL, peers.go), in one run on one
//     machine, so throughput can be read as a ratio to the no-op;
//   - open loop: events are scheduled at a fixed rate and latency is taken
//     from each event's scheduled send time, so a stalled server cannot
//     hide its stall by slowing the generator down (coordinated omission).
//
// The generator speaks HTTP/1.1 over raw keep-alive connections, like wrk:
// net/http's client would spend more CPU than the server under test.
//
//	go run ./internal/consent/loadtest              # ≈ 150 s
//	go run ./internal/consent/loadtest -duration 5s -targets noop,sqlite
//
// and, apart from `make bench`, the at-scale scenarios (scenarios.go):
//
//	go run ./internal/consent/loadtest -rows 5000000 -require-postgres
//	go run ./internal/consent/loadtest -purge-rows 1000000 -require-postgres
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consent"
	"github.com/notis-dev/notis/internal/consent/pgtest"
	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/site"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "measured time of each closed-loop run (after 1 s of warm-up)")
	conns := flag.Int("conns", 64, "concurrent connections in the closed loop")
	rate := flag.Int("rate", 2000, "events per second in the open loop (0: skip)")
	openFor := flag.Duration("open-duration", 10*time.Second, "measured time of each open-loop run")
	targets := flag.String("targets", "noop,nostore,fsync,sqlite,postgres,c15t", "what to measure, comma-separated (c15t: the c15t backend on Node and PostgreSQL, installed with npm)")
	requirePG := flag.Bool("require-postgres", false, "fail instead of skipping when PostgreSQL cannot start")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (server and generator) to this file")
	rows := flag.Int("rows", 0, "instead: load this many records over 13 months into each store and time /v1/stats and the export")
	purgeRows := flag.Int("purge-rows", 0, "instead: load this many records past retention into each store and measure intake at -purge-rate while the server purges them")
	purgeRate := flag.Int("purge-rate", 500, "events per second posted during the purge")
	runs := flag.Int("runs", 2, "how many times the purge scenario runs on each store")
	stores := flag.String("stores", "sqlite,postgres", "the stores -rows and -purge-rows run on")
	flag.Parse()
	if *rows > 0 || *purgeRows > 0 {
		err := scenarios(scaleOptions{rows: *rows, purgeRows: *purgeRows, rate: *purgeRate, conns: *conns, runs: *runs,
			stores: strings.Split(*stores, ","), requirePG: *requirePG, baseline: 10 * time.Second, adminToken: loadtestToken})
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
		return
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*duration, *conns, *rate, *openFor, strings.Split(*targets, ","), *requirePG); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type result struct {
	name      string
	ok, bad   int64
	elapsed   time.Duration
	latencies []time.Duration
	batch     float64 // mean records per group commit, from /metrics
	cpu       cpuUse
}

// cpuUse is how busy the machine was during a run, in percent of all
// cores: this process (server and generator) and everything else
// (PostgreSQL, and whatever else shares the machine).
type cpuUse struct{ self, other float64 }

type cpuSample struct{ busy, total, self float64 }

// sampleCPU reads /proc (Linux only; zeros elsewhere).
func sampleCPU() cpuSample {
	var s cpuSample
	if data, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(data), "\n")
		f := strings.Fields(line)
		for i, v := range f[1:] {
			n, _ := strconv.ParseFloat(v, 64)
			if i >= 8 { // guest time is already in user
				break
			}
			s.total += n
			if i != 3 && i != 4 { // idle, iowait
				s.busy += n
			}
		}
	}
	if data, err := os.ReadFile("/proc/self/stat"); err == nil {
		_, rest, _ := strings.Cut(string(data), ") ")
		f := strings.Fields(rest)
		if len(f) > 12 {
			u, _ := strconv.ParseFloat(f[11], 64)
			k, _ := strconv.ParseFloat(f[12], 64)
			s.self = u + k
		}
	}
	return s
}

func (a cpuSample) until(b cpuSample) cpuUse {
	total := b.total - a.total
	if total <= 0 {
		return cpuUse{}
	}
	self := (b.self - a.self) / total * 100
	return cpuUse{self: self, other: max(0, (b.busy-a.busy)/total*100-self)}
}

func (r result) rps() float64 { return float64(r.ok) / r.elapsed.Seconds() }

// cpuPerRequest is the CPU time, in µs, that this process spent per
// answered request.
func (r result) cpuPerRequest() float64 {
	if r.ok == 0 {
		return 0
	}
	busy := r.cpu.self / 100 * float64(runtime.NumCPU())
	return busy * r.elapsed.Seconds() / float64(r.ok) * 1e6
}

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	return lat[min(len(lat)-1, int(float64(len(lat))*p))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

func run(duration time.Duration, conns, rate int, openFor time.Duration, targets []string, requirePG bool) error {
	fmt.Printf("consent loadtest: %d CPUs (GOMAXPROCS %d), %s, closed loop %d conns × %s, open loop %d/s × %s; generator in the same process\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), conns, duration, rate, openFor)
	var closed, open []result
	for _, name := range targets {
		addr, req, stop, err := startTarget(name)
		if err != nil {
			// A peer that cannot start here (no npm registry, no node) is
			// reported, not fatal: the notis rows still mean something.
			if name == "postgres" && !requirePG || name == "c15t" {
				fmt.Printf("%-9s skipped: %v\n", name, err)
				continue
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		r, err := closedLoop(addr, req, conns, time.Second, duration)
		if err != nil {
			stop()
			return fmt.Errorf("%s closed loop: %w", name, err)
		}
		r.name, r.batch = name, meanBatch(addr)
		closed = append(closed, r)
		if rate > 0 {
			o, err := openLoop(addr, req, rate, conns, openFor)
			if err != nil {
				stop()
				return fmt.Errorf("%s open loop: %w", name, err)
			}
			o.name = name
			open = append(open, o)
		}
		stop()
	}
	// Throughput as ratios to the two baselines of the same run: the no-op
	// handler, and the fsync store (the ceiling of a durable store).
	base := map[string]float64{}
	for _, r := range closed {
		base[r.name] = r.rps()
	}
	ratio := func(r result, to string) string {
		if base[to] == 0 || (to == "fsync" && (r.name == "noop" || r.name == "nostore")) {
			return "-" // the ceiling of a durable store says nothing about these
		}
		return fmt.Sprintf("%.2f", r.rps()/base[to])
	}
	fmt.Printf("\nClosed loop, %d connections, %s:\n", conns, duration)
	fmt.Printf("%-9s %10s %7s %7s %10s %10s %10s %8s %7s %6s %6s %7s\n", "target", "req/s", "×noop", "×fsync", "p50", "p90", "p99", "errors", "batch", "self%", "other%", "µs/req")
	for _, r := range closed {
		batch := "-"
		if r.batch > 0 {
			batch = fmt.Sprintf("%.1f", r.batch)
		}
		fmt.Printf("%-9s %10.0f %7s %7s %10s %10s %10s %8d %7s %6.0f %6.0f %7.0f\n", r.name, r.rps(), ratio(r, "noop"), ratio(r, "fsync"),
			ms(pct(r.latencies, .50)), ms(pct(r.latencies, .90)), ms(pct(r.latencies, .99)), r.bad, batch, r.cpu.self, r.cpu.other, r.cpuPerRequest())
	}
	if len(open) > 0 {
		fmt.Printf("\nOpen loop, %d events/s scheduled, %s, latency from the scheduled send time:\n", rate, openFor)
		fmt.Printf("%-9s %10s %10s %10s %10s %10s %8s %6s %6s\n", "target", "achieved/s", "p50", "p99", "p99.9", "max", "errors", "self%", "other%")
		for _, r := range open {
			fmt.Printf("%-9s %10.0f %10s %10s %10s %10s %8d %6.0f %6.0f\n", r.name, r.rps(),
				ms(pct(r.latencies, .50)), ms(pct(r.latencies, .99)), ms(pct(r.latencies, .999)), ms(pct(r.latencies, 1)), r.bad, r.cpu.self, r.cpu.other)
		}
	}
	printPeerRatios(closed, open)
	fmt.Println("\nself% / other%: CPU of all cores used by this process (server + generator) / by everything else (PostgreSQL, other work).")
	fmt.Println("µs/req: CPU time this process (server + generator, not PostgreSQL) spent per answered request; other work moves it less than req/s.")
	fmt.Println("Figures are only comparable between runs where other% stays low for noop and sqlite.")
	return nil
}

// request is what a target is sent: the path, the content type and a
// fresh body for each request.
type request struct {
	path, contentType string
	body              func() []byte
}

// notisEvent is a consent event as the banner posts it.
var notisEvent = request{"/v1/consents", "text/plain;charset=UTF-8", eventBody}

// printPeerRatios sets each peer beside notis on the same database
// (PostgreSQL): throughput and p99 as ratios, from the same run.
func printPeerRatios(closed, open []result) {
	find := func(rs []result, name string) *result {
		for i := range rs {
			if rs[i].name == name {
				return &rs[i]
			}
		}
		return nil
	}
	for _, peer := range []string{"c15t"} {
		pc, nc := find(closed, peer), find(closed, "postgres")
		if pc == nil || nc == nil || nc.rps() == 0 {
			continue
		}
		fmt.Printf("\n%s beside notis on PostgreSQL, same run: closed-loop throughput %.3f×, p99 %.1f×", peer, pc.rps()/nc.rps(),
			float64(pct(pc.latencies, .99))/float64(max(1, pct(nc.latencies, .99))))
		if po, no := find(open, peer), find(open, "postgres"); po != nil && no != nil {
			fmt.Printf("; open loop answered %d of %d events (notis %d)", po.ok, po.ok+po.bad, no.ok)
		}
		fmt.Println()
	}
}

// startTarget serves one target on a free port of 127.0.0.1.
func startTarget(name string) (addr string, req request, stop func(), err error) {
	if name == "c15t" {
		return startC15t()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", req, nil, err
	}
	var handler http.Handler
	var cleanup []func()
	switch name {
	case "noop":
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusNoContent)
		})
	case "nostore", "fsync", "sqlite", "postgres":
		dir, err := os.MkdirTemp("", "notis-loadtest-")
		if err != nil {
			return "", req, nil, err
		}
		cleanup = append(cleanup, func() { os.RemoveAll(dir) })
		dsn := "sqlite:" + filepath.Join(dir, "consent.db")
		if name == "postgres" {
			pg, err := pgtest.Start()
			if err != nil {
				ln.Close()
				os.RemoveAll(dir)
				return "", req, nil, err
			}
			cleanup = append(cleanup, func() { pg.Stop() })
			if dsn, err = pg.NewDatabase(context.Background()); err != nil {
				ln.Close()
				runAll(cleanup)
				return "", req, nil, err
			}
		}
		srv, closeStore, err := consentServer(dir, dsn, name)
		if err != nil {
			ln.Close()
			runAll(cleanup)
			return "", req, nil, err
		}
		handler = srv.Handler()
		cleanup = append([]func(){srv.Close, closeStore}, cleanup...)
	default:
		ln.Close()
		return "", req, nil, fmt.Errorf("unknown target %q (want noop, nostore, fsync, sqlite, postgres or c15t)", name)
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 60 * time.Second}
	go hs.Serve(ln)
	return ln.Addr().String(), notisEvent, func() {
		hs.Close()
		runAll(cleanup)
	}, nil
}

func runAll(fs []func()) {
	for _, f := range fs {
		f()
	}
}

const siteToml = `site = "careers"
defaultLanguage = "en"
[languages.en]
title = "Privacy"
[consent]
origins = ["https://jobs.example.org"]
`

// consentServer runs the real server on the store dsn names, or, for the
// nostore and fsync targets, on a stand-in store (SQLite stays open beside
// it for the admin routes the stand-in does not implement).
func consentServer(dir, dsn, target string) (*consent.Server, func(), error) {
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		return nil, nil, err
	}
	var s store.Store = db
	switch target {
	case "nostore":
		s = nothingStore{db}
	case "fsync":
		log, err := newLogStore(db, filepath.Join(dir, "commits.log"))
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		s = log
	}
	srv, err := serverOn(dir, s, loadtestToken)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return srv, func() {
		if l, ok := s.(*logStore); ok {
			l.f.Close()
		}
		db.Close()
	}, nil
}

// loadtestToken is the admin token of the servers the load test runs.
const loadtestToken = "loadtest-admin-token-0123456789ab"

// serverOn is the real server for the loadtest's site, on s, with its
// consent version published in dir/versions.
func serverOn(dir string, s store.Store, token string) (*consent.Server, error) {
	cfg, err := site.Parse("notis.toml", []byte(siteToml))
	if err != nil {
		return nil, err
	}
	versions := filepath.Join(dir, "versions")
	os.MkdirAll(versions, 0o755)
	rec := `{"version":"bench1","site":"careers","categories":[{"id":"necessary","required":true},{"id":"analytics"},{"id":"marketing"}],"texts":{"en":{}}}`
	if err := os.WriteFile(filepath.Join(versions, "bench1.json"), []byte(rec), 0o644); err != nil {
		return nil, err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := consent.NewSite(cfg, versions, log)
	if err != nil {
		return nil, err
	}
	return consent.New(consent.Options{
		Sites: []*consent.Site{st}, Store: s, HashKey: []byte("loadtest-key-0123456789"), AdminToken: token,
		ClientRate: -1, ConsentRate: -1, Logger: log,
	})
}

// eventBody makes a ≈ 330-byte event as the banner does: a fresh version 7
// UUID (time first, then random bits) for the event and, as for a new
// visitor, for the consent id.
func eventBody() []byte {
	return []byte(`{"v":1,"event":"` + uuidV7() + `","id":"` + uuidV7() + `","site":"careers","version":"bench1","lang":"en",` +
		`"choices":{"necessary":true,"analytics":false,"marketing":true},"method":"custom","gpc":false,` +
		`"url":"https://jobs.example.org/jobs/1234-senior-nurse?utm_source=newsletter"}`)
}

func uuidV7() string {
	id, err := uuid.NewV7()
	if err != nil {
		panic(err) // only if the system's random source fails
	}
	return id.String()
}

// conn is one keep-alive HTTP/1.1 connection.
type conn struct {
	c   net.Conn
	br  *bufio.Reader
	buf []byte
	req request
}

func dial(addr string, req request) (*conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, br: bufio.NewReaderSize(c, 4096), req: req}, nil
}

var errProtocol = errors.New("unexpected HTTP response")

// post sends one event and reads the answer; it returns the status code.
func (c *conn) post(addr string) (int, error) {
	body := c.req.body()
	c.buf = append(c.buf[:0], "POST "...)
	c.buf = append(c.buf, c.req.path...)
	c.buf = append(c.buf, " HTTP/1.1\r\nHost: "...)
	c.buf = append(c.buf, addr...)
	c.buf = append(c.buf, "\r\nOrigin: https://jobs.example.org\r\nContent-Type: "...)
	c.buf = append(c.buf, c.req.contentType...)
	c.buf = append(c.buf, "\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\nContent-Length: "...)
	c.buf = strconv.AppendInt(c.buf, int64(len(body)), 10)
	c.buf = append(c.buf, "\r\n\r\n"...)
	c.buf = append(c.buf, body...)
	if _, err := c.c.Write(c.buf); err != nil {
		return 0, err
	}
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, errProtocol
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, errProtocol
	}
	length := 0
	for {
		h, err := c.br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(h) <= 2 {
			break
		}
		if len(h) > 16 && bytes.EqualFold(h[:15], []byte("Content-Length:")) {
			length, _ = strconv.Atoi(string(bytes.TrimSpace(h[15:])))
		}
	}
	if _, err := c.br.Discard(length); err != nil {
		return 0, err
	}
	return status, nil
}

func ok(status int) bool {
	return status == http.StatusCreated || status == http.StatusNoContent || status == http.StatusOK
}

func closedLoop(addr string, req request, conns int, warmup, duration time.Duration) (result, error) {
	cs, err := dialAll(addr, req, conns)
	if err != nil {
		return result{}, err
	}
	start := time.Now()
	measureFrom, end := start.Add(warmup), start.Add(warmup+duration)
	cpu0 := make(chan cpuSample, 1)
	cpuTimer := time.AfterFunc(warmup, func() { cpu0 <- sampleCPU() })
	defer cpuTimer.Stop()
	res, err := drive(addr, cs, func() (time.Time, bool, bool) {
		t0 := time.Now()
		return t0, !t0.Before(measureFrom), !t0.After(end)
	})
	res.cpu = (<-cpu0).until(sampleCPU())
	res.elapsed = duration
	return res, err
}

// dialAll opens n connections, before a run's clock starts.
func dialAll(addr string, req request, n int) ([]*conn, error) {
	cs := make([]*conn, 0, n)
	for range n {
		c, err := dial(addr, req)
		if err != nil {
			for _, c := range cs {
				c.c.Close()
			}
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// drive posts events on each connection until next says there are no
// more, and closes them: next gives the time an event is due (latency
// counts from it) and whether its answer is measured. It returns what the
// measured answers were, latencies sorted.
func drive(addr string, cs []*conn, next func() (at time.Time, measured, more bool)) (result, error) {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		res      result
		firstErr error
	)
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.c.Close()
			var lat []time.Duration
			var good, bad int64
			for {
				at, measured, more := next()
				if !more {
					break
				}
				status, err := c.post(addr)
				if err != nil {
					mu.Lock()
					firstErr = cmpOr(firstErr, err)
					mu.Unlock()
					break
				}
				switch {
				case !measured:
				case ok(status):
					good++
					lat = append(lat, time.Since(at))
				default:
					bad++
				}
			}
			mu.Lock()
			res.ok += good
			res.bad += bad
			res.latencies = append(res.latencies, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(res.latencies)
	return res, firstErr
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// openLoop schedules rate events per second over duration and sends each
// on the first free connection; latency counts from the scheduled time, so
// time spent waiting for a free connection is included.
func openLoop(addr string, req request, rate, conns int, duration time.Duration) (result, error) {
	cs, err := dialAll(addr, req, conns)
	if err != nil {
		return result{}, err
	}
	total := int(float64(rate) * duration.Seconds())
	sched := make(chan time.Time, total)
	interval := time.Second / time.Duration(rate)
	cpu0 := sampleCPU()
	start := time.Now()
	go func() {
		for i := range total {
			at := start.Add(time.Duration(i) * interval)
			if d := time.Until(at); d > 0 {
				time.Sleep(d)
			}
			sched <- at
		}
		close(sched)
	}()
	// A target far slower than the rate (a peer) would take minutes to
	// work off its backlog: events not sent by 10 s after the last one
	// was due are dropped and counted as errors.
	giveUp := start.Add(duration + 10*time.Second)
	res, err := drive(addr, cs, func() (time.Time, bool, bool) {
		if time.Now().After(giveUp) {
			return time.Time{}, false, false
		}
		at, more := <-sched
		return at, true, more
	})
	res.bad += int64(len(sched))
	res.cpu = cpu0.until(sampleCPU())
	res.elapsed = time.Since(start)
	return res, err
}

// meanBatch reads the commit batch histogram from the server's /metrics.
func meanBatch(addr string) float64 {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var sum, count float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "notis_consent_commit_batch_size_sum "); ok {
			sum, _ = strconv.ParseFloat(v, 64)
		}
		if v, ok := strings.CutPrefix(line, "notis_consent_commit_batch_size_count "); ok {
			count, _ = strconv.ParseFloat(v, 64)
		}
	}
	if count == 0 {
		return 0
	}
	return sum / count
}

// nothingStore answers every insert at once and keeps nothing: the server
// with it costs what the request path costs (HTTP, decoding, validation,
// hashing, the hand-off to the committer) and no storage.
type nothingStore struct{ store.Store }

func (nothingStore) Insert(_ context.Context, recs []store.Record) ([]store.Result, error) {
	out := make([]store.Result, len(recs))
	for i := range recs {
		out[i] = store.Result{ReceivedAt: recs[i].ReceivedAt}
	}
	return out, nil
}

// logStore appends each group commit's records to a file, one line each,
// and makes them durable with one fdatasync: the least work any durable
// store can do per commit, so its row is the ceiling the SQLite and
// PostgreSQL rows can approach on this machine's disk. The file is
// preallocated and synced first, so a commit overwrites blocks and the
// sync carries no size change (as for SQLite's reused WAL).
type logStore struct {
	store.Store
	f   *os.File
	off int64
	buf []byte
}

const logSize = 64 << 20

func newLogStore(s store.Store, path string) (*logStore, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	_, err = f.WriteAt(make([]byte, logSize), 0) // allocate the blocks, not a hole
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &logStore{Store: s, f: f}, nil
}

func (l *logStore) Insert(ctx context.Context, recs []store.Record) ([]store.Result, error) {
	res, err := l.InsertUnflushed(ctx, recs)
	if err != nil {
		return nil, err
	}
	return res, l.Flush()
}

// InsertUnflushed implements store.Flusher: it writes, the flush syncs.
func (l *logStore) InsertUnflushed(_ context.Context, recs []store.Record) ([]store.Result, error) {
	out := make([]store.Result, len(recs))
	l.buf = l.buf[:0]
	for i := range recs {
		r := &recs[i]
		out[i] = store.Result{ReceivedAt: r.ReceivedAt}
		l.buf = fmt.Appendf(l.buf, "%s %s %d %s %s %s %s %v %s %s %s\n", r.EventID, r.ConsentID, r.ReceivedAt.UnixMicro(),
			r.Site, r.Version, r.Lang, r.Method, r.Choices, r.Page, r.UAFamily, r.NetHash)
	}
	if l.off+int64(len(l.buf)) > logSize {
		l.off = 0
	}
	if _, err := l.f.WriteAt(l.buf, l.off); err != nil {
		return nil, err
	}
	l.off += int64(len(l.buf))
	return out, nil
}

// Flush implements store.Flusher with the SQLite store's own fdatasync
// (os.File.Sync is fsync, which would also journal the file's mtime).
func (l *logStore) Flush() error { return store.Fdatasync(l.f) }
