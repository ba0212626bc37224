package lint

import (
	"fmt"

	"github.com/notis-dev/notis/internal/notice"
)

// Translations of one notice (files sharing a notice id) must state the
// same facts; only the words may differ (WP260 rev.01; Art 12(1)). The
// date is not one of the facts: a translation whose wording alone was
// corrected is dated that day, and its readers are told so, while the
// other languages' readers, whose text did not change, keep theirs (the
// history dates a version by the newest of its languages, see
// docs/history.md). Forcing one date on every language would date a
// change its readers never got, or refuse the build.

var _ = register(&Rule{
	ID:       "translation.mismatch",
	Severity: Error,
	Articles: []string{"Art 12(1)", "Art 13", "WP260 rev.01"},
	Summary:  "Every language of a notice agrees on the facts: controller, authority, purposes and bases, data categories, sources, requirements, recipients, transfers, retention periods, automated decisions and cookies. Each may have its own updated date: a translation corrected alone is dated alone.",
	Check: func(c *Context) {
		n, r := c.N, c.Ref
		if r == nil || r == n {
			return
		}
		d := differ{c: c, ref: r}
		d.eq(notice.Path{"controller", "public_authority"}, n.Controller.PublicAuthority, r.Controller.PublicAuthority)
		d.eq(notice.Path{"supervisory_authority"}, authorityKey(n), authorityKey(r))
		d.eq(notice.Path{"jurisdiction"}, n.Law(), r.Law())
		d.eq(notice.Path{"dpo"}, n.DPO != nil, r.DPO != nil)
		if d.count(notice.Path{"purposes"}, len(n.Purposes), len(r.Purposes)) {
			for i := range n.Purposes {
				d.eq(notice.Path{"purposes", i, "basis"}, fmt.Sprint(n.Purposes[i].BasesOnly()), fmt.Sprint(r.Purposes[i].BasesOnly()))
			}
		}
		if d.count(notice.Path{"data"}, len(n.Data), len(r.Data)) {
			for i := range n.Data {
				a, b := n.Data[i], r.Data[i]
				d.eq(notice.Path{"data", i, "id"}, a.ID, b.ID)
				d.eq(notice.Path{"data", i, "special"}, a.Special, b.Special)
				d.eq(notice.Path{"data", i, "criminal"}, a.Criminal, b.Criminal)
				d.eq(notice.Path{"data", i, "art9"}, fmt.Sprint(a.Art9), fmt.Sprint(b.Art9))
			}
		}
		if d.count(notice.Path{"recipients"}, len(n.Recipients), len(r.Recipients)) {
			for i := range n.Recipients {
				d.eq(notice.Path{"recipients", i, "role"}, n.Recipients[i].Role, r.Recipients[i].Role)
			}
		}
		if d.count(notice.Path{"sources"}, len(n.Sources), len(r.Sources)) {
			for i := range n.Sources {
				d.eq(notice.Path{"sources", i, "public"}, n.Sources[i].Public, r.Sources[i].Public)
			}
		}
		if d.count(notice.Path{"requirements"}, len(n.Requirements), len(r.Requirements)) {
			for i := range n.Requirements {
				d.eq(notice.Path{"requirements", i, "kind"}, n.Requirements[i].Kind, r.Requirements[i].Kind)
			}
		}
		d.eq(notice.Path{"transfers"}, n.Transfers != nil, r.Transfers != nil)
		if n.Transfers != nil && r.Transfers != nil {
			nt, rt := *n.Transfers, *r.Transfers
			if d.count(notice.Path{"transfers"}, len(nt), len(rt)) {
				for i := range nt {
					d.eq(notice.Path{"transfers", i, "safeguard"}, nt[i].Safeguard, rt[i].Safeguard)
				}
			}
		}
		if d.count(notice.Path{"retention"}, len(n.Retention), len(r.Retention)) {
			for i := range n.Retention {
				d.eq(notice.Path{"retention", i, "period"}, n.Retention[i].Period.String(), r.Retention[i].Period.String())
				d.eq(notice.Path{"retention", i, "then"}, n.Retention[i].Then, r.Retention[i].Then)
			}
		}
		d.eq(notice.Path{"automated_decisions"}, n.AutomatedDecisions != nil, r.AutomatedDecisions != nil)
		if n.AutomatedDecisions != nil && r.AutomatedDecisions != nil {
			d.count(notice.Path{"automated_decisions"}, len(*n.AutomatedDecisions), len(*r.AutomatedDecisions))
		}
		if d.count(notice.Path{"cookies"}, len(n.Cookies), len(r.Cookies)) {
			for i := range n.Cookies {
				a, b := n.Cookies[i], r.Cookies[i]
				d.eq(notice.Path{"cookies", i, "name"}, a.Name, b.Name)
				d.eq(notice.Path{"cookies", i, "category"}, a.Category, b.Category)
				d.eq(notice.Path{"cookies", i, "duration"}, a.Duration.String(), b.Duration.String())
				d.eq(notice.Path{"cookies", i, "third_party"}, a.ThirdParty, b.ThirdParty)
			}
		}
	},
})

type differ struct {
	c   *Context
	ref *notice.Notice
}

func (d differ) eq(path notice.Path, got, want any) {
	if got != want {
		d.c.Report(path, fmt.Sprintf("says %v but the %s version (%s) says %v", got, d.ref.Lang, d.ref.File, want),
			"make the translations state the same facts; translate only the words")
	}
}

// count compares two list lengths; it reports true when they agree, so
// the caller can compare element by element.
func (d differ) count(path notice.Path, got, want int) bool {
	if got != want {
		d.c.Report(path, fmt.Sprintf("has %d entries but the %s version (%s) has %d", got, d.ref.Lang, d.ref.File, want),
			"make the translations list the same entries in the same order; translate only the words")
		return false
	}
	return true
}

func authorityKey(n *notice.Notice) string {
	if n.Authority.Custom != nil {
		return "custom"
	}
	return n.Authority.Key
}
