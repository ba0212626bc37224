package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// Prose rules read the Markdown body, in English and Swedish, line by
// line, and point at the line and column of the phrase.

// phrase is a lower-case text a prose rule looks for.
type phrase struct {
	text string
	// with: the line must also contain one of these (nil: no condition).
	with []string
	// word: match text only as a whole word.
	word bool
	// notBefore: skip a match followed by one of these (after white
	// space): "etc." before "act" is part of a statute's name.
	notBefore []string
	// fact: report only once this fact has ended by the as-of date.
	fact string
	// law: report only for notices under this law ("" any).
	law notice.Jurisdiction
	// why explains the finding; "%s" is replaced by the fact's event.
	why string
}

// applies reports whether the phrase is judged for a notice under law on
// the as-of date (its law, and its fact ended), and its explanation.
func (p phrase) applies(c *Context, law notice.Jurisdiction) (string, bool) {
	if p.law != "" && p.law != law {
		return "", false
	}
	if p.fact == "" {
		return p.why, true
	}
	f, ok := fact(p.fact, law)
	if !ok || !f.Ended(c.AsOf) {
		return "", false
	}
	return strings.ReplaceAll(p.why, "%s", f.Event), true
}

// proseRule builds a rule that reports each line of the body that
// contains one of the phrases, once, at the first phrase found on it.
func proseRule(r *Rule, fix string, phrases []phrase) *Rule {
	r.Check = func(c *Context) {
		law := c.Law()
		body := c.Body()
		var reported []int // lines already reported by this rule
		for _, p := range phrases {
			if !c.mayContain(p.text) {
				continue
			}
			why, ok := p.applies(c, law)
			if !ok {
				continue
			}
			for at, end := nextSpan(body, 0, p.text, p.word); at >= 0; at, end = nextSpan(body, end, p.text, p.word) {
				line, col, text := c.LineOf(at)
				if endLine, _, more := c.LineOf(end - 1); endLine != line {
					text += " " + more // a wrapped phrase: its context is on both lines
				}
				if slices.Contains(reported, line) || (p.with != nil && !containsAny(text, p.with...)) || followedBy(body[end:], p.notBefore) {
					continue
				}
				reported = append(reported, line)
				c.ReportBody(line, col, fmt.Sprintf("%q: %s", p.text, why), fix)
			}
		}
	}
	return r
}

const obsoleteLawFix = "cite the UK GDPR and the Data Protection Act 2018 (UK) or the GDPR and dataskyddslagen (2018:218) (Sweden), and use their terms (special category data, restriction)"

// obsoleteLaw are repealed laws and their terms.
var obsoleteLaw = []phrase{
	{text: "data protection act 1998", fact: "dpa_1998", why: "%s"},
	{text: "sensitive personal data", fact: "dpa_1998", why: "a Data Protection Act 1998 term; the law now says special category data"},
	{text: "data blocked", fact: "dpa_1998", why: "a Data Protection Act 1998 term; the right is now restriction (Art 18)"},
	{text: "blocking of personal data", fact: "dpa_1998", why: "a Data Protection Act 1998 term; the right is now restriction (Art 18)"},
	{text: "personuppgiftslagen", fact: "personuppgiftslagen", why: "%s"},
	{text: "pul", word: true, fact: "personuppgiftslagen", why: "%s"},
}

const vagueFix = "list what is actually collected, shared or used; an open list does not tell people what happens to their data"

// vagueQualifiers open a list without closing it, in English and Swedish.
var vagueQualifiers = []phrase{
	{text: "including but not limited to", why: "an open-ended list"},
	{text: "including, but not limited to", why: "an open-ended list"},
	{text: "include but are not limited to", why: "an open-ended list"},
	{text: "include, but are not limited to", why: "an open-ended list"},
	{text: "but isn't limited to", why: "an open-ended list"},
	{text: "but is not limited to", why: "an open-ended list"},
	{text: "but not limited to", why: "an open-ended list"},
	{text: "may include", why: "says what might happen, not what does"},
	{text: "inklusive men inte begränsat till", why: "en öppen uppräkning"},
	{text: "inklusive, men inte begränsat till", why: "en öppen uppräkning"},
	{text: "men inte begränsat till", why: "en öppen uppräkning"},
	{text: "etc.", notBefore: []string{"act"}, why: "an open-ended list"},
	{text: "m.m.", word: true, why: "en öppen uppräkning (med mera)"},
	{text: "med mera", word: true, why: "en öppen uppräkning"},
	{text: "m.fl.", word: true, why: "en öppen uppräkning (med flera)"},
	{text: "osv.", word: true, why: "en öppen uppräkning (och så vidare)"},
	{text: "och så vidare", word: true, why: "en öppen uppräkning"},
	{text: "bl.a.", word: true, notBefore: []string{"att", "för", "genom", "om"}, why: "en öppen uppräkning (bland annat)"},
	{text: "bland annat", word: true, notBefore: []string{"att", "för", "genom", "om"}, why: "en öppen uppräkning"},
}

// withPhrasesInData extends a prose rule to the data categories' names
// and examples, where the same words hide what is collected or cite the
// wrong law. mayHave passes over, cheaply, a text that cannot contain any
// of the phrases.
func withPhrasesInData(r *Rule, fix string, phrases []phrase, mayHave func(string) bool) *Rule {
	body := r.Check
	r.Check = func(c *Context) {
		body(c)
		law := c.Law()
		for i, d := range c.N.Data {
			fields := append([]string{d.Name}, d.Examples...)
			for j, text := range fields {
				if !mayHave(text) {
					continue
				}
				p, why, ok := phraseIn(c, law, strings.ToLower(text), phrases)
				if !ok {
					continue
				}
				path, what := notice.Path{"data", i, "name"}, fmt.Sprintf("data %q", d.Name)
				if j > 0 {
					path, what = notice.Path{"data", i, "examples", j - 1}, fmt.Sprintf("data %q, example %q", d.Name, text)
				}
				c.Report(path, fmt.Sprintf("%s: %q: %s", what, p.text, why), fix)
			}
		}
	}
	return r
}

// phraseIn returns the first phrase found in l (lower case) that applies
// under law on the as-of date, with its explanation.
func phraseIn(c *Context, law notice.Jurisdiction, l string, phrases []phrase) (phrase, string, bool) {
	for _, p := range phrases {
		why, ok := p.applies(c, law)
		if !ok {
			continue
		}
		if at, end := findSpan(l, p.text, p.word); at >= 0 && !followedBy(l[end:], p.notBefore) {
			return p, why, true
		}
	}
	return phrase{}, "", false
}

// mayHaveOpenList is false for a text that cannot hold an open list: every
// vague qualifier has a full stop or one of these words, and most data
// examples have none.
func mayHaveOpenList(s string) bool {
	return strings.IndexByte(s, '.') >= 0 || containsAny(s, "limit", "may", "May", "mera", "vidare", "annat")
}

// mayHaveObsoleteTerm is false for a text that cannot hold an obsolete
// law's name or term.
func mayHaveObsoleteTerm(s string) bool {
	return containsAny(s, "ensitive", "1998", "lock", "ersonuppgiftslag", "PUL", "PuL", "pul")
}

// withDeemedCookieConsent extends cookies.implied-consent beyond its
// phrases: a sentence about cookies that deems consent given by an act ("by
// browsing our pages you accept cookies") is reported too, once per line.
func withDeemedCookieConsent(r *Rule) *Rule {
	phrases := r.Check
	r.Check = func(c *Context) {
		phrases(c)
		for _, d := range deemedConsents(c) {
			if !containsAny(c.Body()[d.start:d.end], "cookie", "kakor") {
				continue
			}
			line, col, _ := c.LineOf(d.start)
			pos := c.N.BodyLine() + line - 1
			if slices.ContainsFunc(c.findings, func(f Finding) bool { return f.Rule == r.ID && f.Pos.Line == pos }) {
				continue
			}
			c.ReportBody(line, col, fmt.Sprintf("%q: cookies deemed accepted by an act; only the visitor's choice in the banner is consent", clip(c.Body()[d.start:d.end], 80)),
				"remove the sentence: optional cookies are set only after the visitor accepts them in the consent banner, and can be refused as easily")
		}
	}
	return r
}

// followedBy reports whether s, after leading white space, starts with one
// of the words (as whole words).
func followedBy(s string, words []string) bool {
	s = strings.TrimLeft(s, " \t\r\n")
	for _, w := range words {
		if strings.HasPrefix(s, w) && (len(s) == len(w) || !isWordByte(s[len(w)])) {
			return true
		}
	}
	return false
}

// find returns the byte offset of text in s, or -1; with word, only where
// text is a whole word. A space in text matches any run of spaces and tabs
// with at most one line break in it, so a phrase that a wrapped paragraph
// splits over two lines is still found, and one split by a blank line
// (two paragraphs) is not.
func find(s, text string, word bool) int {
	at, _ := findSpan(s, text, word)
	return at
}

// nextSpan is findSpan in s from offset from, in offsets of s: a loop
// over every match is
//
//	for at, end := nextSpan(s, 0, text, word); at >= 0; at, end = nextSpan(s, end, text, word)
func nextSpan(s string, from int, text string, word bool) (int, int) {
	at, end := findSpan(s[from:], text, word)
	if at < 0 {
		return -1, -1
	}
	return at + from, end + from
}

// findSpan is find, also returning where the match ends.
func findSpan(s, text string, word bool) (int, int) {
	first, rest, spaced := strings.Cut(text, " ")
	for i := 0; ; {
		j := strings.Index(s[i:], first)
		if j < 0 {
			return -1, -1
		}
		j += i
		end := j + len(first)
		if spaced {
			end = matchWords(s, end, rest)
		}
		if end >= 0 && (!word || ((j == 0 || !isWordByte(s[j-1])) && (end == len(s) || !isWordByte(s[end])))) {
			return j, end
		}
		i = j + 1
	}
}

// matchWords matches the space-separated words of rest in s from at, each
// after a run of white space (see find); it returns the end of the match,
// or -1.
func matchWords(s string, at int, rest string) int {
	for more := true; more; {
		var w string
		w, rest, more = strings.Cut(rest, " ")
		newlines, k := 0, at
		for ; k < len(s) && isSpace(s[k]); k++ {
			if s[k] == '\n' {
				newlines++
			}
		}
		if k == at || newlines > 1 || !strings.HasPrefix(s[k:], w) {
			return -1
		}
		at = k + len(w)
	}
	return at
}

// isSpace reports the white space a phrase's space matches (find) and the
// trigram prefilter folds into one space (Context.mayContain).
func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// cookieContext marks a line as about cookies, analytics or logs. Not
// "statistics": results published as anonymous statistics (of a survey,
// of equality monitoring) are a fair claim, and a line about analytics
// statistics names analytics or cookies too.
var cookieContext = []string{"cookie", "kakor", "analytic", "analys", "logg", "log file", "ip address", "ip-adress", "statistik", "webbanalys"}

var _ = register(
	withDeemedCookieConsent(proseRule(&Rule{
		ID:       "cookies.implied-consent",
		Severity: Error,
		Articles: []string{"Art 4(11)", "Art 7", "ePrivacy Art 5(3)", "CJEU C-673/17 Planet49", "EDPB Guidelines 05/2020"},
		Summary:  "The body does not treat continued use of the site, or browser settings, as consent to cookies (en and sv).",
	}, "remove the sentence: optional cookies are set only after the visitor accepts them in the consent banner, and can be refused as easily", []phrase{
		{text: "by continuing to use", why: "continuing to use a site is not consent"},
		{text: "by continuing to browse", why: "continuing to browse is not consent"},
		{text: "if you continue to use", why: "continuing to use a site is not consent"},
		{text: "if you continue using", why: "continuing to use a site is not consent"},
		{text: "if you keep using", why: "continuing to use a site is not consent"},
		{text: "continued use of this", why: "continued use is not consent"},
		{text: "continued use of our", why: "continued use is not consent"},
		{text: "by using this site you", why: "using a site is not consent"},
		{text: "by using our site you", why: "using a site is not consent"},
		{text: "by using our website you", why: "using a site is not consent"},
		{text: "by using this website you", why: "using a site is not consent"},
		{text: "leave this site", with: []string{"cookie"}, why: "telling visitors to leave is a cookie wall, not a choice"},
		{text: "om du fortsätter att använda", why: "att fortsätta använda webbplatsen är inte ett samtycke"},
		{text: "genom att fortsätta använda", why: "att fortsätta använda webbplatsen är inte ett samtycke"},
		{text: "genom att fortsätta surfa", why: "att fortsätta surfa är inte ett samtycke"},
		{text: "genom att använda webbplatsen", why: "att använda webbplatsen är inte ett samtycke"},
		{text: "genom att använda vår webbplats", why: "att använda webbplatsen är inte ett samtycke"},
		{text: "genom att använda vår hemsida", why: "att använda webbplatsen är inte ett samtycke"},
		{text: "utgår vi från att du", with: []string{"cookie"}, why: "ett antaget samtycke är inte ett samtycke"},
	})),
	proseRule(&Rule{
		ID:       "cookies.anonymous-claim",
		Severity: Error,
		Articles: []string{"Art 4(1)", "Recital 26", "Recital 30", "CJEU C-582/14 Breyer"},
		Summary:  "The body does not call cookie, analytics or log data anonymous: IP addresses and online identifiers are personal data.",
	}, "describe the data as personal data (pseudonymous at best), list it under cookies or data, and give its basis", []phrase{
		{text: "anonymous", with: cookieContext, why: "IP addresses, cookie IDs and analytics identifiers are personal data"},
		{text: "anonymously", with: cookieContext, why: "IP addresses, cookie IDs and analytics identifiers are personal data"},
		{text: "anonym", word: true, with: cookieContext, why: "IP-adresser, cookie-id:n och analysdata är personuppgifter"},
		{text: "anonyma", word: true, with: cookieContext, why: "IP-adresser, cookie-id:n och analysdata är personuppgifter"},
	}),
	withPhrasesInData(proseRule(&Rule{
		ID:       "text.vague-qualifier",
		Severity: Warning,
		Articles: []string{"Art 12(1)", "Art 13(1)", "WP260 rev.01"},
		Summary:  "The body and the data examples avoid open-ended lists (\"including but not limited to\", \"may include\", \"etc.\"; \"inklusive men inte begränsat till\", \"m.m.\", \"bl.a.\", \"osv.\", \"m.fl.\", \"bland annat\"). \"etc.\" inside a statute's name (\"Health and Safety at Work etc. Act 1974\") and \"bl.a. att\" (among other things, that …) are not lists.",
	}, vagueFix, vagueQualifiers), vagueFix, vagueQualifiers, mayHaveOpenList),
	withPhrasesInData(proseRule(&Rule{
		ID:       "text.obsolete-law",
		Severity: Warning,
		Articles: []string{"Art 12(1)", "Art 13"},
		Summary:  "The body and the data categories do not cite repealed law or its terms: the Data Protection Act 1998, \"sensitive personal data\", \"blocking\", personuppgiftslagen.",
	}, obsoleteLawFix, obsoleteLaw), obsoleteLawFix, obsoleteLaw, mayHaveObsoleteTerm),
	proseRule(&Rule{
		ID:       "text.invalid-mechanism",
		Severity: Error,
		Articles: []string{"Art 13(1)(f)", "Art 14(1)(f)", "Art 46"},
		Summary:  "The body does not rely on a transfer mechanism that is invalid on the as-of date (Privacy Shield, Safe Harbor, the old \"Model Clauses\").",
	}, "name the mechanism valid today in transfers (uk_dpf_extension, uk_idta or uk_addendum in the UK; dpf or scc in the EU) and drop the old one from the text", []phrase{
		{text: "privacy shield", fact: "privacy_shield", why: "%s"},
		{text: "integritetsskyddsskölden", fact: "privacy_shield", why: "%s"},
		{text: "safe harbor", fact: "safe_harbor", why: "%s"},
		{text: "safe harbour", fact: "safe_harbor", why: "%s"},
		{text: "model clauses", fact: "scc_2010", why: "the old standard contractual clauses: %s"},
		{text: "modellklausuler", fact: "scc_2010", why: "de gamla standardavtalsklausulerna: %s"},
	}),
	proseRule(&Rule{
		ID:       "text.outdated-authority",
		Severity: Error,
		Articles: []string{"Art 13(2)(d)", "Art 77"},
		Summary:  "The body names the supervisory authority as it is called on the as-of date (Datainspektionen is IMY since 1 Jan 2021).",
	}, "write Integritetsskyddsmyndigheten (IMY) and link https://www.imy.se/", []phrase{
		{text: "datainspektionen", fact: "datainspektionen", why: "%s"},
	}),
	proseRule(&Rule{
		ID:       "text.outdated-body",
		Severity: Warning,
		Articles: []string{"Art 13(1)(a)", "Art 13(1)(e)"},
		Summary:  "The body does not name NHS bodies that no longer exist on the as-of date (CCGs, NHS Improvement, Health Education England).",
	}, "name the body that exists today (the integrated care board; NHS England) and record the change in changes", []phrase{
		{text: "clinical commissioning group", fact: "nhs_ccg", why: "%s"},
		{text: "ccg", word: true, fact: "nhs_ccg", why: "%s"},
		{text: "ccgs", word: true, fact: "nhs_ccg", why: "%s"},
		{text: "nhs improvement", fact: "nhs_improvement", why: "%s"},
		{text: "nhse&i", fact: "nhs_improvement", why: "%s"},
		{text: "nhse/i", fact: "nhs_improvement", why: "%s"},
		{text: "health education england", fact: "hee", why: "%s"},
		{text: "hee", word: true, fact: "hee", why: "%s"},
	}),
	proseRule(&Rule{
		ID:       "transfer.region-framing",
		Severity: Warning,
		Articles: []string{"Art 13(1)(f)", "UK GDPR Art 44"},
		Summary:  "A UK notice frames transfers as leaving the UK, not the EEA or the EU.",
	}, "say \"outside the UK\": since Brexit a UK controller's restricted transfers are those leaving the UK", []phrase{
		{text: "outside the eea", law: "uk", why: "for a UK controller the test is leaving the UK"},
		{text: "outside of the eea", law: "uk", why: "for a UK controller the test is leaving the UK"},
		{text: "outside the european economic area", law: "uk", why: "for a UK controller the test is leaving the UK"},
		{text: "outside of the european economic area", law: "uk", why: "for a UK controller the test is leaving the UK"},
		{text: "outside of europe economic area", law: "uk", why: "for a UK controller the test is leaving the UK"},
		{text: "outside the eu", word: true, law: "uk", why: "for a UK controller the test is leaving the UK"},
		{text: "outside of the eu", word: true, law: "uk", why: "for a UK controller the test is leaving the UK"},
		{text: "outside the european union", law: "uk", why: "for a UK controller the test is leaving the UK"},
		{text: "outside of the european union", law: "uk", why: "for a UK controller the test is leaving the UK"},
	}),
	proseRule(&Rule{
		ID:       "basis.not-per-purpose",
		Severity: Error,
		Articles: []string{"Art 13(1)(c)", "Art 5(1)(a)", "Recital 39"},
		Summary:  "The body does not describe one \"main\" lawful basis that \"may change\": the basis is fixed per purpose before processing starts.",
	}, "give each purpose its own basis in purposes and remove the sentence", []phrase{
		{text: "basis may change", why: "the basis must be settled per purpose before processing begins"},
		{text: "basis for processing may change", why: "the basis must be settled per purpose before processing begins"},
		{text: "main legal basis", why: "one main basis does not say which basis each purpose relies on"},
		{text: "main lawful basis", why: "one main basis does not say which basis each purpose relies on"},
		{text: "huvudsakliga rättsliga grund", why: "den rättsliga grunden anges per ändamål"},
		{text: "rättsliga grunden kan ändras", why: "den rättsliga grunden bestäms innan behandlingen börjar"},
	}),
	proseRule(&Rule{
		ID:       "meta.unilateral-change",
		Severity: Warning,
		Articles: []string{"Art 13(3)", "Art 12(1)"},
		Summary:  "The body does not reserve a right to change the notice \"at any time\" without telling people first.",
	}, "say how people will be told of material changes before they take effect (Art 13(3)), and keep a change log", []phrase{
		{text: "at any time", with: []string{"we may change", "we may update", "we may amend", "we may modify", "may change this", "may update this", "may amend this", "may be changed", "may be updated", "may be amended", "may be modified"}, why: "a change without notice; material changes must be communicated first"},
		{text: "reserve the right to change", why: "a change without notice; material changes must be communicated first"},
		{text: "reserve the right to amend", why: "a change without notice; material changes must be communicated first"},
		{text: "förbehåller oss rätten att ändra", why: "ändringar utan förvarning; väsentliga ändringar ska meddelas i förväg"},
		{text: "när som helst", with: []string{"vi kan ändra", "vi kan komma att ändra", "kan komma att ändras", "får ändras", "kan ändras", "vi får ändra"}, why: "ändringar utan förvarning; väsentliga ändringar ska meddelas i förväg"},
	}),
	proseRule(&Rule{
		ID:       "text.pre-gdpr-wording",
		Severity: Warning,
		Articles: []string{"Art 12(1)", "Art 13(3)", "WP260 rev.01"},
		Summary:  "The body does not announce the GDPR as coming (\"from 25 May 2018 the new law will apply\", \"den 25 maj börjar den nya dataskyddslagen gälla\"): a notice written before the GDPR applied and not reviewed since.",
	}, "review the notice against Arts 13 and 14 as they apply today, rewrite the introduction, and record the review in updated: and changes", []phrase{
		{text: "25 may", with: []string{"will apply", "will come into", "comes into force", "will replace", "will take effect", "is coming", "new data protection"}, why: "the GDPR announced as coming: the text predates 25 May 2018"},
		{text: "25th may", with: []string{"will apply", "will come into", "comes into force", "will replace", "will take effect", "is coming", "new data protection"}, why: "the GDPR announced as coming: the text predates 25 May 2018"},
		{text: "25 maj", with: []string{"börjar", "kommer att gälla", "träder i kraft", "ersätter", "nya dataskydds", "den nya"}, why: "dataskyddsförordningen omtalas som kommande: texten är skriven före 25 maj 2018"},
		{text: "25:e maj", with: []string{"börjar", "kommer att gälla", "träder i kraft", "ersätter", "nya dataskydds", "den nya"}, why: "dataskyddsförordningen omtalas som kommande: texten är skriven före 25 maj 2018"},
	}),
	proseRule(&Rule{
		ID:       "text.stale-link",
		Severity: Info,
		Articles: []string{"Art 12(1)"},
		Summary:  "The body does not link to the ICO's Guide to the GDPR at the addresses it left on 19 May 2023.",
	}, "link the current page under https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/", []phrase{
		{text: "guide-to-the-general-data-protection-regulation-gdpr", fact: "ico_legacy_guide", why: "the ICO's old Guide to the GDPR address: %s"},
	}),
	proseRule(&Rule{
		ID:       "text.obsolete-standard",
		Severity: Info,
		Articles: []string{"Art 12(1)", "Art 32"},
		Summary:  "The body does not vouch for security with a withdrawn audit standard (SAS 70, replaced in 2011).",
	}, "name the assurance the provider holds today (SOC 2 / ISAE 3402 report, ISO/IEC 27001 certificate), or drop the claim", []phrase{
		{text: "sas 70", fact: "sas70", why: "%s"},
		{text: "sas70", fact: "sas70", why: "%s"},
	}),
	&Rule{
		ID:       "text.broken-email",
		Severity: Error,
		Articles: []string{"Art 12(2)", "Art 13(1)(a)"},
		Summary:  "Email addresses in the body are complete (a domain with a dot), so people can reach the controller.",
		Check: func(c *Context) {
			body := c.Body()
			for from := 0; ; {
				at := strings.IndexByte(body[from:], '@')
				if at < 0 {
					return
				}
				at += from
				from = at + 1
				start := at
				for start > 0 && (isEmailByte(body[start-1]) || body[start-1] == '.') {
					start--
				}
				for start < at && body[start] == '.' {
					start++ // a sentence's full stop, not the address
				}
				end := at + 1
				for end < len(body) && (isEmailByte(body[end]) || body[end] == '.') {
					end++
				}
				if start == at || end == at+1 {
					continue // "@handle" or a lone "@": not an address
				}
				domain := strings.TrimRight(body[at+1:end], ".")
				if !strings.Contains(domain, ".") {
					line, col, _ := c.LineOf(start)
					c.ReportBody(line, col, fmt.Sprintf("%q is not a complete email address", body[start:end]),
						"write the whole address, e.g. info@example.se, and prefer the front matter contact fields")
				}
			}
		},
	},
)

func isEmailByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b == '%' || b == '+' || b == '-'
}
