package consent

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	bt "github.com/notis-dev/notis/internal/browsertest"
)

// dashboardServer is a server with a few consents of every method.
func dashboardServer(t *testing.T) *Server {
	s := newServer(t, sqliteStore(t), nil)
	all := map[string]bool{"necessary": true, "analytics": true, "marketing": true}
	none := map[string]bool{"necessary": true, "analytics": false, "marketing": false}
	for i, c := range []struct {
		method  string
		choices map[string]bool
		gpc     bool
	}{{"accept_all", all, false}, {"accept_all", all, false}, {"reject_all", none, false}, {"custom", nil, false}, {"gpc", none, true}, {"withdraw", none, false}} {
		ev := validEvent().with("method", c.method).with("gpc", c.gpc).with("lang", []string{"en", "sv"}[i%2])
		if c.choices != nil {
			ev = ev.with("choices", c.choices)
		}
		wantStatus(t, post(s, ev.body()), http.StatusCreated)
	}
	id := uuid.NewString()
	wantStatus(t, post(s, validEvent().with("id", id).body()), http.StatusCreated)
	wantStatus(t, adminReq(s, "DELETE", "/v1/consents/"+id, testToken), http.StatusOK)
	return s
}

func TestTheDashboardNeedsTheTokenAndAStrictCSP(t *testing.T) {
	s := dashboardServer(t)
	w := adminReq(s, "GET", "/admin/", "")
	wantStatus(t, w, http.StatusUnauthorized)
	if !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Basic ") {
		t.Errorf("a browser is not asked for the token: %q", w.Header().Get("WWW-Authenticate"))
	}
	r := httptest.NewRequest("GET", "/admin/?lang=sv", nil)
	r.SetBasicAuth("dpo", testToken)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, r)
	wantStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	for _, want := range []string{`<html lang="sv">`, "Samtyckesregister", "Godkänn alla", "<svg", `role="img"`, "<table", "Genomförda raderingar"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Swedish dashboard lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") || strings.Contains(body, " style=") {
		t.Error("the dashboard has a script or an inline style")
	}
}

// The dashboard in real Chromium: no CSP violation, axe finds nothing at
// phone and desktop widths, in English and Swedish.
func TestTheDashboardIsAccessibleInChromium(t *testing.T) {
	s := dashboardServer(t)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	b := bt.Start(t)
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("dpo:"+testToken))
	// Each language at one width and each width in one language keeps
	// the test lean; NOTIS_SCREENSHOTS=1 writes the docs' screenshots.
	for _, lang := range []string{"en", "sv"} {
		for _, width := range map[string][]int64{"en": {390}, "sv": {1280}}[lang] {
			ctx := b.Page(t)
			if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": auth}}); err != nil {
				t.Fatal(err)
			}
			bt.Do(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(srv.URL+"/admin/?lang="+lang))
			bt.Wait(t, ctx, `document.querySelector('table') !== null && getComputedStyle(document.body).maxWidth !== 'none'`, "the styled dashboard")
			if v := bt.Axe(t, ctx); len(v) > 0 {
				t.Errorf("%s at %d px: %v", lang, width, v)
			}
			if os.Getenv("NOTIS_SCREENSHOTS") != "" {
				bt.Screenshot(t, ctx, filepath.Join("..", "..", "docs", "screenshots", "consent-dashboard-"+lang+"-"+strconv.FormatInt(width, 10)+".png"))
			}
		}
	}
}
