package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/notis-dev/notis/internal/consent"
	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/site"
)

func init() {
	register(command{
		name:    "consent",
		summary: "run the consent-proof server, or purge old records",
		usage:   "notis consent [--config notis.toml] [--listen ADDR] [--db sqlite:FILE|postgres://…] [flags]\n       notis consent purge [--config notis.toml] [--db …]",
		help: `
Runs the server the consent banner posts to (POST /v1/consents). Each
event is checked against the site's notis.toml (site id, [consent]
origins) and the consent versions the build published in
public/consent/versions (each kept in the store when first seen, so a
deploy that drops an old file loses nothing; an event under a version
not seen yet is answered 409 version_unknown and retried), then stored;
the answer 201 means the record is committed to disk. Records keep the
time, the choice, the consent version, the page (origin and path only),
the browser family and a keyed hash of the client's /24 (IPv4) or /48
(IPv6) network: never an IP address, a full user agent or a query
string.

Storage is one SQLite file by default (WAL; every batch is fdatasynced
before it is answered 201). The store and the hash key are never created
inside a site's folder (one holding notis.toml) without
--allow-site-folder, and are made readable by their owner only. For
more than one machine, point any number of instances at one PostgreSQL.

The DPO's routes need a bearer token, taken from the environment
(NOTIS_ADMIN_TOKEN) or a file (--admin-token-file), never from the site
repository; without one they are off:
  GET    /v1/consents/{id}    a consent id's history, with what the banner showed
  DELETE /v1/consents/{id}    erase a consent id's records
  GET    /v1/export?since=2026-01-01&until=2026-02-01&format=csv|jsonl
  GET    /v1/stats?since=&until=
  GET    /admin/                 a dashboard for the browser (the token as Basic password)
Also /healthz, /readyz and Prometheus /metrics. Logs are JSON on stderr.

Records older than [consent] retention (default P13M) are purged once a
day by the server, and on demand by 'notis consent purge'.

SIGTERM or Ctrl-C drains: in-flight requests finish and their records
commit before the server exits.

Examples:
  notis consent --db sqlite:/var/lib/notis/consent.db   # ./notis.toml, 127.0.0.1:8080
  NOTIS_ADMIN_TOKEN=$(openssl rand -hex 32) notis consent --db sqlite:/var/lib/notis/consent.db
  notis consent --listen 127.0.0.1:8080 --trusted-proxy 127.0.0.1/32   # behind nginx/Caddy
  NOTIS_HASH_KEY=… notis consent --db postgres://notis@db.internal/notis   # one of N instances
  notis consent --config careers/notis.toml --config intranet/notis.toml
  notis consent purge --db sqlite:/var/lib/notis/consent.db
  curl -H "Authorization: Bearer $NOTIS_ADMIN_TOKEN" 'http://127.0.0.1:8080/v1/export?format=csv&since=2026-01-01'

See docs/consent-server.md for TLS, backups and scaling out.`,
		run: runConsent,
	})
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

type consentFlags struct {
	configs  multiFlag
	versions string
	db       string
}

func (cf *consentFlags) register(fs *flag.FlagSet) {
	fs.Var(&cf.configs, "config", "a site's notis.toml (or its folder); repeat for several sites (default notis.toml)")
	fs.StringVar(&cf.versions, "versions", "", "the published consent versions (default: public/consent/versions beside notis.toml; one --config only)")
	fs.StringVar(&cf.db, "db", "sqlite:consent.db", "the store: sqlite:FILE or postgres://user@host/db")
}

// sites loads every --config and its published consent versions.
func (cf *consentFlags) sites(log *slog.Logger) ([]*consent.Site, error) {
	if len(cf.configs) == 0 {
		cf.configs = multiFlag{site.FileName}
	}
	if cf.versions != "" && len(cf.configs) > 1 {
		return nil, usagef("--versions works with one --config; with several, each site's public/consent/versions is used")
	}
	var out []*consent.Site
	for _, c := range cf.configs {
		dir := c
		if filepath.Base(c) == site.FileName {
			dir = filepath.Dir(c)
		}
		cfg, err := site.Load(dir)
		if err != nil {
			return nil, err
		}
		versions := cf.versions
		if versions == "" {
			versions = filepath.Join(dir, "public", "consent", "versions")
		}
		s, err := consent.NewSite(cfg, versions, log)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func runConsent(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "purge" {
		return runConsentPurge(args[1:], stdout, stderr)
	}
	fs := newFlagSet("consent", stderr)
	var cf consentFlags
	cf.register(fs.FlagSet)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on; keep it local and put a TLS reverse proxy in front")
	tokenFile := fs.String("admin-token-file", "", "file holding the admin bearer token (else $NOTIS_ADMIN_TOKEN; neither: admin routes off)")
	keyFlag := fs.String("hash-key-file", "", "file holding the key for hashing client networks, created if missing (else $NOTIS_HASH_KEY; default: beside the SQLite file, or ./notis-hash.key)")
	var proxies multiFlag
	fs.Var(&proxies, "trusted-proxy", "a CIDR whose X-Forwarded-For is believed, like 127.0.0.1/32; repeatable")
	clientRate := fs.Float64("client-rate", 10, "events per minute per client address (0: no limit)")
	clientBurst := fs.Int("client-burst", 20, "events a client address may send at once")
	consentRate := fs.Float64("consent-rate", 20, "events per hour per consent id (0: no limit)")
	queue := fs.Int("queue", 1024, "records that may wait for a commit before the server answers 503")
	shedAfter := fs.Duration("shed-after", 250*time.Millisecond, "answer 503 at once when the oldest queued record has waited longer than this")
	maxConns := fs.Int("max-conns", 4096, "open connections at most")
	maxInFlight := fs.Int("max-inflight", 2048, "requests handled at once at most; more are answered 503")
	grace := fs.Duration("grace", 20*time.Second, "how long SIGTERM waits for in-flight requests")
	purgeEvery := fs.Duration("purge-every", 24*time.Hour, "how often the server purges records past retention")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	inSite := fs.Bool("allow-site-folder", false, "allow creating the store or the hash key inside a site's folder (one holding notis.toml), where they would be committed with the site")
	newKey := fs.Bool("new-hash-key", false, "create a new hash key although the store holds records (their network hashes stop matching new ones)")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usagef("--log-level %q: want debug, info, warn or error", *logLevel)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	var trusted []netip.Prefix
	for _, p := range proxies {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			if a, aerr := netip.ParseAddr(p); aerr == nil {
				pfx = netip.PrefixFrom(a, a.BitLen())
			} else {
				return usagef("--trusted-proxy %q: want a CIDR like 10.0.0.0/8", p)
			}
		}
		trusted = append(trusted, pfx.Masked())
	}
	if *queue < 1 {
		return usagef("--queue must be at least 1")
	}
	if *shedAfter <= 0 || *maxConns < 1 || *maxInFlight < 1 {
		return usagef("--shed-after, --max-conns and --max-inflight must be positive")
	}
	sites, err := cf.sites(log)
	if err != nil {
		return err
	}
	token, err := adminToken(*tokenFile)
	if err != nil {
		return err
	}
	if err := store.CheckDSN(cf.db); err != nil {
		return usagef("%v", err)
	}
	dbFile, keyFile, envKey, err := secretFiles(*keyFlag, cf.db)
	if err != nil {
		return err
	}
	// Secrets never land in a site's repository unless the operator says
	// so: the store holds personal data and the key reverses hashes.
	if !*inSite {
		for _, f := range []string{dbFile, keyFile} {
			if err := notInSite(f); err != nil {
				return err
			}
		}
	}

	ctx, stop := consentContext()
	defer stop()
	// Bind before creating anything: a server that cannot listen must
	// leave no store or key behind.
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	newStore := dbFile != "" && !exists(dbFile)
	st, err := store.Open(ctx, cf.db)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		st.Close()
		if !ok && newStore {
			removeStore(dbFile) // this run made it and is failing: leave nothing
		}
	}()
	key := envKey
	if key == nil {
		if key, err = loadKey(ctx, keyFile, st, *newKey); err != nil {
			return err
		}
	}
	srv, err := consent.New(consent.Options{
		Sites: sites, Store: st, HashKey: key, AdminToken: token, TrustedProxies: trusted,
		ClientRate: offIfZero(*clientRate), ClientBurst: *clientBurst, ConsentRate: offIfZero(*consentRate),
		QueueSize: *queue, ShedAfter: *shedAfter, MaxConns: *maxConns, MaxInFlight: *maxInFlight, Logger: log,
	})
	if err != nil {
		return err
	}
	ok = true
	names := make([]string, len(sites))
	for i, s := range sites {
		names[i] = s.Config.Site
	}
	log.Info("listening", "addr", ln.Addr().String(), "store", store.Kind(cf.db), "sites", names, "admin", token != "")
	// The purges stop, and are waited for, before the deferred Close of
	// the store: a purge must not run on a closed store.
	purgeCtx, stopPurges := context.WithCancel(ctx)
	var purges sync.WaitGroup
	purges.Go(func() { srv.RunPurges(purgeCtx, *purgeEvery) })
	err = srv.Serve(ctx, ln, *grace)
	stopPurges()
	purges.Wait()
	return err
}

// offIfZero maps the flag's "0 means no limit" onto Options' "negative
// means off" (where 0 means the default).
func offIfZero(v float64) float64 {
	if v == 0 {
		return -1
	}
	return v
}

func adminToken(file string) (string, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--admin-token-file: %w", err)
		}
		return strings.TrimSpace(string(data)), nil
	}
	return os.Getenv("NOTIS_ADMIN_TOKEN"), nil
}

// consentContext is the server's lifetime: until SIGTERM or Ctrl-C. Tests
// replace it to stop the server.
var consentContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// secretFiles names the SQLite file of --db (empty for PostgreSQL) and
// the hash key file, or returns the key from $NOTIS_HASH_KEY when no
// --hash-key-file is given.
func secretFiles(keyFlag, db string) (dbFile, keyFile string, envKey []byte, err error) {
	if store.Kind(db) == "sqlite" {
		dbFile = strings.TrimPrefix(db, "sqlite:")
	}
	if keyFlag != "" {
		return dbFile, keyFlag, nil, nil
	}
	if env := os.Getenv("NOTIS_HASH_KEY"); env != "" {
		if len(env) < 16 {
			return "", "", nil, errors.New("NOTIS_HASH_KEY: want at least 16 characters, e.g. from `openssl rand -hex 32`")
		}
		return dbFile, "", []byte(env), nil
	}
	keyFile = "notis-hash.key"
	if dbFile != "" {
		keyFile = filepath.Join(filepath.Dir(dbFile), "notis-hash.key")
	}
	return dbFile, keyFile, nil, nil
}

// notInSite refuses to create file (if it is missing) in a site's folder
// or below it: whatever is there tends to be committed with the site.
func notInSite(file string) error {
	if file == "" || exists(file) {
		return nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if exists(filepath.Join(dir, site.FileName)) {
			return usagef("refusing to create %s inside %s, a site's folder (it holds %s), where it would be committed with the site; "+
				"keep it outside, e.g. --db sqlite:/var/lib/notis/consent.db (the hash key goes beside it, or set --hash-key-file), "+
				"or pass --allow-site-folder if this folder is never published or committed", abs, dir, site.FileName)
		}
		if parent := filepath.Dir(dir); parent == dir {
			return nil
		}
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// removeStore deletes a SQLite store this run created, with its -wal
// and -shm files.
func removeStore(path string) {
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		_ = os.Remove(f)
	}
}

// loadKey reads the hash key, creating it only when that loses nothing:
// a new key beside a store that holds records would make every stored
// network hash unlinkable to new ones, so a missing key file there is
// most likely a restore that forgot it, and an error.
func loadKey(ctx context.Context, file string, st store.Store, forceNew bool) ([]byte, error) {
	if !exists(file) && !forceNew {
		has, err := st.HasRecords(ctx)
		if err != nil {
			return nil, err
		}
		if has {
			return nil, fmt.Errorf("hash key %s is missing but the store holds records: restore the key from the backup you took with the store "+
				"(or point --hash-key-file at it); pass --new-hash-key only to start a new key on purpose (stored network hashes then stop matching new ones)", file)
		}
	}
	return consent.LoadOrCreateKey(file)
}

func runConsentPurge(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("consent", stderr)
	var cf consentFlags
	cf.register(fs.FlagSet)
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	sites, err := cf.sites(log)
	if err != nil {
		return err
	}
	if err := store.CheckDSN(cf.db); err != nil {
		return usagef("%v", err)
	}
	// Purge works on a store that exists: a mistyped path must not
	// create an empty one and report "0 purged".
	if store.Kind(cf.db) == "sqlite" {
		if path := strings.TrimPrefix(cf.db, "sqlite:"); !exists(path) {
			return usagef("no consent store at %s (--db %s): purge never creates one; check the path", path, cf.db)
		}
	}
	ctx, stop := consentContext()
	defer stop()
	st, err := store.Open(ctx, cf.db)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := consent.Purge(ctx, st, sites, time.Now(), log)
	if err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	fmt.Fprintf(stdout, "Purged %d consent records past retention.\n", n)
	return nil
}
