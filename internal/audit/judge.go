package audit

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/period"
)

// Finding is one thing the audit saw that the notices or the law do not
// allow.
type Finding struct {
	Rule     string
	Severity Severity
	Page     string // the page URL; "" for a finding about the whole site
	State    State  // "" when not tied to one state
	Subject  string // the cookie name or host it is about
	Message  string
	Evidence string
	Fix      string
	Pos      notice.Position // where the fix goes, when it is in a notice
}

// judge holds what judging needs.
type judge struct {
	site     *Site
	known    *Known
	trackers *Trackers
	out      []Finding
}

func (j *judge) add(id string, sev Severity, page string, st State, subject, msg, evidence, fix string, pos notice.Position) {
	j.out = append(j.out, Finding{Rule: id, Severity: sev, Page: page, State: st, Subject: subject, Message: msg, Evidence: evidence, Fix: fix, Pos: pos})
}

// category is a cookie's category: declared, else guessed from the known
// table ("" when neither knows it).
func (j *judge) category(name string) (cat string, declared bool) {
	if d, ok := j.site.declared(name); ok {
		return d.Category, true
	}
	if k, ok := j.known.Lookup(name); ok {
		return k.Category, false
	}
	return "", false
}

// Judge turns a run's observations into findings, sorted by page, state,
// rule and subject.
func Judge(res *Result, site *Site, known *Known, trackers *Trackers) []Finding {
	j := &judge{site: site, known: known, trackers: trackers}
	undeclared := map[string]bool{}
	overdue := map[string]bool{}
	seen := map[string]bool{} // declared names matched by some cookie
	accepted := false         // some page was audited after Accept all
	for _, p := range res.Pages {
		for _, st := range States {
			o := p.States[st]
			if o == nil {
				continue
			}
			if o.Failure != "" {
				j.add("page.incomplete", Error, p.URL, st, "", "the audit could not finish "+st.Describe()+": "+o.Failure, "",
					"make the page answer and settle within --timeout, or raise --timeout", notice.Position{})
			}
			if st == Accept && o.Failure == "" && len(o.Controls) > 0 {
				accepted = true
			}
			for _, c := range o.Cookies {
				if d, ok := site.declared(c.Name); ok {
					seen[d.Name] = true
					if !overdue[d.Name] {
						if msg, over := outlives(c, d); over {
							overdue[d.Name] = true
							j.add("cookie.over-duration", Error, p.URL, st, c.Name, msg, cookieEvidence(c),
								fmt.Sprintf("set the cookie's lifetime to at most %s where it is set, or declare duration: %s if that is intended", d.Duration, observedDuration(c)), d.Pos)
						}
					}
				} else if !undeclared[c.Name] {
					undeclared[c.Name] = true
					j.undeclared(p.URL, st, c)
				}
			}
			j.judgeState(p, st, o)
		}
	}
	if accepted {
		for _, d := range site.Cookies {
			if !seen[d.Name] {
				j.add("cookie.stale", Info, "", "", d.Name,
					fmt.Sprintf("cookie %q (%s, %s) is declared but was not seen on any audited page in any state, Accept all included", d.Name, d.Provider, d.Category),
					fmt.Sprintf("%d pages audited", len(res.Pages)),
					"remove the declaration if the site no longer sets it, or audit the page that sets it", d.Pos)
			}
		}
	}
	slices.SortStableFunc(j.out, func(a, b Finding) int {
		return cmp.Or(strings.Compare(a.Page, b.Page), cmp.Compare(stateIndex(a.State), stateIndex(b.State)),
			strings.Compare(a.Rule, b.Rule), strings.Compare(a.Subject, b.Subject))
	})
	return j.out
}

func stateIndex(s State) int { return slices.Index(States, s) }

// judgeState applies the rules of one state.
func (j *judge) judgeState(p *PageResult, st State, o *Observation) {
	switch st {
	case Load:
		if o.Failure == "" && !o.Banner {
			j.add("banner.missing", Error, p.URL, st, "", "no consent banner was shown "+st.Describe(),
				"waited for the page to settle, then for a banner to appear",
				"embed the banner's script tag (public/consent/embed.html) on this page, or pass --accept/--reject selectors for another banner", notice.Position{})
		}
		j.cookies("cookie.before-choice", p.URL, st, o, func(cat string) bool { return !j.site.Required[cat] }, "gate the script that sets it with data-consent=\"%s\" so it runs only after consent")
		j.requests("tracker.before-choice", p.URL, st, o, 0, func(string) bool { return true }, "gate the tag with data-consent=\"%s\" so it loads only after consent")
	case GPC:
		j.cookies("cookie.gpc", p.URL, st, o, func(cat string) bool { return j.site.GPC[cat] }, "gate the script with data-consent=\"%s\" and read the choice from the banner (window.notis.consent() or the notis:consent event), never from the mere presence of a choice")
		j.requests("tracker.gpc", p.URL, st, o, 0, func(cat string) bool { return j.site.GPC[cat] }, "gate the tag with data-consent=\"%s\": under GPC the banner denies that category, and a tag that decides by itself must check event.detail.choices")
	case Reject:
		if o.Failure != "" && len(o.Controls) == 0 {
			return
		}
		if len(o.Controls) == 0 {
			if slices.ContainsFunc(o.Notes, func(n string) bool { return strings.Contains(n, "no Reject all control") }) {
				j.add("banner.no-reject", Error, p.URL, Load, "", "the banner's first layer has no Reject all control the audit could find",
					"looked for --reject or the notis banner's second first-layer button",
					"put Reject all on the first layer, as prominent as Accept all (the notis banner does)", notice.Position{})
			}
			return
		}
		j.cookies("cookie.after-reject", p.URL, st, o, func(cat string) bool { return !j.site.Required[cat] }, "gate the script that sets it with data-consent=\"%s\"")
		j.requests("tracker.after-reject", p.URL, st, o, 1, func(string) bool { return true }, "gate the tag with data-consent=\"%s\"")
		j.proof(p.URL, st, o)
	case Accept:
		if len(o.Controls) > 0 {
			j.proof(p.URL, st, o)
		}
	case Withdraw:
		if len(o.Controls) < 3 {
			return // withdrawal did not happen; the notes say why
		}
		j.proof(p.URL, st, o)
		for _, c := range o.Cookies {
			cat, _ := j.category(c.Name)
			if cat == "" || j.site.Required[cat] {
				continue
			}
			_, declared := j.site.declared(c.Name)
			sev, fix := Error, fmt.Sprintf("declare the cookie in category %s under the name it is set with: the banner deletes the first-party cookies its notices declare", cat)
			switch {
			case c.HTTPOnly:
				fix = "set the cookie without HttpOnly (the banner's script cannot delete an HttpOnly cookie), or have the server that sets it delete it once the withdrawal reaches it"
			case declared:
				fix = "the banner deletes it on this host and its parent domains at path /: set it there, or delete it in the tag's own withdrawal handler (the notis:consent event)"
			}
			if !j.firstParty(c, p.URL) {
				sev, fix = Warning, "a cookie of another site cannot be deleted by this page: ask the provider to honour withdrawal, or stop loading its tag"
			}
			j.add("cookie.after-withdraw", sev, p.URL, st, c.Name,
				fmt.Sprintf("cookie %q (%s) is still set %s", c.Name, cat, st.Describe()), cookieEvidence(c), fix, notice.Position{})
		}
	}
}

// cookies reports the state's cookies whose category denies wants.
func (j *judge) cookies(id, page string, st State, o *Observation, denied func(string) bool, fix string) {
	for _, c := range o.Cookies {
		cat, declared := j.category(c.Name)
		if cat == "" || !denied(cat) {
			continue // unknown and undeclared: cookie.undeclared reports it
		}
		how := "declared as " + cat
		if !declared {
			how = "guessed " + cat + " from the known-cookie table"
		}
		j.add(id, Error, page, st, c.Name, fmt.Sprintf("cookie %q (%s) is set %s", c.Name, how, st.Describe()), cookieEvidence(c), fmt.Sprintf(fix, cat), notice.Position{})
	}
}

// requests reports requests to known tracker hosts, from the given phase
// on, whose category denied says must not be contacted.
func (j *judge) requests(id, page string, st State, o *Observation, phase int, denied func(string) bool, fix string) {
	done := map[string]bool{}
	for _, r := range o.Requests {
		if r.Phase < phase || done[r.Host] {
			continue
		}
		t, ok := j.trackers.Lookup(r.Host)
		if !ok || !denied(t.Category) {
			continue
		}
		done[r.Host] = true
		ev := r.Method + " " + r.URL
		if r.Initiator != "" {
			ev += " (initiated by " + r.Initiator + ")"
		}
		j.add(id, Error, page, st, r.Host, fmt.Sprintf("%s (%s, %s) was contacted %s", r.Host, t.Provider, t.Category, st.Describe()), ev, fmt.Sprintf(fix, t.Category), notice.Position{})
	}
}

// proof checks that a choice was sent to the consent server.
func (j *judge) proof(page string, st State, o *Observation) {
	if j.site.Endpoint == "" || o.Consent > 0 {
		return
	}
	msg := fmt.Sprintf("no proof of the choice was sent to %s/v1/consents %s", j.site.Endpoint, st.Describe())
	if o.ConsentFailed != "" {
		msg = fmt.Sprintf("the proof of the choice sent to %s/v1/consents %s was not stored (%s)", j.site.Endpoint, st.Describe(), o.ConsentFailed)
	}
	j.add("consent.not-recorded", Error, page, st, "", msg, "controls used: "+strings.Join(o.Controls, ", "),
		"check that the consent server runs and answers, that [consent] origins lists this page's origin, and that the page's CSP allows the server in connect-src", notice.Position{})
}

// firstParty reports whether a cookie belongs to the page's own site.
func (j *judge) firstParty(c Cookie, page string) bool {
	u, err := url.Parse(page)
	if err != nil {
		return false
	}
	h, d := strings.ToLower(u.Hostname()), strings.ToLower(strings.TrimPrefix(c.Domain, "."))
	return h == d || strings.HasSuffix(h, "."+d) || strings.HasSuffix(d, "."+h)
}

// undeclared reports a cookie no notice declares, with the front matter
// line that would declare it.
func (j *judge) undeclared(page string, st State, c Cookie) {
	k, known := j.known.Lookup(c.Name)
	name, provider, cat, purpose, note := c.Name, "TODO who sets it", "TODO", "TODO", "category and provider unknown: check with whoever added the tag"
	switch {
	case known && k == bannerCookie:
		provider, cat, purpose = pageHost(page), k.Category, k.Purpose
		note = "it is the notis banner's own cookie, which keeps the visitor's choice (needed, but declared like any other)"
	case known:
		if k.Prefix {
			name = k.Name + "*"
		}
		provider, cat = k.Platform, k.Category
		note = "category guessed from " + k.Source
		if k.Category == "preferences" && k.Source == "Open Cookie Database" {
			note += " (\"Functional\" there: check whether it is strictly necessary)"
		}
	}
	third := !j.firstParty(c, page)
	line := fmt.Sprintf("- {name: %s, provider: %s, category: %s, purpose: %s, duration: %s, third_party: %t}", yamlScalar(name), yamlScalar(provider), cat, yamlScalar(purpose), observedDuration(c), third)
	j.add("cookie.undeclared", Error, page, st, c.Name,
		fmt.Sprintf("cookie %q is set %s but no notice declares it; %s", c.Name, st.Describe(), note),
		cookieEvidence(c), "add to the cookies of the consent notice: "+line, j.site.CookieNotice)
}

// yamlScalar quotes a value that plain YAML would misread.
func yamlScalar(s string) string {
	if s == "" || strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`") || strings.TrimSpace(s) != s {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// outlives reports whether a cookie lives longer than its declaration
// allows, with a day's slack for clocks and rounding.
func outlives(c Cookie, d Declared) (string, bool) {
	if c.Expires.IsZero() {
		return "", false // a session cookie outlives nothing
	}
	if d.Duration.Session {
		return fmt.Sprintf("cookie %q is declared for the session but lives %s", c.Name, observedDuration(c)), true
	}
	limit := d.Duration.Period.AddTo(c.Seen).Add(24 * time.Hour)
	if c.Expires.After(limit) {
		return fmt.Sprintf("cookie %q is declared for %s but lives %s", c.Name, d.Duration, observedDuration(c)), true
	}
	return "", false
}

// observedDuration is a cookie's lifetime as an ISO 8601 duration, in the
// unit a notice would use ("session", P2Y, P13M, P45D, PT2H), never
// shorter than the cookie lives (past a day's slack), so the suggested
// declaration does not itself break cookie.over-duration.
func observedDuration(c Cookie) string {
	if c.Expires.IsZero() {
		return "session"
	}
	d := c.Lifetime()
	if d < 24*time.Hour {
		return fmt.Sprintf("PT%dH", max(1, int(math.Ceil(d.Hours()-0.05))))
	}
	days := d.Hours() / 24
	covers := func(iso string) bool {
		_, over := outlives(c, Declared{Duration: notice.CookieDuration{Period: period.MustParse(iso)}})
		return !over
	}
	if y := math.Round(days / 365.25); y >= 1 && math.Abs(days/365.25-y) < 0.02 && covers(fmt.Sprintf("P%dY", int(y))) {
		return fmt.Sprintf("P%dY", int(y))
	}
	if m := math.Round(days / 30.44); m >= 1 && math.Abs(days/30.44-m) < 0.05 && covers(fmt.Sprintf("P%dM", int(m))) {
		return fmt.Sprintf("P%dM", int(m))
	}
	return fmt.Sprintf("P%dD", int(math.Ceil(days-0.05)))
}

func cookieEvidence(c Cookie) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s%s, ", c.Name, c.Domain, c.Path)
	if c.Expires.IsZero() {
		b.WriteString("session")
	} else {
		fmt.Fprintf(&b, "expires %s (%s)", c.Expires.Format("2006-01-02"), observedDuration(c))
		if c.Lifetime() >= 399*24*time.Hour {
			b.WriteString(", Chromium's cap of 400 days: the site may ask for longer")
		}
	}
	if c.HTTPOnly {
		b.WriteString(", HttpOnly")
	}
	if c.Secure {
		b.WriteString(", Secure")
	}
	return b.String()
}

// pageHost is the host of a page URL, the provider of its first-party
// cookies; "TODO who sets it" when the URL does not parse.
func pageHost(page string) string {
	if u, err := url.Parse(page); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "TODO who sets it"
}
