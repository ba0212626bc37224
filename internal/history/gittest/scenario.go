package gittest

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// SiteDir is where Scenario puts the site in its repository: a subfolder,
// as in a repository that holds more than the notices.
const SiteDir = "privacy"

const config = `site = "history"
baseURL = "https://privacy.example.test/"
defaultLanguage = "en"
[languages.en]
title = "Privacy"
[languages.sv]
title = "Integritet"
`

// Notice is what the scenario's notice says at one commit.
type Notice struct {
	Updated   string // YYYY-MM-DD
	Retention string // the period applications are kept, e.g. P6M
	Recipient bool   // a second recipient, in Germany
	Basis     string // the basis of assessing applications
	Prose     string // the body's first paragraph
	Flow      bool   // the front matter written in flow style: formatting only
	ID        string // the notice id the front matter gives (notice:); "" gives none: the file name is the id
}

// Text is the notice file in lang ("en" or "sv").
func (n Notice) Text(lang string) string {
	title := map[string]string{"en": "Applicant privacy notice", "sv": "Integritetsmeddelande för sökande"}[lang]
	records := map[string]string{"en": "Applications", "sv": "Ansökningar"}[lang]
	recipients := "recipients:\n  - {name: Example ATS Ltd, role: processor, country: United Kingdom, data: [identity]}\n"
	if n.Recipient {
		recipients += "  - {name: Example Screening GmbH, role: processor, country: Germany, data: [identity]}\n"
	}
	purpose := "  - {name: Assessing your application, basis: " + n.Basis + ", data: [identity]}\n"
	retention := "  - {records: " + records + ", period: " + n.Retention + ", then: delete}\n"
	if n.Flow {
		purpose = "  - name: Assessing your application\n    basis: " + n.Basis + "\n    data:\n      - identity\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\nupdated: %s\nsummary: Applicants.\n", title, n.Updated)
	if n.ID != "" {
		fmt.Fprintf(&b, "notice: %s\n", n.ID)
	}
	b.WriteString(`controller:
  name: Example Recruiting Ltd
  address: 1 High Street, London
  email: privacy@example.test
supervisory_authority: ico
data:
  - {id: identity, name: Identity, examples: [name, email]}
purposes:
`)
	b.WriteString(purpose)
	b.WriteString(recipients)
	b.WriteString("transfers: []\nretention:\n")
	b.WriteString(retention)
	b.WriteString("automated_decisions: []\n---\n## About\n\n")
	b.WriteString(n.Prose + "\n")
	return b.String()
}

// Files is the notice in both languages, under the site folder.
func Files(en, sv Notice) map[string]string { return files(en, sv, "applicants.sv.md") }

func files(en, sv Notice, svName string) map[string]string {
	if svName != "applicants.sv.md" {
		sv.ID = "applicants" // a translation under a name of its own says whose it is
	}
	return map[string]string{
		SiteDir + "/content/applicants.en.md": en.Text("en"),
		SiteDir + "/content/" + svName:        sv.Text("sv"),
	}
}

// Step is one commit of the scenario.
type Step struct {
	Message string
	EN, SV  Notice
	Hash    plumbing.Hash
}

// Scenario commits the history every history test reads: a notice in
// English and Swedish, in a subfolder of the repository, changed eight
// times. Its versions are the six dates 2026-01-10 … 2026-06-01; the
// last step changes the retention without changing `updated`.
func Scenario(r *Repo) []Step { return ScenarioNamed(r, "applicants.sv.md") }

// ScenarioNamed is Scenario with the Swedish file named svName, such as
// "sokande.sv.md", which then says in its front matter
// which notice it translates (notice: applicants): the history must join it all the same.
func ScenarioNamed(r *Repo, svName string) []Step {
	base := Notice{Updated: "2026-01-10", Retention: "P6M", Basis: "contract", Prose: "You give us your data when you apply."}
	var steps []Step
	add := func(msg string, en, sv Notice) {
		steps = append(steps, Step{Message: msg, EN: en, SV: sv})
	}
	add("first version", base, base)
	v := base
	v.Updated, v.Retention = "2026-02-01", "P12M"
	add("keep applications 12 months", v, v)
	v.Updated, v.Recipient = "2026-03-01", true
	add("add a screening processor", v, v)
	v.Updated, v.Basis = "2026-04-01", "legitimate_interests"
	add("assess applications under legitimate interests", v, v)
	v.Updated, v.Prose = "2026-05-01", "You give us your data when you apply through our site."
	add("clearer prose", v, v)
	sv := v
	sv.Updated, sv.Prose = "2026-06-01", "Du ger oss dina uppgifter när du söker."
	add("Swedish translation of the prose", v, sv)
	en := v
	en.Flow = true
	add("reformat the English front matter", en, sv)
	en.Retention = "P24M"
	add("keep applications 24 months", en, sv)
	for i := range steps {
		files := files(steps[i].EN, steps[i].SV, svName)
		if i == 0 {
			files[SiteDir+"/notis.toml"] = config
		}
		steps[i].Hash = r.Commit(steps[i].Message, files)
		if i == 2 {
			// A commit that touches no notice is no version.
			r.Commit("readme", map[string]string{"README.md": "notices\n"})
		}
	}
	return steps
}
