package lint

import (
	"fmt"

	"github.com/notis-dev/notis/internal/notice"
)

var _ = register(
	&Rule{
		ID:       "history.undated-change",
		Severity: Warning,
		// Art 5(2): the controller must be able to show what the notice
		// said when; WP260 rev.01, "Changes to Article 13 and Article 14
		// information": changes are to be communicated, so a reader must
		// be able to tell that the notice changed.
		Articles: []string{"Art 5(2)", "Art 12(1)", "WP260 rev.01"},
		Summary:  "A notice that says something new (a fact or a sentence, not only its formatting) has a new `updated` date: the version history and the readers date each change by it. Checked against the site's git history: the file as the commit that set its date had it.",
		Check: func(c *Context) {
			if c.dated == nil {
				return
			}
			then, commit := c.dated(c.N.File)
			if then == c.N {
				return // the file is as that commit had it: the build reused its parse
			}
			// A notice without a date is updated.missing's to report.
			if then == nil || c.N.Updated.IsZero() || !then.Updated.Equal(c.N.Updated.Time) || then.Updated.MonthOnly != c.N.Updated.MonthOnly {
				return
			}
			if same, err := c.N.SaysSame(then); err != nil || same {
				return
			}
			c.Report(notice.Path{"updated"}, fmt.Sprintf("says something other than the version dated %s (commit %s), yet keeps that date: readers would see the change under the old date", c.N.Updated, commit),
				"set updated to the date the change is published")
		},
	},
)
