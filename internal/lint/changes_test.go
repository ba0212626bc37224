package lint

import (
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
)

// checkRegularlyOn lints a notice whose body is body, in lang, and
// returns what meta.check-regularly said of it.
func checkRegularlyOn(t *testing.T, lang, body string) []Finding {
	t.Helper()
	src := "---\ntitle: Candidate privacy notice\nupdated: 2026-04-01\ncontroller: {name: Example Ltd, email: privacy@example.org}\nsupervisory_authority: ico\npurposes:\n  - {name: Recruiting, basis: contract}\n---\n" + body + "\n"
	p, err := content.Parse("content/candidates."+lang+".md", []byte(src), langs)
	if err != nil {
		t.Fatal(err)
	}
	var out []Finding
	for _, f := range Check([]*notice.Notice{p.Notice}, Options{AsOf: fixtureAsOf}) {
		if f.Rule == "meta.check-regularly" {
			out = append(out, f)
		}
	}
	return out
}

// The ways real notices ask readers to watch them for changes (each
// written here in our words), and sentences with the same words that ask
// nothing of the kind.
func TestCheckRegularlyReadsTheRequestNotTheWords(t *testing.T) {
	for _, tc := range []struct {
		lang, body string
		want       bool
	}{
		// Asked of the reader.
		{"en", "You should check this notice regularly to take notice of any changes.", true},
		{"en", "We encourage you to periodically review this page for the latest information on our privacy practices.", true},
		{"en", "We recommend that you check this page from time to time to make sure you are happy with any changes.", true},
		{"en", "It is your responsibility to review this Privacy Policy periodically.", true},
		{"en", "We may update this notice, so please check back regularly.", true},
		{"en", "Please check this page for updates.", true},
		{"en", "Check this policy frequently: changes take effect when they are posted.", true},
		{"en", "Users are advised to\nconsult this statement on a regular basis.", true},
		{"en", "- **Please revisit this page often** to stay informed.", true},
		{"en", "You may wish to visit our website regularly for updates to this notice.", true},
		{"sv", "Vi rekommenderar att du regelbundet läser denna policy för att hålla dig uppdaterad.", true},
		{"sv", "Du bör därför regelbundet kontrollera den här sidan.", true},
		{"sv", "Vi uppmanar dig att med jämna mellanrum gå igenom integritetspolicyn.", true},
		{"sv", "Kontrollera därför denna sida regelbundet.", true},
		{"sv", "Håll dig uppdaterad genom att då och då besöka sidan.", true},
		// Not asked of the reader, or not about the notice.
		{"en", "We regularly review this notice and will email you before a material change takes effect.", false},
		{"en", "We will keep this privacy notice under regular review and tell you of any changes.", false},
		{"en", "We may update this notice from time to time. We will tell you by email before any change that affects you.", false},
		{"en", "You should regularly check your spam folder for emails about your application.", false},
		{"en", "We recommend that you review your cookie settings on our website regularly.", false},
		{"en", "You can change your cookie choices at any time.", false},
		{"en", "Please read this notice carefully.", false},
		{"en", "Recruiters check references regularly before making an offer on this page.", false},
		{"sv", "Vi ser regelbundet över denna policy och meddelar dig i förväg om väsentliga ändringar.", false},
		{"sv", "Vi rekommenderar att du regelbundet byter lösenord.", false},
		{"sv", "Du kan när som helst läsa policyn här.", false},
	} {
		got := checkRegularlyOn(t, tc.lang, tc.body)
		if (len(got) > 0) != tc.want {
			t.Errorf("%s %q: reported %v, want %v (%v)", tc.lang, tc.body, len(got) > 0, tc.want, got)
			continue
		}
		if len(got) > 1 {
			t.Errorf("%q: reported %d times, want once", tc.body, len(got))
		}
		if len(got) == 1 {
			swedish := strings.Contains(got[0].Message, "läsaren")
			if swedish != (tc.lang == "sv") {
				t.Errorf("%q: the finding is not in the sentence's language: %s", tc.body, got[0].Message)
			}
		}
	}
}

// The finding points at the request, on its own line of a wrapped
// paragraph.
func TestCheckRegularlyPointsAtTheRequest(t *testing.T) {
	got := checkRegularlyOn(t, "en", "## Changes\n\nWe may change this notice. If we do,\nwe will post it here. We encourage you to\nperiodically review this page.")
	if len(got) != 1 {
		t.Fatalf("findings = %v, want one", got)
	}
	// The front matter is 8 lines; the body's fourth line holds the request.
	if p := got[0].Pos; p.Line != 9+3 || p.Col != 23 {
		t.Errorf("reported at %d:%d, want 12:23 (\"We encourage\")", p.Line, p.Col)
	}
}
