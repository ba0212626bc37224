package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Special-category and criminal-offence data (Arts 9 and 10, DPA 2018
// s.10 and Sch 1, förordning 2018:219), personnummer (dataskyddslagen
// 3 kap. 10 §).

// art9List names the Art 9(1) categories, in English and Swedish.
var art9List = []string{"health", "medical", "disabilit", "ethnic", "racial", "race", "religio", "belief", "philosophical", "trade union", "sex life", "sexual orientation", "genetic", "biometric", "political",
	"hälsa", "medicinsk", "funktionsneds", "etnisk", "ras", "religi", "övertygelse", "fackl", "sexualliv", "sexuell läggning", "genetisk", "biometrisk", "politisk"}

// art9Words finds them in a text.
var art9Words = newWordSet(4, art9List...)

// equalityWords are protected characteristics that are not Art 9(1) data.
var equalityWords = newWordSet(4, "age", "marital", "marriage", "civil partnership", "pregnancy", "maternity", "gender reassignment", "sex", "ålder", "civilstånd", "graviditet", "föräldraledig", "kön")

// criminalWords name criminal-offence data (Art 10).
var criminalWords = newWordSet(4, "criminal", "conviction", "offence", "dbs", "disclosure and barring", "barred list", "caution", "police record", "belastningsregist", "brott", "lagöverträdelse", "förundersökning")

// familyWords name relatives and partners: data about them (who they are,
// how to reach them) is not Art 9(1) data.
var familyWords = newWordSet(4, "partner", "spouse", "husband", "wife", "dependant", "dependent", "next of kin", "emergency contact", "sambo", "make", "maka", "närstående", "anhörig", "make/maka")

// dataText is data category i's id, name and examples, lower-cased, made
// once per notice for the rules that read them.
func (c *Context) dataText(i int) string {
	if c.data == nil {
		c.data = make([]string, len(c.N.Data))
		for j, d := range c.N.Data {
			c.data[j] = strings.ToLower(d.ID + " " + d.Name + " " + strings.Join(d.Examples, " "))
		}
	}
	return c.data[i]
}

// dataItems are what a category names: each example, or its name when it
// gives none. Rules classify each item on its own, so one criminal item in
// a list of Art 9 items is still seen.
func dataItems(d notice.DataCategory) []string {
	if len(d.Examples) == 0 {
		return []string{strings.ToLower(d.Name)}
	}
	items := make([]string, len(d.Examples))
	for i, e := range d.Examples {
		items[i] = strings.ToLower(e)
	}
	return items
}

// dataKinds sorts a category's items: those about criminal convictions or
// offences (and nothing of Art 9), those of an Art 9(1) category, and those
// that are neither but are often taken for it (Equality Act characteristics,
// relatives and partners).
func dataKinds(d notice.DataCategory) (criminal, art9, notArt9 []string) {
	for _, it := range dataItems(d) {
		switch {
		case hasAnyWord(it, art9Words):
			art9 = append(art9, it)
		case hasAnyWord(it, criminalWords):
			criminal = append(criminal, it)
		case hasAnyWord(it, equalityWords) || hasAnyWord(it, familyWords):
			notArt9 = append(notArt9, it)
		}
	}
	return criminal, art9, notArt9
}

// onlyCriminal reports whether every item of a category is criminal-offence
// data: Art 9 advice does not apply to it (criminal.mislabelled says what does).
func onlyCriminal(d notice.DataCategory) bool {
	crim, art9, _ := dataKinds(d)
	return len(crim) > 0 && len(art9) == 0 && len(crim) == len(dataItems(d))
}

// art9NeedsSch1 are the Art 9(2) points that DPA 2018 s.10 ties to a
// Schedule 1 condition in the UK.
var art9NeedsSch1 = []notice.Art9{"9(2)(b)", "9(2)(g)", "9(2)(h)", "9(2)(i)", "9(2)(j)"}

var _ = register(
	&Rule{
		ID:       "special.art9-missing",
		Severity: Error,
		Articles: []string{"Art 9(2)", "Art 13(1)(c)"},
		Summary:  "Special-category data (special: true) names the Art 9(2) condition relied on.",
		Check: func(c *Context) {
			for i, d := range c.N.Data {
				if d.Special && len(d.Art9) == 0 && !onlyCriminal(d) && !c.N.PurposesCondition(d.ID, func(p notice.Purpose) bool { return len(p.Art9) > 0 }) {
					msg := fmt.Sprintf("data %q is special-category data with no Art 9(2) condition", d.Name)
					if crim, _, _ := dataKinds(d); len(crim) > 0 {
						// Art 9 conditions are for the Art 9 items only.
						msg += fmt.Sprintf(" (for its Art 9 items; %s %s criminal-offence data, which needs an Art 10 ground instead)", quoteList(crim), isAre(len(crim)))
					}
					c.Report(notice.Path{"data", i, "special"}, msg,
						`add art9: ["9(2)(b)"] (employment), ["9(2)(h)"] (occupational health) or the point that applies; if the data is only shared anonymised, say so and drop special`)
				}
			}
		},
	},
	&Rule{
		ID:       "special.uk-dpa-missing",
		Severity: Error,
		Articles: []string{"Art 9(2)", "DPA 2018 s.10", "DPA 2018 Sch 1"},
		Summary:  "In the UK, special-category data under Art 9(2)(b), (g), (h), (i) or (j) also names its DPA 2018 Schedule 1 condition.",
		Check: func(c *Context) {
			if c.Law() != "uk" {
				return
			}
			for i, d := range c.N.Data {
				if !d.Special || len(d.UKDPA) > 0 || onlyCriminal(d) {
					continue
				}
				need := len(d.Art9) == 0
				for _, a := range d.Art9 {
					if slices.Contains(art9NeedsSch1, a) {
						need = true
					}
				}
				if need {
					c.Report(notice.Path{"data", i, "special"}, fmt.Sprintf("data %q is special-category data with no DPA 2018 Schedule 1 condition", d.Name),
						`add uk_dpa2018: ["Sch 1 Pt 1 para 1"] (employment) or the condition that applies, and reference the appropriate policy document`)
				}
			}
		},
	},
	&Rule{
		ID:       "special.apd-missing",
		Severity: Info,
		Articles: []string{"DPA 2018 Sch 1 Pt 4", "DPA 2018 Sch 1 para 1(1)(b)", "DPA 2018 Sch 1 para 5"},
		Summary:  "A UK notice relying on a Schedule 1 condition that needs an appropriate policy document (Part 1 para 1, Part 2) says the document exists.",
		Check: func(c *Context) {
			if c.Law() != "uk" || c.BodyContains("appropriate policy") {
				return
			}
			for i, d := range c.N.Data {
				conds := strings.ToLower(strings.Join(d.UKDPA, " ") + " " + d.Art10)
				if strings.Contains(conds, "appropriate policy") {
					return
				}
				if containsAny(conds, "pt 1 para 1", "part 1 para 1", "part 1 paragraph 1", "pt 2", "part 2") && !containsAny(conds, "para 10", "para 11", "para 12", "para 13", "para 14", "para 15", "para 16", "para 17", "para 18", "para 19") {
					c.Report(notice.Path{"data", i, "uk_dpa2018"}, fmt.Sprintf("data %q relies on a Schedule 1 condition that needs an appropriate policy document, which the notice does not mention", d.Name),
						"say that an appropriate policy document is in place and how to get it (a link, or on request from the DPO)")
					return
				}
			}
		},
	},
	&Rule{
		ID:       "special.not-art9-category",
		Severity: Error,
		Articles: []string{"Art 9(1)"},
		Summary:  "Only Art 9(1) data is marked special: age, marital status, pregnancy or gender reassignment (Equality Act characteristics) and partners, sambo or dependants are not special categories. Each example is judged on its own.",
		Check: func(c *Context) {
			for i, d := range c.N.Data {
				if !d.Special {
					continue
				}
				if _, _, not := dataKinds(d); len(not) > 0 {
					c.Report(notice.Path{"data", i, "special"}, fmt.Sprintf("data %q is marked special but %s %s not Art 9(1) data", d.Name, quoteList(not), isAre(len(not))),
						"move those items to an ordinary category with its own basis (special: false), and keep in the special category only health, ethnic origin, religion or belief, trade union membership, sex life or orientation, genetic, biometric or political data")
				}
			}
		},
	},
	&Rule{
		ID:       "criminal.mislabelled",
		Severity: Warning,
		Articles: []string{"Art 10", "Art 9(1)"},
		Summary:  "Criminal-offence data (convictions, offences, DBS checks, belastningsregister, förundersökningar) is marked criminal: true, not special and not ordinary data: it falls under Art 10, not Art 9. Each example is judged on its own, so a criminal item inside a list of special categories is found.",
		Check: func(c *Context) {
			for i, d := range c.N.Data {
				if d.Criminal {
					continue
				}
				if !hasAnyWord(c.dataText(i), criminalWords) {
					continue // most categories: one pass over the whole text
				}
				var crim []string
				for _, it := range dataItems(d) {
					if hasAnyWord(it, criminalWords) && !hasAnyWord(it, art9Words) {
						crim = append(crim, it)
					}
				}
				if len(crim) == 0 {
					continue
				}
				where, fix := "an ordinary category", "put them in their own category with criminal: true and the Art 10 ground in art10"
				if d.Special {
					where, fix = "a special category", "move them out of the special category into their own with criminal: true and the Art 10 ground in art10; Art 9 conditions do not cover them"
				}
				c.Report(notice.Path{"data", i}, fmt.Sprintf("data %q lists %s, criminal-offence data (Art 10), as %s", d.Name, quoteList(crim), where), fix)
			}
		},
	},
	&Rule{
		ID:       "criminal.ground-missing",
		Severity: Error,
		Articles: []string{"Art 10"},
		Summary:  "Criminal-offence data (criminal: true) names the law or authority that allows it (art10).",
		Check: func(c *Context) {
			for i, d := range c.N.Data {
				if d.Criminal && strings.TrimSpace(d.Art10) == "" && !c.N.PurposesCondition(d.ID, func(p notice.Purpose) bool { return strings.TrimSpace(p.Art10) != "" }) {
					fix := `add art10: "…" citing the ground`
					switch c.Law() {
					case "uk":
						fix = `add art10: "DPA 2018 Sch 1 Pt 1 para 1" (employment) or the Schedule 1 condition that applies, with the check level`
					case "se":
						fix = `add art10: "förordning (2018:219) 5 §" or the IMY regulation (DIFS 2018:2) that allows it; as a rule only authorities may process such data`
					}
					c.Report(notice.Path{"data", i, "criminal"}, fmt.Sprintf("data %q is criminal-offence data with no Art 10 ground", d.Name), fix)
				}
			}
		},
	},
	&Rule{
		ID:       "criminal.ground-invalid",
		Severity: Error,
		Articles: []string{"Art 10", "DPA 2018 s.10(5)", "DPA 2018 Sch 1", "förordning (2018:219) 5 §"},
		Summary:  "The Art 10 ground fits the law: in the UK a DPA 2018 Schedule 1 condition; in Sweden a statute (e.g. förordning 2018:219 5 §) or IMY regulation (DIFS 2018:2), unless the controller is an authority.",
		Check: func(c *Context) {
			for i, d := range c.N.Data {
				g := strings.ToLower(d.Art10)
				if !d.Criminal || g == "" {
					continue
				}
				switch c.Law() {
				case "uk":
					if !schedule1.MatchString(g) && len(d.UKDPA) == 0 {
						c.Report(notice.Path{"data", i, "art10"}, fmt.Sprintf("data %q cites %q, which is not a DPA 2018 Schedule 1 condition", d.Name, d.Art10),
							`cite the condition, e.g. art10: "DPA 2018 Sch 1 Pt 1 para 1" or "Sch 1 Pt 2 para 6(2)(a)"`)
					}
				case "se":
					if !c.N.Controller.PublicAuthority && !containsAny(g, "2018:219", "difs", "imyfs") && !sfsNumber.MatchString(g) {
						c.Report(notice.Path{"data", i, "art10"}, fmt.Sprintf("data %q cites %q; in Sweden only authorities may process criminal-offence data unless a statute or IMY regulation allows it", d.Name, d.Art10),
							`cite the ground: förordning (2018:219) 5 § (legal claims, legal obligation), DIFS 2018:2, or the act (with SFS number) that requires the check`)
					}
				}
			}
		},
	},
	&Rule{
		ID:       "se.public-access-unstated",
		Severity: Info,
		Articles: []string{"Art 86", "TF 2 kap."},
		Summary:  "A Swedish public authority tells people that personal data in official documents may be released under offentlighetsprincipen.",
		Check: func(c *Context) {
			if c.Law() != "se" || !c.N.Controller.PublicAuthority {
				return
			}
			if !c.BodyContains("offentlighetsprincip", "allmän handling", "allmänna handlingar", "public access to official documents", "official document") {
				c.Report(notice.Path{"controller", "public_authority"}, "a Swedish public authority's notice does not mention that official documents may be released (offentlighetsprincipen)",
					"add a sentence: personal data in allmänna handlingar may be released on request under Tryckfrihetsförordningen 2 kap., subject to secrecy (offentlighets- och sekretesslagen)")
			}
		},
	},
	&Rule{
		ID:       "se.personnummer-justification-missing",
		Severity: Warning,
		Articles: []string{"dataskyddslagen (2018:218) 3 kap. 10 §", "Art 87"},
		Summary:  "A Swedish notice that collects personnummer says why it is clearly justified (personnummer:).",
		Check: func(c *Context) {
			if c.Law() != "se" || strings.TrimSpace(c.N.Personnummer) != "" {
				return
			}
			for i, d := range c.N.Data {
				text := c.dataText(i)
				if containsAny(text, "personnummer", "personal identity number", "samordningsnummer") {
					c.Report(notice.Path{"data", i}, fmt.Sprintf("data %q includes personnummer but the notice does not say why it is needed", d.Name),
						`add personnummer: "…" saying why it is clearly justified (e.g. secure identification for payroll and tax reporting)`)
					return
				}
			}
		},
	},
)

// wordSet is a list of words (or stems) to find at word starts, indexed
// by first byte: one pass over a text's word starts, comparing only the
// words that start with that byte, is cheaper than searching the text once
// per word. Words of more than whole bytes match as prefixes (stems), the
// others only as whole words.
type wordSet struct {
	byFirst [256][]string
	whole   int
}

func newWordSet(whole int, words ...string) *wordSet {
	ws := &wordSet{whole: whole}
	for _, w := range words {
		ws.byFirst[w[0]] = append(ws.byFirst[w[0]], w)
	}
	return ws
}

// first returns the first word of the set found in text, or "".
func (ws *wordSet) first(text string) string {
	for i := 0; i < len(text); i++ {
		if i > 0 && isWordByte(text[i-1]) {
			continue
		}
		for _, w := range ws.byFirst[text[i]] {
			if !strings.HasPrefix(text[i:], w) {
				continue
			}
			if end := i + len(w); len(w) > ws.whole || end == len(text) || !isWordByte(text[end]) {
				return w
			}
		}
	}
	return ""
}

// hasAnyWord reports whether text contains a word of the set.
func hasAnyWord(text string, ws *wordSet) bool { return ws.first(text) != "" }

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, it := range items {
		q[i] = fmt.Sprintf("%q", it)
	}
	return strings.Join(q, ", ")
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
