package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Recipients and third-country transfers (Art 13(1)(e)–(f), Arts 44–49).

var _ = register(
	&Rule{
		ID:       "recipients.missing",
		Severity: Warning,
		Articles: []string{"Art 13(1)(e)", "Art 14(1)(e)"},
		Summary:  "The notice lists who receives the data (processors such as hosting and applicant-tracking providers count).",
		Check: func(c *Context) {
			if len(c.N.Recipients) == 0 {
				c.Report(notice.Path{"recipients"}, "no recipients are listed; almost every controller uses processors (hosting, email, applicant tracking)",
					"add recipients: [{name, role, country}], or suppress with lint.ignore and say why nobody receives the data")
			}
		},
	},
	&Rule{
		ID:       "recipients.unidentified",
		Severity: Error,
		Articles: []string{"Art 13(1)(e)", "Art 14(1)(e)"},
		Summary:  "Each recipient has a name or at least a category.",
		Check: func(c *Context) {
			for i, r := range c.N.Recipients {
				if strings.TrimSpace(r.Name) == "" && strings.TrimSpace(r.Category) == "" {
					c.Report(notice.Path{"recipients", i}, "a recipient has neither a name nor a category", "add name (preferred) or category")
				}
			}
		},
	},
	&Rule{
		ID:       "recipients.unnamed",
		Severity: Info,
		Articles: []string{"Art 13(1)(e)", "WP260 rev.01"},
		Summary:  "Recipients are named; WP260 treats naming as the default and categories as the exception. The controller's own teams (role: internal) are not recipients to name.",
		Check: func(c *Context) {
			for i, r := range c.N.Recipients {
				if r.Role == "internal" {
					continue // the controller's own team: no one to name
				}
				if strings.TrimSpace(r.Name) == "" && strings.TrimSpace(r.Category) != "" {
					c.Report(notice.Path{"recipients", i, "category"}, fmt.Sprintf("recipient category %q is not named", r.Category),
						"name the recipient, or give its sector and location with the category")
				}
			}
		},
	},
	&Rule{
		ID:       "transfer.statement-missing",
		Severity: Warning,
		Articles: []string{"Art 13(1)(f)", "Art 14(1)(f)"},
		Summary:  "The notice says whether data leaves the UK/EEA: transfers lists them, is an explicit [] for none, or the body says it.",
		Check: func(c *Context) {
			if c.N.Transfers == nil && !c.BodyContains(transferMentions...) {
				c.Report(notice.Path{"transfers"}, "the notice does not say whether data is transferred to third countries",
					"add transfers: [] if nothing leaves the "+homeArea(c.Law())+", or list each transfer with its safeguard")
			}
		},
	},
	&Rule{
		ID:       "transfer.mechanism-invalid",
		Severity: Error,
		Articles: []string{"Art 13(1)(f)", "Art 14(1)(f)", "Art 45", "Art 46"},
		Summary:  "Each transfer's safeguard is valid on the as-of date (Safe Harbor ended 6 Oct 2015, Privacy Shield 16 Jul 2020, old SCCs 27 Dec 2022 (EU) / 21 Mar 2024 (UK); DPF from 10 Jul 2023, UK Extension from 12 Oct 2023, IDTA/Addendum from 21 Mar 2022), and no transfer to the US claims a general adequacy decision.",
		Check: func(c *Context) {
			if c.N.Transfers == nil {
				return
			}
			law := c.Law()
			for i, t := range *c.N.Transfers {
				if t.Safeguard == "adequacy" && toUS(t.To) {
					dpf := "dpf"
					if law == "uk" {
						dpf = "uk_dpf_extension"
					}
					f, _ := fact(dpf, law)
					c.Report(notice.Path{"transfers", i, "safeguard"}, fmt.Sprintf("the transfer to %s claims an adequacy decision, but the US has none in general: %s covers only US organisations certified to it (from %s)", t.To, f.Name, f.ValidFrom),
						fmt.Sprintf("use safeguard: %s if the recipient is certified (check the DPF list), else %s with a copy", dpf, map[bool]string{true: "uk_idta or uk_addendum", false: "scc"}[law == "uk"]))
					continue
				}
				f, ok := mechanismFact(t.Safeguard, law)
				if !ok || f.Holds(c.AsOf) {
					continue
				}
				when := f.Event
				msg := fmt.Sprintf("the transfer to %s relies on %s, not valid on %s: %s", t.To, f.Name, c.AsOf.Format("2 Jan 2006"), when)
				c.Report(notice.Path{"transfers", i, "safeguard"}, msg, "use "+f.ReplacedBy+", and record the change in changes")
			}
		},
	},
	&Rule{
		ID:       "transfer.mechanism-wrong-law",
		Severity: Error,
		Articles: []string{"Art 13(1)(f)", "Art 46"},
		Summary:  "The safeguard belongs to the notice's law: UK exporters use the IDTA, the UK Addendum or the UK Extension; EU exporters the 2021 SCCs or the DPF.",
		Check: func(c *Context) {
			if c.N.Transfers == nil {
				return
			}
			law := c.Law()
			for i, t := range *c.N.Transfers {
				if fix := wrongLaw(t.Safeguard, law); fix != "" {
					c.Report(notice.Path{"transfers", i, "safeguard"}, fmt.Sprintf("%s is not a transfer tool under %s law", t.Safeguard, lawName(law)), fix)
				}
			}
		},
	},
	&Rule{
		ID:       "transfer.copy-missing",
		Severity: Error,
		Articles: []string{"Art 13(1)(f)", "Art 14(1)(f)"},
		Summary:  "A transfer under appropriate safeguards (SCCs, IDTA, Addendum, BCRs, codes, certification) says how to get a copy of them.",
		Check: func(c *Context) {
			if c.N.Transfers == nil {
				return
			}
			for i, t := range *c.N.Transfers {
				switch t.Safeguard {
				case "scc", "scc_2010", "uk_idta", "uk_addendum", "bcr", "code_of_conduct", "certification":
					if strings.TrimSpace(t.Copy) == "" {
						c.Report(notice.Path{"transfers", i, "safeguard"}, fmt.Sprintf("the transfer to %s relies on %s but does not say how to get a copy", t.To, t.Safeguard),
							`add copy: "…" (a URL, or "on request from dpo@…")`)
					}
				}
			}
		},
	},
	&Rule{
		ID:       "transfer.derogation-point-missing",
		Severity: Warning,
		Articles: []string{"Art 13(1)(f)", "Art 49(1)"},
		Summary:  "A transfer on an Art 49 derogation names the point relied on; derogations are for occasional transfers only.",
		Check: func(c *Context) {
			if c.N.Transfers == nil {
				return
			}
			for i, t := range *c.N.Transfers {
				if t.Safeguard == "derogation" && strings.TrimSpace(t.Derogation) == "" {
					c.Report(notice.Path{"transfers", i, "safeguard"}, fmt.Sprintf("the transfer to %s relies on a derogation without naming the Art 49(1) point", t.To),
						`add derogation: "49(1)(b)" (or the point relied on); for regular transfers use a safeguard instead`)
				}
			}
		},
	},
	&Rule{
		ID:       "transfer.undisclosed",
		Severity: Error,
		Articles: []string{"Art 13(1)(f)", "Art 14(1)(f)", "Art 44"},
		Summary:  "Every recipient outside the UK (UK notices) or the EEA (EU and Swedish notices) is covered by a transfer entry.",
		Check: func(c *Context) {
			law := c.Law()
			var ts []notice.Transfer
			if c.N.Transfers != nil {
				ts = *c.N.Transfers
			}
			for i, r := range c.N.Recipients {
				code, known := country(r.Country)
				if !known || inHomeArea(code, law) {
					continue
				}
				who := r.Name // as the fix below tells the author to write it
				if who == "" {
					who = r.Category
				}
				if coveredBy(ts, who, code) {
					continue
				}
				c.Report(notice.Path{"recipients", i, "country"}, fmt.Sprintf("recipient %q is in %s, outside the %s, but no transfer covers it", who, r.Country, homeArea(law)),
					fmt.Sprintf("add a transfers entry {to: %q, recipient: %q, safeguard: …, copy: …}", r.Country, who))
			}
		},
	},
)

var _ = register(&Rule{
	ID:       "transfer.country-unknown",
	Severity: Warning,
	Articles: []string{"Art 13(1)(f)", "Art 14(1)(f)"},
	Summary:  "A recipient's country is one the lint knows (an English or Swedish name, or an ISO code), so it can tell whether sharing with it is a transfer.",
	Check: func(c *Context) {
		for i, r := range c.N.Recipients {
			if strings.TrimSpace(r.Country) == "" {
				continue
			}
			if _, known := country(r.Country); !known {
				c.Report(notice.Path{"recipients", i, "country"}, fmt.Sprintf("the lint does not know the country %q, so it cannot tell whether sharing with this recipient is a transfer", r.Country),
					"write the country's English or Swedish name or its ISO 3166 code (SG, BR), one country per recipient; and if it is outside the UK or EEA, add a transfers entry")
			}
		}
	},
})

// toUS reports whether a transfer's destination names the United States.
func toUS(to string) bool {
	for _, part := range destinations(to) {
		if c, ok := country(part); ok && c == "US" {
			return true
		}
	}
	return false
}

// destinations splits a transfer's "to" into the places it names:
// "India, Japan, and United States" → India, Japan, United States. An
// "and" inside a part is kept: it belongs to names like "Trinidad and
// Tobago".
func destinations(to string) []string {
	parts := strings.FieldsFunc(to, func(r rune) bool { return r == ',' || r == ';' || r == '/' })
	for i, part := range parts {
		parts[i] = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(part), "and "), "och "))
	}
	return parts
}

// mechanismFact is the dated fact behind a safeguard under a law; ok is
// false for safeguards that do not expire (adequacy, BCRs, derogations)
// or that belong to another law (reported by transfer.mechanism-wrong-law).
func mechanismFact(s notice.Safeguard, law notice.Jurisdiction) (Fact, bool) {
	if wrongLaw(s, law) != "" {
		return Fact{}, false
	}
	switch s {
	case "privacy_shield", "safe_harbor", "scc_2010", "scc", "uk_idta", "uk_addendum", "dpf", "uk_dpf_extension":
		return fact(string(s), law)
	}
	return Fact{}, false
}

// wrongLaw returns the fix when a safeguard is not a tool of the law.
func wrongLaw(s notice.Safeguard, law notice.Jurisdiction) string {
	uk := law == "uk"
	switch {
	case uk && s == "scc":
		return "UK exporters use the 2021 EU clauses only with the UK Addendum: safeguard: uk_addendum (or uk_idta)"
	case uk && s == "dpf":
		return "UK exporters rely on the UK Extension to the DPF: safeguard: uk_dpf_extension (for US recipients certified to it)"
	case !uk && (s == "uk_idta" || s == "uk_addendum"):
		return "EU exporters use the 2021 standard contractual clauses: safeguard: scc"
	case !uk && s == "uk_dpf_extension":
		return "EU exporters rely on the EU-US Data Privacy Framework: safeguard: dpf"
	}
	return ""
}

func lawName(law notice.Jurisdiction) string {
	switch law {
	case "uk":
		return "UK"
	case "se":
		return "Swedish (EU)"
	}
	return "EU"
}

func homeArea(law notice.Jurisdiction) string {
	if law == "uk" {
		return "UK"
	}
	return "EEA"
}

var eea = []string{"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"}

func inHomeArea(code string, law notice.Jurisdiction) bool {
	if law == "uk" {
		return code == "GB"
	}
	return code == "EEA" || slices.Contains(eea, code)
}

// countryNames maps lower-case names (English and Swedish) to ISO codes.
var countryNames = map[string]string{
	"uk": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB", "storbritannien": "GB", "gb": "GB",
	"us": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states": "US", "united states of america": "US", "the united states": "US",
	"sweden": "SE", "sverige": "SE", "ireland": "IE", "irland": "IE", "germany": "DE", "tyskland": "DE", "netherlands": "NL", "the netherlands": "NL", "nederländerna": "NL",
	"france": "FR", "frankrike": "FR", "denmark": "DK", "danmark": "DK", "norway": "NO", "norge": "NO", "finland": "FI", "belgium": "BE", "belgien": "BE",
	"spain": "ES", "spanien": "ES", "italy": "IT", "italien": "IT", "poland": "PL", "polen": "PL", "austria": "AT", "österrike": "AT", "luxembourg": "LU",
	"india": "IN", "indien": "IN", "malaysia": "MY", "china": "CN", "kina": "CN", "canada": "CA", "kanada": "CA", "australia": "AU", "australien": "AU",
	"switzerland": "CH", "schweiz": "CH", "japan": "JP", "israel": "IL", "new zealand": "NZ", "philippines": "PH", "filippinerna": "PH", "south africa": "ZA", "sydafrika": "ZA",
	"eea": "EEA", "ees": "EEA", "eu": "EEA", "eu/eea": "EEA", "eu/ees": "EEA", "european union": "EEA", "europeiska unionen": "EEA",
	// The rest of the EEA, so a UK notice sees a transfer to any of it.
	"bulgaria": "BG", "bulgarien": "BG", "croatia": "HR", "kroatien": "HR", "cyprus": "CY", "czech republic": "CZ", "czechia": "CZ", "tjeckien": "CZ",
	"estonia": "EE", "estland": "EE", "greece": "GR", "grekland": "GR", "hungary": "HU", "ungern": "HU", "latvia": "LV", "lettland": "LV",
	"lithuania": "LT", "litauen": "LT", "malta": "MT", "portugal": "PT", "romania": "RO", "rumänien": "RO", "slovakia": "SK", "slovakien": "SK",
	"slovenia": "SI", "slovenien": "SI", "iceland": "IS", "island": "IS", "liechtenstein": "LI",
	// Third countries recipients are often in.
	"singapore": "SG", "hong kong": "HK", "brazil": "BR", "brasilien": "BR", "south korea": "KR", "sydkorea": "KR", "korea": "KR",
	"mexico": "MX", "argentina": "AR", "chile": "CL", "colombia": "CO", "uruguay": "UY", "turkey": "TR", "türkiye": "TR", "turkiet": "TR",
	"united arab emirates": "AE", "uae": "AE", "förenade arabemiraten": "AE", "ukraine": "UA", "ukraina": "UA", "russia": "RU", "ryssland": "RU",
	"serbia": "RS", "serbien": "RS", "egypt": "EG", "egypten": "EG", "nigeria": "NG", "kenya": "KE", "pakistan": "PK", "bangladesh": "BD",
	"sri lanka": "LK", "vietnam": "VN", "thailand": "TH", "indonesia": "ID", "indonesien": "ID", "taiwan": "TW", "andorra": "AD",
	"faroe islands": "FO", "färöarna": "FO", "guernsey": "GG", "jersey": "JE", "isle of man": "IM", "monaco": "MC",
}

// country normalises a country name or ISO code; known is false when the
// text names no country the table knows.
func country(s string) (code string, known bool) {
	k := strings.ToLower(strings.TrimSpace(s))
	if k == "" {
		return "", false
	}
	if c, ok := countryNames[k]; ok {
		return c, true
	}
	if len(k) == 2 && k[0] >= 'a' && k[0] <= 'z' && k[1] >= 'a' && k[1] <= 'z' {
		return strings.ToUpper(k), true
	}
	return "", false
}

// coveredBy reports whether a transfer names the recipient (by its name,
// or its category when it has no name), or names no recipient but the
// recipient's country.
func coveredBy(ts []notice.Transfer, name, code string) bool {
	for _, t := range ts {
		// A transfer naming its recipient covers that recipient only.
		if strings.TrimSpace(t.Recipient) != "" {
			if name != "" && strings.EqualFold(strings.TrimSpace(t.Recipient), strings.TrimSpace(name)) {
				return true
			}
			continue
		}
		for _, part := range destinations(t.To) {
			if c, ok := country(part); ok && c == code {
				return true
			}
		}
	}
	return false
}

// transferMentions are what a body says when it speaks of third-country
// transfers; a notice saying it in prose has made its statement (whether
// the statement is complete is for the other transfer rules).
var transferMentions = []string{"outside the uk", "outside of the uk", "outside the eea", "outside of the eea", "outside the eu", "outside of the eu", "outside the european",
	"third countr", "international transfer", "transfer your data abroad", "transferred abroad", "transfer your personal data abroad", "transfers abroad", "overseas",
	"utanför eu", "utanför ees", "utanför eu/ees", "tredjeland", "utanför europa", "överföring till land"}
