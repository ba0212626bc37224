package widget

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	bt "github.com/notis-dev/notis/internal/browsertest"
)

// hostileCSS is what a WordPress theme and its plugins do to everything
// on a careers page (issue 14): it must not reach the banner.
const hostileCSS = `html{font-size:10px}
*{font-size:30px!important;box-sizing:content-box!important}
div{display:flex}
input[type=checkbox]{appearance:none;-webkit-appearance:none}
*:focus{outline:none!important}
.notis-btn,.notis-banner button{display:none!important}
body{margin:0;font-family:Georgia,serif;color:#222;background:#fff}
.site-header{position:sticky;top:0;z-index:2147483647;background:#0b3d5c;color:#fff;padding:10px 16px}
.site-header a,.site-header button{color:#fff}
.chat{position:fixed;right:16px;bottom:16px;width:64px;height:64px;border-radius:50%;background:#c0392b;z-index:2147483647}
main{padding:0 16px 200px}
iframe{border:0;width:100%;max-width:560px;height:240px}`

// The careers presets (docs/banner.md, "Careers presets"): each stub stands
// for the vendor's script and sets the cookies the real one sets on the
// site's own host, and records that it ran.
var careerStubs = map[string]string{
	"gtag":     `document.cookie='_ga=GA1.1.1.1; Path=/'; document.cookie='_ga_ABC123=GS1.1; Path=/hostile/';`,
	"hotjar":   `document.cookie='_hjSessionUser_123=eyJ; Path=/'; document.cookie='_hjSession_123=eyJ; Path=/';`,
	"clarity":  `document.cookie='_clck=1abc; Path=/';`,
	"fbevents": `document.cookie='_fbp=fb.1.1.1; Path=/';`,
	"insight":  ``,
	"uet":      `document.cookie='_uetsid=abc; Path=/'; document.cookie='_uetvid=abc; Path=/';`,
}

// trackerCookies are the cookies the stubs set.
var trackerCookies = []string{"_clck", "_fbp", "_ga", "_ga_ABC123", "_hjSessionUser_123", "_hjSession_123", "_uetsid", "_uetvid"}

// careersCategories declares the presets' cookies as a careers site's
// cookie notice would.
func careersCategories(c *Config) {
	ck := func(name, provider string, setOn string) Cookie {
		return Cookie{Name: name, Provider: provider, Period: "P1Y", ThirdParty: true, SetOn: setOn,
			Purpose: map[string]string{"en": "Measures visits", "sv": "Mäter besök"}, Duration: map[string]string{"en": "1 year", "sv": "1 år"}}
	}
	c.Categories[2].Cookies = []Cookie{ck("_ga", "Google Analytics", "site"), ck("_ga_<container-id>", "Google Analytics", "site"),
		ck("_hjSessionUser_<site-id>", "Hotjar", "site"), ck("_hjSession_<site-id>", "Hotjar", "site"), ck("_clck", "Microsoft Clarity", "site")}
	c.Categories[3].Cookies = []Cookie{ck("_fbp", "Meta", "site"), ck("_uetsid", "Microsoft Advertising", "site"), ck("_uetvid", "Microsoft Advertising", "site"),
		ck("li_sugr", "LinkedIn", "vendor"), ck("VISITOR_INFO1_LIVE", "YouTube", "vendor")}
	// The embeds whose placeholders grant their vendor alone (notis.toml [consent.vendors]).
	c.Vendors = map[string][]string{"youtube": {"marketing"}, "vimeo": {"analytics"}, "teamtailor": {"analytics"}}
}

// hostilePage is a careers page with the hostile sheet, a search box, the
// presets gated, a YouTube embed and an ATS iframe granted per vendor,
// and a chat bubble. lib is "notis" or "vcc" (vanilla-cookieconsent, the
// baseline); late=1 leaves the banner to __loadBanner(); gcm=1 uses the
// Consent Mode recipe (Google's snippet ungated, the banner first).
func (s *testSite) hostilePage(lang, lib string, late, gcm bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Careers at Example</title><link rel="stylesheet" href="/hostile.css">`, html.EscapeString(lang))
	banner := `<script src="/consent/consent.js" data-site="careers" id="notis"></script>`
	switch {
	case lib == "vcc":
		b.WriteString(`<link rel="stylesheet" href="/vcc/cookieconsent.css"><script src="/vcc/cookieconsent.umd.js"></script><script src="/vcc/init.js" defer></script>`)
	case gcm:
		// The banner first, without defer; then Google's snippet, unchanged.
		b.WriteString(banner + `<script nonce="t3st">window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments)} gtag('js', new Date()); gtag('config', 'G-ABC123');</script>`)
	case late:
		b.WriteString(`<script nonce="t3st">window.__loadBanner = () => { const s = document.createElement('script'); s.src = '/consent/consent.js'; s.dataset.site = 'careers'; document.head.append(s) }</script>`)
	default:
		b.WriteString(strings.Replace(banner, "></script>", " defer></script>", 1))
	}
	b.WriteString(`</head><body>
<header class="site-header"><a href="/">Example</a> <a href="#jobs">Jobs</a> <button type="button" data-notis-open>Cookie settings</button></header>
<main><h1>Careers</h1>
<form role="search" onsubmit="return false"><label for="q">Search jobs</label> <input id="q" type="search" name="q"></form>
<ul id="jobs"><li><a href="#a">Backend engineer, Stockholm</a></li><li><a href="#b">Nurse, Uppsala</a></li></ul>
<h2>Life at Example</h2>
<iframe data-consent="marketing" data-vendor="youtube" data-src="/embed?youtube" title="Video: life at Example"></iframe>
<iframe data-consent="analytics" data-vendor="vimeo" data-src="/embed?vimeo" title="Video: our team"></iframe>
<h2>Apply</h2>
<iframe data-consent="analytics" data-vendor="teamtailor" data-src="/embed?ats" title="Application form"></iframe>
`)
	for _, p := range []struct{ cat, name string }{{"analytics", "gtag"}, {"analytics", "hotjar"}, {"analytics", "clarity"}, {"marketing", "fbevents"}, {"marketing", "insight"}, {"marketing", "uet"}} {
		if lib == "notis" && !(gcm && p.name == "gtag") {
			fmt.Fprintf(&b, `<script type="text/plain" data-consent="%s" src="/stub/%s.js"></script>`+"\n", p.cat, p.name)
		}
	}
	b.WriteString(`</main><div class="chat" aria-hidden="true"></div></body></html>`)
	return b.String()
}

// serveHostile adds the hostile pages, the stubs and vanilla-cookieconsent
// to the test site.
func (s *testSite) serveHostile(t *testing.T) {
	s.mux.HandleFunc("/hostile.css", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, hostileCSS)
	})
	s.mux.HandleFunc("/stub/", func(w http.ResponseWriter, req *http.Request) {
		name := strings.TrimSuffix(strings.TrimPrefix(req.URL.Path, "/stub/"), ".js")
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprintf(w, "%s\nwindow.order = (window.order || []).concat(%q);", careerStubs[name], name)
	})
	vcc := filepath.Join(bt.NodeModules(), "vanilla-cookieconsent", "dist")
	s.mux.HandleFunc("/vcc/", func(w http.ResponseWriter, req *http.Request) {
		name := strings.TrimPrefix(req.URL.Path, "/vcc/")
		if name == "init.js" {
			w.Header().Set("Content-Type", "text/javascript")
			io.WriteString(w, `CookieConsent.run({hideFromBots: false, categories: {necessary: {enabled: true, readOnly: true}, analytics: {}},
  language: {default: 'en', translations: {en: {
    consentModal: {title: 'Cookies on this site', description: 'We use cookies.', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', showPreferencesBtn: 'Preferences'},
    preferencesModal: {title: 'Cookie preferences', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', savePreferencesBtn: 'Save choices', closeIconLabel: 'Close',
      sections: [{title: 'Analytics', description: 'Counts visits.', linkedCategory: 'analytics'}]}}}}});`)
			return
		}
		b, err := os.ReadFile(filepath.Join(vcc, filepath.Base(name)))
		if err != nil {
			http.NotFound(w, req)
			return
		}
		if strings.HasSuffix(name, ".css") {
			w.Header().Set("Content-Type", "text/css")
		} else {
			w.Header().Set("Content-Type", "text/javascript")
		}
		w.Write(b)
	})
	s.mux.HandleFunc("/hostile/", func(w http.ResponseWriter, req *http.Request) {
		q := req.URL.Query()
		csp := "default-src 'self'; script-src 'self' 'nonce-t3st'; style-src 'self'"
		if q.Get("block") != "" {
			csp += "; connect-src 'none'" // the language file and the proof POST
		}
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		lib := q.Get("lib")
		if lib == "" {
			lib = "notis"
		}
		io.WriteString(w, s.hostilePage(q.Get("lang"), lib, q.Get("late") != "", q.Get("gcm") != ""))
	})
}

// TestHostileCareersPage drops the banner into a careers page whose CSS,
// sticky header and chat bubble are hostile, with the careers presets'
// stub trackers (issue 14), in real Chromium.
func TestHostileCareersPage(t *testing.T) {
	b := bt.Start(t)
	s := newTestSite(t, careersCategories)
	s.serveHostile(t)
	open := func(t *testing.T, query string, w, h int64) context.Context {
		ctx := b.Page(t)
		bt.OnNewDocument(t, ctx, probe)
		bt.Do(t, ctx, chromedp.EmulateViewport(w, h))
		bt.Do(t, ctx, chromedp.Navigate(s.URL+"/hostile/?"+query))
		return ctx
	}
	cookies := cookieNames
	usable := func(t *testing.T, ctx context.Context, sels ...string) {
		t.Helper()
		for _, sel := range sels {
			if _, _, why := bt.Clickable(t, ctx, sel); why != "" {
				t.Errorf("%s: %s", sel, why)
			}
		}
	}
	sizes := []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 800}}

	for _, sz := range sizes {
		for _, lang := range []string{"en", "sv"} {
			t.Run(sz.name+"/"+lang, func(t *testing.T) {
				ctx := open(t, "lang="+lang, sz.w, sz.h)
				bt.Wait(t, ctx, `__q('.notis-banner') && __q('notis-embed')`, "the banner and a placeholder")
				// A chat widget that loads after the banner, on top of everything.
				bt.Eval[bool](t, ctx, `document.body.append(Object.assign(document.createElement('div'), {className: 'chat'})), true`)
				usable(t, ctx, ".notis-banner .notis-link", ".notis-banner .notis-btn:nth-child(1)", ".notis-banner .notis-btn:nth-child(2)", ".notis-banner .notis-btn:nth-child(3)")
				if got := bt.Eval[string](t, ctx, `getComputedStyle(__q('.notis-banner .notis-btn')).fontSize + ' ' + getComputedStyle(__q('.notis-banner')).flexDirection + ' ' + getComputedStyle(__q('.notis-banner')).display`); got != "15px row block" {
					t.Errorf("banner button font size, banner flex direction, display = %s; want 15px row block (no host rule reaching in)", got)
				}
				for _, v := range bt.Axe(t, ctx, "notis-consent", "notis-embed") {
					t.Errorf("banner: %s", v)
				}
				shot(t, ctx, "hostile-banner-"+sz.name+"-"+lang+".png")

				bt.Click(t, ctx, ".notis-banner .notis-btn:nth-child(3)")
				bt.Wait(t, ctx, `__q('dialog.notis-dlg[open]')`, "the dialog")
				usable(t, ctx, "#notis-c-analytics", "#notis-c-marketing", "#notis-c-preferences", ".notis-x",
					".notis-dlg .notis-btns .notis-btn:nth-child(1)", ".notis-dlg .notis-btns .notis-btn:nth-child(2)", ".notis-dlg .notis-btns .notis-btn:nth-child(3)")
				// The switches show their state: native checkboxes, drawn.
				if got := bt.Eval[string](t, ctx, `(b => getComputedStyle(b).appearance + ' ' + b.getBoundingClientRect().width)(__q('#notis-c-analytics'))`); got != "auto 20" {
					t.Errorf("switch appearance and width %q, want auto 20", got)
				}
				bt.Click(t, ctx, "#notis-c-analytics")
				if !bt.Eval[bool](t, ctx, `__q('#notis-c-analytics').checked`) {
					t.Error("clicking the switch did not turn it on")
				}
				// A keyboard focus ring, although the page removes every outline.
				bt.Do(t, ctx, chromedp.KeyEvent("\t"))
				if got := bt.Eval[string](t, ctx, `(e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth)(__active())`); got != "solid 3px" {
					t.Errorf("focus ring %q, want solid 3px", got)
				}
				bt.Eval[bool](t, ctx, `__qa('dialog summary').forEach(s => s.click()), true`)
				usable(t, ctx, "#notis-c-marketing")
				for _, v := range bt.Axe(t, ctx, "notis-consent") {
					t.Errorf("dialog: %s", v)
				}
				shot(t, ctx, "hostile-dialog-"+sz.name+"-"+lang+".png")
			})
		}
		t.Run(sz.name+"/vanilla-cookieconsent baseline", func(t *testing.T) {
			ctx := open(t, "lib=vcc", sz.w, sz.h)
			bt.Wait(t, ctx, `document.querySelector('#cc-main .cm__btn')`, "vanilla-cookieconsent's banner")
			var bad []string
			for _, sel := range []string{"#cc-main .cm__btn[data-role=all]", "#cc-main .cm__btn[data-role=necessary]", "#cc-main .cm__btn[data-role=show]"} {
				if _, _, why := bt.Clickable(t, ctx, sel); why != "" {
					bad = append(bad, sel+": "+why)
				}
			}
			t.Logf("vanilla-cookieconsent 3.1.0 on the same page at %dx%d: %d of 3 buttons unusable %q", sz.w, sz.h, len(bad), bad)
		})
	}

	t.Run("at 320 px the cookie tables stack and nothing is cut off", func(t *testing.T) {
		ctx := open(t, "lang=sv", 320, 640)
		bt.Wait(t, ctx, `__q('.notis-banner')`, "the banner")
		bt.Click(t, ctx, ".notis-banner .notis-btn:nth-child(3)")
		bt.Wait(t, ctx, `__q('dialog.notis-dlg[open]')`, "the dialog")
		bt.Eval[bool](t, ctx, `__qa('dialog summary').forEach(s => s.click()), true`)
		got := bt.Eval[[]string](t, ctx, `__qa('.notis-scroll').filter(r => r.scrollWidth > r.clientWidth + 1 || getComputedStyle(r.querySelector('td')).display != 'block').map(r => r.getAttribute('aria-label'))`)
		if len(got) > 0 {
			t.Errorf("tables cut off or not stacked at 320 px: %q", got)
		}
		if got := bt.Eval[string](t, ctx, `getComputedStyle(__q('.notis-scroll td'), '::before').content`); !strings.Contains(got, "Cookie") {
			t.Errorf("a stacked value is not labelled with its column: %q", got)
		}
		for _, v := range bt.Axe(t, ctx, "notis-consent") {
			t.Errorf("dialog at 320 px: %s", v)
		}
	})

	t.Run("typing in the search box while the banner loads keeps every key there", func(t *testing.T) {
		ctx := open(t, "lang=en&late=1", 390, 844)
		bt.Click(t, ctx, "#q")
		bt.Do(t, ctx, chromedp.KeyEvent("backend en"))
		bt.Eval[bool](t, ctx, `__loadBanner(), true`)
		bt.Wait(t, ctx, `__q('.notis-banner')`, "the banner")
		bt.Do(t, ctx, chromedp.KeyEvent("gineer stockholm"))
		if got := bt.Eval[string](t, ctx, `document.querySelector('#q').value`); got != "backend engineer stockholm" {
			t.Errorf("the search box holds %q", got)
		}
		if got := bt.Eval[string](t, ctx, `__active().id`); got != "q" {
			t.Errorf("focus on %q, want the search box", got)
		}
		bt.Wait(t, ctx, `__q('[role=status]').textContent == 'Cookies on this site'`, "the live region to announce the banner")
		// After a choice focus returns to the search box.
		bt.Click(t, ctx, ".notis-banner .notis-btn:nth-child(2)")
		bt.Wait(t, ctx, `!__q('.notis-banner')`, "the banner to go")
		if got := bt.Eval[string](t, ctx, `__active().id`); got != "q" {
			t.Errorf("after the choice focus on %q, want the search box", got)
		}
	})

	t.Run("withdrawal deletes the trackers' cookies, on every path", func(t *testing.T) {
		ctx := open(t, "lang=en", 1280, 800)
		bt.Wait(t, ctx, `__q('.notis-banner')`, "the banner")
		bt.Click(t, ctx, ".notis-banner .notis-btn:nth-child(1)")
		bt.Wait(t, ctx, `(window.order || []).length == 6`, "the six presets")
		if got := cookies(t, ctx); !slices.Equal(got, append(slices.Clone(trackerCookies), "notis_consent")) {
			t.Fatalf("after Accept all, cookies %v", got)
		}
		bt.Click(t, ctx, "[data-notis-open]")
		bt.Wait(t, ctx, `__q('dialog.notis-dlg[open]')`, "the dialog")
		bt.Click(t, ctx, "#notis-c-analytics")
		bt.Click(t, ctx, "#notis-c-marketing")
		bt.Click(t, ctx, ".notis-dlg .notis-btns .notis-btn:nth-child(3)")
		bt.Wait(t, ctx, `__events.length == 2`, "the withdrawal")
		if got := cookies(t, ctx); !slices.Equal(got, []string{"notis_consent"}) {
			t.Errorf("after withdrawing analytics and marketing, cookies %v, want only notis_consent", got)
		}
		if got := bt.Eval[string](t, ctx, `__events[1].method`); got != "withdraw" {
			t.Errorf("method %q", got)
		}
	})

	t.Run("the YouTube placeholder grants YouTube alone", func(t *testing.T) {
		ctx := open(t, "lang=sv", 1280, 800)
		bt.Wait(t, ctx, `__q('.notis-ph button')`, "the placeholder")
		if got := bt.Eval[string](t, ctx, `__q('.notis-ph').textContent`); !strings.Contains(got, "youtube (Marknadsföring)") {
			t.Errorf("placeholder says %q", got)
		}
		bt.Eval[bool](t, ctx, `__q('.notis-ph button').click(), true`)
		bt.Wait(t, ctx, `document.querySelector('iframe[src="/embed?youtube"]')`, "the video")
		id := bt.Eval[string](t, ctx, `notis.consent().id`)
		ev := waitEventsOf(t, s, id, 1)[0]
		if ch := ev["choices"].(map[string]any); ev["method"] != "custom" || ch["marketing"] != false || ch["marketing:youtube"] != true {
			t.Errorf("event %v: want marketing:youtube granted, marketing still refused", ev)
		}
		if got := bt.Eval[[]string](t, ctx, `window.order || []`); len(got) > 0 {
			t.Errorf("ran %v: the pixels fired although only the video was allowed", got)
		}
		if bt.Eval[bool](t, ctx, `!!document.querySelector('iframe[src="/embed?ats"], iframe[src="/embed?vimeo"]')`) {
			t.Error("the ATS or Vimeo iframe loaded too")
		}
		if !strings.Contains(bt.Eval[string](t, ctx, `document.cookie`), ".marketing:youtube.") {
			t.Errorf("the cookie does not hold the YouTube grant: %s", bt.Eval[string](t, ctx, `document.cookie`))
		}
	})

	t.Run("a choice in one tab applies in the other, under one consent id", func(t *testing.T) {
		one := open(t, "lang=en", 1280, 800)
		two, cancel := chromedp.NewContext(one) // a second tab, same browser profile
		t.Cleanup(cancel)
		bt.OnNewDocument(t, two, probe)
		bt.Do(t, two, chromedp.Navigate(s.URL+"/hostile/?lang=en"))
		bt.Wait(t, one, `__q('.notis-banner')`, "the banner in tab one")
		bt.Wait(t, two, `__q('.notis-banner')`, "the banner in tab two")
		bt.Click(t, one, ".notis-banner .notis-btn:nth-child(2)")
		bt.Wait(t, two, `!__q('.notis-banner') && window.notis.consent()`, "tab two to apply the choice")
		id := bt.Eval[string](t, one, `notis.consent().id`)
		if got := bt.Eval[string](t, two, `notis.consent().id`); got != id {
			t.Errorf("tab two has consent id %q, want tab one's %q", got, id)
		}
		bt.Eval[bool](t, two, `notis.open(), true`)
		bt.Wait(t, two, `__q('dialog.notis-dlg[open]')`, "the dialog in tab two")
		bt.Click(t, two, "#notis-c-analytics")
		bt.Click(t, two, ".notis-dlg .notis-btns .notis-btn:nth-child(3)")
		if ev := waitEventsOf(t, s, id, 2); ev[1]["choices"].(map[string]any)["analytics"] != true {
			t.Errorf("second event %v", ev[1])
		}
		bt.Wait(t, one, `(window.order || []).includes('gtag')`, "tab one to run analytics")
	})

	t.Run("a CSP that blocks the language file and the proof is named in the console", func(t *testing.T) {
		ctx := open(t, "lang=sv&block=1", 1280, 800)
		bt.Wait(t, ctx, `__q('.notis-banner')`, "the banner")
		bt.Click(t, ctx, ".notis-banner .notis-btn:nth-child(2)")
		bt.Wait(t, ctx, `__warns.filter(w => w.includes('connect-src')).length >= 2`, "two warnings")
		w := strings.Join(bt.Eval[[]string](t, ctx, `__warns`), "\n")
		for _, want := range []string{"sv texts", s.URL + "/v1/consents unreachable", "a CSP must allow " + s.URL + " in connect-src"} {
			if !strings.Contains(w, want) {
				t.Errorf("warnings %q do not say %q", w, want)
			}
		}
	})

	t.Run("Consent Mode recipe: the banner first, Google's snippet ungated", func(t *testing.T) {
		ctx := open(t, "lang=en&gcm=1", 1280, 800)
		bt.Wait(t, ctx, `__q('.notis-banner')`, "the banner")
		got := bt.Eval[[]string](t, ctx, `dataLayer.map(a => a[0] + ' ' + (typeof a[1] == 'string' ? a[1] : ''))`)
		if len(got) < 3 || got[0] != "consent default" || got[1] != "js " || got[2] != "config G-ABC123" {
			t.Errorf("dataLayer %q: want the consent default before Google's js and config", got)
		}
	})
}
