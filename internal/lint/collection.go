package lint

import (
	"fmt"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// How data is collected: the Art 13(2)(e) requirement statement, the
// Art 14 extras when data comes from elsewhere, and automated decisions
// (Art 13(2)(f), Art 22).

var _ = register(
	&Rule{
		ID:       "provision.requirement-missing",
		Severity: Error,
		Articles: []string{"Art 13(2)(e)"},
		Summary:  "The notice says whether giving the data is a statutory or contractual requirement, whether it is obligatory, and what happens if it is not given.",
		Check: func(c *Context) {
			switch {
			case c.N.Requirements == nil:
				c.Report(notice.Path{"requirements"}, "the notice does not say which data people must give and what happens if they do not",
					`add requirements: [{data: [...], kind: statutory|contractual|pre_contract|voluntary, consequence: "…"}] (right-to-work checks are statutory)`)
			case len(c.N.Requirements) == 0:
				// Unlike transfers: [], an empty list says nothing here:
				// even data nobody must give is to be called voluntary.
				c.Report(notice.Path{"requirements"}, "requirements is empty, but the notice must say whether people have to give their data even when they do not",
					`say it: requirements: [{data: [...], kind: voluntary, consequence: "…"}], or the kind that applies (statutory, contractual, pre_contract)`)
			}
		},
	},
	&Rule{
		ID:       "provision.law-missing",
		Severity: Warning,
		Articles: []string{"Art 13(2)(e)"},
		Summary:  "A statutory requirement names the law that imposes it.",
		Check: func(c *Context) {
			for i, r := range c.N.Requirements {
				if r.Kind == "statutory" && strings.TrimSpace(r.Law) == "" {
					c.Report(notice.Path{"requirements", i, "kind"}, "a statutory requirement does not name the law",
						`add law: "…", e.g. "Immigration, Asylum and Nationality Act 2006"`)
				}
			}
		},
	},
	&Rule{
		ID:       "adm.statement-missing",
		Severity: Warning,
		Articles: []string{"Art 13(2)(f)", "Art 14(2)(g)", "Art 22"},
		Summary:  "The notice says whether there is automated decision-making, including profiling: a list, or an explicit [] for none.",
		Check: func(c *Context) {
			if c.N.AutomatedDecisions == nil {
				c.Report(notice.Path{"automated_decisions"}, "the notice does not say whether decisions are automated (matching, screening, psychometric tests)",
					"add automated_decisions: [] if no decision is automated, or describe each with what, logic, effect and human_review")
			}
		},
	},
	&Rule{
		ID:       "adm.logic-vague",
		Severity: Warning,
		Articles: []string{"Art 13(2)(f)", "Art 14(2)(g)", "Art 22"},
		Summary:  "Each automated decision's logic says what it is based on (the answers, criteria, scores or rules), not just that it is automated.",
		Check: func(c *Context) {
			if c.N.AutomatedDecisions == nil {
				return
			}
			for i, d := range *c.N.AutomatedDecisions {
				l := strings.ToLower(d.Logic)
				if !containsAny(l, "based on", "according to", "criteria", "criterion", "score", "answer", "rule", "compare", "match", "threshold", "if ", "when ", "weigh",
					"baserat på", "utifrån", "kriteri", "poäng", "svar", "regel", "jämför", "matcha", "tröskel", "om ", "när ") {
					c.Report(notice.Path{"automated_decisions", i, "logic"}, fmt.Sprintf("the logic of %q does not say what the decision is based on", d.What),
						`explain the logic in plain words: which data it uses and how it decides (e.g. "your answers are compared with the fitness criteria for the role")`)
				}
			}
		},
	},
	&Rule{
		ID:       "adm.review-unstated",
		Severity: Info,
		Articles: []string{"Art 13(2)(f)", "Art 14(2)(g)", "Art 22(3)"},
		Summary:  "Each automated decision says whether a person reviews it or can be asked to: for decisions Art 22(2)(a) or (c) allows, Art 22(3) gives the right to human intervention. Left out, the page says neither.",
		Check: func(c *Context) {
			if c.N.AutomatedDecisions == nil {
				return
			}
			for i, d := range *c.N.AutomatedDecisions {
				if !d.HumanReviewStated {
					c.Report(notice.Path{"automated_decisions", i}, fmt.Sprintf("%q does not say whether a person reviews the decision or can be asked to", d.What),
						"add human_review: true if a person reviews it or can be asked to, or human_review: false")
				}
			}
		},
	},
	&Rule{
		ID:       "sources.missing",
		Severity: Warning,
		Articles: []string{"Art 14(2)(f)", "Art 14(1)(d)"},
		Summary:  "A notice covering data that usually comes from others (references, criminal-record checks, occupational health reports) lists its sources.",
		Check: func(c *Context) {
			if c.N.FromOthers() {
				return
			}
			for i, d := range c.N.Data {
				text := c.dataText(i)
				if d.Criminal || containsAny(text, "reference", "referee", "background check", "occupational health", "referens", "belastningsregist", "företagshälsovård") {
					c.Report(notice.Path{"data", i}, fmt.Sprintf("data %q usually comes from someone other than the person, but the notice lists no sources", d.Name),
						`add sources: [{name: "Referees", public: false, data: [...]}] for each source (Art 14 applies to that data)`)
					return
				}
			}
		},
	},
	&Rule{
		ID:       "sources.categories-missing",
		Severity: Error,
		Articles: []string{"Art 14(1)(d)"},
		Summary:  "A notice covering data from other sources lists the categories of data (data).",
		Check: func(c *Context) {
			if c.N.FromOthers() && len(c.N.Data) == 0 {
				c.Report(notice.Path{"sources"}, "data is obtained from other sources but the notice lists no categories of data",
					`add data: [{id, name}] for each category, and list the ids each source provides in sources[].data`)
			}
		},
	},
	&Rule{
		ID:       "sources.data-missing",
		Severity: Warning,
		Articles: []string{"Art 14(1)(d)", "Art 14(2)(f)"},
		Summary:  "Each source says which categories of data come from it.",
		Check: func(c *Context) {
			for i, s := range c.N.Sources {
				if len(s.Data) == 0 && len(c.N.Data) > 0 {
					c.Report(notice.Path{"sources", i}, fmt.Sprintf("source %q does not say which data comes from it", s.Name),
						"add data: [ids of the categories obtained from it]")
				}
			}
		},
	},
	&Rule{
		ID:       "sources.public-unstated",
		Severity: Warning,
		Articles: []string{"Art 14(2)(f)"},
		Summary:  "Each source that could be public (a register, a website, social media, a job board) says whether it is publicly accessible (public: true or false, stated); sources that are plainly private by their nature (referees, former employers, agencies, the police, health providers) need not.",
		Check: func(c *Context) {
			for i := range c.N.Sources {
				if !c.N.Sources[i].PublicStated && !plainlyNotPublic(c.N.Sources[i].Name) {
					c.Report(notice.Path{"sources", i}, fmt.Sprintf("source %q does not say whether it is publicly accessible", c.N.Sources[i].Name),
						"add public: true (e.g. LinkedIn profiles) or public: false (referees, DBS)")
				}
			}
		},
	},
)

// privateSources name sources that are private by their nature: a reader
// knows that a referee or the police is not a publicly accessible source,
// so Art 14(2)(f) is answered by naming them.
var privateSources = newWordSet(4, "referee", "reference", "referens", "former employer", "previous employer", "employer", "arbetsgivare",
	"agency", "agencies", "bemanning", "rekryteringsföretag", "police", "polis", "probation", "court", "domstol", "dbs", "disclosure and barring", "belastningsregist",
	"occupational health", "företagshälsovård", "doctor", "gp", "health", "hälso", "vårdgivare", "insurer", "försäkringsbolag", "solicitor", "legal adviser", "advokat",
	"family", "familj", "representative", "ombud", "council", "local authorit", "kommun", "government", "myndighet", "hmrc", "check provider", "credit reference", "kreditupplysning",
	"assessment provider", "coach", "jobbcoach", "partner", "recommendation", "rekommendation")

// plainlyNotPublic reports whether a source's name says it is private by
// nature, unless it also names something public (a register, a website).
func plainlyNotPublic(name string) bool {
	n := strings.ToLower(name)
	if containsAny(n, "public", "register", "website", "webbplats", "linkedin", "social media", "sociala medier", "internet", "job board", "jobs board", "offentlig", "allmänt tillgänglig", "companies house") {
		return false
	}
	return hasAnyWord(n, privateSources)
}
