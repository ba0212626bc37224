// Package consent is the consent-proof server behind `notis consent`: it
// takes the events the banner posts, checks them against each site's
// notis.toml and published consent versions, stores them durably (a 201
// means the record is on disk), and serves the DPO's read-back, erasure,
// export and statistics routes behind a bearer token.
//
// The request path is built for the open internet: cheap checks first
// (origin, rate limit, body size), strict decoding, then a bounded queue
// in front of a group committer, so floods are refused quickly instead of
// piling up latency.
package consent

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/net/netutil"

	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/site"
)

// MaxBody is the largest event body accepted; a real one is 300–500 bytes.
const MaxBody = 4 << 10

// Options configure a Server. Zero values of the limits mean the defaults
// documented on each field; a negative rate turns that limit off.
type Options struct {
	Sites []*Site
	Store store.Store
	// HashKey keys the hash of client networks (LoadOrCreateKey).
	HashKey []byte
	// AdminToken guards the /v1 admin routes; empty turns them off.
	AdminToken string
	// TrustedProxies may set X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// ClientRate is events per minute per client address (default 10),
	// with ClientBurst (default 20).
	ClientRate  float64
	ClientBurst int
	// ConsentRate is events per hour per consent id (default 20).
	ConsentRate float64
	// QueueSize bounds records waiting for a commit (default 1024): at
	// ≈ 15k commits/s that is under 100 ms of waiting.
	QueueSize int
	// MaxBatch bounds records per commit (default 512).
	MaxBatch int
	// ShedAfter is the longest a record may wait for its commit before
	// new events are answered 503 at once (default 250 ms; negative: off).
	ShedAfter time.Duration
	// StoreWait bounds how long a request waits for its commit before it
	// is answered 503 (default 1 s); the record may still be stored, and
	// the banner's retry is then answered as a duplicate.
	StoreWait time.Duration
	// MaxConns caps open connections (default 4096); MaxInFlight caps
	// requests being handled at once (default 2048), beyond which they
	// are answered 503 at once.
	MaxConns    int
	MaxInFlight int
	Logger      *slog.Logger
	// OnRecord, when set, is told how each POST /v1/consents ended: the
	// status answered, the event when the body decoded (else nil), and
	// the decoding error. `notis serve` prints a line from it.
	OnRecord func(status int, ev *Event, decodeErr error)
}

// attachTimeout bounds loading a site's consent versions at start.
const attachTimeout = 30 * time.Second

// Server is the consent server. Create it with New, serve Handler, and
// Close it after the HTTP server has shut down.
type Server struct {
	sites       map[string]*Site
	origins     map[string]bool // every allowed origin of every site, for CORS
	store       store.Store
	hasher      NetHasher
	adminHash   [32]byte
	adminOn     bool
	client      ClientAddr
	perClient   *limiter[netip.Addr]
	perConsent  *limiter[uuid.UUID] // keyed by value: a string id would keep its whole request body alive
	authFails   *limiter[netip.Addr]
	commits     *committer
	metrics     *metrics
	log         *slog.Logger
	draining    atomic.Bool
	health      health
	inFlight    chan struct{} // a token per request being handled
	maxConns    int
	storeWait   time.Duration
	warnedProxy atomic.Bool // the missing --trusted-proxy warning is logged once
	now         func() time.Time
	onRecord    func(status int, ev *Event, decodeErr error)
	mux         *http.ServeMux
}

// New checks the options and starts the group committer.
func New(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("consent: no store")
	}
	if len(o.Sites) == 0 {
		return nil, errors.New("consent: no site configured")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	hasher, err := NewNetHasher(o.HashKey)
	if err != nil {
		return nil, err
	}
	s := &Server{
		sites: map[string]*Site{}, origins: map[string]bool{},
		store: o.Store, hasher: hasher, client: ClientAddr{Trusted: o.TrustedProxies},
		log: o.Logger, now: time.Now, onRecord: o.OnRecord,
	}
	for _, st := range o.Sites {
		if s.sites[st.Config.Site] != nil {
			return nil, fmt.Errorf("consent: site %q configured twice", st.Config.Site)
		}
		s.sites[st.Config.Site] = st
		for _, origin := range st.Config.Consent.Origins {
			s.origins[site.NormalOrigin(origin)] = true
		}
	}
	// A store that cannot be written would answer every event 503: say
	// so at start rather than behind a listening port.
	pctx, cancel := context.WithTimeout(context.Background(), attachTimeout)
	err = o.Store.Ping(pctx)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("consent: the store cannot be written: %w", err)
	}
	for _, st := range o.Sites {
		ctx, cancel := context.WithTimeout(context.Background(), attachTimeout)
		err := st.attach(ctx, o.Store)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("consent: %w", err)
		}
	}
	if o.AdminToken != "" {
		if len(o.AdminToken) < 16 {
			return nil, errors.New("consent: admin token is shorter than 16 characters; generate one with `openssl rand -hex 32`")
		}
		s.adminOn, s.adminHash = true, sha256.Sum256([]byte(o.AdminToken))
	}
	s.perClient = newLimiter[netip.Addr](orDefault(o.ClientRate, 10), time.Minute, orDefaultInt(o.ClientBurst, 20))
	s.perConsent = newLimiter[uuid.UUID](orDefault(o.ConsentRate, 20), time.Hour, int(orDefault(o.ConsentRate, 20)))
	s.authFails = newLimiter[netip.Addr](10, time.Minute, 10)
	queue, batch := orDefaultInt(o.QueueSize, 1024), orDefaultInt(o.MaxBatch, 512)
	shedAfter := o.ShedAfter
	switch {
	case shedAfter == 0:
		shedAfter = 250 * time.Millisecond
	case shedAfter < 0:
		shedAfter = 0
	}
	s.storeWait = time.Duration(orDefaultInt(int(o.StoreWait), int(time.Second)))
	s.maxConns = orDefaultInt(o.MaxConns, 4096)
	s.inFlight = make(chan struct{}, orDefaultInt(o.MaxInFlight, 2048))
	s.metrics = newMetrics(gauges{
		queueDepth:  func() float64 { return float64(s.commits.depth()) },
		queueOldest: func() float64 { return s.commits.oldest(time.Now()).Seconds() },
		diskFree:    diskFree(o.Store),
		ready:       func() float64 { return boolFloat(s.health.ready()) },
	})
	s.health.probe = o.Store.Ping
	s.commits = newCommitter(o.Store, queue, batch, shedAfter, s.metrics, func(err error, n int) {
		s.health.failed()
		s.log.Error("group commit failed; answering 503", "records", n, "err", err)
	}, s.health.committed)
	s.routes()
	return s, nil
}

func orDefault(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

func orDefaultInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("POST /v1/consents", s.instrument("record", s.handleRecord))
	m.Handle("OPTIONS /v1/consents", s.instrument("preflight", s.handlePreflight))
	m.Handle("GET /v1/consents/{id}", s.instrument("history", s.admin(s.handleHistory)))
	m.Handle("DELETE /v1/consents/{id}", s.instrument("erase", s.admin(s.handleErase)))
	m.Handle("GET /v1/export", s.instrument("export", s.admin(s.handleExport)))
	m.Handle("GET /v1/stats", s.instrument("stats", s.admin(s.handleStats)))
	m.Handle("GET /admin/{$}", s.instrument("dashboard", s.admin(s.handleDashboard)))
	m.Handle("GET /admin/dashboard.css", s.instrument("dashboard", s.handleDashboardCSS))
	m.Handle("GET /healthz", s.instrument("healthz", s.handleHealthz))
	m.Handle("GET /readyz", s.instrument("readyz", s.handleReadyz))
	m.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	m.Handle("/", s.instrument("unrouted", s.handleUnrouted))
	s.mux = m
}

// handleUnrouted answers what no route takes, in JSON like every other
// error: 405 with Allow when the path exists for other methods, else 404.
// (The mux's own answers are plain text.)
func (s *Server) handleUnrouted(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodOptions} {
		probe := r.WithContext(r.Context()) // a shallow copy
		probe.Method = method
		if _, pattern := s.mux.Handler(probe); pattern != "/" {
			allow = append(allow, method)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, "", "%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allow, " or "))
		return
	}
	writeError(w, http.StatusNotFound, "", "no route %s", r.URL.Path)
}

// Security headers for every answer: the server only ever returns JSON,
// CSV or plain text, so nothing may render, frame or sniff it.
var securityHeaders = []struct {
	key   string
	value []string
}{
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Content-Security-Policy", []string{"default-src 'none'; frame-ancestors 'none'"}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Cache-Control", []string{"no-store"}},
}

// Handler is the server's HTTP handler. Past MaxInFlight requests at
// once, the banner's and the DPO's routes are answered 503 at once; the
// operations routes are always answered.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, sh := range securityHeaders {
			h[sh.key] = sh.value
		}
		if !strings.HasPrefix(r.URL.Path, "/v1/") && !strings.HasPrefix(r.URL.Path, "/admin") {
			s.mux.ServeHTTP(w, r)
			return
		}
		select {
		case s.inFlight <- struct{}{}:
			defer func() { <-s.inFlight }()
		default:
			s.metrics.shed.WithLabelValues("in_flight").Inc()
			s.allowOrigin(w, r.Header.Get("Origin"))
			setRetryAfter(w, "1")
			writeError(w, http.StatusServiceUnavailable, "", "server busy; retry in a second")
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

// HTTPServer wraps the handler with timeouts that keep slow or idle
// clients from holding connections (slowloris).
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second, // export extends its own deadline
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    8 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

// Serve serves on ln until ctx is cancelled, then drains: it stops
// accepting, lets in-flight requests finish (and their records commit) for
// up to grace, and commits whatever is still queued.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := s.HTTPServer()
	ln = netutil.LimitListener(ln, s.maxConns)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("consent: serve: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("draining", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	s.Close()
	if err != nil {
		return fmt.Errorf("consent: drain: %w", err)
	}
	s.log.Info("drained")
	return nil
}

// Close commits the queued records and stops the committer. The store is
// the caller's to close.
func (s *Server) Close() { s.commits.close() }

// statusWriter remembers the status code for the metrics.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (export uses
// it to extend the write deadline).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) instrument(route string, h http.HandlerFunc) http.Handler {
	hist := s.metrics.latency.WithLabelValues(route)
	requests := s.metrics.routeRequests(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			code := sw.code
			if code == 0 {
				code = http.StatusOK
			}
			requests.counter(code).Inc()
			hist.Observe(time.Since(start).Seconds())
		}()
		h(sw, r)
	})
}

// StatusClientGone is what OnRecord and the metrics record for a client
// that hung up before its answer; its event is still stored.
const StatusClientGone = 499

var jsonContentType = []string{"application/json"}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // the client may have gone; nothing to do
}

// writeReceipt writes what writeJSON would for Receipt{event, id, at}
// without reflection; the ids are canonical UUIDs, which need no escaping.
func writeReceipt(w http.ResponseWriter, event, id string, at time.Time) {
	b := make([]byte, 0, 160)
	b = append(b, `{"event":"`...)
	b = append(b, event...)
	b = append(b, `","id":"`...)
	b = append(b, id...)
	b = append(b, `","received_at":"`...)
	b = at.AppendFormat(b, timeFormat)
	b = append(b, "\"}\n"...)
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(b) // the client may have gone; nothing to do
}

func writeError(w http.ResponseWriter, code int, field, format string, a ...any) {
	writeJSON(w, code, FieldError{Field: field, Msg: fmt.Sprintf(format, a...)})
}

func tooMany(w http.ResponseWriter, wait time.Duration, what string) {
	secs := int(wait/time.Second) + 1
	setRetryAfter(w, strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, "", "too many events from this %s; retry after %d s", what, secs)
}

// allowOrigin sets the CORS answer for a page origin that some site
// allows, so the banner can read our answer (the POST is a CORS-simple
// request: text/plain, no credentials, no preflight).
func (s *Server) allowOrigin(w http.ResponseWriter, origin string) bool {
	if origin == "" || !s.origins[site.NormalOrigin(origin)] {
		return false
	}
	h := w.Header()
	h["Access-Control-Allow-Origin"] = []string{origin}
	h["Vary"] = varyOrigin
	return true
}

// setRetryAfter says when to retry and, on an answer to the banner, lets
// its script read that. Only answers that carry Retry-After expose it: a
// 201 with one header fewer keeps net/http's header map small.
func setRetryAfter(w http.ResponseWriter, secs string) {
	h := w.Header()
	h.Set("Retry-After", secs)
	if h["Access-Control-Allow-Origin"] != nil {
		h["Access-Control-Expose-Headers"] = exposeHeaders
	}
}

// Header values shared by every answer; net/http only reads them.
var (
	exposeHeaders = []string{"Retry-After"}
	varyOrigin    = []string{"Origin"}
)

func (s *Server) handlePreflight(w http.ResponseWriter, r *http.Request) {
	if !s.allowOrigin(w, r.Header.Get("Origin")) {
		writeError(w, http.StatusForbidden, "", "origin %q may not post consents here", r.Header.Get("Origin"))
		return
	}
	if m := r.Header.Get("Access-Control-Request-Method"); m != "" && m != http.MethodPost {
		writeError(w, http.StatusForbidden, "", "only POST is allowed, not %s", m)
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "7200") // Chromium's cap
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	w.WriteHeader(http.StatusNoContent)
}

// Receipt is the 201 answer: what was stored, by which event, when. A
// retried event gets the first copy's receipt.
type Receipt struct {
	Event      string `json:"event"`
	ID         string `json:"id"`
	ReceivedAt string `json:"received_at"`
}

const timeFormat = "2006-01-02T15:04:05.000000Z07:00"

// handleRecord answers a consent event and tells OnRecord how it ended.
func (s *Server) handleRecord(w http.ResponseWriter, r *http.Request) {
	if s.onRecord == nil {
		s.record(w, r)
		return
	}
	sw, ok := w.(*statusWriter) // instrument's, when routed through it
	if !ok {
		sw = &statusWriter{ResponseWriter: w}
	}
	ev, decodeErr := s.record(sw, r)
	code := sw.code
	if code == 0 {
		code = http.StatusOK
	}
	s.onRecord(code, ev, decodeErr)
}

// record answers a consent event. It returns the event once the body
// decoded, or the decoding error; both are nil when it was refused
// before (origin, size).
func (s *Server) record(w http.ResponseWriter, r *http.Request) (ev *Event, decodeErr error) {
	origin := r.Header.Get("Origin")
	if !s.allowOrigin(w, origin) {
		if origin == "" {
			writeError(w, http.StatusForbidden, "", "no Origin header: consents are posted by the banner from an allowed page")
		} else {
			writeError(w, http.StatusForbidden, "", "origin %q is not on any site's [consent] origins list", origin)
		}
		return
	}
	addr := s.client.Of(r)
	if !s.warnedProxy.Load() {
		if proxy, ok := s.client.unheededProxy(r); ok && s.warnedProxy.CompareAndSwap(false, true) {
			s.log.Warn("events arrive through a proxy whose X-Forwarded-For is not trusted: every visitor shares its rate limit and network hash; start with --trusted-proxy", "proxy", proxy.String())
		}
	}
	now := s.now()
	if ok, wait := s.perClient.allow(limitKey(addr), now); !ok {
		tooMany(w, wait, "address")
		return
	}
	if r.ContentLength > MaxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "", "body larger than %d bytes", MaxBody)
		return
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer bodyBuffers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBody)); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "", "body larger than %d bytes", MaxBody)
			return
		}
		writeError(w, http.StatusBadRequest, "", "reading body: %v", err)
		return
	}
	ev, err := Decode(buf.Bytes()) // keeps no reference to buf
	if err != nil {
		writeJSON(w, http.StatusBadRequest, err)
		return nil, err
	}
	st := s.sites[ev.Site]
	if st == nil {
		writeError(w, http.StatusBadRequest, "site", "unknown site %q", ev.Site)
		return
	}
	if !st.Config.AllowsOrigin(origin) {
		writeError(w, http.StatusForbidden, "", "origin %q may not post consents for site %q", origin, ev.Site)
		return
	}
	if st.Version(ev.Version) == nil {
		versionUnknown(w, ev)
		return ev, nil
	}
	if ferr := st.Validate(ev); ferr != nil {
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	page, ferr := PageOf(ev.URL)
	if ferr != nil {
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	// The banner posts from the page it names, so the page is on the
	// origin the browser vouches for; anything else is not its event.
	if !strings.HasPrefix(page, site.NormalOrigin(origin)+"/") {
		writeError(w, http.StatusBadRequest, "url", "the page %q is not on the origin %q that posted the event", page, origin)
		return
	}
	if ok, wait := s.perConsent.allow(uuid.MustParse(ev.ID), now); !ok { // Decode checked it
		tooMany(w, wait, "consent id")
		return
	}
	rec := store.Record{
		EventID: ev.Event, ConsentID: ev.ID, ReceivedAt: now.UTC().Truncate(time.Microsecond),
		Site: ev.Site, Version: ev.Version, Lang: ev.Lang, Choices: ev.Choices, Method: ev.Method,
		GPC: ev.GPC, SecGPC: r.Header.Get("Sec-GPC") == "1", Page: page,
		UAFamily: UAFamily(r.Header.Get("User-Agent")), NetHash: s.hasher.Hash(addr),
	}
	j, why := s.commits.submit(rec, now)
	if why != queued {
		s.metrics.shed.WithLabelValues(refusalNames[why]).Inc()
		setRetryAfter(w, "1")
		writeError(w, http.StatusServiceUnavailable, "", "server busy; retry in a second")
		return
	}
	wait := time.NewTimer(s.storeWait)
	defer wait.Stop()
	select {
	case <-j.done:
	case <-wait.C:
		// The store is stalled: answer now, within the deadline the
		// banner and the proxy expect. The record may still commit; the
		// retry is then answered with its receipt.
		s.metrics.shed.WithLabelValues("store_slow").Inc()
		setRetryAfter(w, "1")
		writeError(w, http.StatusServiceUnavailable, "", "the store is slow; retry (the event is idempotent)")
		return
	case <-r.Context().Done():
		// The record still commits; the client is gone. 499 (nginx's
		// "client closed request") keeps it out of the 201s in the
		// metrics; nobody reads the answer.
		w.WriteHeader(StatusClientGone)
		return
	}
	if j.err != nil {
		setRetryAfter(w, "1")
		writeError(w, http.StatusServiceUnavailable, "", "could not store the event; retry (it is idempotent)")
		return
	}
	if j.res.Conflict {
		// The event id was stored with another content: the proof stays
		// as it was, and the client learns what it says.
		writeJSON(w, http.StatusConflict, map[string]string{
			"error":       "event_reused",
			"message":     "this event id was stored before with different content; send each choice with a new event id",
			"event":       rec.EventID,
			"id":          j.res.ConsentID,
			"received_at": j.res.ReceivedAt.Format(timeFormat),
		})
		return ev, nil
	}
	writeReceipt(w, rec.EventID, rec.ConsentID, j.res.ReceivedAt)
	return ev, nil
}

// RetryUnknownVersion is the Retry-After of a 409 version_unknown, in
// seconds: long enough for a deploy to finish copying the versions folder.
const RetryUnknownVersion = 60

// versionUnknown answers an event whose consent version the server has
// not seen yet, in the store or in the versions folder. That happens when
// pages are deployed before the versions folder reaches this server, so
// the event is not refused for good: 409 with the code version_unknown
// and Retry-After tell the banner to keep it in its outbox and retry
// (docs/consent-server.md, "Unknown versions").
func versionUnknown(w http.ResponseWriter, ev *Event) {
	setRetryAfter(w, strconv.Itoa(RetryUnknownVersion))
	writeJSON(w, http.StatusConflict, map[string]string{
		"error": "version_unknown",
		"field": "version",
		"message": fmt.Sprintf("consent version %q of site %q has not reached this server yet; keep the event and retry after %d s",
			ev.Version, ev.Site, RetryUnknownVersion),
	})
}

// bodyBuffers hold request bodies while they are decoded.
var bodyBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, MaxBody+bytes.MinRead)) }}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeError(w, http.StatusServiceUnavailable, "", "draining")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.health.check(ctx, time.Now()); err != nil {
		s.metrics.storeErrors.WithLabelValues("probe").Inc()
		s.log.Warn("not ready", "err", err)
		writeError(w, http.StatusServiceUnavailable, "", "not ready: %v", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// refusalNames label the metric of shed requests.
var refusalNames = map[refusal]string{full: "queue_full", tooSlow: "queue_slow", closing: "closing"}

// health is what /readyz answers from: a write probe of the store, run
// at most once per probeEvery, and the group commits' outcomes. A commit
// that failed with none succeeding since makes the server unready for
// failureHold (an idle server has no commits to prove it recovered, so
// then the probe alone decides).
type health struct {
	probe func(context.Context) error

	failedAt atomic.Int64 // unix ns of the last failed commit
	okAt     atomic.Int64 // unix ns of the last good one

	mu       sync.Mutex
	probedAt time.Time
	probeErr error
}

const (
	probeEvery  = time.Second
	failureHold = 10 * time.Second
)

func (h *health) failed()    { h.failedAt.Store(time.Now().UnixNano()) }
func (h *health) committed() { h.okAt.Store(time.Now().UnixNano()) }

// check says why the server is not ready, or nil.
func (h *health) check(ctx context.Context, now time.Time) error {
	h.mu.Lock()
	if now.Sub(h.probedAt) >= probeEvery || h.probedAt.IsZero() {
		h.probeErr = h.probe(ctx)
		h.probedAt = now
	}
	err := h.probeErr
	h.mu.Unlock()
	if err != nil {
		return fmt.Errorf("the store cannot be written: %w", err)
	}
	if f := h.failedAt.Load(); f > h.okAt.Load() && now.Sub(time.Unix(0, f)) < failureHold {
		return errors.New("group commits are failing")
	}
	return nil
}

// ready is check's last answer, for the metric; it does not probe.
func (h *health) ready() bool {
	h.mu.Lock()
	err := h.probeErr
	h.mu.Unlock()
	f := h.failedAt.Load()
	return err == nil && !(f > h.okAt.Load() && time.Since(time.Unix(0, f)) < failureHold)
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// diskFree reads the free space beside a store that lives in files.
func diskFree(st store.Store) func() float64 {
	d, ok := st.(interface{ DiskFree() (uint64, error) })
	if !ok {
		return nil
	}
	return func() float64 {
		n, err := d.DiskFree()
		if err != nil {
			return -1
		}
		return float64(n)
	}
}
