// Package synth writes synthetic notis sites for benchmarks: N notices in
// English and Swedish, each with about 40 lines of front matter and a
// 2,000-word body with two tables, like a large organisation's notices.
// It also writes the Hugo twin of such a site (GenerateHugo), so the
// benchmarks can time Hugo on the same pages in the same run.
package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

const config = `site = "synth"
baseURL = "https://privacy.example.org/"
defaultLanguage = "en"
[languages.en]
title = "Privacy notices"
[languages.sv]
title = "Integritetsinformation"
`

var words = strings.Fields(`personal data processing purpose retention recipient controller
processor transfer safeguard consent contract obligation interest candidate employee
application interview reference record schedule policy security access request notice
rights objection portability erasure rectification restriction authority complaint`)

// Generate writes a site with n notices × 2 languages into dir.
func Generate(dir string, n int) error {
	return generate(dir, n, map[string]string{"notis.toml": config})
}

// generate writes the n notices into dir/content and the given files
// (path relative to dir → text) beside them.
func generate(dir string, n int, files map[string]string) error {
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2)) // fixed seed: every run gets the same site
	for i := range n {
		for _, lang := range []string{"en", "sv"} {
			name := filepath.Join(dir, "content", fmt.Sprintf("notice-%04d.%s.md", i, lang))
			if err := os.WriteFile(name, Notice(rng, i, n, lang, Edit{}), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// Edit is a change an editor makes to a notice, for live-reload
// benchmarks: a non-zero Rev is written into the first paragraph of the
// body, and into the summary (which the language indexes show) when
// Summary is set.
type Edit struct {
	Rev     int
	Summary bool
	// Updated replaces the notice's date (2026-04-01) when set: a new
	// version, for history benchmarks.
	Updated string
}

// Notice returns notice i of n in lang, which relates to the next notice.
func Notice(rng *rand.Rand, i, n int, lang string, e Edit) []byte {
	summary := ""
	if e.Summary {
		summary = fmt.Sprintf(" (revision %d)", e.Rev)
	}
	updated := "2026-04-01"
	if e.Updated != "" {
		updated = e.Updated
	}
	var b strings.Builder
	fmt.Fprintf(&b, `---
title: Notice %d (%s)
summary: How we use personal data in area %d%s.
updated: %s
controller:
  name: Example Organisation %d Ltd
  reg_no: "%08d"
  address: %d High Street, London
  email: privacy@example.org
  phone: "020 7946 0%03d"
dpo: {email: dpo@example.org}
supervisory_authority: ico
data:
  - {id: identity, name: Identity, examples: [name, address, email]}
  - {id: work, name: Work history, examples: [CV, references]}
  - {id: health, name: Health, special: true, art9: ["9(2)(b)"], uk_dpa2018: ["Sch 1 Pt 1 para 1"]}
sources:
  - {name: Referees, public: false, data: [work]}
rights: {withdraw: "Use the unsubscribe link in any email, or write to privacy@example.org."}
requirements:
  - {data: [identity], kind: pre_contract, consequence: We cannot consider your application.}
purposes:
  - {name: Recruiting, basis: contract, data: [identity, work]}
  - {name: Adjustments, basis: legal_obligation, law: Equality Act 2010, data: [health]}
  - {name: Talent pool, basis: consent, data: [identity, work]}
  - {name: Legal claims, basis: legitimate_interests, interest: Defending claims, data: [identity]}
recipients:
  - {name: ATS Ltd, role: processor, country: United Kingdom, data: [identity, work], purpose: Hosting}
  - {name: Payroll Ltd, role: processor, country: United Kingdom, data: [identity], purpose: Pay}
transfers:
  - {to: United States, recipient: ATS Inc, safeguard: uk_idta, copy: Ask our DPO.}
retention:
  - {records: Applications, period: P6M, from: the decision, then: delete}
  - {records: Employment records, period: P6Y, from: leaving, then: delete}
automated_decisions: []
related: [notice-%04d]
`, i, lang, i, summary, updated, i, i, i, i%1000, (i+1)%n)
	if i == 0 {
		b.WriteString(`cookies:
  - {name: _ga, provider: Google Analytics, category: analytics, purpose: Counts visits., duration: P13M, third_party: true}
`)
	}
	b.WriteString("---\n")
	for s := range 8 {
		fmt.Fprintf(&b, "\n## Section %d\n\n", s+1)
		for p := range 3 {
			b.WriteString(paragraph(rng, 75))
			if s == 0 && p == 0 && e.Rev != 0 {
				fmt.Fprintf(&b, " Revision %d.", e.Rev)
			}
			b.WriteString("\n\n")
			if s < 2 && p == 1 {
				b.WriteString("| Record | Period | Reason |\n|---|---|---|\n")
				for r := range 5 {
					fmt.Fprintf(&b, "| %s | %d years | %s |\n", word(rng), r+1, paragraph(rng, 6))
				}
				b.WriteString("\n")
			}
		}
	}
	b.WriteString("\n## Complaints\n\nYou can complain to us first at privacy@example.org; we acknowledge every complaint within 30 days. We keep an appropriate policy document for the special category data we use.\n")
	return []byte(b.String())
}

func word(rng *rand.Rand) string { return words[rng.IntN(len(words))] }

func paragraph(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = word(rng)
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ") + "."
}
