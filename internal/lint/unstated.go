package lint

import (
	"fmt"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Elements a notice may leave unstated, which the model now records as
// absent rather than making the writer invent them (see docs/front-matter.md,
// "What the notice does not say"): each absence is judged here, with the
// article that asks for it.

var _ = register(
	&Rule{
		ID:       "controller.missing",
		Severity: Error,
		Articles: []string{"Art 13(1)(a)", "Art 14(1)(a)"},
		Summary:  "The notice names its controller (itself, or through the notice it extends).",
		Check: func(c *Context) {
			if strings.TrimSpace(c.N.Controller.Name) == "" {
				c.Report(notice.Path{"controller"}, "the notice does not name its controller",
					`add controller: {name: "…", reg_no: "…", address: "…", email: "…"}`)
			}
		},
	},
	&Rule{
		ID:       "joint.arrangement-missing",
		Severity: Error,
		Articles: []string{"Art 26(2)"},
		Summary:  "Each joint controller comes with the essence of the arrangement: who does what.",
		Check: func(c *Context) {
			for i, j := range c.N.JointControllers {
				if strings.TrimSpace(j.Responsibilities) == "" {
					c.Report(notice.Path{"joint_controllers", i}, fmt.Sprintf("the notice names %q as a joint controller without the essence of the arrangement", j.Name),
						`add responsibilities: "…" saying who gives the information, who answers requests, and who does what with the data`)
				}
			}
		},
	},
	&Rule{
		ID:       "provision.consequence-missing",
		Severity: Error,
		Articles: []string{"Art 13(2)(e)"},
		Summary:  "A requirement to provide data says what happens if the data is not provided.",
		Check: func(c *Context) {
			for i, r := range c.N.Requirements {
				if strings.TrimSpace(r.Consequence) == "" && r.Kind != "voluntary" {
					c.Report(notice.Path{"requirements", i}, fmt.Sprintf("a %s requirement does not say what happens if the data is not provided", strings.ReplaceAll(string(r.Kind), "_", "-")),
						`add consequence: "…", e.g. "we cannot consider your application"`)
				}
			}
		},
	},
	&Rule{
		ID:       "transfer.safeguard-missing",
		Severity: Error,
		Articles: []string{"Art 13(1)(f)", "Art 14(1)(f)", "Art 44"},
		Summary:  "A transfer outside the UK/EEA names its safeguard: an adequacy decision, a safeguard of Art 46 or a derogation of Art 49.",
		Check: func(c *Context) {
			if c.N.Transfers == nil {
				return
			}
			for i, t := range *c.N.Transfers {
				if t.Safeguard == "" {
					c.Report(notice.Path{"transfers", i}, fmt.Sprintf("a transfer%s does not say on which safeguard it relies", transferTo(t)),
						"add safeguard: adequacy, scc, uk_idta, dpf … and, for scc or uk_idta, copy: where to get one")
				}
			}
		},
	},
	&Rule{
		ID:       "transfer.destination-missing",
		Severity: Warning,
		Articles: []string{"Art 13(1)(f)", "Art 14(1)(f)", "Art 12(1)"},
		Summary:  "A transfer names where the data goes; \"outside the EEA in some cases\" does not tell a reader whether an adequacy decision covers it.",
		Check: func(c *Context) {
			if c.N.Transfers == nil {
				return
			}
			for i, t := range *c.N.Transfers {
				if strings.TrimSpace(t.To) == "" {
					c.Report(notice.Path{"transfers", i}, "a transfer does not say to which country or countries the data goes",
						`add to: "…", the third countries (or "any country where the recipient works" if that is the truth, with its safeguard)`)
				}
			}
		},
	},
)

func transferTo(t notice.Transfer) string {
	if t.To == "" {
		return ""
	}
	return " to " + t.To
}

// cookieLabel names a cookie in a message: by its name, or by its
// category when the notice gives only that.
func cookieLabel(k notice.Cookie) string {
	if k.Name == "" {
		return fmt.Sprintf("a cookie of category %q (no name given)", k.Category)
	}
	return fmt.Sprintf("cookie %q", k.Name)
}
