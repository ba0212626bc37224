package dev

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genSite writes a synthetic site: n notices in English and Swedish, each
// with about 40 lines of front matter and a 2,000-word body with two
// tables, linking to the next notice, like a large organisation's notices.
func genSite(tb testing.TB, dir string, n int) {
	tb.Helper()
	write(tb, filepath.Join(dir, "notis.toml"), "site = \"synth\"\nbaseURL = \"https://privacy.example.org/\"\ndefaultLanguage = \"en\"\n"+
		"[languages.en]\ntitle = \"Privacy notices\"\n[languages.sv]\ntitle = \"Integritetsinformation\"\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		for _, lang := range []string{"en", "sv"} {
			write(tb, filepath.Join(dir, "content", fmt.Sprintf("notice-%04d.%s.md", i, lang)), synthNotice(rng, i, n, lang, 0, false))
		}
	}
}

func write(tb testing.TB, p, s string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		tb.Fatal(err)
	}
}

var synthWords = strings.Fields(`personal data processing purpose retention recipient controller
processor transfer safeguard consent contract obligation interest candidate employee
application interview reference record schedule policy security access request notice
rights objection portability erasure rectification restriction authority complaint`)

// synthNotice is one notice; rev changes a word of its body, and its
// summary (which the language index shows) when summary is set.
func synthNotice(rng *rand.Rand, i, n int, lang string, rev int, summary bool) string {
	srev := 0
	if summary {
		srev = rev
	}
	var b strings.Builder
	fmt.Fprintf(&b, `---
title: Notice %d (%s)
summary: How we use personal data in area %d (revision %d).
updated: 2026-04-01
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
`, i, lang, i, srev, i, i, i, i%1000, (i+1)%n)
	if i == 0 {
		b.WriteString("cookies:\n  - {name: _ga, provider: Google Analytics, category: analytics, purpose: Counts visits., duration: P13M, third_party: true}\n")
	}
	b.WriteString("---\n")
	for s := range 8 {
		fmt.Fprintf(&b, "\n## Section %d\n\n", s+1)
		for p := range 3 {
			for w := range 75 {
				if w > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(synthWords[rng.IntN(len(synthWords))])
			}
			if s == 0 && p == 0 {
				fmt.Fprintf(&b, " revision %d", rev)
			}
			b.WriteString(".\n\n")
			if s < 2 && p == 1 {
				b.WriteString("| Record | Period | Reason |\n|---|---|---|\n")
				for r := range 5 {
					fmt.Fprintf(&b, "| %s | %d years | %s %s |\n", synthWords[rng.IntN(len(synthWords))], r+1, synthWords[rng.IntN(len(synthWords))], synthWords[rng.IntN(len(synthWords))])
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}
