package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Cookies and similar storage (ePrivacy Art 5(3), PECR reg 6, LEK
// (2022:482) 9 kap. 28 §, CJEU C-673/17 Planet49).

var _ = register(
	&Rule{
		ID:       "cookies.category-unknown",
		Severity: Error,
		Articles: []string{"ePrivacy Art 5(3)", "Art 7(2)"},
		Summary:  "Every cookie's category is one of the site's consent categories, so the banner can ask for it.",
		Check: func(c *Context) {
			for i, k := range c.N.Cookies {
				if !slices.Contains(c.Categories, k.Category) {
					c.Report(notice.Path{"cookies", i, "category"}, fmt.Sprintf("%s is in category %q, which the consent banner does not know (%s)", cookieLabel(k), k.Category, strings.Join(c.Categories, ", ")),
						"use one of the site's categories, or define the category in i18n/banner.LANG.toml under [category.ID]")
				}
			}
		},
	},
	&Rule{
		ID:       "cookies.third-party-unstated",
		Severity: Warning,
		Articles: []string{"ePrivacy Art 5(3)", "Art 13(1)(e)", "CJEU C-673/17 Planet49"},
		Summary:  "Each cookie says whether third parties can access it (third_party: true or false, stated).",
		Check: func(c *Context) {
			for i := range c.N.Cookies {
				if !c.N.Cookies[i].ThirdPartyStated {
					c.Report(notice.Path{"cookies", i}, fmt.Sprintf("%s does not say whether third parties can access it", cookieLabel(c.N.Cookies[i])),
						"add third_party: true (e.g. Google Analytics, LinkedIn Insight) or third_party: false")
				}
			}
		},
	},
	&Rule{
		ID:       "cookies.duration-zero",
		Severity: Error,
		Articles: []string{"ePrivacy Art 5(3)", "CJEU C-673/17 Planet49"},
		Summary:  "Each cookie's duration is a real lifetime (session, or a non-zero ISO 8601 period).",
		Check: func(c *Context) {
			for i, k := range c.N.Cookies {
				if !k.Duration.Session && k.Duration.Period.IsZero() {
					c.Report(notice.Path{"cookies", i, "duration"}, fmt.Sprintf("%s has no lifetime", cookieLabel(k)),
						"give duration: session, or how long it lasts, e.g. P13M")
				}
			}
		},
	},
)
