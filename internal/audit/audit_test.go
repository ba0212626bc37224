package audit

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/build"
)

var writeExample = flag.Bool("example", false, "rewrite testdata/example.txt and example.sarif (the report shown in docs/audit.md)")

// auditFixture audits the fixture's home page and the two pages it links
// to, and judges them against its notices.
func auditFixture(t *testing.T, b *browser, f *fixture) (*Result, []Finding) {
	t.Helper()
	st, err := build.Load(f.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	site := SiteFrom(st, "", "")
	// 30 s a state: the 2-core machine is shared with other suites.
	opts := Options{URLs: []string{f.origin() + "/"}, Pages: 2, Timeout: 30 * time.Second, Endpoint: site.Endpoint}
	res := run(b, opts)
	return res, Judge(res, site, NewKnown(), NewTrackers())
}

func has(fs []Finding, rule, subject string) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Rule == rule && (subject == "" || f.Subject == subject) })
}

func dump(t *testing.T, res *Result, fs []Finding) string {
	var b bytes.Buffer
	if err := Write(&b, "text", Report{Findings: fs, Result: res}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// BenchmarkPage measures one page audited in all five states (the budget
// is 15 s on a 2-core machine): go test -run '^$' -bench Page ./internal/audit
func BenchmarkPage(b *testing.B) {
	br := startBrowser(b)
	f := newFixture(b, false)
	st, err := build.Load(f.dir, "")
	if err != nil {
		b.Fatal(err)
	}
	site := SiteFrom(st, "", "")
	opts := &Options{Timeout: 15 * time.Second, Endpoint: site.Endpoint}
	for b.Loop() {
		pr := auditPage(br, opts, f.origin()+"/")
		b.ReportMetric(pr.Elapsed.Seconds(), "s/page")
		b.Logf("%s", stateTimes(pr))
	}
}

func TestAudit(t *testing.T) {
	b := startBrowser(t)

	t.Run("the clean careers site has no finding", func(t *testing.T) {
		f := newFixture(t, false)
		res, fs := auditFixture(t, b, f)
		report := dump(t, res, fs)
		t.Log("\n" + report)
		if len(fs) != 0 {
			t.Errorf("want no findings on the clean site, got %d", len(fs))
		}
		if len(res.Pages) != 3 {
			t.Errorf("audited %d pages, want the home page and the 2 it links to", len(res.Pages))
		}
		for _, p := range res.Pages {
			for _, st := range States {
				o := p.States[st]
				if o == nil {
					t.Errorf("%s: state %s did not run: %v", p.URL, st, p.Notes)
					continue
				}
				// Known gap, reported: on the scrolled home page the mouse
				// misses the shadow-DOM dialog's switches, and the audit
				// turns them off by script, saying so.
				notes := slices.DeleteFunc(slices.Clone(o.Notes), func(n string) bool { return strings.Contains(n, "turned them off by script") })
				if len(notes) > 0 || o.Failure != "" {
					t.Errorf("%s [%s]: the audit could not look everywhere: %v %s", p.URL, st, o.Notes, o.Failure)
				}
			}
			// A check that reports clean must have looked: the choices were made and proven.
			if got := p.States[Withdraw].Controls; len(got) != 3 {
				t.Errorf("%s: withdrawal used %v, want Accept all, reopen, Save", p.URL, got)
			}
			for _, st := range []State{Reject, Accept, Withdraw} {
				if p.States[st].Consent == 0 {
					t.Errorf("%s [%s]: no consent POST seen", p.URL, st)
				}
			}
		}
		// Each state is held to --timeout (30 s here) plus reading and
		// opening its tab: a page past 90 s means a wait escaped its bound.
		// The 15 s budget for a page is measured by BenchmarkPage.
		for _, p := range res.Pages {
			if p.Elapsed > 90*time.Second {
				t.Errorf("%s took %s in all five states", p.URL, p.Elapsed)
			}
		}
		// Under GPC the banner still asks about analytics; the clean home page
		// loads Google Analytics only after Accept all.
		home := res.Pages[0]
		if !slices.ContainsFunc(home.States[Accept].Requests, func(r Request) bool { return r.Host == "www.google-analytics.com" }) {
			t.Errorf("after Accept all the analytics tag did not run: %+v", home.States[Accept].Requests)
		}
	})

	t.Run("every planted defect is found with its rule", func(t *testing.T) {
		f := newFixture(t, true)
		res, fs := auditFixture(t, b, f)
		report := dump(t, res, fs)
		t.Log("\n" + report)
		for _, want := range []struct{ rule, subject, defect string }{
			{"tracker.before-choice", "px.ads.linkedin.com", "an ungated pixel"},
			{"tracker.after-reject", "px.ads.linkedin.com", "an ungated pixel, after Reject all"},
			{"cookie.undeclared", "_gcl_au", "an undeclared cookie"},
			{"cookie.over-duration", "_ga", "a cookie declared for 13 months, set for 2 years"},
			{"tracker.gpc", "connect.facebook.net", "a tag that ignores GPC"},
			{"cookie.gpc", "_fbp", "a tag that ignores GPC (its cookie)"},
			{"cookie.after-withdraw", "_ats_vid", "a cookie that survives withdrawal"},
			{"cookie.stale", "_hjid", "a stale declaration"},
		} {
			if !has(fs, want.rule, want.subject) {
				t.Errorf("%s: no %s finding for %s", want.defect, want.rule, want.subject)
			}
		}
		// The suggestion for the undeclared cookie guesses from the Open Cookie Database.
		i := slices.IndexFunc(fs, func(f Finding) bool { return f.Rule == "cookie.undeclared" })
		if i >= 0 && !strings.Contains(fs[i].Fix, "- {name: _gcl_au, provider: Google, category: marketing, purpose: TODO, duration: P3M, third_party: false}") {
			t.Errorf("undeclared cookie's suggested line: %s", fs[i].Fix)
		}
		if i >= 0 && fs[i].Pos.File != "content/cookies.en.md" {
			t.Errorf("undeclared cookie's fix points at %q, want the consent notice", fs[i].Pos)
		}
		if *writeExample {
			writeExamples(t, res, fs)
		}
	})

	t.Run("hostile pages end in clear messages, not a crash", func(t *testing.T) {
		f := newFixture(t, false)
		hang := make(chan struct{})
		t.Cleanup(func() { close(hang) })
		mux := newHostileSite(t, f, hang)
		opts := Options{URLs: []string{mux + "/never-loads", mux + "/navigates-away", mux + "/no-banner"}, Timeout: 8 * time.Second, Endpoint: "http://" + consentHost + ":" + port(f.consent),
			States: []State{Load, Reject}}
		st, err := build.Load(f.dir, "")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		res := run(b, opts)
		fs := Judge(res, SiteFrom(st, "", ""), NewKnown(), NewTrackers())
		t.Log("\n" + dump(t, res, fs))
		if time.Since(start) > 90*time.Second {
			t.Errorf("the hostile pages took %s", time.Since(start))
		}
		byPage := func(path, rule string) bool {
			return slices.ContainsFunc(fs, func(f Finding) bool { return strings.HasSuffix(f.Page, path) && f.Rule == rule })
		}
		if !byPage("/never-loads", "page.incomplete") {
			t.Error("a page that never finishes loading: no page.incomplete finding")
		}
		if !byPage("/no-banner", "banner.missing") {
			t.Error("a page without a banner: no banner.missing finding")
		}
		nav := res.Pages[1]
		if nav.States[Load].Final == "" || !strings.HasSuffix(nav.States[Load].Final, "/landed") {
			t.Errorf("a page that navigates away: final URL %q, want …/landed", nav.States[Load].Final)
		}
		if len(res.Pages[2].Notes) == 0 {
			t.Error("a page without a banner: no note says which states could not be tested")
		}
	})
}

// A check that reports clean must have looked: a state cut short by its
// timeout reports page.incomplete, never a missing banner or a clean page.
func TestAStateOutOfTimeIsIncompleteNotMissing(t *testing.T) {
	b := startBrowser(t)
	f := newFixture(t, false)
	st, err := build.Load(f.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	site := SiteFrom(st, "", "")
	// A page that cannot be finished in any time, rather than the real
	// page and a timeout guessed too short: on a quick machine that page
	// was done in 300 ms, and the test failed two runs in three.
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	page := newHostileSite(t, f, hang) + "/holds-its-parser"
	states := []State{Load, Withdraw}
	res := run(b, Options{URLs: []string{page}, Timeout: 2 * time.Second, Endpoint: site.Endpoint, States: states})
	fs := Judge(res, site, NewKnown(), NewTrackers())
	if has(fs, "banner.missing", "") || has(fs, "consent.not-recorded", "") {
		t.Errorf("judged what it had no time to look at:\n%s", dump(t, res, fs))
	}
	for _, st := range states {
		if !slices.ContainsFunc(fs, func(f Finding) bool { return f.Rule == "page.incomplete" && f.State == st }) {
			t.Errorf("[%s] no page.incomplete:\n%s", st, dump(t, res, fs))
		}
	}
}

// writeExamples rewrites the example report docs/audit.md quotes, with the
// fixture's hosts and random ports replaced by an example site's.
func writeExamples(t *testing.T, res *Result, fs []Finding) {
	t.Helper()
	hosts := regexp.MustCompile(`http://careers\.test:\d+|http://consent\.test:\d+|(https://[a-z.]+):\d+`)
	for format, name := range map[string]string{"text": "example.txt", "sarif": "example.sarif"} {
		var b bytes.Buffer
		if err := Write(&b, format, Report{Findings: fs, Result: res, Anchor: "content/cookies.en.md"}); err != nil {
			t.Fatal(err)
		}
		out := hosts.ReplaceAllStringFunc(b.String(), func(m string) string {
			switch {
			case strings.HasPrefix(m, "http://careers.test"):
				return "https://careers.example.org"
			case strings.HasPrefix(m, "http://consent.test"):
				return "https://consent.example.org"
			}
			return m[:strings.LastIndexByte(m, ':')]
		})
		out = strings.ReplaceAll(out, "careers.test", "careers.example.org")
		write(t, filepath.Join("testdata", name), out)
	}
	fmt.Fprintln(os.Stderr, "wrote testdata/example.txt and testdata/example.sarif")
}
