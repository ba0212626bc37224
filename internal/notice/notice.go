// Package notice is the domain model of notis: a privacy notice as the data
// GDPR Articles 13 and 14 require, decoded strictly from front matter.
//
// Every view of a notice (the page, the lint, the banner's categories,
// notices.json) reads this model; nothing downstream re-parses front matter.
// Field tags drive three things at once, so they cannot drift apart: the
// decoder (`fm`), the JSON Schema and the front matter reference (`doc`).
package notice

import (
	"github.com/notis-dev/notis/internal/period"
)

// Notice is one privacy notice in one language.
type Notice struct {
	Title   string `fm:"title,required" doc:"The notice's title, shown as the page heading."`
	ID      string `fm:"notice" doc:"Joins translations of one notice; defaults to the file name's stem (candidates.sv.md → candidates)."`
	Lang    string `fm:"lang" doc:"Language of this file when the file name does not say (candidates.sv.md); else the site default."`
	Summary string `fm:"summary" doc:"One or two sentences that open the page and the first layer: who this notice is for."`
	Updated Date   `fm:"updated" doc:"When the notice last changed: YYYY-MM-DD, or YYYY-MM when the notice gives only a month (Art 13(3) changes; the lint asks for it)."`
	// Jurisdiction selects UK or EU rules for the lint; derived from the
	// supervisory authority when absent.
	Jurisdiction Jurisdiction `fm:"jurisdiction" doc:"Which data protection law the notice is written under; derived from supervisory_authority when absent."`

	Controller       Controller        `fm:"controller" doc:"Who decides why and how the data is used (Art 13(1)(a))."`
	JointControllers []JointController `fm:"joint_controllers" doc:"Other controllers who decide jointly, and the essence of the arrangement (Art 26(2))."`
	Representative   *Representative   `fm:"representative" doc:"The controller's representative in the EU or UK, when established outside it (Art 27)."`
	DPO              *DPO              `fm:"dpo" doc:"The data protection officer's contact details, where one is designated (Art 13(1)(b)); mandatory for public authorities (Art 37(1)(a))."`
	Authority        AuthorityRef      `fm:"supervisory_authority" doc:"Where to complain (Art 13(2)(d)): a built-in key (ico, imy) or a custom {name, address, phone, url}. Absent when the notice names none: the page then names none, and the lint fails it (sa.missing)."`

	Data         []DataCategory `fm:"data" doc:"Categories of personal data (Art 14(1)(d)); special: true needs an Art 9(2) condition, criminal: true an Art 10 ground."`
	Sources      []Source       `fm:"sources" doc:"Where data comes from when not from the person (Art 14(2)(f))."`
	Requirements []Requirement  `fm:"requirements" doc:"Whether providing data is a statutory or contractual requirement, and the consequence of not providing it (Art 13(2)(e))."`
	Purposes     []Purpose      `fm:"purposes" doc:"Each purpose with its own lawful basis (Art 13(1)(c))."`
	Recipients   []Recipient    `fm:"recipients" doc:"Who receives the data (Art 13(1)(e))."`
	// Transfers is nil when absent and empty when the notice says "none".
	Transfers          *[]Transfer          `fm:"transfers" doc:"Transfers outside the UK/EEA with their safeguard (Art 13(1)(f)); an explicit empty list means none."`
	Retention          []RetentionRule      `fm:"retention" doc:"How long each kind of record is kept, or the criteria (Art 13(2)(a))."`
	AutomatedDecisions *[]AutomatedDecision `fm:"automated_decisions" doc:"Automated decision-making, including profiling (Art 13(2)(f)); an explicit empty list means none."`
	Cookies            []Cookie             `fm:"cookies" doc:"Cookies and similar storage the site sets; their categories become the consent banner's categories."`
	Rights             RightsContact        `fm:"rights" doc:"How to exercise rights; defaults to the DPO's, then the controller's contact details."`
	Personnummer       string               `fm:"personnummer" doc:"Sweden: why personal identity numbers are needed (dataskyddslagen 3 kap. 10 §)."`
	Related            []string             `fm:"related" doc:"Ids of related notices, linked from this one."`
	Extends            string               `fm:"extends" doc:"The id of a parent notice in the same language (the organisation's main notice) that this one adds to: every fact this notice leaves out is the parent's, and the page says which parts come from it."`
	Changes            []Change             `fm:"changes" doc:"The change log, newest first."`
	Lint               LintSettings         `fm:"lint" doc:"Lint settings for this notice."`

	// Set by the reader, not by front matter.
	Parent    *Notice  `fm:"-"` // the notice Extends names, once resolved
	Inherited []string `fm:"-"` // front matter keys whose facts are the parent's
	File      string   `fm:"-"` // path relative to the site, for messages
	// Origin is where the notice was read from: its Markdown body and
	// the places of its fields in File. How (held in memory, or read
	// again from the file) is the reader's business (internal/content).
	Origin Origin `fm:"-"`
}

// Controller identifies the controller (Art 13(1)(a)).
type Controller struct {
	Name            string `fm:"name" doc:"The legal name, e.g. \"9-2-3 Jobs Limited\"."`
	TradingName     string `fm:"trading_name" doc:"The name the public knows, when it differs."`
	RegNo           string `fm:"reg_no" doc:"Company or organisation number."`
	Address         string `fm:"address" doc:"Postal address."`
	Email           Email  `fm:"email" doc:"Contact email."`
	Phone           string `fm:"phone" doc:"Contact telephone number."`
	URL             URL    `fm:"url" doc:"Web site or contact form."`
	PublicAuthority bool   `fm:"public_authority" doc:"True for public authorities and bodies (NHS trusts, universities): a DPO is then mandatory and legitimate interests cannot be the basis for their tasks."`
}

// JointController is another controller deciding jointly (Art 26).
type JointController struct {
	Name             string `fm:"name,required" doc:"Who."`
	Responsibilities string `fm:"responsibilities" doc:"The essence of the arrangement: who does what (Art 26(2))."`
	Contact          string `fm:"contact" doc:"Contact point for data subjects."`
}

// Representative is the Art 27 representative.
type Representative struct {
	Name    string `fm:"name,required" doc:"Who."`
	Address string `fm:"address" doc:"Postal address."`
	Email   Email  `fm:"email" doc:"Email."`
	Phone   string `fm:"phone" doc:"Telephone."`
	Regime  Regime `fm:"regime" doc:"Which law the representative is appointed under: eu or uk."`
}

// DPO is the data protection officer's contact (Art 13(1)(b)).
type DPO struct {
	Name    string `fm:"name" doc:"Name or role; a name is not required."`
	Email   Email  `fm:"email" doc:"A stable, generic mailbox is best."`
	Phone   string `fm:"phone" doc:"Telephone."`
	Address string `fm:"address" doc:"Postal address."`
	URL     URL    `fm:"url" doc:"Web form."`
}

// DataCategory is a category of personal data.
type DataCategory struct {
	ID       string   `fm:"id,required" doc:"Short id other fields refer to, e.g. identity."`
	Name     string   `fm:"name,required" doc:"What the category is called on the page."`
	Examples []string `fm:"examples" doc:"Examples of the data in it."`
	Special  bool     `fm:"special" doc:"Special-category data (Art 9(1)): health, ethnic origin, religion, trade union membership, sex life or orientation, genetic or biometric data, political opinions."`
	Art9     []Art9   `fm:"art9" doc:"The Art 9(2) conditions relied on, e.g. 9(2)(b)."`
	UKDPA    []string `fm:"uk_dpa2018" doc:"UK: the DPA 2018 Schedule 1 conditions, e.g. \"Sch 1 Pt 1 para 1\"."`
	Criminal bool     `fm:"criminal" doc:"Personal data about criminal convictions and offences (Art 10), e.g. DBS checks or belastningsregisterutdrag."`
	Art10    string   `fm:"art10" doc:"The ground for criminal-offence data: the law or official authority, e.g. \"DPA 2018 Sch 1 Pt 1 para 1\" or \"förordning (2018:219) 5 §\"."`
}

// Source is where data comes from, for Art 14.
type Source struct {
	Name   string   `fm:"name,required" doc:"The source, e.g. Referees or LinkedIn."`
	Public bool     `fm:"public" doc:"Whether the source is publicly accessible (Art 14(2)(f))."`
	Data   []string `fm:"data" doc:"Ids of the data categories obtained from it."`
	// PublicStated is whether public was given at all: false and unsaid
	// decode alike, and Art 14(2)(f) wants it said.
	PublicStated bool `fm:"-"`
}

// Requirement says whether providing data is required (Art 13(2)(e)).
type Requirement struct {
	Data        []string        `fm:"data" doc:"Ids of the data categories concerned; empty means all."`
	Kind        RequirementKind `fm:"kind,required" doc:"statutory, contractual, pre_contract or voluntary."`
	Law         string          `fm:"law" doc:"For a statutory requirement, the law, e.g. \"Immigration, Asylum and Nationality Act 2006\"."`
	Consequence string          `fm:"consequence" doc:"What happens if the data is not provided."`
}

// Purpose is one purpose with its lawful bases: one (basis, with its
// interest or law) or several (bases), as the notice states them.
type Purpose struct {
	ID       string        `fm:"id" doc:"Optional short id for anchors."`
	Name     string        `fm:"name,required" doc:"What the data is used for."`
	Basis    Basis         `fm:"basis" doc:"The Art 6(1) lawful basis, when the purpose has one; absent when the notice does not state one (the lint fails it: basis.missing)."`
	Interest string        `fm:"interest" doc:"For legitimate_interests: the interest pursued (Art 13(1)(d))."`
	Law      string        `fm:"law" doc:"For legal_obligation and public_task: the law that sets the obligation or task (Art 6(3))."`
	Bases    []LawfulBasis `fm:"bases" doc:"Instead of basis: several Art 6(1) bases for the purpose, each with its own interest or law, as real notices state them (consent \"which includes\" contract; contract and legal obligation)."`
	Art9     []Art9        `fm:"art9" doc:"The Art 9(2) conditions this purpose relies on for special-category data, when the notice ties them to the purpose rather than to a data category."`
	Art10    string        `fm:"art10" doc:"The ground this purpose relies on for criminal-offence data (Art 10), when the notice ties it to the purpose."`
	Data     []string      `fm:"data" doc:"Ids of the data categories used."`
	Details  string        `fm:"details" doc:"A sentence of explanation."`
}

// LawfulBasis is one Art 6(1) basis of a purpose with what Art 13(1)(c)–(d)
// and Art 6(3) ask to go with it.
type LawfulBasis struct {
	Basis    Basis  `fm:"basis,required" doc:"The Art 6(1) lawful basis."`
	Interest string `fm:"interest" doc:"For legitimate_interests: the interest pursued (Art 13(1)(d))."`
	Law      string `fm:"law" doc:"For legal_obligation and public_task: the law (Art 6(3))."`
}

// Claims lists the purpose's lawful bases: those under bases, else the one
// basis with its interest and law; none when the notice states none.
func (p Purpose) Claims() []LawfulBasis {
	if len(p.Bases) > 0 {
		return p.Bases
	}
	if p.Basis == "" {
		return nil
	}
	return []LawfulBasis{{Basis: p.Basis, Interest: p.Interest, Law: p.Law}}
}

// BasesOnly lists the purpose's bases without their interests and laws,
// which are prose in the notice's language.
func (p Purpose) BasesOnly() []Basis {
	var out []Basis
	for _, c := range p.Claims() {
		out = append(out, c.Basis)
	}
	return out
}

// Has reports whether the purpose relies on basis b, alone or among others.
func (p Purpose) Has(b Basis) bool {
	_, ok := p.Claim(b)
	return ok
}

// Claim returns the purpose's claim of basis b: its interest or law.
func (p Purpose) Claim(b Basis) (LawfulBasis, bool) {
	for _, c := range p.Claims() {
		if c.Basis == b {
			return c, true
		}
	}
	return LawfulBasis{}, false
}

// Recipient receives personal data.
type Recipient struct {
	Name     string   `fm:"name" doc:"The named recipient (preferred)."`
	Category string   `fm:"category" doc:"A category of recipients, when not named."`
	Role     Role     `fm:"role" doc:"processor, controller, joint_controller, authority, or internal (a team of the controller itself)."`
	Country  string   `fm:"country" doc:"Where the recipient processes the data."`
	Data     []string `fm:"data" doc:"Ids of the data categories shared."`
	Purpose  string   `fm:"purpose" doc:"Why it is shared."`
}

// Transfer is a transfer to a third country.
type Transfer struct {
	To         string    `fm:"to" doc:"The destination country or countries; absent when the notice names none (\"outside the EEA in some cases\")."`
	Recipient  string    `fm:"recipient" doc:"Who receives the data there."`
	Safeguard  Safeguard `fm:"safeguard" doc:"The mechanism: adequacy, scc, scc_2010, uk_idta, uk_addendum, dpf, uk_dpf_extension, bcr, privacy_shield, safe_harbor, derogation; absent when the notice names none."`
	Derogation string    `fm:"derogation" doc:"For derogation: the Art 49(1) point, e.g. 49(1)(b)."`
	Copy       string    `fm:"copy" doc:"Where to get a copy of the safeguard (Art 13(1)(f))."`
	Details    string    `fm:"details" doc:"What the notice says of the transfer in its own words, e.g. \"in some cases outside the EEA\", when it names no country or safeguard."`
}

// RetentionRule says how long records are kept (Art 13(2)(a)).
type RetentionRule struct {
	Records  string        `fm:"records,required" doc:"Which records, e.g. Unsuccessful applications."`
	Data     []string      `fm:"data" doc:"Ids of the data categories concerned."`
	Period   period.Period `fm:"period" doc:"ISO 8601 duration, e.g. P6Y6M for six years and six months."`
	Criteria string        `fm:"criteria" doc:"How the period is decided, when there is no fixed period."`
	From     string        `fm:"from" doc:"The event the period runs from, e.g. the end of employment."`
	Then     Disposal      `fm:"then" doc:"What happens at the end: delete, anonymise or review."`
	Law      string        `fm:"law" doc:"The law or code that sets the period."`
}

// AutomatedDecision is automated decision-making (Art 22).
type AutomatedDecision struct {
	What        string `fm:"what,required" doc:"Which decision is automated."`
	Logic       string `fm:"logic,required" doc:"Meaningful information about the logic involved."`
	Effect      string `fm:"effect,required" doc:"Its significance and envisaged consequences."`
	HumanReview bool   `fm:"human_review" doc:"Whether a person reviews or can be asked to review the decision. Left out, the page says neither."`
	// HumanReviewStated is whether human_review was given at all: a
	// review the notice does not mention is not a "no".
	HumanReviewStated bool `fm:"-"`
}

// Cookie is one cookie or similar storage item.
type Cookie struct {
	Name       string         `fm:"name" doc:"The cookie's name, e.g. _ga; absent when the notice gives only the category."`
	Provider   string         `fm:"provider" doc:"Who sets or reads it, e.g. Google Analytics."`
	Category   string         `fm:"category,required" doc:"The consent category: necessary, preferences, analytics, marketing, or one the site's i18n files define."`
	Purpose    string         `fm:"purpose" doc:"What it is for."`
	Duration   CookieDuration `fm:"duration" doc:"How long it lasts: an ISO 8601 duration like P13M, or session; absent when the notice does not say."`
	ThirdParty bool           `fm:"third_party" doc:"Whether a third party can read it (Planet49)."`
	SetOn      CookieHost     `fm:"set_on" doc:"Where it is set: site (this site's host or a parent domain, like _ga or _fbp; the banner deletes it when consent is withdrawn) or vendor (the vendor's own domain, like li_sugr; only the vendor can delete it)."`
	// ThirdPartyStated is whether third_party was given at all.
	ThirdPartyStated bool `fm:"-"`
}

// RightsContact is how to exercise rights.
type RightsContact struct {
	Email    Email  `fm:"email" doc:"Where to send requests."`
	URL      URL    `fm:"url" doc:"A web form for requests."`
	Address  string `fm:"address" doc:"Postal address for requests."`
	Withdraw string `fm:"withdraw" doc:"How to withdraw consent, as easily as it was given (Art 7(3))."`
	// Complaints is the controller's own complaints route, which UK law
	// requires from 19 Jun 2026 (DPA 2018 s.164A); optional elsewhere.
	Complaints ComplaintsContact `fm:"complaints" doc:"How to complain to the controller itself (UK: required from 19 Jun 2026, DPA 2018 s.164A)."`
}

// ComplaintsContact is how to complain to the controller before, or
// besides, the supervisory authority.
type ComplaintsContact struct {
	Email       Email         `fm:"email" doc:"Where to send a complaint."`
	URL         URL           `fm:"url" doc:"A complaints form."`
	Acknowledge period.Period `fm:"acknowledge" doc:"How soon a complaint is acknowledged, as an ISO 8601 duration, e.g. P30D (the UK duty: within 30 days)."`
}

// Given reports whether any way to complain is given.
func (c ComplaintsContact) Given() bool { return c.Email != "" || c.URL != "" }

// Change is one entry of the change log.
type Change struct {
	Date     Date   `fm:"date,required" doc:"When."`
	Summary  string `fm:"summary,required" doc:"What changed."`
	Material bool   `fm:"material" doc:"Whether readers must be told before it takes effect (Art 13(3))."`
}

// LintSettings tunes the lint for one notice.
type LintSettings struct {
	Ignore []Suppression `fm:"ignore" doc:"Findings to suppress, each with the reason."`
}

// Suppression silences one lint rule for a notice, or for one place in it.
type Suppression struct {
	Rule  string `fm:"rule,required" doc:"The rule id."`
	Field string `fm:"field" doc:"Only the findings at this front matter path or under it, as printed with each finding (purposes[2], transfers[0].safeguard), or body; every finding of the rule when absent."`
	Why   string `fm:"why" doc:"Why the finding does not apply; required."`
}

// Text returns the Markdown body, from the notice's Origin; a notice
// without one has none.
func (n *Notice) Text() ([]byte, error) {
	if n.Origin == nil {
		return nil, nil
	}
	return n.Origin.Body()
}

// BodyLine is the line of File the body starts on; 0 when unknown.
func (n *Notice) BodyLine() int {
	if n.Origin == nil {
		return 0
	}
	return n.Origin.BodyLine()
}

// statedRecorder is a model type that notes whether some of its keys were
// given at all, where the zero value cannot tell false from not said.
type statedRecorder interface{ recordStated(m map[string]any) }

func (s *Source) recordStated(m map[string]any) { _, s.PublicStated = m["public"] }
func (c *Cookie) recordStated(m map[string]any) { _, c.ThirdPartyStated = m["third_party"] }
func (a *AutomatedDecision) recordStated(m map[string]any) {
	_, a.HumanReviewStated = m["human_review"]
}
