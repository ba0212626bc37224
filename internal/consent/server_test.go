package consent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consent/store"
)

func TestAValidEventIsStoredAndAnswered201WithAReceipt(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, nil)
		ev := validEvent()
		w := post(s, ev.body(), "Sec-GPC", "1")
		wantStatus(t, w, http.StatusCreated)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != testOrigin {
			t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, testOrigin)
		}
		var rc Receipt
		decodeJSON(t, w, &rc)
		if rc.Event != ev["event"] || rc.ID != ev["id"] || rc.ReceivedAt == "" {
			t.Errorf("receipt %+v does not name the event", rc)
		}
		recs, err := st.History(context.Background(), ev["id"].(string))
		if err != nil || len(recs) != 1 {
			t.Fatalf("history: %v, %v", recs, err)
		}
		r := recs[0]
		if r.Page != "https://jobs.example.org/apply" {
			t.Errorf("page = %q: the query string and fragment must be dropped", r.Page)
		}
		if r.UAFamily != "Firefox" || !r.SecGPC || r.GPC || r.Lang != "sv" || r.Method != "custom" || r.Version != testVer {
			t.Errorf("record fields wrong: %+v", r)
		}
		if r.NetHash == "" || strings.Contains(r.NetHash, "192.0.2") {
			t.Errorf("net hash %q must be a keyed hash, never the address", r.NetHash)
		}
		if r.ReceivedAt.Format(timeFormat) != rc.ReceivedAt {
			t.Errorf("receipt time %s, stored %s", rc.ReceivedAt, r.ReceivedAt.Format(timeFormat))
		}
		stored, _ := json.Marshal(r)
		for _, never := range []string{"192.0.2", "Gecko", "rv:128", "email=", "#top"} {
			if strings.Contains(string(stored), never) {
				t.Errorf("stored record contains %q: %s", never, stored)
			}
		}
	})
}

func TestTheHTTPServerBoundsSlowClients(t *testing.T) {
	hs := newServer(t, sqliteStore(t), nil).HTTPServer()
	if hs.ReadHeaderTimeout == 0 || hs.ReadTimeout == 0 || hs.WriteTimeout == 0 || hs.IdleTimeout == 0 || hs.MaxHeaderBytes == 0 {
		t.Errorf("unbounded: %+v", hs)
	}
}

func TestARetriedEventIsStoredOnceAndGetsTheSameReceipt(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, nil)
		body := validEvent().body()
		first := post(s, body)
		wantStatus(t, first, http.StatusCreated)
		s.now = func() time.Time { return time.Now().Add(time.Hour) }
		again := post(s, body)
		wantStatus(t, again, http.StatusCreated)
		if first.Body.String() != again.Body.String() {
			t.Errorf("retry answered %s, first answer was %s", again.Body, first.Body)
		}
		var ev event
		json.Unmarshal([]byte(body), &ev)
		recs, _ := st.History(context.Background(), ev["id"].(string))
		if len(recs) != 1 {
			t.Errorf("%d records stored for one event, want 1", len(recs))
		}
	})
}

// An event id reused for another choice (a withdrawal, another consent
// id) is not a retry: it is answered 409 with the stored receipt, and the
// stored proof stays as it was. A retry from another page still is one.
func TestAnEventIDReusedWithAnotherContentIs409(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, nil)
		ev := validEvent()
		first := post(s, ev.body())
		wantStatus(t, first, http.StatusCreated)
		var receipt Receipt
		decodeJSON(t, first, &receipt)
		wantStatus(t, post(s, ev.with("url", "https://jobs.example.org/other-page").body()), http.StatusCreated)
		for _, reuse := range []event{
			ev.with("method", "withdraw").with("choices", map[string]bool{"necessary": true, "analytics": false, "marketing": false}),
			ev.with("id", uuid.NewString()),
			ev.with("gpc", true),
		} {
			w := post(s, reuse.body())
			wantStatus(t, w, http.StatusConflict)
			var got map[string]string
			decodeJSON(t, w, &got)
			if got["error"] != "event_reused" || got["id"] != receipt.ID || got["event"] != receipt.Event || got["received_at"] != receipt.ReceivedAt {
				t.Errorf("reuse answered %v, want the stored receipt %+v", got, receipt)
			}
		}
		recs, _ := st.History(context.Background(), receipt.ID)
		if len(recs) != 1 || recs[0].Method != "custom" {
			t.Errorf("stored %+v, want the first event only", recs)
		}
	})
}

func TestBadBodiesAre400WithTheFieldNamed(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	ev := validEvent()
	cases := []struct {
		name, body, field string
	}{
		{"empty body", "", ""},
		{"malformed JSON", `{"v":1,`, ""},
		{"not an object", `[1,2]`, ""},
		{"trailing data", ev.body() + `{}`, ""},
		{"unknown field", ev.with("ip", "1.2.3.4").body(), "ip"},
		{"field name in another case", strings.Replace(ev.body(), `"site"`, `"SITE"`, 1), "SITE"},
		{"field given twice", strings.Replace(ev.body(), `"site":"careers"`, `"site":"careers","site":"careers"`, 1), "site"},
		{"null flag", strings.Replace(ev.body(), `"gpc":false`, `"gpc":null`, 1), "gpc"},
		{"null choice", ev.with("choices", map[string]any{"necessary": true, "analytics": nil}).body(), "choices.analytics"},
		{"choice given twice", strings.Replace(ev.body(), `"analytics":false`, `"analytics":true,"analytics":false`, 1), "choices.analytics"},
		{"wrong type", ev.with("gpc", "yes").body(), "gpc"},
		{"wrong type in choices", ev.with("choices", map[string]any{"analytics": "yes"}).body(), "choices"},
		{"wire version", ev.with("v", 2).body(), "v"},
		{"event not a UUID", ev.with("event", "42").body(), "event"},
		{"id not a UUID", ev.with("id", "urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7").body(), "id"},
		{"nil UUID", ev.with("id", uuid.Nil.String()).body(), "id"},
		{"missing event", ev.with("event", nil).body(), "event"},
		{"unknown site", ev.with("site", "intranet").body(), "site"},
		{"bad site id", ev.with("site", "../etc").body(), "site"},
		{"version with a slash", ev.with("version", "../../x").body(), "version"},
		{"language of another site", ev.with("lang", "de").body(), "lang"},
		{"unknown category", ev.with("choices", map[string]bool{"necessary": true, "tracking": true}).body(), "choices.tracking"},
		{"required category refused", ev.with("choices", map[string]bool{"necessary": false}).body(), "choices.necessary"},
		{"missing choices", ev.with("choices", nil).body(), "choices"},
		{"unknown method", ev.with("method", "maybe").body(), "method"},
		{"missing gpc", ev.with("gpc", nil).body(), "gpc"},
		{"accept_all with a category refused", ev.with("method", "accept_all").body(), "choices.analytics"},
		{"reject_all with a category granted", ev.with("method", "reject_all").body(), "choices.marketing"},
		{"gpc with a category granted", ev.with("method", "gpc").body(), "choices.marketing"},
		{"relative url", ev.with("url", "/apply").body(), "url"},
		{"javascript url", ev.with("url", "javascript:alert(1)").body(), "url"},
		{"missing url", ev.with("url", nil).body(), "url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := post(s, c.body)
			wantStatus(t, w, http.StatusBadRequest)
			var fe FieldError
			decodeJSON(t, w, &fe)
			if fe.Field != c.field || fe.Msg == "" {
				t.Errorf("error %+v, want field %q and a message", fe, c.field)
			}
		})
	}
}

func TestOriginsNotAllowedForTheSiteAre403(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	body := validEvent().body()
	// "https://jobs.example.org//" once got a CORS grant and then a 403: the
	// two checks trimmed slashes differently.
	for _, origin := range []string{"", "https://evil.example", "null", "https://jobs.example.org.evil.example", "https://jobs.example.org//"} {
		w := post(s, body, "Origin", origin)
		wantStatus(t, w, http.StatusForbidden)
		if w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("origin %q got a CORS grant", origin)
		}
	}
	// An origin is checked against the site the event names, not just any site.
	other := testSite(t)
	other.Config.Site = "intranet"
	other.Config.Consent.Origins = []string{"https://intranet.example.org"}
	writeVersion(t, other.VersionsDir, "iv1", "intranet", "necessary")
	s = newServer(t, sqliteStore(t), func(o *Options) { o.Sites = append(o.Sites, other) })
	w := post(s, validEvent().body(), "Origin", "https://intranet.example.org")
	wantStatus(t, w, http.StatusForbidden)
}

// The page must be on the origin that posted the event: another site's
// URL is not the banner's to record.
func TestAPageOnAnotherOriginIs400(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	for _, url := range []string{"https://evil.example/apply", "http://jobs.example.org/apply", "https://jobs.example.org.evil.example/"} {
		w := post(s, validEvent().with("url", url).body())
		wantStatus(t, w, http.StatusBadRequest)
		if !strings.Contains(w.Body.String(), "is not on the origin") {
			t.Errorf("url %s: %s", url, w.Body)
		}
	}
	// Under the limit as sent, over it once escaped: refused, not stored long.
	long := "https://jobs.example.org/" + strings.Repeat("é", 700)
	wantStatus(t, post(s, validEvent().with("url", long).body()), http.StatusBadRequest)
}

func TestBodiesOver4KiBAre413(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	big := validEvent().with("url", "https://jobs.example.org/"+strings.Repeat("a", MaxBody)).body()
	wantStatus(t, post(s, big), http.StatusRequestEntityTooLarge)
	// Without a Content-Length (chunked), the limit holds while reading.
	r := httptest.NewRequest("POST", "/v1/consents", strings.NewReader(big))
	r.ContentLength = -1
	r.Header.Set("Origin", testOrigin)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	wantStatus(t, w, http.StatusRequestEntityTooLarge)
}

func TestTooManyEventsFromOneClientAre429WithRetryAfter(t *testing.T) {
	s := newServer(t, sqliteStore(t), func(o *Options) { o.ClientRate, o.ClientBurst = 10, 3 })
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	for range 3 {
		wantStatus(t, post(s, validEvent().body()), http.StatusCreated)
	}
	w := post(s, validEvent().body())
	wantStatus(t, w, http.StatusTooManyRequests)
	if ra := w.Header().Get("Retry-After"); ra != "7" { // 10/min: a token every 6 s, rounded up
		t.Errorf("Retry-After = %q, want 7", ra)
	}
	if got := w.Header().Get("Access-Control-Expose-Headers"); got != "Retry-After" {
		t.Errorf("Access-Control-Expose-Headers = %q: the banner cannot read Retry-After", got)
	}
	clock = clock.Add(6 * time.Second)
	wantStatus(t, post(s, validEvent().body()), http.StatusCreated)
}

func TestTooManyEventsForOneConsentIDAre429(t *testing.T) {
	s := newServer(t, sqliteStore(t), func(o *Options) { o.ConsentRate = 2 })
	ev := validEvent()
	for range 2 {
		wantStatus(t, post(s, ev.with("event", uuid.NewString()).body()), http.StatusCreated)
	}
	wantStatus(t, post(s, ev.with("event", uuid.NewString()).body()), http.StatusTooManyRequests)
}

func TestPreflightIsAnsweredForAllowedOriginsOnly(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	req := func(origin string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("OPTIONS", "/v1/consents", nil)
		r.Header.Set("Origin", origin)
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header.Set("Access-Control-Request-Headers", "content-type")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		return w
	}
	w := req("https://www.example.org")
	wantStatus(t, w, http.StatusNoContent)
	if w.Header().Get("Access-Control-Allow-Origin") != "https://www.example.org" || w.Header().Get("Access-Control-Allow-Methods") != "POST" {
		t.Errorf("preflight headers: %v", w.Header())
	}
	wantStatus(t, req("https://evil.example"), http.StatusForbidden)
}

func TestEveryAnswerCarriesSecurityHeaders(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	for _, w := range []*httptest.ResponseRecorder{post(s, validEvent().body()), post(s, "{"), adminReq(s, "GET", "/healthz", "")} {
		for _, sh := range securityHeaders {
			if got := w.Header().Get(sh.key); got != sh.value[0] {
				t.Errorf("%s = %q, want %q", sh.key, got, sh.value[0])
			}
		}
	}
}

// What no route takes is answered in JSON too: 405 with Allow for a path
// that other methods serve, 404 otherwise.
func TestWrongMethodsAre405AndUnknownPaths404(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	for _, tc := range []struct {
		method, path string
		code         int
		allow        string
	}{
		{"PUT", "/v1/consents", http.StatusMethodNotAllowed, "POST, OPTIONS"},
		{"GET", "/v1/consents", http.StatusMethodNotAllowed, "POST, OPTIONS"},
		{"PATCH", "/v1/consents/" + uuid.NewString(), http.StatusMethodNotAllowed, "GET, DELETE"},
		{"GET", "/v2/anything", http.StatusNotFound, ""},
	} {
		w := adminReq(s, tc.method, tc.path, "")
		wantStatus(t, w, tc.code)
		var fe FieldError
		decodeJSON(t, w, &fe)
		if fe.Msg == "" || w.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s: error %+v, Allow %q; want a message and Allow %q", tc.method, tc.path, fe, w.Header().Get("Allow"), tc.allow)
		}
	}
}

// A client that hangs up before its commit is recorded as 499, not as a
// 201 it never received.
func TestAClientThatHangsUpIsRecordedAs499(t *testing.T) {
	g := &gatedStore{Store: sqliteStore(t), entered: make(chan struct{}, 10), release: make(chan struct{})}
	codes := make(chan int, 1)
	s := newServer(t, g, func(o *Options) { o.OnRecord = func(code int, _ *Event, _ error) { codes <- code } })
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequestWithContext(ctx, "POST", "/v1/consents", strings.NewReader(validEvent().body()))
	r.Header.Set("Origin", testOrigin)
	done := make(chan struct{})
	go func() { s.Handler().ServeHTTP(httptest.NewRecorder(), r); close(done) }()
	<-g.entered
	cancel()
	<-done
	close(g.release)
	if c := <-codes; c != StatusClientGone {
		t.Errorf("recorded %d, want %d", c, StatusClientGone)
	}
}

// gatedStore blocks every Insert until released, so tests can fill the
// queue deterministically.
type gatedStore struct {
	store.Store
	entered chan struct{}
	release chan struct{}
	fail    error
}

func (g *gatedStore) Insert(ctx context.Context, recs []store.Record) ([]store.Result, error) {
	g.entered <- struct{}{}
	<-g.release
	if g.fail != nil {
		return nil, g.fail
	}
	return g.Store.Insert(ctx, recs)
}

func TestAFullQueueIsAnswered503AtOnce(t *testing.T) {
	g := &gatedStore{Store: sqliteStore(t), entered: make(chan struct{}, 10), release: make(chan struct{})}
	s := newServer(t, g, func(o *Options) { o.QueueSize, o.MaxBatch, o.StoreWait = 1, 1, time.Minute })
	var bg background
	bg.post(s)
	<-g.entered // the first record is in a commit that cannot finish
	bg.post(s)
	for s.commits.depth() != 1 { // the second waits in the queue
		time.Sleep(time.Millisecond)
	}
	w := post(s, validEvent().body())
	wantStatus(t, w, http.StatusServiceUnavailable)
	if w.Header().Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	close(g.release)
	for _, c := range bg.wait() {
		if c != http.StatusCreated {
			t.Errorf("queued request answered %d, want 201", c)
		}
	}
}

func TestAFailedCommitIs503(t *testing.T) {
	g := &gatedStore{Store: sqliteStore(t), entered: make(chan struct{}, 10), release: make(chan struct{}), fail: errors.New("disk on fire")}
	close(g.release)
	s := newServer(t, g, nil)
	wantStatus(t, post(s, validEvent().body()), http.StatusServiceUnavailable)
}

func TestAFailedFlushIs503(t *testing.T) {
	st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "consent.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := newServer(t, failingFlusher{st}, nil)
	wantStatus(t, post(s, validEvent().body()), http.StatusServiceUnavailable)
}

// failingFlusher commits but cannot make anything durable.
type failingFlusher struct{ *store.SQLite }

func (failingFlusher) Flush() error { return errors.New("disk on fire") }

func TestShutdownDrainsInFlightRequests(t *testing.T) {
	g := &gatedStore{Store: sqliteStore(t), entered: make(chan struct{}, 10), release: make(chan struct{})}
	s := newServer(t, g, func(o *Options) { o.StoreWait = time.Minute })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, 10*time.Second) }()
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/v1/consents", strings.NewReader(validEvent().body()))
		req.Header.Set("Origin", testOrigin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	<-g.entered
	stop() // SIGTERM arrives while the request waits for its commit
	for !s.draining.Load() {
		time.Sleep(time.Millisecond)
	}
	wantStatus(t, adminReq(s, "GET", "/readyz", ""), http.StatusServiceUnavailable)
	close(g.release)
	if code := <-answered; code != http.StatusCreated {
		t.Errorf("in-flight request answered %d during drain, want 201", code)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	wantStatus(t, adminReq(s, "GET", "/healthz", ""), http.StatusOK)
	wantStatus(t, adminReq(s, "GET", "/readyz", ""), http.StatusOK)
}

func TestMetricsCountRequestsByStatusAndCommitBatches(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	post(s, validEvent().body())
	post(s, "{")
	w := adminReq(s, "GET", "/metrics", "")
	wantStatus(t, w, http.StatusOK)
	for _, want := range []string{
		`notis_consent_requests_total{code="201",route="record"} 1`,
		`notis_consent_requests_total{code="400",route="record"} 1`,
		`notis_consent_commit_batch_size_count 1`,
		`notis_consent_request_duration_seconds_bucket`,
		`notis_consent_queue_depth 0`,
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestAVersionPublishedWhileRunningIsPickedUp(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	ev := validEvent().with("version", "v2new")
	w := post(s, ev.body())
	wantStatus(t, w, http.StatusConflict)
	var got map[string]string
	decodeJSON(t, w, &got)
	if got["error"] != "version_unknown" || got["field"] != "version" || w.Header().Get("Retry-After") != strconv.Itoa(RetryUnknownVersion) ||
		w.Header().Get("Access-Control-Expose-Headers") != "Retry-After" {
		t.Fatalf("unknown version answered %v with headers %v", got, w.Header())
	}
	st := s.sites["careers"]
	writeVersion(t, st.VersionsDir, "v2new", "careers", "necessary", "analytics", "marketing")
	st.mu.Lock()
	st.scanned = time.Time{} // as if the rescan interval had passed
	st.mu.Unlock()
	wantStatus(t, post(s, ev.body()), http.StatusCreated)
}

func TestAVersionFileOfAnotherSiteIsIgnored(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	st := s.sites["careers"]
	writeVersion(t, st.VersionsDir, "foreign", "intranet", "necessary")
	st.mu.Lock()
	st.scanned = time.Time{}
	st.mu.Unlock()
	wantStatus(t, post(s, validEvent().with("version", "foreign").body()), http.StatusConflict)
}

// OnRecord hears how each post ended: the status, the event when the body
// decoded, and why it did not.
func TestOnRecordIsToldHowEachPostEnded(t *testing.T) {
	type outcome struct {
		status int
		id     string
		err    bool
	}
	var got []outcome
	s := newServer(t, sqliteStore(t), func(o *Options) {
		o.OnRecord = func(status int, ev *Event, decodeErr error) {
			o := outcome{status: status, err: decodeErr != nil}
			if ev != nil {
				o.id = ev.ID
			}
			got = append(got, o)
		}
	})
	ev := validEvent()
	wantStatus(t, post(s, ev.body()), http.StatusCreated)
	wantStatus(t, post(s, ev.with("lang", 7).body()), http.StatusBadRequest)
	wantStatus(t, post(s, ev.body(), "Origin", "https://evil.example"), http.StatusForbidden)
	want := []outcome{{http.StatusCreated, ev["id"].(string), false}, {http.StatusBadRequest, "", true}, {http.StatusForbidden, "", false}}
	if !slices.Equal(got, want) {
		t.Fatalf("OnRecord heard %+v, want %+v", got, want)
	}
}

// A proxy in front of the server that is not trusted makes every visitor
// one client; the server says so in its log, once.
func TestAnUntrustedProxyIsReportedOnce(t *testing.T) {
	var logged bytes.Buffer
	s := newServer(t, sqliteStore(t), func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logged, nil)) })
	for range 2 {
		r := httptest.NewRequest("POST", "/v1/consents", strings.NewReader(validEvent().body()))
		r.RemoteAddr = "127.0.0.1:41000"
		r.Header.Set("Origin", testOrigin)
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		wantStatus(t, w, http.StatusCreated)
	}
	if n := strings.Count(logged.String(), "--trusted-proxy"); n != 1 {
		t.Errorf("the warning was logged %d times, want once:\n%s", n, logged.String())
	}
}
