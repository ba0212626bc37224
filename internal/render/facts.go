package render

import (
	"html/template"
	"regexp"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/period"
)

// Columns say which optional columns of a table have a value in some row:
// a column no row fills is left out rather than shown empty.
type Columns map[string]bool

// DataColumns: "conditions" when any category is special or criminal.
func (p *NoticePage) DataColumns() Columns {
	c := Columns{}
	for _, d := range p.N.Data {
		c["examples"] = c["examples"] || len(d.Examples) > 0
		c["conditions"] = c["conditions"] || d.Special || d.Criminal
	}
	return c
}

// SourceColumns: "public" when any source says whether it is public.
func (p *NoticePage) SourceColumns() Columns {
	c := Columns{}
	for _, s := range p.N.Sources {
		c["data"] = c["data"] || len(s.Data) > 0
		c["public"] = c["public"] || s.PublicStated
	}
	return c
}

// RecipientColumns: role, country, data, purpose.
func (p *NoticePage) RecipientColumns() Columns {
	c := Columns{}
	for _, r := range p.N.Recipients {
		c["role"] = c["role"] || r.Role != ""
		c["country"] = c["country"] || r.Country != ""
		c["data"] = c["data"] || len(r.Data) > 0
		c["purpose"] = c["purpose"] || r.Purpose != ""
	}
	return c
}

// TransferColumns: recipient, copy.
func (p *NoticePage) TransferColumns() Columns {
	c := Columns{}
	for _, t := range p.TransferList() {
		c["recipient"] = c["recipient"] || t.Recipient != ""
		c["copy"] = c["copy"] || t.Copy != ""
	}
	return c
}

// RetentionColumns: from, then.
func (p *NoticePage) RetentionColumns() Columns {
	c := Columns{}
	for _, r := range p.N.Retention {
		c["from"] = c["from"] || r.From != ""
		c["then"] = c["then"] || r.Then != ""
	}
	return c
}

// CookieColumns: third_party when any cookie says whether a third party
// can read it (an unsaid value is not shown as "No").
func (p *NoticePage) CookieColumns() Columns {
	c := Columns{}
	for _, k := range p.N.Cookies {
		c["third_party"] = c["third_party"] || k.ThirdPartyStated
	}
	return c
}

// LawNotes cites each law of the purposes table once: a law that several
// purposes rely on is written out in a numbered note under the table and
// the rows refer to it; a law one purpose relies on stays in its row.
type LawNotes struct {
	Notes []string       // the shared laws, numbered from 1
	ref   map[string]int // law → its note number
}

// Ref is the note number of a shared law, 0 for a law cited once.
func (l LawNotes) Ref(law string) int { return l.ref[law] }

// PurposeLaws gathers the laws the purposes cite.
func (p *NoticePage) PurposeLaws() LawNotes {
	count := map[string]int{}
	var order []string
	for _, x := range p.N.Purposes {
		if x.Law == "" {
			continue
		}
		if count[x.Law] == 0 {
			order = append(order, x.Law)
		}
		count[x.Law]++
	}
	l := LawNotes{ref: map[string]int{}}
	for _, law := range order {
		if count[law] > 1 {
			l.Notes = append(l.Notes, law)
			l.ref[law] = len(l.Notes)
		}
	}
	return l
}

// RetentionSummary is what the first layer may honestly say about how
// long data is kept.
type RetentionSummary struct {
	// Kind is "range" when every rule has a fixed period, "partial" when
	// only some have one, "criteria" when none has.
	Kind     string
	Min, Max period.Period
	// Unstated is true when some rule gives neither a period nor the
	// criteria that set one: the first layer says so rather than call
	// its time "set by criteria".
	Unstated bool
}

// Retention summarises the retention rules for the first layer: a range
// only when every rule has a period, since a rule kept "until the 75th
// birthday" may be longer than every fixed one.
func (p *NoticePage) Retention() RetentionSummary {
	var s RetentionSummary
	fixed := 0
	for _, r := range p.N.Retention {
		if r.Period.IsZero() {
			s.Unstated = s.Unstated || strings.TrimSpace(r.Criteria) == ""
			continue
		}
		if fixed == 0 || r.Period.Approx() < s.Min.Approx() {
			s.Min = r.Period
		}
		if fixed == 0 || r.Period.Approx() > s.Max.Approx() {
			s.Max = r.Period
		}
		fixed++
	}
	switch {
	case fixed == 0:
		s.Kind = "criteria"
	case fixed < len(p.N.Retention):
		s.Kind = "partial"
	default:
		s.Kind = "range"
	}
	return s
}

// CookieSpan is how long the notice's cookies last, for the first layer.
// Kind says what the notice states: "session" (every stated lifetime
// ends with the browser session), "max" (the longest stated lifetime is
// Max), "" (no cookie's lifetime is stated). Unstated is set when some
// cookie's lifetime is not stated: the longest stated one is then not a
// bound on them all, and the layer must not say it is.
type CookieSpan struct {
	Max      period.Period
	Kind     string
	Unstated bool
	OK       bool // the notice declares cookies
}

// CookieLife is the longest stated lifetime among the notice's cookies.
func (p *NoticePage) CookieLife() CookieSpan {
	var s CookieSpan
	for _, c := range p.N.Cookies {
		s.OK = true
		switch {
		case c.Duration.Session:
			if s.Kind == "" {
				s.Kind = "session"
			}
		case c.Duration.Period.IsZero():
			s.Unstated = true
		default:
			s.Kind = "max"
			if c.Duration.Period.Approx() > s.Max.Approx() {
				s.Max = c.Duration.Period
			}
		}
	}
	return s
}

// Contact is the first way to reach the controller that the notice gives:
// the controller's own email or telephone, else the DPO's.
type Contact struct {
	Email, Phone, URL string
	DPO               bool // the contact is the DPO's
}

// FirstContact picks the first layer's contact; nil when the notice
// gives none.
func (p *NoticePage) FirstContact() *Contact {
	c := p.N.Controller
	if c.Email != "" || c.Phone != "" {
		return &Contact{Email: string(c.Email), Phone: c.Phone}
	}
	if d := p.N.DPO; d != nil && (d.Email != "" || d.Phone != "" || d.URL != "") {
		return &Contact{Email: string(d.Email), Phone: d.Phone, URL: string(d.URL), DPO: true}
	}
	if c.URL != "" {
		return &Contact{URL: string(c.URL)}
	}
	return nil
}

// ShortRights are the i18n keys of the one-line rights of the first
// layer: every right the bases give, except the complaint to the
// authority, which has its own line.
func (p *NoticePage) ShortRights() []string {
	var keys []string
	for _, d := range p.derivedRights() {
		if d.Right == notice.RightComplain || !applies(d) {
			continue
		}
		keys = append(keys, "rights_short."+string(d.Right))
	}
	return keys
}

// AuthorityKey is the i18n key of the supervisory authority's name as it
// reads inside a sentence ("the Information Commissioner's Office"), for
// built-in authorities; "" for a custom one, whose name is used as given.
func (p *NoticePage) AuthorityKey() string {
	if p.Authority.Key == "" {
		return ""
	}
	return "authority_in_sentence." + p.Authority.Key
}

// PurposeRef names a purpose and its anchor.
type PurposeRef struct{ Name, ID string }

// RightGroup is a set of purposes that give the same rights beyond those
// that always apply.
type RightGroup struct {
	Purposes []PurposeRef
	Rights   []RightView
}

// RightGroups groups the purposes by the extra rights their bases give
// (erasure, portability), so the page says once per group which rights
// apply instead of ending every right with a list of purposes.
func (p *NoticePage) RightGroups() []RightGroup {
	var groups []RightGroup
	var keys []string
	for i, x := range p.N.Purposes {
		var rights []RightView
		var key []string
		for _, d := range p.derivedRights() {
			if d.All || separate(d.Right) || !slices.Contains(d.Purposes, i) {
				continue
			}
			rights = append(rights, RightView{Right: d.Right, Key: "rights." + string(d.Right)})
			key = append(key, string(d.Right))
		}
		if len(rights) == 0 {
			continue
		}
		k := strings.Join(key, ",")
		j := slices.Index(keys, k)
		if j < 0 {
			keys = append(keys, k)
			groups = append(groups, RightGroup{Rights: rights})
			j = len(groups) - 1
		}
		groups[j].Purposes = append(groups[j].Purposes, PurposeRef{Name: x.Name, ID: x.ID})
	}
	return groups
}

// UnstatedRights are the rights that depend on a lawful basis the notice
// does not state (for some purposes, or because it states no purposes):
// the page says they may apply rather than guess either way.
func (p *NoticePage) UnstatedRights() []RightView {
	var out []RightView
	for _, d := range p.derivedRights() {
		if len(d.Unstated) > 0 || d.Undetermined {
			out = append(out, p.view(d))
		}
	}
	return out
}

// applies reports whether the notice's stated bases give a right for
// some purpose, as opposed to a right that may apply only through bases
// it does not state.
func applies(d notice.DerivedRight) bool { return d.All || len(d.Purposes) > 0 }

// separate reports whether a right has its own paragraph on the page
// rather than a place in the grouped list.
func separate(r notice.Right) bool {
	return r == notice.RightObjection || r == notice.RightWithdraw || r == notice.RightComplain
}

// GeneralRights are the rights that apply whatever the purpose, except
// the ones with their own paragraph.
func (p *NoticePage) GeneralRights() []RightView {
	var out []RightView
	for _, d := range p.derivedRights() {
		if d.All && !separate(d.Right) {
			out = append(out, RightView{Right: d.Right, Key: "rights." + string(d.Right)})
		}
	}
	return out
}

// Art9Key is the i18n key of an Art 9(2) condition in words: "9(2)(b)"
// → "art9.b".
func Art9Key(c notice.Art9) string {
	s := string(c)
	if len(s) == len("9(2)(b)") && strings.HasPrefix(s, "9(2)(") {
		return "art9." + s[5:6]
	}
	return ""
}

var (
	linkURL   = regexp.MustCompile(`https?://[^\s<>"'()]+[^\s<>"'().,;:!?]`)
	linkEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	linkAny   = regexp.MustCompile(linkURL.String() + `|` + linkEmail.String())
)

// linkify escapes free text and makes every web address and email address
// in it a link, so a reader can follow what the notice names.
func linkify(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range linkAny.FindAllStringIndex(s, -1) {
		b.WriteString(template.HTMLEscapeString(s[last:m[0]]))
		t := s[m[0]:m[1]]
		href := t
		if !strings.Contains(t, "://") {
			href = "mailto:" + t
		}
		b.WriteString(`<a class="bare" href="` + template.HTMLEscapeString(href) + `">` + template.HTMLEscapeString(t) + `</a>`)
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String()) // every piece escaped above
}
