package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// State is one way a visitor meets a page.
type State string

// The five states, in the order the report lists them.
const (
	Load     State = "load"     // (a) load and wait, no action
	Reject   State = "reject"   // (b) Reject all
	Accept   State = "accept"   // (c) Accept all
	GPC      State = "gpc"      // (d) Global Privacy Control on, no action
	Withdraw State = "withdraw" // (e) Accept all, then withdraw every category
)

// States lists every state in report order.
var States = []State{Load, Reject, Accept, GPC, Withdraw}

// Describe says what the auditor did, for messages.
func (s State) Describe() string {
	switch s {
	case Load:
		return "before any choice"
	case Reject:
		return "after Reject all"
	case Accept:
		return "after Accept all"
	case GPC:
		return "with Global Privacy Control on, before any choice"
	case Withdraw:
		return "after Accept all and then withdrawing every category"
	}
	return string(s)
}

// Cookie is a cookie as Chromium stores it, read through the DevTools
// protocol (Storage.getCookies), so HttpOnly and third-party cookies are
// included, which document.cookie would hide.
type Cookie struct {
	Name     string    `json:"name"`
	Domain   string    `json:"domain"`
	Path     string    `json:"path"`
	Expires  time.Time `json:"expires,omitzero"` // zero for a session cookie
	HTTPOnly bool      `json:"httpOnly"`
	Secure   bool      `json:"secure"`
	SameSite string    `json:"sameSite,omitempty"`
	Seen     time.Time `json:"-"` // when it was read
}

// Lifetime is how long the cookie will live from when it was read; zero
// for a session cookie.
func (c Cookie) Lifetime() time.Duration {
	if c.Expires.IsZero() {
		return 0
	}
	return c.Expires.Sub(c.Seen)
}

// Request is a request to a host other than the page's own.
type Request struct {
	URL       string `json:"url"`
	Host      string `json:"host"`
	Method    string `json:"method"`
	Type      string `json:"type"`
	Initiator string `json:"initiator,omitempty"` // the script (url:line) or document that caused it, when Chromium says
	Phase     int    `json:"phase"`               // 0 before the auditor's first click, 1 after it, 2 after the withdrawal
}

// StorageKey is a key the page left in localStorage or sessionStorage.
type StorageKey struct {
	Area string `json:"area"` // local or session
	Key  string `json:"key"`
}

// Observation is what one state of one page showed.
type Observation struct {
	Page     string       `json:"page"`
	State    State        `json:"state"`
	Final    string       `json:"final,omitempty"` // where the page ended up, when it navigated away
	Cookies  []Cookie     `json:"cookies"`
	Storage  []StorageKey `json:"storage"`
	Requests []Request    `json:"requests"`
	Banner   bool         `json:"banner"`       // a first layer was found
	Controls []string     `json:"controls"`     // the controls the auditor used, in order
	Links    []string     `json:"-"`            // same-site links, read in state load
	Consent  int          `json:"consentPosts"` // proofs the consent server accepted (2xx) after a choice
	// ConsentFailed says how the other proofs fared (an HTTP status or a
	// network error), when some were sent but none accepted.
	ConsentFailed string        `json:"consentFailed,omitempty"`
	Notes         []string      `json:"notes,omitempty"`
	Failure       string        `json:"failure,omitempty"` // why the state could not be audited (fully)
	Elapsed       time.Duration `json:"-"`
}

// post is a consent POST: the phase it was sent in and how it ended.
type post struct {
	phase  int
	status int64  // the answer's HTTP status; 0 while none
	failed string // the network error, if any
}

// recording holds what the tab's events say, under a lock: the event
// callback runs on chromedp's reader goroutine and must return at once.
type recording struct {
	mu       sync.Mutex
	host     string
	endpoint string // consent endpoint: POSTs to it are proofs of a choice
	inflight map[network.RequestID]bool
	phase    int
	requests []Request
	posts    map[network.RequestID]*post // consent POSTs
	mainURL  []string
	ready    bool // DOMContentLoaded of the top document
	events   int  // events seen, to tell whether anything happened
	kick     chan struct{}
}

func (r *recording) on(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.inflight[e.RequestID] = true
		u, err := url.Parse(e.Request.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			break
		}
		full := e.Request.URL
		if r.endpoint != "" && e.Request.Method == "POST" && strings.HasPrefix(full, r.endpoint+"/v1/consents") {
			r.posts[e.RequestID] = &post{phase: r.phase}
		}
		if strings.EqualFold(u.Hostname(), r.host) {
			break
		}
		r.requests = append(r.requests, Request{URL: trimURL(full), Host: strings.ToLower(u.Hostname()), Method: e.Request.Method,
			Type: string(e.Type), Initiator: initiator(e.Initiator), Phase: r.phase})
	case *network.EventResponseReceived:
		// Done once the answer's headers are in: Chromium never reports
		// the end of a keepalive fetch (the banner's proof) to the page.
		delete(r.inflight, e.RequestID)
		if p := r.posts[e.RequestID]; p != nil && e.Response != nil {
			p.status = e.Response.Status
		}
	case *network.EventLoadingFinished:
		delete(r.inflight, e.RequestID)
	case *network.EventLoadingFailed:
		delete(r.inflight, e.RequestID)
		if p := r.posts[e.RequestID]; p != nil {
			p.failed = e.ErrorText
		}
	case *page.EventDomContentEventFired:
		r.ready = true
	case *page.EventFrameNavigated:
		if e.Frame != nil && e.Frame.ParentID == "" {
			r.mainURL = append(r.mainURL, e.Frame.URL)
		}
	default:
		return
	}
	r.events++
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

func (r *recording) eventCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.events
}

// trimURL keeps a request's URL short in reports: no fragment, and a query
// cut at 120 bytes (queries carry ids, not evidence).
func trimURL(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// initiator names the script or document that caused a request: the
// innermost stack frame with a URL, else the parser's document.
func initiator(in *network.Initiator) string {
	if in == nil {
		return ""
	}
	for st := in.Stack; st != nil; st = st.Parent {
		for _, f := range st.CallFrames {
			if f.URL != "" {
				return fmt.Sprintf("%s:%d", f.URL, f.LineNumber+1)
			}
		}
	}
	if in.URL != "" {
		if in.LineNumber > 0 {
			return fmt.Sprintf("%s:%d", in.URL, int(in.LineNumber)+1)
		}
		return in.URL
	}
	return ""
}

func (r *recording) idle() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.inflight) == 0
}

func (r *recording) isReady() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ready
}

func (r *recording) setPhase(p int) {
	r.mu.Lock()
	r.phase = p
	r.mu.Unlock()
}

// consentPosts counts the proofs sent from phase on that the server
// accepted, and says how the others ended: still waiting, an HTTP
// status, or a network error.
func (r *recording) consentPosts(phase int) (accepted int, others string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var how []string
	for _, p := range r.posts {
		switch {
		case p.phase < phase:
		case p.status >= 200 && p.status < 300:
			accepted++
		case p.failed != "":
			how = append(how, p.failed)
		case p.status != 0:
			how = append(how, fmt.Sprintf("HTTP %d", p.status))
		default:
			how = append(how, "no answer")
		}
	}
	slices.Sort(how)
	return accepted, strings.Join(slices.Compact(how), ", ")
}

// answered reports whether every proof sent from phase on has an answer
// or an error, and there is at least one.
func (r *recording) answered(phase int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, p := range r.posts {
		if p.phase >= phase {
			if p.status == 0 && p.failed == "" {
				return false
			}
			n++
		}
	}
	return n > 0
}

// waitUntil waits for cond, re-checking on every event of the tab, until
// ctx ends.
func (r *recording) waitUntil(ctx context.Context, cond func() bool) error {
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.kick:
		}
	}
	return nil
}

// settleWindow is how long the network must stay quiet (no request in
// flight, no new event) before a state is read: tags often fire a beat
// after the load event or a click. It is the audit's only wait that is
// not for an event, and it is bounded.
const settleWindow = 400 * time.Millisecond

// waitQuiet waits until no request has been in flight for settleWindow,
// or ctx ends (a page that never goes quiet: long polling, a hanging
// request).
func (r *recording) waitQuiet(ctx context.Context) error {
	t := time.NewTimer(settleWindow)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.kick:
			t.Reset(settleWindow)
		case <-t.C:
			if r.idle() {
				return nil
			}

			t.Reset(settleWindow)
		}
	}
}

// stateRun is one state of one page being recorded.
type stateRun struct {
	opts  *Options
	ctx   context.Context // the tab, bounded by the state's deadline
	rec   *recording
	obs   *Observation
	start time.Time
}

// note adds a remark on what could not be checked or what happened.
func (s *stateRun) note(format string, a ...any) {
	s.obs.Notes = append(s.obs.Notes, fmt.Sprintf(format, a...))
}

// quiet waits for the page to settle: the network quiet for
// settleWindow, then the page's main thread idle (requestIdleCallback: a
// script that arrived last has run), and again if that set anything off;
// at most idleLimit each round and three rounds. A page that never
// settles is noted, not fatal.
func (s *stateRun) quiet(what string) {
	for range 3 {
		ctx, cancel := context.WithTimeout(s.ctx, s.opts.idleLimit())
		err := s.rec.waitQuiet(ctx)
		if err != nil {
			cancel()
			if s.ctx.Err() == nil {
				s.note("the network did not go quiet within %s %s; read what had happened by then", s.opts.idleLimit(), what)
			}
			return
		}
		seen := s.rec.eventCount()
		_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](idleJS, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil || s.rec.eventCount() == seen {
			return
		}
	}
}

// idleJS resolves once the page's main thread has nothing left to do.
const idleJS = `new Promise((done) => (window.requestIdleCallback || setTimeout)(() => done(), {timeout: 2000}))`

// record audits one page in one state in its own browser context.
func record(b *browser, opts *Options, pageURL string, state State) (obs *Observation) {
	start := time.Now()
	obs = &Observation{Page: pageURL, State: state}
	defer func() { obs.Elapsed = time.Since(start) }()
	tab, closeTab, err := b.tab()
	if err != nil {
		obs.Failure = err.Error()
		return obs
	}
	defer closeTab()
	ctx, cancel := context.WithTimeout(tab, opts.timeout())
	defer cancel()
	u, _ := url.Parse(pageURL)
	rec := &recording{host: u.Hostname(), endpoint: opts.Endpoint, inflight: map[network.RequestID]bool{}, posts: map[network.RequestID]*post{}, kick: make(chan struct{}, 1)}
	if err := chromedp.Listen(tab, rec.on); err != nil {
		obs.Failure = err.Error()
		return obs
	}
	s := &stateRun{opts: opts, ctx: ctx, rec: rec, obs: obs, start: start}
	if err := s.prepare(state); err != nil {
		obs.Failure = err.Error()
		return obs
	}
	if !s.load(pageURL) {
		s.read(tab)
		return obs
	}
	s.quiet("after the page loaded")
	s.act(state)
	if ctx.Err() != nil && obs.Failure == "" {
		// Whatever was not found by now was not looked for long enough:
		// no "banner missing" or "clean" may come of it.
		obs.Failure = fmt.Sprintf("the state ran out of its --timeout (%s) before it was done; raise --timeout for a slow site or a busy machine", opts.timeout())
	}
	s.read(tab)
	return obs
}

// prepare sets what must hold before the first byte of the page: the
// shadow-root recorder and, under GPC, the header and the property.
func (s *stateRun) prepare(state State) error {
	if _, err := chromedp.Call(s.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: shadowRecorder}); err != nil {
		return err
	}
	if state != GPC {
		return nil
	}
	// Sec-GPC: 1 on every request, and navigator.globalPrivacyControl true
	// (the GPC specification: https://privacycg.github.io/gpc-spec/).
	if _, err := chromedp.Call(s.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Sec-GPC": "1"}}); err != nil {
		return err
	}
	_, err := chromedp.Call(s.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true, configurable: true})`,
	})
	return err
}

// load navigates and waits for the document to be parsed; it reports
// whether there is a document to act on.
func (s *stateRun) load(pageURL string) bool {
	res, err := chromedp.Call(s.ctx, page.Navigate, page.NavigateParams{URL: pageURL})
	switch {
	case errors.Is(err, context.DeadlineExceeded) || s.ctx.Err() != nil:
		s.obs.Failure = fmt.Sprintf("the page did not answer within %s", s.opts.timeout())
		return false
	case err != nil:
		s.obs.Failure = fmt.Sprintf("loading the page: %v", err)
		return false
	case res.ErrorText != "":
		s.obs.Failure = fmt.Sprintf("loading the page: %s", res.ErrorText)
		return false
	}
	// The document may take the state's whole time; only the waits after
	// it are held to idleLimit.
	if err := s.rec.waitUntil(s.ctx, s.rec.isReady); err != nil {
		s.obs.Failure = fmt.Sprintf("the page did not finish loading (no DOMContentLoaded) within %s; only what had loaded by then was read", s.opts.timeout())
		return false
	}
	return true
}

// act makes the state's choice.
func (s *stateRun) act(state State) {
	c := s.opts.Controls
	// The banner shows after the page's scripts ran, which the load already
	// waited for: bannerWait is short, and only a page without one pays it.
	found, err := s.wait("banner", cmp.Or(c.Accept, c.Reject), s.opts.bannerWait())
	if err != nil {
		s.note("looking for the banner: %v", err)
	}
	s.obs.Banner = found
	switch state {
	case Load, GPC:
		if state == Load {
			s.obs.Links = s.links()
		}
		return
	case Reject:
		if s.choose("reject", c.Reject, "Reject all") {
			s.reload()
		}
	case Accept:
		s.choose("accept", c.Accept, "Accept all")
	case Withdraw:
		if !s.choose("accept", c.Accept, "Accept all") {
			return
		}
		s.withdraw()
	}
}

// wait polls for a control until it appears or limit passes.
func (s *stateRun) wait(what, sel string, limit time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(s.ctx, limit)
	defer cancel()
	expr := fmt.Sprintf("(%s)(%q, %q)", findJS, what, sel)
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(limit)))
	if err == nil {
		return true, nil
	}
	if ctx.Err() != nil || strings.Contains(err.Error(), "timeout") || errors.Is(err, context.DeadlineExceeded) {
		return false, nil
	}
	return false, err
}

// choose clicks a first-layer control and waits for what follows.
func (s *stateRun) choose(what, sel, label string) bool {
	if !s.obs.Banner {
		s.note("%s: no banner was found, so %s could not be tested", s.obs.State.Describe(), label)
		return false
	}
	// The phase changes before the click: the requests it causes can
	// arrive before the click returns.
	s.rec.setPhase(1)
	ok, err := click(s.ctx, what, sel)
	if err != nil || !ok {
		s.rec.setPhase(0)
		if err != nil {
			s.note("clicking %s: %v", label, err)
		} else {
			s.note("the banner has no %s control that the audit could find", label)
		}
		return false
	}
	s.obs.Controls = append(s.obs.Controls, label)
	s.afterChoice(1)
	return true
}

// afterChoice waits for the proof of the choice (a POST to the consent
// endpoint), then for the network to settle.
func (s *stateRun) afterChoice(phase int) {
	if s.opts.Endpoint != "" {
		ctx, cancel := context.WithTimeout(s.ctx, s.opts.idleLimit())
		_ = s.rec.waitUntil(ctx, func() bool { return s.rec.answered(phase) })
		cancel()
	}
	s.quiet("after " + s.obs.Controls[len(s.obs.Controls)-1])
}

// reload loads the page again in the same browser context, the way the
// visitor's next page view would: a tag the choice should hold back but
// that ran before it (an ungated pixel) shows itself here.
func (s *stateRun) reload() {
	s.rec.mu.Lock()
	s.rec.ready = false
	s.rec.mu.Unlock()
	if _, err := chromedp.Call(s.ctx, page.Reload, page.ReloadParams{}); err != nil {
		s.note("reloading after %s: %v", s.obs.Controls[len(s.obs.Controls)-1], err)
		return
	}
	if err := s.rec.waitUntil(s.ctx, s.rec.isReady); err != nil {
		s.note("the page did not load again within %s after %s", s.opts.timeout(), s.obs.Controls[len(s.obs.Controls)-1])
		return
	}
	s.obs.Controls = append(s.obs.Controls, "reload")
	s.quiet("after reloading")
}

// withdraw reopens the preferences and takes back every category: on the
// notis dialog every switch off, then Save; on another banner, its Reject
// control in the reopened dialog.
func (s *stateRun) withdraw() {
	c := s.opts.Controls
	s.rec.setPhase(2)
	ok, err := click(s.ctx, "reopen", c.OpenPreferences)
	if err != nil || !ok {
		s.note("withdrawal not tested: no way to reopen the preferences was found (pass --open-preferences, or give the page an element with data-notis-open)")
		return
	}
	s.obs.Controls = append(s.obs.Controls, "reopen preferences")
	if c.Custom() {
		if found, _ := s.wait("reject", c.Reject, s.opts.timeout()); !found {
			s.note("withdrawal not tested: the reopened preferences show no control matching --reject %q", c.Reject)
			return
		}
		if _, err := click(s.ctx, "reject", c.Reject); err != nil {
			s.note("withdrawing: %v", err)
			return
		}
		s.obs.Controls = append(s.obs.Controls, "Reject all (reopened)")
		s.afterChoice(2)
		return
	}
	// The dialog is a module loaded when opened: it may take the state's
	// remaining time.
	if found, _ := s.wait("dialog", "", s.opts.timeout()); !found {
		s.note("withdrawal not tested: the preferences dialog did not open within %s", s.opts.timeout())
		return
	}
	for range 32 { // a dialog has a handful of categories; never loop forever on a hostile page
		ok, err := click(s.ctx, "switch", "")
		if err != nil || !ok {
			break
		}
	}
	// A switch a mouse click did not turn off (covered, or moved under the
	// pointer) is turned off by script, and the report says so.
	left, _ := chromedp.Run(s.ctx, chromedp.Evaluate[int](`(() => { let n = 0; const rec = window[Symbol.for('notis.audit.roots')] || [];
	  for (const r of [document, ...rec]) for (const b of r.querySelectorAll('dialog.notis-dlg[open] input.notis-switch')) if (b.checked && !b.disabled) { b.click(); n++; }
	  return n; })()`))
	if left > 0 {
		s.note("%d switches in the preferences did not turn off with a mouse click; the audit turned them off by script", left)
	}
	if ok, err := click(s.ctx, "save", ""); err != nil || !ok {
		s.note("withdrawal not tested: the preferences dialog has no Save control the audit could find")
		return
	}
	s.obs.Controls = append(s.obs.Controls, "every category off, Save")
	s.afterChoice(2)
}

// links lists the same-site pages the page links to, in document order.
func (s *stateRun) links() []string {
	hrefs, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a[href]'), (a) => a.href)`))
	if err != nil {
		return nil
	}
	base, _ := url.Parse(s.obs.Page)
	var out []string
	for _, h := range hrefs {
		u, err := url.Parse(h)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Hostname(), base.Hostname()) {
			continue
		}
		u.Fragment = ""
		if !slices.Contains(out, u.String()) && u.String() != base.String() {
			out = append(out, u.String())
		}
	}
	return out
}

// read takes the state's cookies (every cookie of its browser context,
// through the protocol), storage keys and requests.
func (s *stateRun) read(tab context.Context) {
	// Reading must not be cut short by the state's deadline having passed.
	ctx, cancel := context.WithTimeout(tab, 5*time.Second)
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: chromedp.FromContext(tab).BrowserContextID})
	now := time.Now()
	if err != nil {
		s.note("reading cookies: %v", err)
	}
	for _, c := range res.Cookies {
		s.obs.Cookies = append(s.obs.Cookies, fromCDP(c, now))
	}
	slices.SortFunc(s.obs.Cookies, func(a, b Cookie) int { return strings.Compare(a.Domain+"\x00"+a.Name, b.Domain+"\x00"+b.Name) })
	keys, err := chromedp.Run(ctx, chromedp.Evaluate[[]StorageKey](`(() => { const out = [];
	  for (const [area, st] of [['local', localStorage], ['session', sessionStorage]]) {
	    try { for (let i = 0; i < st.length; i++) out.push({area, key: st.key(i)}); } catch (e) {}
	  } return out; })()`))
	if err == nil {
		s.obs.Storage = keys
	}
	s.rec.mu.Lock()
	s.obs.Requests = slices.Clone(s.rec.requests)
	if n := len(s.rec.mainURL); n > 1 && s.rec.mainURL[n-1] != s.obs.Page {
		s.obs.Final = s.rec.mainURL[n-1]
	}
	s.rec.mu.Unlock()
	s.obs.Consent, s.obs.ConsentFailed = s.rec.consentPosts(1)
	if s.obs.Final != "" {
		s.note("the page navigated away to %s; what is reported is what the browser held at the end", s.obs.Final)
	}
}

func fromCDP(c *network.Cookie, now time.Time) Cookie {
	out := Cookie{Name: c.Name, Domain: c.Domain, Path: c.Path, HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: string(c.SameSite), Seen: now}
	if !c.Session && c.Expires > 0 {
		out.Expires = time.Unix(int64(c.Expires), 0).UTC()
	}
	return out
}
