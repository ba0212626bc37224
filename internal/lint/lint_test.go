package lint

import (
	"slices"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
)

// lower must agree with strings.ToLower, the definition it speeds up.
func FuzzLower(f *testing.F) {
	for _, s := range []string{"", "Hello", "ÅÄÖ åäö Über", "İstanbul", "\xff\xfeA", "Σ ΣΑΣ", "日本語 ABC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lower([]byte(s)), strings.ToLower(s); got != want {
			t.Fatalf("lower(%q) = %q, want %q", s, got, want)
		}
	})
}

// A mistyped rule id in lint.ignore gets the closest rule suggested.
func TestDidYouMeanNamesTheClosestRule(t *testing.T) {
	if got := didYouMean("recipients.misssing"); got != ` (did you mean "recipients.missing"?)` {
		t.Errorf("didYouMean(recipients.misssing) = %q", got)
	}
	if got := didYouMean("nothing-like-any-rule-at-all"); got != "" {
		t.Errorf("didYouMean of nonsense = %q, want none", got)
	}
}

// A transfer's places are read alike by every rule: "and" after the last
// comma is not part of the country.
func TestDestinationsAndToUS(t *testing.T) {
	if got := destinations("India, Japan, and United States"); !slices.Equal(got, []string{"India", "Japan", "United States"}) {
		t.Errorf("destinations = %q", got)
	}
	if !toUS("India, and United States") {
		t.Error(`toUS("India, and United States") = false`)
	}
	if got := destinations("Trinidad and Tobago"); !slices.Equal(got, []string{"Trinidad and Tobago"}) {
		t.Errorf("destinations split a country's name: %q", got)
	}
}

func TestFindMatchesPhrasesAcrossALineBreakButNotAParagraph(t *testing.T) {
	for _, tc := range []struct {
		body string
		word bool
		want int
	}{
		{"the eu-us privacy shield.", true, 10},
		{"the eu-us privacy\nshield.", true, 10},
		{"  - the eu-us privacy\n    shield.", true, 14},
		{"the eu-us privacy\n\nshield.", true, -1},
		{"the eu-us privacy shields", true, -1},
		{"the eu-us privacy shields", false, 10},
		{"privacy", false, -1},
	} {
		if got := find(tc.body, "privacy shield", tc.word); got != tc.want {
			t.Errorf("find(%q, word %v) = %d, want %d", tc.body, tc.word, got, tc.want)
		}
	}
}

// The build checks one notice's files at a time as it renders them;
// Options.Known then says which other notices the site has, so a link to
// one of them is not reported as broken, and a link to none still is.
func TestKnownNoticesAreLinkTargetsWhenCheckingOneNoticeAtATime(t *testing.T) {
	src := "---\ntitle: Candidate privacy notice\nupdated: 2026-04-01\ncontroller: {name: Example Ltd, email: privacy@example.org}\nsupervisory_authority: ico\npurposes:\n  - {name: Recruiting, basis: contract}\n---\nSee [our staff notice](/en/staff/) and [the board's](/en/board/).\n"
	p, err := content.Parse("content/candidates.en.md", []byte(src), langs)
	if err != nil {
		t.Fatal(err)
	}
	broken := func(opts Options) (targets []string) {
		for _, f := range Check([]*notice.Notice{p.Notice}, opts) {
			if f.Rule == "text.broken-link" {
				targets = append(targets, f.Message)
			}
		}
		return targets
	}
	if got := broken(Options{AsOf: fixtureAsOf}); len(got) != 2 {
		t.Fatalf("alone, both links are broken: %q", got)
	}
	got := broken(Options{AsOf: fixtureAsOf, Known: func(id string) bool { return id == "staff" || id == "candidates" }})
	if len(got) != 1 || !strings.Contains(got[0], `"board"`) {
		t.Errorf("with the site's notices known, broken links = %q, want only the board's", got)
	}
}

// The fix for a missing translation names the file beside the notice,
// in its organisation's folder.
func TestAMissingTranslationsFixNamesItsFolder(t *testing.T) {
	src := "---\ntitle: Partners\nupdated: 2026-04-01\ncontroller: {name: Example Ltd, email: privacy@example.org}\n---\n"
	p, err := content.Parse("content/acme/partners.en.md", []byte(src), langs)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Check([]*notice.Notice{p.Notice}, Options{AsOf: fixtureAsOf, Languages: langs.Codes}) {
		if f.Rule == "translation.missing" {
			if want := "add content/acme/partners.sv.md with the same facts in sv"; f.Fix != want {
				t.Errorf("fix %q, want %q", f.Fix, want)
			}
			return
		}
	}
	t.Error("no translation.missing finding")
}
