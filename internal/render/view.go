package render

import (
	"html/template"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/dpv"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/period"
)

// NoticePage is what layouts/notice.html sees. Facts stay in the notice
// (.N); the methods here derive what the page shows from them, so layouts
// hold presentation only.
type NoticePage struct {
	Page
	N                *notice.Notice
	Version          string
	Body             template.HTML
	BodyHeadings     []Heading
	Authority        notice.Authority
	AuthorityName    string
	AuthorityAddress string
	Related          []Link
	// LinkedData describes the notice in the W3C Data Privacy Vocabulary,
	// for the page's <script type="application/ld+json">.
	LinkedData dpv.Node
	// Parent is the notice this one extends; InheritedSections are the i18n
	// keys of the sections whose facts come from it, in page order.
	Parent            *Link
	InheritedSections []string
	// History links the notice's versions; nil when the site has none.
	History *NoticeHistory

	derived []notice.DerivedRight // N.DerivedRights(), once: six sections read them
}

// derivedRights is the rights the notice's bases give (notice.Notice.DerivedRights).
func (p *NoticePage) derivedRights() []notice.DerivedRight {
	if p.derived == nil {
		p.derived = p.N.DerivedRights()
	}
	return p.derived
}

// sectionOf is the page section that shows each key a notice can inherit.
var sectionOf = map[string]string{
	"jurisdiction": "rights", "controller": "controller", "joint_controllers": "controller", "representative": "controller", "dpo": "controller",
	"supervisory_authority": "rights", "data": "data", "sources": "sources", "requirements": "requirements", "purposes": "purposes",
	"recipients": "recipients", "transfers": "transfers", "retention": "retention", "automated_decisions": "automated",
	"cookies": "cookies", "rights": "rights", "personnummer": "data",
}

// inheritedSections lists the sections whose facts n takes from its parent.
func inheritedSections(n *notice.Notice, sections []Section) []string {
	from := map[string]bool{}
	for _, k := range n.Inherited {
		from[sectionOf[k]] = true
	}
	var out []string
	for _, s := range sections {
		if from[s.ID] {
			out = append(out, s.Key)
		}
	}
	return out
}

// Section is one entry of the table of contents.
type Section struct {
	ID, Key  string // Key is the i18n key of its heading
	Children []Heading
}

// Sections lists the sections the page has, in the order of
// pageSections, for the contents (which lists neither itself nor the
// first layer).
func (p *NoticePage) Sections() []Section {
	n := p.N
	has := map[string]bool{
		"controller":   true,
		"data":         len(n.Data) > 0,
		"sources":      len(n.Sources) > 0,
		"requirements": len(n.Requirements) > 0,
		"purposes":     true,
		"more":         p.HasBody(),
		"recipients":   len(n.Recipients) > 0,
		"transfers":    true,
		"retention":    len(n.Retention) > 0,
		"automated":    true,
		"cookies":      len(n.Cookies) > 0,
		"rights":       true,
		"changes":      len(n.Changes) > 0,
		"related":      len(p.Related) > 0,
	}
	var s []Section
	for _, id := range pageSections {
		if !has[id] {
			continue
		}
		sec := Section{ID: id, Key: "section." + id}
		if id == "more" {
			sec.Children = p.BodyHeadings
		}
		s = append(s, sec)
	}
	return s
}

// HasBody reports whether the notice has Markdown prose.
func (p *NoticePage) HasBody() bool { return len(strings.TrimSpace(string(p.Body))) > 0 }

// DataNames turns data-category ids into their names.
func (p *NoticePage) DataNames(ids []string) []string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		for _, c := range p.N.Data {
			if c.ID == id {
				names = append(names, c.Name)
			}
		}
	}
	return names
}

// Short is the first few items of a list and how many more there are:
// the first layer stays short whatever the notice's size.
type Short struct {
	Items []string
	More  int
}

const shortLen = 5

func shorten(names []string) Short {
	if len(names) <= shortLen+1 {
		return Short{Items: names}
	}
	return Short{Items: names[:shortLen], More: len(names) - shortLen}
}

// PurposeNames lists the purposes' names, shortened, for the first layer.
func (p *NoticePage) PurposeNames() Short {
	var names []string
	for _, x := range p.N.Purposes {
		names = append(names, x.Name)
	}
	return shorten(names)
}

// CategoryNames lists the data categories' names, shortened, for the
// first layer.
func (p *NoticePage) CategoryNames() Short {
	var names []string
	for _, x := range p.N.Data {
		names = append(names, x.Name)
	}
	return shorten(names)
}

// RetentionSpan is the shortest and longest fixed retention period.
type RetentionSpan struct {
	Min, Max period.Period
	OK       bool // some rule has a fixed period
}

// RetentionRange summarises the retention rules for the first layer.
func (p *NoticePage) RetentionRange() RetentionSpan {
	var s RetentionSpan
	for _, r := range p.N.Retention {
		if r.Period.IsZero() {
			continue
		}
		if !s.OK || r.Period.Approx() < s.Min.Approx() {
			s.Min = r.Period
		}
		if !s.OK || r.Period.Approx() > s.Max.Approx() {
			s.Max = r.Period
		}
		s.OK = true
	}
	return s
}

// RightView is a right as the page lists it.
type RightView struct {
	Right     notice.Right
	Key       string   // i18n key of its explanation
	AppliesTo []string // purpose names, when it applies to some only
	// MayApplyTo names the purposes whose basis the notice does not state;
	// Undetermined is true when it states no purposes: the right may
	// apply, and the page says why it cannot tell.
	MayApplyTo   []string
	Undetermined bool
}

// Rights lists the rights the bases give, except objection and
// withdrawal, which the page shows on their own (Art 21(4), Art 7(3)).
func (p *NoticePage) Rights() []RightView {
	var out []RightView
	for _, d := range p.derivedRights() {
		if d.Right == notice.RightObjection || d.Right == notice.RightWithdraw || d.Right == notice.RightComplain {
			continue
		}
		out = append(out, p.view(d))
	}
	return out
}

// Objection is the right to object, when a basis gives it.
func (p *NoticePage) Objection() *RightView { return p.find(notice.RightObjection) }

// Withdraw is the right to withdraw consent, when consent is a basis.
func (p *NoticePage) Withdraw() *RightView { return p.find(notice.RightWithdraw) }

func (p *NoticePage) find(r notice.Right) *RightView {
	rights := p.derivedRights()
	i := slices.IndexFunc(rights, func(d notice.DerivedRight) bool { return d.Right == r })
	if i < 0 || !applies(rights[i]) {
		// A right that only may apply, for purposes whose basis the
		// notice does not state, is in UnstatedRights and nowhere else:
		// a paragraph of its own would read as a promise.
		return nil
	}
	v := p.view(rights[i])
	return &v
}

func (p *NoticePage) view(d notice.DerivedRight) RightView {
	v := RightView{Right: d.Right, Key: "rights." + string(d.Right), Undetermined: d.Undetermined}
	if !d.All {
		for _, i := range d.Purposes {
			v.AppliesTo = append(v.AppliesTo, p.N.Purposes[i].Name)
		}
	}
	for _, i := range d.Unstated {
		v.MayApplyTo = append(v.MayApplyTo, p.N.Purposes[i].Name)
	}
	return v
}

// RightsContact is where to send rights requests.
func (p *NoticePage) RightsContact() (c struct {
	Email, URL, Address string
}) {
	e, u, a := p.N.RightsChannel()
	c.Email, c.URL, c.Address = string(e), string(u), a
	return c
}

// TransfersNoneKey is the i18n key for "no transfers" under the notice's law.
func (p *NoticePage) TransfersNoneKey() string {
	if p.N.Law() == "uk" {
		return "transfer.none_uk"
	}
	return "transfer.none_eu"
}

// CookieCategoryKey is the i18n key of a cookie category's label.
func (p *NoticePage) CookieCategoryKey(id string) string { return "category." + id + ".label" }

// TransferList is the notice's transfers; nil when it states none or
// does not say (.N.Transfers tells which).
func (p *NoticePage) TransferList() []notice.Transfer {
	if p.N.Transfers == nil {
		return nil
	}
	return *p.N.Transfers
}

// DecisionList is the notice's automated decisions, like TransferList.
func (p *NoticePage) DecisionList() []notice.AutomatedDecision {
	if p.N.AutomatedDecisions == nil {
		return nil
	}
	return *p.N.AutomatedDecisions
}
