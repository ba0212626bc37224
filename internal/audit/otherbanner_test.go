package audit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// otherBanner is a consent banner that is not notis's, built inside a
// closed shadow root (the hardest place for an auditor to reach). It sets
// a first-party "cmp_choice" cookie, and after Accept all an analytics
// cookie; withdrawing from its reopened dialog takes it back.
const otherBanner = `<script>
(() => {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({mode: 'closed'});
  const set = (v) => { document.cookie = 'cmp_choice=' + v + '; Max-Age=86400; Path=/'; };
  const show = (reopen) => {
    root.innerHTML = '<div class="cmp"><p>We use cookies.</p><button id="yes">Allow all</button><button id="no">Deny</button></div>';
    root.getElementById('yes').onclick = () => { set('all'); document.cookie = '_ga=GA1.1.1; Max-Age=86400; Path=/'; root.innerHTML = ''; };
    root.getElementById('no').onclick = () => { set('none'); document.cookie = '_ga=; Max-Age=0; Path=/'; root.innerHTML = ''; };
  };
  show();
  document.getElementById('settings').onclick = () => show(true);
})();
</script>`

func TestAnotherBannerThroughSelectors(t *testing.T) {
	b := startBrowser(t)
	mux := http.NewServeMux()
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>Jobs</title><body><main><h1>Jobs</h1><a id="settings" href="#">Cookie settings</a></main>`+otherBanner)
	})
	u := "http://" + siteHost + ":" + port(s) + "/"
	site := &Site{Required: map[string]bool{"necessary": true}, GPC: map[string]bool{"marketing": true},
		Cookies: []Declared{{Name: "cmp_choice", Category: "necessary"}, {Name: "_ga", Category: "analytics"}}}

	t.Run("with selectors every state runs, inside a closed shadow root", func(t *testing.T) {
		opts := Options{URLs: []string{u}, Timeout: 30 * time.Second, Controls: Controls{Accept: "#yes", Reject: "#no", OpenPreferences: "#settings"}}
		res := run(b, opts)
		fs := Judge(res, site, NewKnown(), NewTrackers())
		t.Log("\n" + dump(t, res, fs))
		p := res.Pages[0]
		want := map[State][]string{Reject: {"Reject all", "reload"}, Accept: {"Accept all"}, Withdraw: {"Accept all", "reopen preferences", "Reject all (reopened)"}}
		for st, controls := range want {
			if got := p.States[st].Controls; !slices.Equal(got, controls) {
				t.Errorf("[%s] controls used %v, want %v (notes %v)", st, got, controls, p.States[st].Notes)
			}
		}
		if !slices.ContainsFunc(p.States[Accept].Cookies, func(c Cookie) bool { return c.Name == "_ga" }) {
			t.Error("Accept all did not reach the banner in the closed shadow root")
		}
		if len(fs) != 0 {
			t.Errorf("a banner that behaves: want no findings, got %d", len(fs))
		}
		if !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "proof of consent not checked") }) {
			t.Errorf("the report must say proof of consent was not checked: %v", p.Notes)
		}
	})

	t.Run("without selectors only load and GPC run, and the report says why", func(t *testing.T) {
		res := run(b, Options{URLs: []string{u}, Timeout: 30 * time.Second, States: []State{Load, Accept}})
		fs := Judge(res, site, NewKnown(), NewTrackers())
		p := res.Pages[0]
		for _, st := range []State{Accept} {
			if got := p.States[st].Controls; len(got) != 0 {
				t.Errorf("[%s] acted without knowing the banner: %v", st, got)
			}
		}
		if !has(fs, "banner.missing", "") {
			t.Error("no notis banner and no selectors: want banner.missing")
		}
		if len(p.Notes) == 0 || !strings.Contains(p.Notes[0], "Reject all, Accept all and withdrawal not tested") {
			t.Errorf("notes %v", p.Notes)
		}
	})
}
