package lint

import (
	"fmt"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Retention (Art 13(2)(a), Art 14(2)(a), Art 5(1)(e)).

var _ = register(
	&Rule{
		ID:       "retention.missing",
		Severity: Error,
		Articles: []string{"Art 13(2)(a)", "Art 14(2)(a)"},
		Summary:  "The notice says how long data is kept: at least one retention rule.",
		Check: func(c *Context) {
			if len(c.N.Retention) == 0 {
				c.Report(notice.Path{"retention"}, "no retention rules: the notice does not say how long anything is kept",
					`add retention: [{records: "…", period: P6M, from: "…", then: delete}] for each kind of record`)
			}
		},
	},
	&Rule{
		ID:       "retention.period-missing",
		Severity: Error,
		Articles: []string{"Art 13(2)(a)", "Art 14(2)(a)"},
		Summary:  "Every retention rule gives a period or the criteria that decide it.",
		Check: func(c *Context) {
			for i, r := range c.N.Retention {
				if r.Period.IsZero() && strings.TrimSpace(r.Criteria) == "" {
					c.Report(notice.Path{"retention", i}, fmt.Sprintf("records %q have neither a period nor criteria", r.Records),
						"add period: (ISO 8601, e.g. P6Y) with from:, or criteria: saying what decides the period")
				}
			}
		},
	},
	&Rule{
		ID:       "retention.indefinite",
		Severity: Warning,
		Articles: []string{"Art 13(2)(a)", "Art 5(1)(e)"},
		Summary:  "Records kept indefinitely cite the law that requires it or are reviewed (then: review).",
		Check: func(c *Context) {
			for i, r := range c.N.Retention {
				crit := strings.ToLower(r.Criteria)
				if containsAny(crit, "indefinite", "permanent", "forever", "for all time", "obegränsad", "för alltid", "tills vidare", "permanent") && strings.TrimSpace(r.Law) == "" && r.Then != "review" {
					c.Report(notice.Path{"retention", i, "criteria"}, fmt.Sprintf("records %q are kept indefinitely without a law that requires it or a review", r.Records),
						"give a period, or cite the law in law: and set then: review with how often the records are reviewed")
				}
			}
		},
	},
	&Rule{
		ID:       "retention.vague",
		Severity: Warning,
		Articles: []string{"Art 13(2)(a)", "WP260 rev.01"},
		Summary:  "Retention criteria are concrete: not \"approximately\", \"as long as necessary\", \"i princip\" or \"as long as you are on our database\" (\"så länge du finns i vår databas\") without a period.",
		Check: func(c *Context) {
			for i, r := range c.N.Retention {
				crit := strings.ToLower(r.Criteria)
				vague := containsAny(crit, "approximately", "roughly", "about ", "usually", "normally", "i princip", "ungefär", "cirka", "normalt", "vanligtvis")
				if !vague && r.Period.IsZero() {
					vague = containsAny(crit, "as long as necessary", "as long as needed", "as long as required", "så länge som", "så länge det behövs", "så länge det krävs",
						"as long as you remain", "as long as you are registered", "while you remain", "so long as you", "så länge du finns", "så länge du är registrerad", "så länge du står")
				}
				if vague {
					c.Report(notice.Path{"retention", i, "criteria"}, fmt.Sprintf("records %q: %q does not let a reader work out how long they are kept", r.Records, r.Criteria),
						"state the period (period: P6Y, from: end of employment) or the concrete event that ends it")
				}
			}
		},
	},
	&Rule{
		ID:       "retention.overbroad",
		Severity: Warning,
		Articles: []string{"Art 13(2)(a)", "Art 5(1)(c)", "Art 5(1)(e)"},
		Summary:  "Bookkeeping law is cited only for accounting records: bokföringslagen (7 kap. 2 §) and the Companies Act keep räkenskapsinformation, not every employee or candidate record.",
		Check: func(c *Context) {
			for i, r := range c.N.Retention {
				cites := strings.ToLower(r.Law + " " + r.Criteria)
				records := strings.ToLower(r.Records)
				if containsAny(cites, "bokföringslag", "1999:1078", "companies act", "accounting law") &&
					!containsAny(records, "räkenskap", "bokför", "verifikation", "löneunderlag", "lön", "accounting", "payroll", "invoice", "faktur", "tax", "skatt") {
					c.Report(notice.Path{"retention", i, "records"}, fmt.Sprintf("records %q are kept under bookkeeping law, which covers accounting records only", r.Records),
						"split the rule: accounting records (payroll, invoices) for the bookkeeping period; the rest of the records for as long as their own purpose needs")
				}
			}
		},
	},
	&Rule{
		ID:       "retention.superseded-source",
		Severity: Warning,
		Articles: []string{"Art 13(2)(a)", "Art 5(1)(e)"},
		Summary:  "Retention does not rely on the superseded 2016 NHS Records Management Code (replaced by the 2021 Code, updated 2023).",
		Check: func(c *Context) {
			for i, r := range c.N.Retention {
				s := strings.ToLower(r.Law + " " + r.Criteria)
				f, _ := fact("nhs_rm_code_2016", "uk")
				if strings.Contains(s, "records management code") && strings.Contains(s, "2016") && f.Ended(c.AsOf) {
					c.Report(notice.Path{"retention", i}, fmt.Sprintf("records %q rely on %s, %s", r.Records, f.Name, f.Event),
						"cite "+f.ReplacedBy+" and the schedule row, with the period")
				}
			}
		},
	},
)
