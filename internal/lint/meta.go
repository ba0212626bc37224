package lint

import (
	"fmt"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// The supervisory authority (Art 13(2)(d), Art 77) and the notice's own
// dates (WP260 on keeping notices current; Art 13(3)).

var _ = register(
	&Rule{
		ID:       "sa.missing",
		Severity: Error,
		Articles: []string{"Art 13(2)(d)", "Art 14(2)(e)", "Art 77"},
		Summary:  "The notice names the supervisory authority people can complain to (supervisory_authority:).",
		Check: func(c *Context) {
			if c.N.Authority.Key == "" && c.N.Authority.Custom == nil {
				c.Report(notice.Path{"supervisory_authority"}, "the notice does not say people can complain to a supervisory authority",
					"add supervisory_authority: ico (UK) or imy (Sweden); notis fills in the name, address and complaint link")
			}
		},
	},
	&Rule{
		ID:       "sa.stale-name",
		Severity: Error,
		Articles: []string{"Art 13(2)(d)", "Art 14(2)(e)", "Art 77"},
		Summary:  "The supervisory authority exists under that name on the as-of date (Datainspektionen became IMY on 1 Jan 2021).",
		Check: func(c *Context) {
			a, ok := c.N.Authority.Resolve()
			if !ok {
				return
			}
			if a.ValidTo != "" && c.AsOf.Format("2006-01-02") > a.ValidTo {
				fix := "name the current authority"
				if a.RenamedTo != "" {
					fix = fmt.Sprintf("use supervisory_authority: %s (%s)", a.RenamedTo, notice.Authorities[a.RenamedTo].NameIn(c.N.Lang))
				}
				c.Report(notice.Path{"supervisory_authority"}, fmt.Sprintf("%s ceased to exist under that name after %s", a.NameIn(c.N.Lang), a.ValidTo), fix)
				return
			}
			if c.N.Authority.Custom != nil {
				name := strings.ToLower(a.NameIn(c.N.Lang))
				if f, _ := fact("datainspektionen", "se"); strings.Contains(name, "datainspektionen") && f.Ended(c.AsOf) {
					c.Report(notice.Path{"supervisory_authority"}, fmt.Sprintf("%s was %s", a.NameIn(c.N.Lang), f.Event), "use supervisory_authority: imy")
				}
			}
		},
	},
	&Rule{
		ID:       "sa.jurisdiction-mismatch",
		Severity: Warning,
		Articles: []string{"Art 13(2)(d)", "Art 77"},
		Summary:  "The supervisory authority supervises the law the notice says it is written under.",
		Check: func(c *Context) {
			a, ok := c.N.Authority.Resolve()
			if !ok || c.N.Jurisdiction == "" || a.Jurisdiction == "" {
				return
			}
			same := a.Jurisdiction == c.N.Jurisdiction || (a.Jurisdiction == "se" && c.N.Jurisdiction == "eu")
			if !same {
				c.Report(notice.Path{"supervisory_authority"}, fmt.Sprintf("%s supervises %s law but the notice says jurisdiction: %s", a.NameIn(c.N.Lang), lawName(a.Jurisdiction), c.N.Jurisdiction),
					"make jurisdiction and supervisory_authority agree (ico for uk, imy for se)")
			}
		},
	},
	&Rule{
		ID:       "sa.jurisdiction-unstated",
		Severity: Warning,
		Articles: []string{"Art 13(1)(f)", "Art 13(2)(d)", "Art 77"},
		Summary:  "A notice whose supervisory authority is written out (not ico, imy or datainspektionen) says which law it is written under (jurisdiction:), since the lint's UK and EU rules differ.",
		Check: func(c *Context) {
			if c.N.Authority.Custom == nil || c.N.Authority.Custom.Jurisdiction != "" || c.N.Jurisdiction != "" {
				return
			}
			c.Report(notice.Path{"supervisory_authority"}, "the authority is written out and the notice has no jurisdiction, so it is checked under EU rules: the EEA as home area and EU transfer tools",
				"add jurisdiction: uk, se or eu")
		},
	},
	&Rule{
		ID:       "meta.date-missing",
		Severity: Error,
		Articles: []string{"Art 12(1)", "Art 13(3)", "WP260 rev.01"},
		Summary:  "The notice says when it last changed (updated:).",
		Check: func(c *Context) {
			if c.N.Updated.IsZero() {
				c.Report(notice.Path{"updated"}, "the notice does not say when it was last updated",
					"add updated: YYYY-MM-DD and a changes entry for that date")
			}
		},
	},
	&Rule{
		ID:       "meta.pre-gdpr-date",
		Severity: Error,
		Articles: []string{"Art 13", "Art 99(2)"},
		Summary:  "The notice was updated on or after 25 May 2018, when the GDPR began to apply.",
		Check: func(c *Context) {
			f, _ := fact("gdpr", "")
			if u := c.N.Updated; !u.IsZero() && u.Format("2006-01-02") < f.ValidFrom {
				c.Report(notice.Path{"updated"}, fmt.Sprintf("last updated %s, before the GDPR applied on 25 May 2018", u.Format("2 Jan 2006")),
					"review the notice against Arts 13 and 14, then set updated: to the review date and record it in changes")
			}
		},
	},
	&Rule{
		ID:       "meta.stale",
		Severity: Warning,
		Articles: []string{"Art 12(1)", "WP260 rev.01"},
		Summary:  "The notice was reviewed in the 12 months before the as-of date.",
		Check: func(c *Context) {
			u := c.N.Updated
			if u.IsZero() || u.Format("2006-01-02") < "2018-05-25" {
				return // meta.date-missing or meta.pre-gdpr-date says it
			}
			if u.AddDate(1, 0, 0).Before(c.AsOf) {
				c.Report(notice.Path{"updated"}, fmt.Sprintf("last updated %s, more than 12 months before %s", u.Format("2 Jan 2006"), c.AsOf.Format("2 Jan 2006")),
					"review the notice (transfers, authorities and retention change), then update updated: and changes")
			}
		},
	},
	&Rule{
		ID:       "meta.date-future",
		Severity: Warning,
		Articles: []string{"Art 12(1)", "WP260 rev.01"},
		Summary:  "The notice does not say it was updated on a day after the as-of date: readers would be told of a change that has not happened.",
		Check: func(c *Context) {
			if u := c.N.Updated; !u.IsZero() && u.After(c.AsOf) {
				c.Report(notice.Path{"updated"}, fmt.Sprintf("updated: %s is after %s, so the page would date a change that has not happened yet", u, c.AsOf.Format("2006-01-02")),
					"give the day the notice last changed (a typo in the year?); a notice that takes effect later is published on that day")
			}
		},
	},
	&Rule{
		ID:       "meta.changelog-out-of-date",
		Severity: Warning,
		Articles: []string{"Art 13(3)", "WP260 rev.01"},
		Summary:  "The newest change log entry is dated the same day as updated:, so every update is recorded.",
		Check: func(c *Context) {
			if len(c.N.Changes) == 0 || c.N.Updated.IsZero() {
				return
			}
			newest := c.N.Changes[0].Date
			for _, ch := range c.N.Changes[1:] {
				if ch.Date.After(newest.Time) {
					newest = ch.Date
				}
			}
			if !newest.Equal(c.N.Updated.Time) {
				c.Report(notice.Path{"updated"}, fmt.Sprintf("updated: %s but the newest changes entry is %s", c.N.Updated, newest),
					"add a changes entry for the update (what changed and whether it is material), or correct updated:")
			}
		},
	},
)
