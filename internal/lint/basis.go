package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Purposes and lawful bases (Art 13(1)(c)–(d), Art 6), consent
// withdrawal (Art 13(2)(c), Art 7(3)) and the rights channel (Art 12(2)).

var _ = register(
	&Rule{
		ID:       "basis.missing",
		Severity: Error,
		Articles: []string{"Art 13(1)(c)", "Art 14(1)(c)", "Art 6(1)"},
		Summary:  "The notice lists its purposes, and each purpose has a lawful basis.",
		Check: func(c *Context) {
			if len(c.N.Purposes) == 0 {
				c.Report(notice.Path{"purposes"}, "the notice lists no purposes",
					`add purposes: [{name: "…", basis: contract|legal_obligation|public_task|legitimate_interests|consent|vital_interests}]`)
			}
			for i, p := range c.N.Purposes {
				if len(p.Claims()) == 0 {
					c.Report(notice.Path{"purposes", i}, fmt.Sprintf("purpose %q has no lawful basis", p.Name),
						"add basis: the Art 6(1) basis this purpose relies on, decided before the processing starts")
				}
			}
		},
	},
	&Rule{
		ID:       "basis.law-missing",
		Severity: Warning,
		Articles: []string{"Art 13(1)(c)", "Art 6(3)"},
		Summary:  "A purpose relying on legal_obligation or public_task names the law that sets the obligation or task.",
		Check: func(c *Context) {
			for i, p := range c.N.Purposes {
				for _, b := range p.Claims() {
					if (b.Basis == notice.LegalObligation || b.Basis == notice.PublicTask) && strings.TrimSpace(b.Law) == "" {
						c.Report(notice.Path{"purposes", i, "basis"}, fmt.Sprintf("purpose %q relies on %s (Art %s) without naming the law", p.Name, b.Basis, b.Basis.Article()),
							`add law: "…" citing the Act and section, e.g. "Immigration, Asylum and Nationality Act 2006, s.15"`)
					}
				}
			}
		},
	},
	&Rule{
		ID:       "basis.law-invalid",
		Severity: Error,
		Articles: []string{"Art 13(1)(c)", "Art 6(1)", "Art 6(3)"},
		Summary:  "The law cited for legal_obligation or public_task is a law, not an internal policy, guidance or code of practice.",
		Check: func(c *Context) {
			for i, p := range c.N.Purposes {
			claims:
				for _, b := range p.Claims() {
					if b.Basis != notice.LegalObligation && b.Basis != notice.PublicTask {
						continue
					}
					law := strings.ToLower(b.Law)
					for _, w := range []string{"policy", "policies", "code of practice", "guidance", "best practice", "policyn", "riktlinje", "rutin"} {
						if strings.Contains(law, w) && !looksLikeStatute(law) {
							c.Report(notice.Path{"purposes", i, "law"}, fmt.Sprintf("purpose %q cites %q, which is not a law: Art 6(3) needs the basis laid down by Union or member state law", p.Name, b.Law),
								"cite the statute (Act, regulation, SFS number); if none applies, choose the basis that does (contract, legitimate_interests with the interest stated)")
							break claims
						}
					}
				}
			}
		},
	},
	&Rule{
		ID:       "li.interest-missing",
		Severity: Error,
		Articles: []string{"Art 13(1)(d)", "Art 14(2)(b)"},
		Summary:  "Each legitimate_interests purpose states the interest pursued.",
		Check: func(c *Context) {
			for i, p := range c.N.Purposes {
				if b, ok := p.Claim(notice.LegitimateInterests); ok && strings.TrimSpace(b.Interest) == "" {
					c.Report(notice.Path{"purposes", i, "basis"}, fmt.Sprintf("purpose %q relies on legitimate interests without saying which interest", p.Name),
						`add interest: "…" naming the specific interest, e.g. "keeping our network secure"; say the balancing test is available on request`)
				}
			}
		},
	},
	&Rule{
		ID:       "li.public-authority",
		Severity: Error,
		Articles: []string{"Art 6(1) final subparagraph", "Art 13(1)(c)"},
		Summary:  "A public authority does not rely on legitimate interests for processing in the performance of its tasks.",
		Check: func(c *Context) {
			if !c.N.Controller.PublicAuthority {
				return
			}
			for i, p := range c.N.Purposes {
				if p.Has(notice.LegitimateInterests) {
					c.Report(notice.Path{"purposes", i, "basis"}, fmt.Sprintf("purpose %q relies on legitimate interests, which a public authority cannot use for its tasks", p.Name),
						fmt.Sprintf("use public_task (with the law), contract or legal_obligation; if the processing is truly outside the authority's tasks, suppress it for this purpose only: lint.ignore: [{rule: li.public-authority, field: \"purposes[%d]\", why: …}]", i))
				}
			}
		},
	},
	&Rule{
		ID:       "basis.consent-imbalance",
		Severity: Warning,
		Articles: []string{"Art 6(1)(a)", "Art 7(4)", "Recital 43", "EDPB Guidelines 05/2020 § 21"},
		Summary:  "Consent is not the basis for employment or recruitment (staff, personnel, payroll, HR, applicants; anställda, personal, rekrytering, lön), by any employer: the employer holds the power, so consent is rarely freely given.",
		Check: func(c *Context) {
			agency := -1 // unknown until a recruitment purpose needs it
			isAgencyOnce := func() bool {
				if agency < 0 {
					agency = 0
					if isAgency(c) {
						agency = 1
					}
				}
				return agency == 1
			}
			for i, p := range c.N.Purposes {
				if !p.Has(notice.Consent) {
					continue
				}
				text := lower([]byte(p.Name))
				if w := employmentWord(c, text, isAgencyOnce); w != "" {
					who := "an employer"
					if c.N.Controller.PublicAuthority {
						who = "a public authority deciding on jobs"
					}
					c.Report(notice.Path{"purposes", i, "basis"}, fmt.Sprintf("purpose %q (%q) relies on consent, but %s holds the power over applicants and staff: consent is unlikely to be freely given", p.Name, w, who),
						"use the basis that fits the processing (pre-contract steps and the employment contract under contract, legal_obligation with the law, public_task) and keep consent for truly optional extras")
				}
			}
		},
	},
	&Rule{
		ID:       "consent.withdraw-missing",
		Severity: Error,
		Articles: []string{"Art 13(2)(c)", "Art 14(2)(d)", "Art 7(3)"},
		Summary:  "Where consent is a basis (Art 6(1)(a) or 9(2)(a)), the notice says how to withdraw it.",
		Check: func(c *Context) {
			if strings.TrimSpace(c.N.Rights.Withdraw) != "" {
				return
			}
			for i, p := range c.N.Purposes {
				if p.Has(notice.Consent) {
					c.Report(notice.Path{"purposes", i, "basis"}, fmt.Sprintf("purpose %q relies on consent but rights.withdraw does not say how to withdraw it", p.Name),
						`add rights.withdraw: "…" saying how, as easily as consent was given (a link in every email, the cookie settings link, an address)`)
					return
				}
			}
			for i, d := range c.N.Data {
				for _, a := range d.Art9 {
					if a == "9(2)(a)" {
						c.Report(notice.Path{"data", i, "art9"}, fmt.Sprintf("data %q relies on explicit consent (Art 9(2)(a)) but rights.withdraw does not say how to withdraw it", d.ID),
							`add rights.withdraw: "…" saying how to withdraw consent`)
						return
					}
				}
			}
		},
	},
	&Rule{
		ID:       "rights.channel-missing",
		Severity: Error,
		Articles: []string{"Art 12(2)", "Art 13(2)(b)", "Art 14(2)(c)"},
		Summary:  "There is somewhere to send rights requests: rights, the DPO's or the controller's email, web form or address.",
		Check: func(c *Context) {
			email, url, addr := c.N.RightsChannel()
			if email == "" && url == "" && addr == "" {
				c.Report(notice.Path{"rights"}, "no email, web form or postal address is given for exercising rights",
					"add rights.email or rights.url (or a dpo or controller email)")
			}
		},
	},
)

// staffStems mark a purpose about the controller's own staff, in English
// and Swedish, matched at the start of a word ("hr" as a whole word): whoever the controller is,
// it is then the employer. "personal" is Swedish for staff but English for
// personal data, so it counts in Swedish notices only.
var staffStems = newWordSet(2, "hr", "employment", "employee", "staff", "personnel", "payroll", "human resources", "workforce", "onboard", "salar", "wage",
	"anställning", "anställd", "lön", "medarbetar", "arbetstagar")

// recruitStems mark recruitment: the controller is the employer unless it
// recruits for others (an agency), and always when it is an authority.
var recruitStems = newWordSet(0, "recruit", "job", "applica", "candidate", "rekryter", "ansökan", "ansökn", "kandidat", "tjänst")

// optionalExtras mark purposes consent suits even for an employer.
var optionalExtras = newWordSet(0, "newsletter", "alert", "bevakning", "marketing", "event", "survey", "nyhetsbrev", "marknadsför", "evenemang", "enkät")

// agencyWords mark a controller that recruits or supplies staff for
// others: candidates' consent to being kept on its books is not the
// employer's power over its own staff.
var agencyWords = []string{"agency", "agencies", "staffing", "work-finding", "recruitment business", "recruitment consultancy", "bemanning", "rekryteringsföretag", "rekryteringsbolag", "personaluthyrning"}

// employmentWord returns the stem that marks a purpose (lower case) as
// about employment or recruitment by the controller itself, or "".
// agency is asked only when a recruitment word decides, as it reads the
// body.
func employmentWord(c *Context, text string, agency func() bool) string {
	if optionalExtras.first(text) != "" {
		return ""
	}
	if w := staffStems.first(text); w != "" {
		return w
	}
	if c.N.Lang == "sv" && wordStart(text, "personal") {
		return "personal"
	}
	if w := recruitStems.first(text); w != "" && (c.N.Controller.PublicAuthority || !agency()) {
		return w
	}
	return ""
}

// isAgency reports whether the notice's controller recruits or supplies
// staff for others, by its name, title or body.
func isAgency(c *Context) bool {
	who := strings.ToLower(c.N.Controller.Name + " " + c.N.Controller.TradingName + " " + c.N.Title + " " + c.N.Summary)
	return containsAny(who, agencyWords...) || c.BodyContains(agencyWords...)
}

var sfsNumber = regexp.MustCompile(`\b(19|20)\d\d:\d+\b`)

// schedule1 matches a citation of DPA 2018 Schedule 1 ("Sch 1",
// "sch. 1", "Schedule 1"), lower-cased; not any word starting "sch".
var schedule1 = regexp.MustCompile(`\bsch(?:edule|\.)?\s*1\b`)

func looksLikeStatute(lower string) bool {
	return containsWord(lower, "act") || containsAny(lower, "regulations", "förordning", "lag (", "lagen", "directive") || sfsNumber.MatchString(lower)
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
