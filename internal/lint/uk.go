package lint

import (
	"fmt"
	"strings"
	"time"

	"github.com/notis-dev/notis/internal/notice"
)

// paragraphAt is the paragraph of s (text between blank lines) that holds
// offset off, and the offset where it ends.
func paragraphAt(s string, off int) (string, int) {
	start := strings.LastIndex(s[:off], "\n\n") + 1 // 0 when there is none
	end := strings.Index(s[off:], "\n\n")
	if end < 0 {
		return s[start:], len(s)
	}
	return s[start : off+end], off + end
}

// UK-only duties beyond Art 13: complaints to the controller under the
// Data (Use and Access) Act 2025.

var _ = register(&Rule{
	ID:       "uk.complaints-to-controller",
	Severity: Info,
	Articles: []string{"DPA 2018 s.164A", "Art 13(2)(d)"},
	Summary:  "From 19 Jun 2026 a UK notice tells people they can complain to the controller first, and that it acknowledges within 30 days (the Data (Use and Access) Act 2025 complaints duty): rights.complaints, or the body.",
	Check: func(c *Context) {
		f, _ := fact("uk_complaints_to_controller", "uk")
		if c.Law() != "uk" || !f.Holds(c.AsOf) {
			return
		}
		if cc := c.N.Rights.Complaints; cc.Given() {
			if cc.Acknowledge.Approx() > 30*24*time.Hour {
				c.Report(notice.Path{"rights", "complaints", "acknowledge"}, fmt.Sprintf("complaints are acknowledged within %s; the duty is within 30 days ("+f.Event+")", cc.Acknowledge),
					"acknowledge within 30 days: acknowledge: P30D or sooner")
			}
			return
		}
		// Without rights.complaints, the body may say it. A paragraph that
		// mentions complaining and says to whom: each mention's paragraph
		// is checked, for the phrases the body may contain at all.
		var toWhom []string
		for _, p := range []string{"to us", "to our", "first", "with us", "within 30 days", "till oss", "hos oss", "först", "inom 30 dagar"} {
			if c.mayContain(p) {
				toWhom = append(toWhom, p)
			}
		}
		body := c.Body()
		for _, word := range []string{"complain", "klagomål", "klaga"} {
			for from := 0; len(toWhom) > 0; {
				at := strings.Index(body[from:], word)
				if at < 0 {
					break
				}
				para, end := paragraphAt(body, from+at)
				for _, p := range toWhom {
					if find(para, p, true) >= 0 {
						return
					}
				}
				// The paragraph's other mentions would find the same:
				// go on from its end, which is past the word (a word
				// holds no blank line).
				from = end
			}
		}
		c.Report(notice.Path{"supervisory_authority"}, "the notice does not say people can complain to the controller first ("+f.Event+")",
			"add rights.complaints: {email or url, acknowledge: P30D}, or say in the body how to complain to you and that you acknowledge within 30 days")
	},
})
