package content

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/diag"
)

var langs = Languages{Codes: []string{"en", "sv"}, Default: "en"}

const validYAML = `---
title: Candidate privacy notice
updated: 2026-04-01
controller: {name: Example Ltd, email: dpo@example.org}
supervisory_authority: ico
data:
  - {id: identity, name: Identity}
purposes:
  - {name: Recruiting, basis: contract, data: [identity]}
---
Body text.
`

func TestParseReadsLanguageAndIDFromFileName(t *testing.T) {
	p, err := Parse("content/candidates.sv.md", []byte(validYAML), langs)
	if err != nil {
		t.Fatal(err)
	}
	if p.Notice.Lang != "sv" || p.Notice.ID != "candidates" {
		t.Fatalf("lang=%q id=%q, want sv candidates", p.Notice.Lang, p.Notice.ID)
	}
	if body, err := p.Notice.Text(); err != nil || strings.TrimSpace(string(body)) != "Body text." {
		t.Fatalf("body = %q, %v", body, err)
	}
	if p.Notice.BodyLine() != 11 {
		t.Fatalf("body line = %d, want 11", p.Notice.BodyLine())
	}
}

// The history knows a committed file by its git blob id: it must be the
// one git gives (git hash-object of validYAML).
func TestParseGivesTheFilesGitBlobID(t *testing.T) {
	p, err := Parse("content/candidates.md", []byte(validYAML), langs)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(p.Blob[:]); got != "84c64ff12a314c1c1433ea741e325179b15cc86b" {
		t.Fatalf("blob id %s, want git's 84c64ff12a314c1c1433ea741e325179b15cc86b", got)
	}
}

func TestParseReportsEveryMistakeWithItsPlace(t *testing.T) {
	tests := []struct {
		name, file, src string
		want            []string
	}{
		{
			name: "yaml",
			file: "c.md",
			src: `---
title: T
updated: 2026-13-01
controller: {name: X, email: not-an-email}
supervisory_authority: icoo
purposes:
  - name: Recruiting
    basis: contrakt
    intrest: x
---
`,
			want: []string{
				`c.md:3:1: updated: found "2026-13-01": there is no month 13`,
				`c.md:4:23: controller.email: found "not-an-email", want an email address like dpo@example.org`,
				`c.md:5:1: supervisory_authority: found "icoo", want a built-in authority (datainspektionen, ico, imy) or a table {name, address, phone, url}; did you mean "ico"?`,
				`c.md:8:5: purposes[0].basis: found "contrakt", want one of consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests; did you mean "contract"?`,
				`c.md:9:5: purposes[0].intrest: unknown field "intrest" (accepted: id, name, basis, interest, law, bases, art9, art10, data, details); did you mean "interest"?`,
			},
		},
		{
			name: "toml",
			file: "c.md",
			src: `+++
title = "T"
updated = 2026-04-01
supervisory_authority = "ico"
[controller]
name = "X"
phone = 12345
[[purposes]]
name = "A"
basis = "consent"
[[purposes]]
name = "B"
basis = "legitimate_interest"
+++
`,
			want: []string{
				`c.md:7:1: controller.phone: found the number 12345, want text; put the value in quotes to make it text`,
				`c.md:13:1: purposes[1].basis: found "legitimate_interest", want one of`,
			},
		},
		{
			name: "json",
			file: "c.md",
			src: `{
  "title": "T",
  "updated": "2026-04-01",
  "supervisory_authority": "ico",
  "controller": {"name": "X"},
  "purposes": [{"name": "A", "basis": "consent", "data": ["cv"]}]
}
`,
			want: []string{
				`c.md:6:59: purposes[0].data[0]: "cv" is not a data category id declared under data`,
			},
		},
		{
			name: "missing required",
			file: "c.md",
			src:  "---\nupdated: 2026-04\npurposes: [{basis: consent}]\n---\n",
			want: []string{
				`c.md:2:1: title: required field "title" is missing in the front matter`,
				`c.md:3:12: purposes[0].name: required field "name" is missing in purposes[0]`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, []byte(tt.src), langs)
			if err == nil {
				t.Fatal("no error")
			}
			got := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
		})
	}
}

func TestATranslationBelongsBesideItsNotice(t *testing.T) {
	langs := []string{"en", "sv"}
	for _, tt := range []struct{ file, lang, want string }{
		{"content/essex/partners.en.md", "sv", "content/essex/partners.sv.md"},
		{"content/cookies.md", "sv", "content/cookies.sv.md"},
		{"content/cookies.sv.md", "en", "content/cookies.en.md"},
		{"content/v1.2.en.md", "sv", "content/v1.2.sv.md"},
	} {
		if got := TranslationFile(tt.file, tt.lang, langs); got != tt.want {
			t.Errorf("TranslationFile(%q, %q) = %q, want %q", tt.file, tt.lang, got, tt.want)
		}
	}
}

// A file name that is not a valid id says what would be: the language a
// name like partners.de.md meant, or the nearest valid id.
func TestAnInvalidNoticeIDSaysWhatWouldBeValid(t *testing.T) {
	for _, c := range []struct{ file, src, message, fix string }{
		{"content/partners.de.md", validYAML,
			`the file name says language "de", which is not one of the site's languages (en, sv)`,
			"add [languages.de] to notis.toml, or name the file for a site language (partners.en.md)"},
		{"content/org/Integritet för sökande.sv.md", validYAML,
			`notice id "Integritet för sökande": want lower-case letters, digits and dashes`,
			"rename the file to integritet-for-sokande.sv.md, or give it notice: integritet-for-sokande"},
		{"content/Release_v1.2.md", validYAML,
			`notice id "Release_v1.2": want`,
			"rename the file to release-v1-2.md, or give it notice: release-v1-2"},
		{"content/ok.en.md", strings.Replace(validYAML, "title:", "notice: Straße Ø\ntitle:", 1),
			`notice id "Straße Ø": want`,
			"write notice: strasse-o"},
	} {
		_, err := Parse(c.file, []byte(c.src), langs)
		ds := diag.Collect(err)
		if len(ds) != 1 || ds[0].Rule != diag.RuleNotice || !strings.Contains(ds[0].Message, c.message) || ds[0].Fix != c.fix {
			t.Errorf("%s: got %v\nwant message %q, fix %q", c.file, ds, c.message, c.fix)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Integritet åäö": "integritet-aao", "Ærø  Straße": "aero-strasse", "--a__b--": "a-b",
		"Café Łódź": "cafe-lodz", "日本": "", "": "", "ok-id": "ok-id",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// Two files of one notice in folders named as languages, as a Hugo site
// lays them out, are told how notis names languages.
func TestNoticesInLanguageFoldersAreToldToNameTheirLanguage(t *testing.T) {
	var pages []*Page
	for _, f := range []string{"content/en/jobs.md", "content/sv/jobs.md", "content/a/x.md", "content/b/x.md"} {
		p, err := Parse(f, []byte(validYAML), langs)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	ds := diag.Collect(CheckSite(pages, nil))
	if len(ds) != 2 {
		t.Fatalf("got %v, want two duplicates", ds)
	}
	if want := "if en and sv are languages: a notice's language comes from its file name, and a folder under content/ is an organisation, so name them content/jobs.en.md and content/jobs.sv.md, side by side; else give one of them another id"; ds[0].Fix != want {
		t.Errorf("language folders: fix %q\nwant %q", ds[0].Fix, want)
	}
	if ds[1].Fix != "give one of them another id or language" {
		t.Errorf("two organisations' notices with one id: fix %q", ds[1].Fix)
	}
}

func TestALanguageTheSiteDoesNotHaveGetsTheCodeItMeant(t *testing.T) {
	for lang, fix := range map[string]string{
		"SV":      "write lang: sv",
		"sv-SE":   "write lang: sv",
		"en_GB":   "write lang: en",
		"de":      "write one of the site's language codes, or add [languages.de] to notis.toml",
		"swedish": "write the language's code (en, sv), not its name",
	} {
		_, err := Parse("content/x.md", []byte(strings.Replace(validYAML, "title:", "lang: "+lang+"\ntitle:", 1)), langs)
		ds := diag.Collect(err)
		if len(ds) != 1 || ds[0].Field != "lang" || ds[0].Fix != fix {
			t.Errorf("lang: %s: %v, want the fix %q", lang, ds, fix)
		}
	}
}
