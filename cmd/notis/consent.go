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
public/consent/versions, then stored; the answer 201 means the record
is committed to disk. Records keep the time, the choice, the consent
version, the page (origin and path only), the browser family and a
keyed hash of the client's /24 (IPv4) or /48 (IPv6) network: never an
IP address, a full user agent or a query string.

Storage is one SQLite file by default (WAL; every batch is fdatasynced
before it is answered 201). For more than one machine, point any number
of instances at one PostgreSQL.

The DPO's routes need a bearer token, taken from the environment
(NOTIS_ADMIN_TOKEN) or a file (--admin-token-file), never from the site
repository; without one they are off:
  GET    /v1/consents/{id}    a consent id's history, with what the banner showed
  DELETE /v1/consents/{id}    erase a consent id's records
  GET    /v1/export?since=2026-01-01&until=2026-02-01&format=csv|jsonl
  GET    /v1/stats?since=&until=
Also /healthz, /readyz and Prometheus /metrics. Logs are JSON on stderr.

Records older than [consent] retention (default P13M) are purged once a
day by the server, and on demand by 'notis consent purge'.

SIGTERM or Ctrl-C drains: in-flight requests finish and their records
commit before the server exits.

Examples:
  notis consent                                   # ./notis.toml, sqlite:consent.db, 127.0.0.1:8080
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
	keyFile := fs.String("hash-key-file", "", "file holding the key for hashing client networks, created if missing (else $NOTIS_HASH_KEY; default: beside the SQLite file, or ./notis-hash.key)")
	var proxies multiFlag
	fs.Var(&proxies, "trusted-proxy", "a CIDR whose X-Forwarded-For is believed, like 127.0.0.1/32; repeatable")
	clientRate := fs.Float64("client-rate", 10, "events per minute per client address (0: no limit)")
	clientBurst := fs.Int("client-burst", 20, "events a client address may send at once")
	consentRate := fs.Float64("consent-rate", 20, "events per hour per consent id (0: no limit)")
	queue := fs.Int("queue", 1024, "records that may wait for a commit before the server answers 503")
	grace := fs.Duration("grace", 20*time.Second, "how long SIGTERM waits for in-flight requests")
	purgeEvery := fs.Duration("purge-every", 24*time.Hour, "how often the server purges records past retention")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
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
	sites, err := cf.sites(log)
	if err != nil {
		return err
	}
	token, err := adminToken(*tokenFile)
	if err != nil {
		return err
	}
	key, err := hashKey(*keyFile, cf.db)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, cf.db)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := consent.New(consent.Options{
		Sites: sites, Store: st, HashKey: key, AdminToken: token, TrustedProxies: trusted,
		ClientRate: offIfZero(*clientRate), ClientBurst: *clientBurst, ConsentRate: offIfZero(*consentRate),
		QueueSize: *queue, Logger: log,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		srv.Close()
		return fmt.Errorf("listen: %w", err)
	}
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

func hashKey(file, db string) ([]byte, error) {
	if file == "" {
		if env := os.Getenv("NOTIS_HASH_KEY"); env != "" {
			if len(env) < 16 {
				return nil, errors.New("NOTIS_HASH_KEY: want at least 16 characters, e.g. from `openssl rand -hex 32`")
			}
			return []byte(env), nil
		}
		file = "notis-hash.key"
		if store.Kind(db) == "sqlite" {
			file = filepath.Join(filepath.Dir(strings.TrimPrefix(db, "sqlite:")), "notis-hash.key")
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
