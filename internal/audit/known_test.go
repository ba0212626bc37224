package audit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/period"
	"github.com/notis-dev/notis/internal/testenv"
)

func TestKnownCookiesComeFromTheOpenCookieDatabase(t *testing.T) {
	k := NewKnown()
	for name, want := range map[string]KnownCookie{
		"_ga":          {Name: "_ga", Category: "analytics", Platform: "Google Analytics"},
		"_gcl_au":      {Name: "_gcl_au", Category: "marketing", Platform: "Google"},
		"_hjSession_9": {Name: "_hjSession_", Prefix: true, Category: "preferences", Platform: "Hotjar"}, // "Functional" there
	} {
		got, ok := k.Lookup(name)
		if !ok || got.Name != want.Name || got.Prefix != want.Prefix || got.Category != want.Category || got.Platform != want.Platform {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", name, got, ok, want)
		}
	}
	if _, ok := k.Lookup("no_such_cookie_anywhere"); ok {
		t.Error("an unknown name was found")
	}
}

// The embedded table is what the generator makes of the shared data; CI
// has ../shared beside the clone. The binary itself never reads ../shared.
func TestEmbeddedTableIsUpToDate(t *testing.T) {
	csv := filepath.Join("..", "..", "..", "shared", "data", "open-cookie-database", "cookies.csv")
	if _, err := os.Stat(csv); err != nil {
		testenv.Missing(t, "the Open Cookie Database facts are not beside the clone: "+err.Error())
	}
	out := filepath.Join(t.TempDir(), "ocd.tsv")
	cmd := exec.Command("go", "run", "./internal/genocd", "-in", csv, "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genocd: %v\n%s", err, b)
	}
	got, _ := os.ReadFile(out)
	if string(got) != ocdTSV {
		t.Error("ocd.tsv is stale: run go generate ./internal/audit")
	}
	lic, _ := os.ReadFile(filepath.Join(filepath.Dir(out), "ocd-LICENSE.txt"))
	if string(lic) != License || !strings.Contains(License, "Apache License") {
		t.Error("ocd-LICENSE.txt is stale or missing: run go generate ./internal/audit")
	}
}

func TestAUsersTableComesFirstAndNamesItsLine(t *testing.T) {
	k, tr := NewKnown(), NewTrackers()
	err := k.read(strings.NewReader("# ours\ncookie\t_ga\tnecessary\tOur proxy\nhost, stats.example.net, analytics, Our stats\n"), "known.tsv", tr)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := k.Lookup("_ga"); c.Category != "necessary" || c.Source != "known.tsv:2" {
		t.Errorf("_ga = %+v, want the user's row", c)
	}
	if h, ok := tr.Lookup("cdn.stats.example.net"); !ok || h.Provider != "Our stats" {
		t.Errorf("subdomain of a user's host: %+v %v", h, ok)
	}
	// Every mistaken line is a diagnostic at its line, and a table with
	// any is not taken.
	err = k.read(strings.NewReader("cookie\t_x\tanalytics\n\nbeacon\tx\tanalytics\tX\ncookie\t_taken\tanalytics\tUs\n"), "known.tsv", tr)
	ds := diag.Collect(err)
	if len(ds) != 2 {
		t.Fatalf("two mistaken lines: %d diagnostics: %v", len(ds), err)
	}
	for i, want := range []struct {
		line   int
		says   string
		source string
	}{{1, "want 4 fields", "cookie\t_x\tanalytics"}, {3, `kind "beacon"`, "beacon\tx\tanalytics\tX"}} {
		d := ds[i]
		if d.Pos != (diag.Position{File: "known.tsv", Line: want.line, Col: 1}) || !strings.Contains(d.Message, want.says) || d.Source != want.source || d.Fix == "" || d.Severity != diag.Error {
			t.Errorf("line %d: %+v", want.line, d)
		}
	}
	if _, ok := k.Lookup("_taken"); ok {
		t.Error("a table with mistakes was taken in part")
	}
}

func TestTrackerHostsMatchSubdomainsOnly(t *testing.T) {
	tr := NewTrackers()
	if h, ok := tr.Lookup("region1.google-analytics.com"); !ok || h.Category != "analytics" || h.Source == "" {
		t.Errorf("region1.google-analytics.com: %+v %v", h, ok)
	}
	if _, ok := tr.Lookup("notfacebook.com"); ok {
		t.Error("notfacebook.com matched facebook.com")
	}
}

func TestObservedDurationsAreWhatANoticeWouldSay(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for life, want := range map[time.Duration]string{
		0:                "session",
		90 * time.Minute: "PT2H",
		730 * day:        "P2Y",
		395 * day:        "P13M",
		90 * day:         "P3M",
		29 * day:         "P1M",
		20 * day:         "P20D",
		45 * day:         "P45D",
	} {
		c := Cookie{Seen: now}
		if life > 0 {
			c.Expires = now.Add(life)
		}
		if got := observedDuration(c); got != want {
			t.Errorf("%s: %s, want %s", life, got, want)
		}
	}
}

func TestACookieOutlivesItsDeclarationOnlyBeyondADaysSlack(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	d := Declared{Name: "_ga", Duration: notice.CookieDuration{Period: period.MustParse("P13M")}}
	thirteen := period.MustParse("P13M").AddTo(now)
	if _, over := outlives(Cookie{Name: "_ga", Seen: now, Expires: thirteen.Add(23 * time.Hour)}, d); over {
		t.Error("13 months and 23 hours counted as outliving P13M")
	}
	if msg, over := outlives(Cookie{Name: "_ga", Seen: now, Expires: now.AddDate(2, 0, 0)}, d); !over || !strings.Contains(msg, "declared for P13M but lives P2Y") {
		t.Errorf("2 years against P13M: %q %v", msg, over)
	}
	session := Declared{Name: "s", Duration: notice.CookieDuration{Session: true}}
	if _, over := outlives(Cookie{Name: "s", Seen: now, Expires: now.Add(time.Hour)}, session); !over {
		t.Error("a persistent cookie declared for the session")
	}
}

func TestDeclaredWildcardsMatchTheBannersWay(t *testing.T) {
	for _, c := range []struct {
		decl, name string
		want       bool
	}{{"_ga_<container-id>", "_ga_X1", true}, {"_ga_*", "_ga_X1", true}, {"_ga", "_ga_X1", false}, {"_ga", "_ga", true}} {
		if got := (Declared{Name: c.decl}).Matches(c.name); got != c.want {
			t.Errorf("%s matches %s: %v", c.decl, c.name, got)
		}
	}
}

// The banner's own cookie, undeclared, is answered with the whole line
// that declares it: notis knows its category, purpose and provider.
func TestTheBannersOwnCookieIsSuggestedWhole(t *testing.T) {
	j := &judge{site: &Site{}, known: NewKnown(), trackers: NewTrackers()}
	seen := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	j.undeclared("https://jobs.example.org/apply", Reject, Cookie{Name: "notis_consent", Domain: "jobs.example.org", Path: "/", Expires: seen.AddDate(0, 6, 0), Seen: seen})
	if len(j.out) != 1 {
		t.Fatalf("findings %+v, want one", j.out)
	}
	want := "- {name: notis_consent, provider: jobs.example.org, category: necessary, purpose: Remembers your cookie choice so that you are not asked again on every visit., duration: P6M, third_party: false}"
	if f := j.out[0]; !strings.HasSuffix(f.Fix, want) || !strings.Contains(f.Message, "the notis banner's own cookie") {
		t.Errorf("got %s — fix: %s\nwant a fix ending %s", f.Message, f.Fix, want)
	}
}
