package lint

import (
	"fmt"
	"strings"

	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/notice"
)

// A notice silences a rule with front matter, everywhere or at one field
//
//	lint: {ignore: [{rule: li.public-authority, field: "purposes[3]", why: "..."}]}
//
// A suppression counts only with a reason; one without, or naming no rule,
// is itself a finding, so silence is always explained in the file.

var _ = register(
	&Rule{
		ID:       "lint.suppression-unjustified",
		Severity: Error,
		Articles: []string{"Art 5(2)"},
		Summary:  "A lint suppression gives the reason the finding does not apply (accountability: the controller must be able to show why).",
		Check: func(c *Context) {
			for i, s := range c.N.Lint.Ignore {
				if strings.TrimSpace(s.Why) == "" {
					c.Report(notice.Path{"lint", "ignore", i}, fmt.Sprintf("suppresses %q without a reason, so the suppression is ignored", s.Rule),
						`add why: "…" saying why the rule does not apply to this notice, or remove the suppression and fix the finding`)
				}
			}
		},
	},
	&Rule{
		ID:       "lint.suppression-unknown-rule",
		Severity: Error,
		Articles: []string{"Art 5(2)"},
		Summary:  "A lint suppression names a rule that exists.",
		Check: func(c *Context) {
			for i, s := range c.N.Lint.Ignore {
				if _, ok := Lookup(s.Rule); !ok {
					c.Report(notice.Path{"lint", "ignore", i, "rule"}, fmt.Sprintf("suppresses %q, which is not a lint rule%s", s.Rule, didYouMean(s.Rule)),
						"use a rule id from docs/lint-rules.md (the id printed with each finding)")
				}
			}
		},
	},
)

// suppress drops the findings the notice silences with a reason. The
// suppression rules themselves cannot be silenced.
func suppress(c *Context) []Finding {
	ign := c.N.Lint.Ignore
	if len(ign) == 0 {
		return c.findings
	}
	kept := c.findings[:0]
	for _, f := range c.findings {
		silenced := false
		if !strings.HasPrefix(f.Rule, "lint.") {
			for _, s := range ign {
				if s.Rule == f.Rule && strings.TrimSpace(s.Why) != "" && within(f.Field, s.Field) {
					silenced = true
					break
				}
			}
		}
		if !silenced {
			kept = append(kept, f)
		}
	}
	return kept
}

// within reports whether a finding's field is the suppression's field or
// under it ("purposes[2]" holds "purposes[2].basis"); an empty
// suppression field holds every field.
func within(field, scope string) bool {
	scope = strings.TrimSpace(scope)
	if scope == "" || field == scope {
		return true
	}
	rest, ok := strings.CutPrefix(field, scope)
	return ok && (rest[0] == '.' || rest[0] == '[')
}

// didYouMean suggests the rule id closest to a mistyped one, as the
// front matter decoder does for field names.
func didYouMean(id string) string {
	ids := make([]string, len(registry))
	for i, r := range registry {
		ids[i] = r.ID
	}
	if s := diag.Suggest(id, ids); s != "" {
		return " (" + s + ")"
	}
	return ""
}
