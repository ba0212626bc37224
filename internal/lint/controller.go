package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Controller and DPO rules: who is responsible and how to reach them
// (Art 13(1)(a)–(b), Art 14(1)(a)–(b), Art 37).

var _ = register(
	&Rule{
		ID:       "controller.contact-missing",
		Severity: Error,
		Articles: []string{"Art 13(1)(a)", "Art 14(1)(a)"},
		Summary:  "The controller has at least one way to be contacted: email, phone, web form or postal address.",
		Check: func(c *Context) {
			k := c.N.Controller
			if k.Email == "" && k.Phone == "" && k.URL == "" && k.Address == "" {
				c.Report(notice.Path{"controller"}, "the controller has no contact details",
					"add controller.email and controller.address: two ways to reach the controller")
			}
		},
	},
	&Rule{
		ID:       "controller.legal-entity-missing",
		Severity: Error,
		Articles: []string{"Art 13(1)(a)", "Art 14(1)(a)"},
		Summary:  "The controller is identifiable as a legal entity: a registration number or a postal address besides the name.",
		Check: func(c *Context) {
			k := c.N.Controller
			if k.Name != "" && k.RegNo == "" && k.Address == "" && !k.PublicAuthority {
				c.Report(notice.Path{"controller", "name"}, fmt.Sprintf("%q is given without a company or organisation number or a postal address, so the legal entity cannot be identified", k.Name),
					"give the registered legal name (e.g. \"Necessio AB\"), controller.reg_no and controller.address")
			}
		},
	},
	&Rule{
		ID:       "controller.address-missing",
		Severity: Warning,
		Articles: []string{"Art 13(1)(a)", "Art 14(1)(a)"},
		Summary:  "The controller has a postal address besides its other contact details: a way to reach it that does not depend on one inbox or form.",
		Check: func(c *Context) {
			k := c.N.Controller
			if k.Address == "" && (k.RegNo != "" || k.PublicAuthority) {
				c.Report(notice.Path{"controller"}, "the controller has no postal address",
					"add controller.address (the registered or head office address)")
			}
		},
	},
	&Rule{
		ID:       "controller.entity-dissolved",
		Severity: Error,
		Articles: []string{"Art 13(1)(a)", "Art 14(1)(a)"},
		Summary:  "The controller still exists on the as-of date: NHS clinical commissioning groups (CCGs) were abolished on 1 Jul 2022.",
		Check: func(c *Context) {
			name := c.N.Controller.Name + " " + c.N.Controller.TradingName
			if !mentionsCCG(strings.ToLower(name)) {
				return
			}
			f, _ := fact("nhs_ccg", "uk")
			if f.Ended(c.AsOf) {
				c.Report(notice.Path{"controller", "name"}, fmt.Sprintf("%q is a clinical commissioning group; CCGs were %s", c.N.Controller.Name, f.Event),
					"name the controller that exists today, "+f.ReplacedBy+", with its address, and record the change in changes")
			}
		},
	},
	&Rule{
		ID:       "dpo.missing-public-authority",
		Severity: Error,
		Articles: []string{"Art 13(1)(b)", "Art 14(1)(b)", "Art 37(1)(a)"},
		Summary:  "A public authority (controller.public_authority: true, e.g. an NHS trust or a university) names its data protection officer.",
		Check: func(c *Context) {
			if c.N.Controller.PublicAuthority && c.N.DPO == nil {
				c.Report(notice.Path{"controller", "public_authority"}, "the controller is a public authority, which must designate a data protection officer, but the notice gives no dpo",
					"add dpo: {email: a stable generic mailbox, address: …}")
			}
		},
	},
	&Rule{
		ID:       "dpo.contact-missing",
		Severity: Error,
		Articles: []string{"Art 13(1)(b)", "Art 14(1)(b)"},
		Summary:  "A designated DPO comes with contact details, not just a name or a team.",
		Check: func(c *Context) {
			d := c.N.DPO
			if d != nil && d.Email == "" && d.Phone == "" && d.Address == "" && d.URL == "" {
				c.Report(notice.Path{"dpo"}, "the data protection officer has no contact details",
					"add dpo.email (a generic mailbox such as dpo@example.org) or dpo.address")
			}
		},
	},
	&Rule{
		ID:       "dpo.personal-mailbox",
		Severity: Info,
		Articles: []string{"Art 13(1)(b)", "Art 37(7)"},
		Summary:  "The DPO's email is a generic role mailbox rather than a named person's, so it keeps working when staff change.",
		Check: func(c *Context) {
			d := c.N.DPO
			if d == nil || d.Email == "" {
				return
			}
			if personalMailbox(string(d.Email), d.Name) {
				c.Report(notice.Path{"dpo", "email"}, fmt.Sprintf("%s looks like a named person's mailbox", d.Email),
					"use a role mailbox such as dpo@… or data.protection@… that survives staff changes")
			}
		},
	},
)

func mentionsCCG(lower string) bool {
	return strings.Contains(lower, "clinical commissioning group") || containsWord(lower, "ccg")
}

// personalMailbox reports whether an address's local part contains the
// DPO's personal name, or is firstname.lastname with a number (nhs.net).
func personalMailbox(email, name string) bool {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	roles := []string{"dpo", "data", "protection", "privacy", "information", "governance", "officer", "team", "head", "office", "the", "and", "for", "of", "dataskydd", "dataskyddsombud", "ombud"}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == '-' }) {
		if len(w) < 3 || slices.Contains(roles, w) {
			continue
		}
		if strings.Contains(local, w) {
			return true
		}
	}
	first, rest, ok := strings.Cut(local, ".")
	if !ok || first == "" || rest == "" {
		return false
	}
	last := strings.TrimRight(rest, "0123456789")
	return last != rest && last != "" && isLetters(first) && isLetters(last)
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return s != ""
}

// containsWord reports whether lower contains w bounded by non-letters.
func containsWord(lower, w string) bool { return wordAt(lower, w, true) }

// wordStart reports whether w occurs in text at the start of a word.
func wordStart(text, w string) bool { return wordAt(text, w, false) }

// wordAt reports whether w occurs in s at the start of a word and, with
// whole, also at its end.
func wordAt(s, w string, whole bool) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isWordByte(s[j-1])
		after := !whole || j+len(w) == len(s) || !isWordByte(s[j+len(w)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}
