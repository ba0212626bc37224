package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Consent as the GDPR defines it (Art 4(11), Art 7): a freely given,
// specific, informed and unambiguous indication, by a statement or a clear
// affirmative act for that purpose, separate from other matters (Art 7(2)),
// not a condition of a service that does not need it (Art 7(4)), and as
// easy to withdraw as to give (Art 7(3)). EDPB Guidelines 05/2020 on
// consent, §§ 13–14 (conditionality), 75–86 (unambiguous indication),
// 113–116 (withdrawal).
//
// The rules read the wording's structure, not a list of sentences: an act
// ("by signing your contract", "genom att skicka in formuläret") and, in
// the same sentence, a verb that turns the act into agreement ("you
// consent", "godkänner du").

// deemVerbs turn an act into consent, agreement or acceptance.
var deemVerbs = []string{
	"you agree", "you consent", "you accept", "you are agreeing", "you are consenting", "you are accepting",
	"you give your consent", "you give us your consent", "you give consent", "you hereby", "you are deemed", "you will be deemed",
	"you acknowledge and agree", "you confirm that you agree", "you confirm your consent",
	"godkänner du", "samtycker du", "accepterar du", "medger du", "ger du ditt samtycke", "ger du samtycke", "lämnar du ditt samtycke", "anses du",
	"du godkänner", "du samtycker", "du accepterar", "du medger", "du ger ditt samtycke",
}

// conditionalWords before "you"/"du" make the verb a condition ("if you
// agree"), not a deeming.
var conditionalWords = []string{"if", "where", "when", "unless", "once", "whether", "om", "när", "ifall", "såvida", "där"}

// affirmativeActs are acts for the purpose of consenting: ticking a box is
// the clear affirmative act Art 4(11) asks for.
var affirmativeActs = []string{"tick", "box", "opt in", "opt-in", "kryssa", "bocka", "ruta"}

// deemedConsent is one sentence of the lower-cased body that deems consent
// given by an act: from its start to its end, and the act found in it.
type deemedConsent struct {
	start, end int
	act        string
}

// deemedConsents finds the sentences of the body that deem consent given by
// an act. Each sentence is returned once.
func deemedConsents(c *Context) []deemedConsent {
	var out []deemedConsent
	body := c.Body()
	for _, v := range deemVerbs {
		if !c.mayContain(v) {
			continue
		}
		for at, end := nextSpan(body, 0, v, true); at >= 0; at, end = nextSpan(body, end, v, true) {
			if conditional(body, at, v) {
				continue
			}
			s, e := sentenceAround(body, at)
			if len(out) > 0 && out[len(out)-1].start == s {
				continue
			}
			sentence := body[s:e]
			if containsAny(sentence, affirmativeActs...) {
				continue
			}
			if act := actIn(sentence); act != "" {
				out = append(out, deemedConsent{start: s, end: e, act: act})
			}
		}
	}
	// "Denna integritetspolicy är en samtyckeshandling": a notice that
	// calls itself the consent.
	for _, p := range []string{"samtyckeshandling", "this notice constitutes your consent", "this policy constitutes your consent"} {
		if !c.mayContain(p) {
			continue
		}
		if at := find(body, p, false); at >= 0 {
			s, e := sentenceAround(body, at)
			out = append(out, deemedConsent{start: s, end: e, act: p})
		}
	}
	return out
}

// conditional reports whether the verb at at is preceded by a word such
// as "if" or "om" right before its "you"/"du" ("if you agree").
func conditional(body string, at int, verb string) bool {
	if !strings.HasPrefix(verb, "you") && !strings.HasPrefix(verb, "du") {
		return false
	}
	before := strings.TrimRight(body[:at], " \t\n,")
	i := strings.LastIndexFunc(before, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == ',' || r == '(' })
	return slices.Contains(conditionalWords, before[i+1:])
}

// sentenceAround returns the bounds of the sentence of body holding at: it
// ends at a full stop, question or exclamation mark followed by white
// space, or at a blank line.
func sentenceAround(body string, at int) (int, int) {
	start := 0
	for i := at - 1; i > 0; i-- {
		if body[i] == '\n' && body[i-1] == '\n' {
			start = i + 1
			break
		}
		if isSpace(body[i]) && (body[i-1] == '.' || body[i-1] == '?' || body[i-1] == '!') && !abbreviationBefore(body, i-1) {
			start = i + 1
			break
		}
	}
	end := len(body)
	for i := at; i+1 < len(body); i++ {
		if body[i] == '\n' && body[i+1] == '\n' {
			end = i
			break
		}
		if (body[i] == '.' || body[i] == '?' || body[i] == '!') && isSpace(body[i+1]) && !abbreviationBefore(body, i) {
			end = i + 1
			break
		}
	}
	return start, end
}

// abbreviationBefore reports whether the full stop at dot ends a common
// abbreviation ("e.g.", "etc.", "t.ex.", "bl.a."), not a sentence.
func abbreviationBefore(body string, dot int) bool {
	for _, a := range []string{"e.g", "i.e", "etc", "t.ex", "bl.a", "m.m", "d.v.s", "dvs", "s.k", "ca", "nr", "no", "st"} {
		if strings.HasSuffix(body[:dot], a) {
			k := dot - len(a)
			if k == 0 || !isWordByte(body[k-1]) {
				return true
			}
		}
	}
	return false
}

// actIn returns the act in a sentence that the sentence turns into
// consent: "by/in/on/upon <verb>ing …" in English, "genom att …" in
// Swedish; "" if there is none.
func actIn(sentence string) string {
	if i := find(sentence, "genom att", true); i >= 0 {
		return clip(sentence[i:], 40)
	}
	for _, p := range []string{"by ", "in ", "on ", "upon "} {
		for from := 0; ; {
			i := find(sentence[from:], strings.TrimSpace(p), true)
			if i < 0 {
				break
			}
			i += from
			from = i + 1
			rest := strings.TrimLeft(sentence[i+len(p)-1:], " \t\n")
			w := rest
			if j := strings.IndexFunc(rest, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '-') }); j >= 0 {
				w = rest[:j]
			}
			if len(w) > 4 && strings.HasSuffix(w, "ing") && w != "nothing" && w != "anything" && w != "something" && w != "everything" {
				return clip(sentence[i:], 40)
			}
		}
	}
	return ""
}

// clip shortens s to about n bytes at a word boundary, for messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		return s[:i] + " …"
	}
	return s[:n] + " …"
}

// withdrawHarder are conditions that make withdrawing harder than giving
// consent online or on a form.
var withdrawHarder = []string{"in writing", "written notice", "written request", "notice period", "months' notice", "months notice", "month's notice", "weeks' notice", "days' notice", "signed letter",
	"skriftligen", "skriftlig", "uppsägningstid", "månaders varsel", "dagars varsel", "veckors varsel", "undertecknad"}

var specialWords = newWordSet(4, append([]string{"sensitive", "special categor", "känslig", "särskild kategori", "särskilda kategorier"}, art9List...)...)

var _ = register(
	&Rule{
		ID:       "consent.bundled-terms",
		Severity: Warning,
		Articles: []string{"Art 4(11)", "Art 7(2)", "EDPB Guidelines 05/2020 §§ 75–86"},
		Summary:  "The body does not deem consent given by an act (\"by signing your contract … you consent\", \"by registering you agree\", \"genom att skicka in … godkänner du\") or make the notice itself the consent: consent is a clear affirmative act for that purpose, separate from other matters.",
		Check: func(c *Context) {
			for _, d := range deemedConsents(c) {
				if containsAny(c.Body()[d.start:d.end], "cookie", "kakor") {
					continue // cookies.implied-consent says it
				}
				line, col, _ := c.LineOf(d.start)
				c.ReportBody(line, col, fmt.Sprintf("%q: consent deemed given by an act, or agreement to terms, is not consent", clip(c.Body()[d.start:d.end], 80)),
					"inform instead of asking for agreement (\"we use what you send us to …\"); where consent is truly the basis, ask for it separately, with an unticked box or a button for that purpose only")
			}
		},
	},
	&Rule{
		ID:       "special.bundled-consent",
		Severity: Error,
		Articles: []string{"Art 9(2)(a)", "Art 4(11)", "Art 7(2)", "EDPB Guidelines 05/2020 §§ 91–98"},
		Summary:  "Special-category data does not rest on consent deemed given by an act (registering, signing, using a site): Art 9(2)(a) needs explicit consent, an express statement for that purpose.",
		Check: func(c *Context) {
			ds := deemedConsents(c)
			if len(ds) == 0 {
				return
			}
			reported := false
			for _, d := range ds {
				sentence := c.Body()[d.start:d.end]
				if hasAnyWord(sentence, specialWords) {
					line, col, _ := c.LineOf(d.start)
					c.ReportBody(line, col, fmt.Sprintf("%q: special-category data on consent deemed given by %q; explicit consent is an express statement for that purpose", clip(sentence, 80), d.act),
						"ask for explicit consent separately (a statement the person makes for this data and purpose), or rely on the Art 9(2) condition that fits (employment law, 9(2)(b)) and say so in art9")
					reported = true
				}
			}
			if reported {
				return
			}
			for i, dc := range c.N.Data {
				for _, a := range dc.Art9 {
					if a == "9(2)(a)" {
						c.Report(notice.Path{"data", i, "art9"}, fmt.Sprintf("data %q relies on explicit consent, but the body deems consent given by an act (%q)", dc.Name, ds[0].act),
							"ask for explicit consent separately for this data, or rely on the Art 9(2) condition that fits")
						return
					}
				}
			}
		},
	},
	&Rule{
		ID:       "consent.withdraw-harder",
		Severity: Error,
		Articles: []string{"Art 7(3)", "Art 13(2)(c)", "EDPB Guidelines 05/2020 §§ 113–116"},
		Summary:  "Withdrawing consent is as easy as giving it: no letter, signature or notice period (\"in writing\", \"3 months' notice\", \"skriftligen\", \"uppsägningstid\").",
		Check: func(c *Context) {
			w := strings.ToLower(c.N.Rights.Withdraw)
			for _, x := range withdrawHarder {
				if strings.Contains(w, x) {
					c.Report(notice.Path{"rights", "withdraw"}, fmt.Sprintf("withdrawal needs %q, which is harder than giving consent", x),
						"let people withdraw the way they consented (the same form, a link, an email), at any time and with effect from then")
					return
				}
			}
			body := c.Body()
			for _, v := range []string{"withdraw", "återkalla", "återta"} {
				if !c.mayContain(v) {
					continue
				}
				for from := 0; ; {
					at := strings.Index(body[from:], v)
					if at < 0 {
						break
					}
					at += from
					s, e := sentenceAround(body, at)
					from = e
					for _, x := range withdrawHarder {
						if find(body[s:e], x, false) >= 0 {
							line, col, _ := c.LineOf(s)
							c.ReportBody(line, col, fmt.Sprintf("%q: withdrawal needs %q, which is harder than giving consent", clip(body[s:e], 80), x),
								"let people withdraw the way they consented (the same form, a link, an email), at any time and with effect from then")
							return
						}
					}
				}
			}
		},
	},
	proseRule(&Rule{
		ID:       "consent.conditional",
		Severity: Error,
		Articles: []string{"Art 7(4)", "Art 4(11)", "Recital 43", "EDPB Guidelines 05/2020 §§ 26–41"},
		Summary:  "Consent is not made a condition of applying, registering or a contract that does not need it (\"you must consent to apply\", \"utan ditt samtycke kan vi inte behandla din ansökan\").",
	}, "rely on the basis the processing really has (pre-contract steps, legitimate interests) and keep consent for optional extras that can be refused without losing the service", []phrase{
		{text: "you must consent", why: "consent that must be given is not freely given"},
		{text: "you must give your consent", why: "consent that must be given is not freely given"},
		{text: "you need to consent", why: "consent that must be given is not freely given"},
		{text: "consent is required to", why: "consent made a condition is not freely given"},
		{text: "consent is a condition of", why: "consent made a condition is not freely given"},
		{text: "without your consent we cannot", why: "refusing consent must not cost the service"},
		{text: "without your consent, we cannot", why: "refusing consent must not cost the service"},
		{text: "if you do not consent, we cannot", why: "refusing consent must not cost the service"},
		{text: "if you do not consent we cannot", why: "refusing consent must not cost the service"},
		{text: "du måste samtycka", why: "ett samtycke som krävs är inte frivilligt"},
		{text: "du måste godkänna", why: "ett samtycke som krävs är inte frivilligt"},
		{text: "samtycke krävs för att", why: "ett samtycke som villkor är inte frivilligt"},
		{text: "utan ditt samtycke kan vi inte", why: "att vägra samtycke får inte kosta tjänsten"},
		{text: "om du inte samtycker kan vi inte", why: "att vägra samtycke får inte kosta tjänsten"},
	}),
)
