package noticediff_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/i18n"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/noticediff"
	"github.com/notis-dev/notis/internal/period"
	"github.com/notis-dev/notis/internal/render"
)

// base is a notice with something in every section the diff compares;
// each call returns a fresh copy a case can change.
func base() *notice.Notice {
	return &notice.Notice{
		Title: "Candidates", ID: "candidates", Lang: "en", Summary: "For people who apply to work with us.",
		Controller: notice.Controller{Name: "Acme Ltd", Email: "privacy@acme.example", Address: "1 High Street"},
		Authority:  notice.AuthorityRef{Key: "ico"},
		Data: []notice.DataCategory{
			{ID: "identity", Name: "Identity"},
			{ID: "health", Name: "Health", Special: true, Art9: []notice.Art9{"9(2)(b)"}},
		},
		Sources: []notice.Source{{Name: "Referees", PublicStated: true}},
		Purposes: []notice.Purpose{
			{ID: "recruit", Name: "Recruitment", Basis: notice.LegitimateInterests, Interest: "Hiring well", Data: []string{"identity"}},
			{Name: "Payroll", Basis: notice.LegalObligation, Law: "Income Tax Act"},
		},
		Recipients:         []notice.Recipient{{Name: "Workday", Role: "processor", Country: "Ireland"}},
		Transfers:          &[]notice.Transfer{{To: "USA", Recipient: "Workday Inc", Safeguard: "scc"}},
		Retention:          []notice.RetentionRule{{Records: "Applications", Period: period.MustParse("P6M"), From: "the end of the process"}},
		AutomatedDecisions: &[]notice.AutomatedDecision{{What: "CV screening", Logic: "Keywords", Effect: "A shortlist", HumanReview: true, HumanReviewStated: true}},
		Cookies: []notice.Cookie{{Name: "_ga", Provider: "Google", Category: "analytics",
			Duration: notice.CookieDuration{Period: period.MustParse("P13M")}, ThirdParty: true, ThirdPartyStated: true}},
		Rights: notice.RightsContact{Withdraw: "Use the link in any email.", Complaints: notice.ComplaintsContact{Email: "complaints@acme.example"}},
		Origin: notice.HeldBody("We keep your application for six months.\n"),
	}
}

// A case changes the old or new copy of base and expects one change.
type kindCase struct {
	kind     string
	old, new func(*notice.Notice) // nil: base as is
	want     noticediff.Change    // Kind is set from kind; Section is checked against the table
}

var kindCases = []kindCase{
	{kind: "title.changed", new: func(n *notice.Notice) { n.Title = "Applicants" }, want: noticediff.Change{Old: "Candidates", New: "Applicants"}},
	{kind: "summary.changed", new: func(n *notice.Notice) { n.Summary = "Who we hire and how." }},
	{kind: "controller.changed", new: func(n *notice.Notice) { n.Controller.Name = "Beta AB" }, want: noticediff.Change{Old: "Acme Ltd", New: "Beta AB", Material: true}},
	{kind: "controller.contact-changed", new: func(n *notice.Notice) { n.Controller.Phone = "+44 20 7946 0000" }, want: noticediff.Change{Subject: "phone", New: "+44 20 7946 0000"}},
	{kind: "dpo.added", new: func(n *notice.Notice) { n.DPO = &notice.DPO{Email: "dpo@acme.example"} }, want: noticediff.Change{New: "dpo@acme.example"}},
	{kind: "dpo.removed", old: func(n *notice.Notice) { n.DPO = &notice.DPO{Name: "Jo Bloggs"} }, want: noticediff.Change{Old: "Jo Bloggs"}},
	{kind: "dpo.changed", old: func(n *notice.Notice) { n.DPO = &notice.DPO{Email: "jo@acme.example"} }, new: func(n *notice.Notice) { n.DPO = &notice.DPO{Email: "dpo@acme.example"} }, want: noticediff.Change{Subject: "email", Old: "jo@acme.example", New: "dpo@acme.example"}},
	{kind: "representative.changed", new: func(n *notice.Notice) { n.Representative = &notice.Representative{Name: "EU Rep BV"} }, want: noticediff.Change{New: "EU Rep BV"}},
	{kind: "joint-controller.added", new: func(n *notice.Notice) { n.JointControllers = []notice.JointController{{Name: "Acme Group"}} }, want: noticediff.Change{New: "Acme Group"}},
	{kind: "joint-controller.removed", old: func(n *notice.Notice) { n.JointControllers = []notice.JointController{{Name: "Acme Group"}} }, want: noticediff.Change{Old: "Acme Group"}},
	{kind: "category.added", new: func(n *notice.Notice) {
		n.Data = append(n.Data, notice.DataCategory{ID: "contact", Name: "Contact details"})
	}, want: noticediff.Change{New: "Contact details"}},
	{kind: "category.removed", old: func(n *notice.Notice) {
		n.Data = append(n.Data, notice.DataCategory{ID: "contact", Name: "Contact details"})
	}, want: noticediff.Change{Old: "Contact details"}},
	{kind: "category.renamed", new: func(n *notice.Notice) { n.Data[0].Name = "Who you are" }, want: noticediff.Change{Old: "Identity", New: "Who you are"}},
	{kind: "category.art9-changed", new: func(n *notice.Notice) { n.Data[1].Art9 = []notice.Art9{"9(2)(h)", "9(2)(b)"} }, want: noticediff.Change{Subject: "Health", Old: "9(2)(b)", New: "9(2)(b), 9(2)(h)"}},
	{kind: "category.art10-changed", new: func(n *notice.Notice) { n.Data[0].Art10 = "DPA 2018 Sch 1 Pt 1 para 1" }, want: noticediff.Change{Subject: "Identity", New: "DPA 2018 Sch 1 Pt 1 para 1"}},
	{kind: "source.added", new: func(n *notice.Notice) { n.Sources = append(n.Sources, notice.Source{Name: "LinkedIn"}) }, want: noticediff.Change{New: "LinkedIn"}},
	{kind: "source.removed", new: func(n *notice.Notice) { n.Sources = nil }, want: noticediff.Change{Old: "Referees"}},
	{kind: "source.public-changed", new: func(n *notice.Notice) { n.Sources[0].PublicStated = false }, want: noticediff.Change{Subject: "Referees", Old: "not_public"}},
	{kind: "purpose.added", new: func(n *notice.Notice) {
		n.Purposes = append(n.Purposes, notice.Purpose{Name: "Marketing", Basis: notice.Consent})
	}, want: noticediff.Change{New: "Marketing", Material: true}},
	{kind: "purpose.removed", new: func(n *notice.Notice) { n.Purposes = n.Purposes[:1] }, want: noticediff.Change{Old: "Payroll"}},
	{kind: "purpose.renamed", new: func(n *notice.Notice) { n.Purposes[0].Name = "Hiring" }, want: noticediff.Change{Old: "Recruitment", New: "Hiring"}},
	{kind: "basis.changed", new: func(n *notice.Notice) { n.Purposes[0].Basis, n.Purposes[0].Interest = notice.Consent, "" }, want: noticediff.Change{Subject: "Recruitment", Old: "legitimate_interests", New: "consent", Material: true}},
	{kind: "basis.interest-changed", new: func(n *notice.Notice) { n.Purposes[0].Interest = "Hiring fairly" }, want: noticediff.Change{Subject: "Recruitment", Old: "Hiring well", New: "Hiring fairly"}},
	{kind: "basis.law-changed", new: func(n *notice.Notice) { n.Purposes[1].Law = "Income Tax Act 2007" }, want: noticediff.Change{Subject: "Payroll", Old: "Income Tax Act", New: "Income Tax Act 2007"}},
	{kind: "purpose.data-changed", new: func(n *notice.Notice) { n.Purposes[0].Data = []string{"identity", "health"} }, want: noticediff.Change{Subject: "Recruitment", Old: "Identity", New: "Identity, Health"}},
	{kind: "purpose.art9-changed", new: func(n *notice.Notice) { n.Purposes[0].Art9 = []notice.Art9{"9(2)(b)"} }, want: noticediff.Change{Subject: "Recruitment", New: "9(2)(b)"}},
	{kind: "purpose.art10-changed", old: func(n *notice.Notice) { n.Purposes[0].Art10 = "Police Act 1997" }, want: noticediff.Change{Subject: "Recruitment", Old: "Police Act 1997"}},
	{kind: "recipient.added", new: func(n *notice.Notice) {
		n.Recipients = append(n.Recipients, notice.Recipient{Category: "Background check providers"})
	}, want: noticediff.Change{New: "Background check providers", Material: true}},
	{kind: "recipient.removed", new: func(n *notice.Notice) { n.Recipients = nil }, want: noticediff.Change{Old: "Workday"}},
	{kind: "recipient.country-changed", new: func(n *notice.Notice) { n.Recipients[0].Country = "Brazil" }, want: noticediff.Change{Subject: "Workday", Old: "Ireland", New: "Brazil", Material: true}},
	{kind: "recipient.role-changed", new: func(n *notice.Notice) { n.Recipients[0].Role = "controller" }, want: noticediff.Change{Subject: "Workday", Old: "processor", New: "controller"}},
	{kind: "transfers.none", new: func(n *notice.Notice) { n.Transfers = &[]notice.Transfer{} }},
	{kind: "transfers.unstated", new: func(n *notice.Notice) { n.Transfers = nil }},
	{kind: "transfer.added", new: func(n *notice.Notice) {
		*n.Transfers = append(*n.Transfers, notice.Transfer{To: "India", Safeguard: "scc"})
	}, want: noticediff.Change{New: "India", Material: true}},
	{kind: "transfer.removed", old: func(n *notice.Notice) {
		*n.Transfers = append(*n.Transfers, notice.Transfer{To: "India", Safeguard: "scc"})
	}, want: noticediff.Change{Old: "India"}},
	{kind: "transfer.safeguard-changed", new: func(n *notice.Notice) { (*n.Transfers)[0].Safeguard = "dpf" }, want: noticediff.Change{Subject: "USA (Workday Inc)", Old: "scc", New: "dpf"}},
	{kind: "retention.added", new: func(n *notice.Notice) {
		n.Retention = append(n.Retention, notice.RetentionRule{Records: "References", Period: period.MustParse("P1Y")})
	}, want: noticediff.Change{Subject: "References", New: "P1Y"}},
	{kind: "retention.removed", old: func(n *notice.Notice) {
		n.Retention = append(n.Retention, notice.RetentionRule{Records: "References", Criteria: "Until the role is filled"})
	}, want: noticediff.Change{Subject: "References"}},
	{kind: "retention.longer", new: func(n *notice.Notice) { n.Retention[0].Period = period.MustParse("P12M") }, want: noticediff.Change{Subject: "Applications", Old: "P6M", New: "P12M", Material: true}},
	{kind: "retention.shorter", new: func(n *notice.Notice) { n.Retention[0].Period = period.MustParse("P3M") }, want: noticediff.Change{Subject: "Applications", Old: "P6M", New: "P3M"}},
	{kind: "retention.changed", new: func(n *notice.Notice) {
		n.Retention[0].Period, n.Retention[0].Criteria = period.Period{}, "Until the role is filled"
	}, want: noticediff.Change{Subject: "Applications", Old: "P6M"}},
	{kind: "retention.criteria-changed", new: func(n *notice.Notice) { n.Retention[0].Criteria = "Longer if you agree" }, want: noticediff.Change{Subject: "Applications", New: "Longer if you agree"}},
	{kind: "retention.from-changed", new: func(n *notice.Notice) { n.Retention[0].From = "the day you apply" }, want: noticediff.Change{Subject: "Applications", Old: "the end of the process", New: "the day you apply"}},
	{kind: "automated.none", new: func(n *notice.Notice) { n.AutomatedDecisions = &[]notice.AutomatedDecision{} }},
	{kind: "automated.unstated", new: func(n *notice.Notice) { n.AutomatedDecisions = nil }},
	{kind: "automated.added", new: func(n *notice.Notice) {
		*n.AutomatedDecisions = append(*n.AutomatedDecisions, notice.AutomatedDecision{What: "Test scoring", Logic: "A score", Effect: "A rejection"})
	}, want: noticediff.Change{New: "Test scoring"}},
	{kind: "automated.removed", new: func(n *notice.Notice) { *n.AutomatedDecisions = nil }, want: noticediff.Change{Old: "CV screening"}},
	{kind: "automated.changed", new: func(n *notice.Notice) { (*n.AutomatedDecisions)[0].Logic = "A trained model" }, want: noticediff.Change{Subject: "CV screening"}},
	{kind: "automated.review-changed", new: func(n *notice.Notice) { (*n.AutomatedDecisions)[0].HumanReview = false }, want: noticediff.Change{Subject: "CV screening", Old: "yes", New: "no"}},
	{kind: "automated.review-changed", new: func(n *notice.Notice) { (*n.AutomatedDecisions)[0].HumanReviewStated = false }, want: noticediff.Change{Subject: "CV screening", Old: "yes"}},
	{kind: "cookie-category.added", new: func(n *notice.Notice) {
		n.Cookies = append(n.Cookies, notice.Cookie{Name: "_fbp", Provider: "Meta", Category: "marketing"})
	}, want: noticediff.Change{New: "marketing", Material: true}},
	{kind: "cookie-category.removed", old: func(n *notice.Notice) {
		n.Cookies = append(n.Cookies, notice.Cookie{Name: "_fbp", Provider: "Meta", Category: "marketing"})
	}, want: noticediff.Change{Old: "marketing"}},
	{kind: "cookie.added", new: func(n *notice.Notice) {
		n.Cookies = append(n.Cookies, notice.Cookie{Name: "_gid", Provider: "Google", Category: "analytics"})
	}, want: noticediff.Change{Subject: "_gid", New: "analytics"}},
	{kind: "cookie.removed", old: func(n *notice.Notice) {
		n.Cookies = append(n.Cookies, notice.Cookie{Name: "_gid", Provider: "Google", Category: "analytics"})
	}, want: noticediff.Change{Subject: "_gid", Old: "analytics"}},
	{kind: "cookie.category-changed", new: func(n *notice.Notice) { n.Cookies[0].Category = "marketing" }, want: noticediff.Change{Subject: "_ga", Old: "analytics", New: "marketing"}},
	{kind: "cookie.duration-changed", new: func(n *notice.Notice) { n.Cookies[0].Duration = notice.CookieDuration{Session: true} }, want: noticediff.Change{Subject: "_ga", Old: "P13M", New: "session"}},
	{kind: "cookie.third-party-changed", new: func(n *notice.Notice) { n.Cookies[0].ThirdPartyStated = false }, want: noticediff.Change{Subject: "_ga", Old: "yes"}},
	{kind: "right.added", new: func(n *notice.Notice) { n.Purposes[1].Basis, n.Purposes[1].Law = notice.Consent, "" }, want: noticediff.Change{New: "portability"}},
	{kind: "right.removed", new: func(n *notice.Notice) { n.Purposes[0].Basis, n.Purposes[0].Interest = notice.Contract, "" }, want: noticediff.Change{Old: "objection"}},
	{kind: "rights.contact-changed", new: func(n *notice.Notice) { n.Rights.Email = "rights@acme.example" }, want: noticediff.Change{Subject: "email", Old: "privacy@acme.example", New: "rights@acme.example"}},
	{kind: "rights.withdraw-changed", new: func(n *notice.Notice) { n.Rights.Withdraw = "" }, want: noticediff.Change{Old: "Use the link in any email."}},
	{kind: "rights.complaints-changed", new: func(n *notice.Notice) { n.Rights.Complaints.URL = "https://acme.example/complain" }, want: noticediff.Change{Subject: "url", New: "https://acme.example/complain"}},
	{kind: "complaint.changed", new: func(n *notice.Notice) { n.Authority.Key = "imy" }, want: noticediff.Change{Old: "ico", New: "imy"}},
}

func TestCompareReportsEveryKindOfChange(t *testing.T) {
	for _, c := range kindCases {
		t.Run(c.kind, func(t *testing.T) {
			old, new := base(), base()
			if c.old != nil {
				c.old(old)
			}
			if c.new != nil {
				c.new(new)
			}
			d := noticediff.Compare(old, new)
			i := slices.IndexFunc(d.Changes, func(ch noticediff.Change) bool {
				return ch.Kind == c.kind && (c.want.New == "" || ch.New == c.want.New) && (c.want.Old == "" || ch.Old == c.want.Old)
			})
			if i < 0 {
				t.Fatalf("no %s change with old %q, new %q in %+v", c.kind, c.want.Old, c.want.New, d.Changes)
			}
			got := d.Changes[i]
			if got.Subject != c.want.Subject || got.Old != c.want.Old || got.New != c.want.New || got.Material != c.want.Material {
				t.Errorf("got %+v, want subject %q old %q new %q material %v", got, c.want.Subject, c.want.Old, c.want.New, c.want.Material)
			}
			if c.want.Material && !d.Material {
				t.Error("a material change left Diff.Material false")
			}
			if len(got.Path) == 0 {
				t.Error("no path")
			}
		})
	}
}

// Every kind in the table has a case above, so none is untested.
func TestEveryKindHasACase(t *testing.T) {
	for _, k := range noticediff.Kinds() {
		if !slices.ContainsFunc(kindCases, func(c kindCase) bool { return c.kind == k }) {
			t.Errorf("kind %s has no case in kindCases", k)
		}
	}
}

func TestIdenticalNoticesHaveNoChanges(t *testing.T) {
	d := noticediff.Compare(base(), base())
	if d.Changed() || d.Material || len(d.Changes) > 0 {
		t.Fatalf("changes between identical notices: %+v", d)
	}
}

func TestCaseAndSpacingAreNotChanges(t *testing.T) {
	n := base()
	n.Purposes[0].Name = "  recruitment "
	n.Retention[0].Records = "APPLICATIONS"
	if d := noticediff.Compare(base(), n); len(d.Changes) > 0 {
		t.Fatalf("got %+v", d.Changes)
	}
}

// A purpose with an id keeps its identity through a rename: one rename,
// not a removal and a new (material) purpose.
func TestARenamedPurposeWithAnIDIsNotANewPurpose(t *testing.T) {
	n := base()
	n.Purposes[0].Name = "Hiring"
	d := noticediff.Compare(base(), n)
	if len(d.Changes) != 1 || d.Changes[0].Kind != "purpose.renamed" || d.Material {
		t.Fatalf("got %+v", d.Changes)
	}
}

// Several bases: a basis added to a purpose's list is material, one
// dropped from it is not.
func TestSeveralBasesAddedIsMaterialDroppedIsNot(t *testing.T) {
	two := func(n *notice.Notice) {
		n.Purposes[1].Basis, n.Purposes[1].Law = "", ""
		n.Purposes[1].Bases = []notice.LawfulBasis{{Basis: notice.LegalObligation, Law: "Income Tax Act"}, {Basis: notice.Contract}}
	}
	old, new := base(), base()
	two(new)
	d := noticediff.Compare(old, new)
	if len(d.Changes) == 0 || d.Changes[0].Kind != "basis.changed" || !d.Changes[0].Material || d.Changes[0].New != "legal_obligation, contract" {
		t.Fatalf("added: %+v", d.Changes)
	}
	if p := d.Changes[0].Path.String(); p != "purposes[1].bases" {
		t.Errorf("path %s", p)
	}
	d = noticediff.Compare(new, old)
	if len(d.Changes) == 0 || d.Changes[0].Kind != "basis.changed" || d.Changes[0].Material {
		t.Fatalf("dropped: %+v", d.Changes)
	}
}

// A recipient moving to a country the notice already sends data to is
// not a new destination.
func TestARecipientCountryAlreadyNamedIsNotMaterial(t *testing.T) {
	n := base()
	n.Recipients[0].Country = "usa"
	d := noticediff.Compare(base(), n)
	if len(d.Changes) != 1 || d.Changes[0].Kind != "recipient.country-changed" || d.Changes[0].Material {
		t.Fatalf("got %+v", d.Changes)
	}
}

// "Not stated" is a state: transfers going from a list to not stated do
// not read as "transfers stopped".
func TestTransfersNoLongerStatedAreNotRemoved(t *testing.T) {
	n := base()
	n.Transfers = nil
	d := noticediff.Compare(base(), n)
	if len(d.Changes) != 1 || d.Changes[0].Kind != "transfers.unstated" {
		t.Fatalf("got %+v", d.Changes)
	}
}

func TestANoticeThatAppearsOrGoes(t *testing.T) {
	d := noticediff.Compare(nil, base())
	if !d.Material || !slices.ContainsFunc(d.Changes, func(c noticediff.Change) bool { return c.Kind == "purpose.added" }) {
		t.Fatalf("appeared: %+v", d.Changes)
	}
	if slices.ContainsFunc(d.Changes, func(c noticediff.Change) bool { return c.Kind == "right.added" }) {
		t.Error("a new notice gained rights")
	}
	d = noticediff.Compare(base(), nil)
	if !slices.ContainsFunc(d.Changes, func(c noticediff.Change) bool { return c.Kind == "purpose.removed" }) {
		t.Fatalf("went: %+v", d.Changes)
	}
	if len(d.Body) != 1 || d.Body[0].Op != noticediff.Delete {
		t.Fatalf("body: %+v", d.Body)
	}
}

func TestChangesComeInPageSectionOrder(t *testing.T) {
	old, new := base(), base()
	for _, c := range kindCases {
		if c.old == nil && c.new != nil && !strings.HasPrefix(c.kind, "transfers.") && !strings.HasPrefix(c.kind, "automated.") {
			func() {
				defer func() { _ = recover() }() // a change an earlier one made impossible
				c.new(new)
			}()
		}
	}
	d := noticediff.Compare(old, new)
	order := render.SectionOrder()
	last := -1
	for _, ch := range d.Changes {
		i := slices.Index(order, ch.Section)
		if i < 0 {
			t.Fatalf("%s: section %q is not a page section", ch.Kind, ch.Section)
		}
		if i < last {
			t.Fatalf("%s in %s comes after %s", ch.Kind, ch.Section, order[last])
		}
		last = i
	}
	if len(d.Changes) < 30 {
		t.Fatalf("only %d changes", len(d.Changes))
	}
}

func TestEveryMaterialKindSaysWhyWithASource(t *testing.T) {
	for _, c := range kindCases {
		if c.want.Material && !strings.Contains(noticediff.MaterialWhy(c.kind), "http") {
			t.Errorf("%s is material without a sourced reason", c.kind)
		}
	}
}

func bundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load(notis.Defaults, []string{"en", "sv"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSentencesInEnglishAndSwedish(t *testing.T) {
	b := bundle(t)
	for _, c := range []struct {
		kind   string
		en, sv string
	}{
		{"retention.longer", "Applications: kept 6 months → 12 months", "Applications: sparas 6 månader → 12 månader"},
		{"basis.changed", "Recruitment: now based on your consent instead of our legitimate interests", "Recruitment: bygger nu på ditt samtycke i stället för vårt berättigade intresse"},
		{"complaint.changed", "You can now complain to the Swedish Authority for Privacy Protection (Integritetsskyddsmyndigheten, IMY) instead of the Information Commissioner's Office (ICO)", "Du kan nu lämna klagomål till Integritetsskyddsmyndigheten (IMY) i stället för Information Commissioner's Office (ICO), Storbritanniens dataskyddsmyndighet"},
		{"transfer.safeguard-changed", "USA (Workday Inc): safeguard Standard contractual clauses (EU, 2021) → EU-US Data Privacy Framework", "USA (Workday Inc): skyddsåtgärd Standardavtalsklausuler (EU, 2021) → Dataskyddsramen mellan EU och USA (Data Privacy Framework)"},
		{"source.public-changed", "Referees: no longer says whether it is publicly available (was not publicly available)", "Referees: anger inte längre om källan är allmänt tillgänglig (tidigare inte allmänt tillgänglig)"},
		{"retention.added", "References: kept 1 year", "References: sparas 1 år"},
		{"cookie.duration-changed", "_ga: lasts 13 months → until you close your browser", "_ga: lagringstid 13 månader → tills du stänger webbläsaren"},
		{"category.art9-changed", "Health: the Art 9(2) condition is now Art 9(2)(b) and Art 9(2)(h) instead of Art 9(2)(b)", "Health: villkoret för känsliga personuppgifter är nu art. 9(2)(b) och art. 9(2)(h) i stället för art. 9(2)(b)"},
	} {
		i := slices.IndexFunc(kindCases, func(k kindCase) bool { return k.kind == c.kind })
		old, new := base(), base()
		if f := kindCases[i].old; f != nil {
			f(old)
		}
		if f := kindCases[i].new; f != nil {
			f(new)
		}
		d := noticediff.Compare(old, new)
		j := slices.IndexFunc(d.Changes, func(ch noticediff.Change) bool { return ch.Kind == c.kind })
		for lang, want := range map[string]string{"en": c.en, "sv": c.sv} {
			if got := d.Sentences(b, lang)[j]; got != want {
				t.Errorf("%s %s:\n got %q\nwant %q", c.kind, lang, got, want)
			}
		}
	}
}

// Every kind, in every form it can take, reads as a whole sentence in
// both languages: its key exists, every placeholder is filled, and no
// value of a side that is not stated shows as empty.
func TestEverySentenceFormExistsAndIsFilled(t *testing.T) {
	b := bundle(t)
	for _, c := range kindCases {
		for _, swap := range []bool{false, true} {
			old, new := base(), base()
			if c.old != nil {
				c.old(old)
			}
			if c.new != nil {
				c.new(new)
			}
			if swap {
				old, new = new, old
			}
			d := noticediff.Compare(old, new)
			for lang := range map[string]bool{"en": true, "sv": true} {
				for i, ch := range d.Changes {
					s, err := noticediff.Sentence(b, lang, ch)
					if err != nil {
						t.Fatalf("%s %s: %v", ch.Kind, lang, err)
					}
					if strings.ContainsAny(s, "{}") || strings.Contains(s, "()") || strings.Contains(s, "“”") || strings.Contains(s, "””") || strings.HasSuffix(s, ": ") {
						t.Errorf("%s %s: %q", ch.Kind, lang, s)
					}
					if d.Sentences(b, lang)[i] != s {
						t.Errorf("Sentences and Sentence disagree on %s", ch.Kind)
					}
				}
			}
		}
	}
	for _, k := range noticediff.Kinds() {
		for _, key := range noticediff.SentenceKeys(k) {
			for _, lang := range []string{"en", "sv"} {
				if !b.Has(lang, key) {
					t.Errorf("%s: no %s", lang, key)
				}
			}
		}
	}
}

func TestSummary(t *testing.T) {
	b := bundle(t)
	n := base()
	n.Retention[0].Period = period.MustParse("P12M")
	n.Title = "Applicants"
	n.Purposes = append(n.Purposes, notice.Purpose{Name: "Marketing", Basis: notice.Consent})
	n.Origin = notice.HeldBody("We keep your application for twelve months.\n")
	d := noticediff.Compare(base(), n)
	want := "New purpose: Marketing; Applications: kept 6 months → 12 months; and 3 more changes; and changes to the wording"
	if got := d.Summary(b, "en"); got != want {
		t.Errorf("en:\n got %q\nwant %q", got, want)
	}
	if got := d.Summary(b, "sv"); !strings.HasPrefix(got, "Nytt ändamål: Marketing; Applications: sparas 6 månader → 12 månader; och 3 ändringar till") {
		t.Errorf("sv: %q", got)
	}
	prose := base()
	prose.Origin = notice.HeldBody("We keep your application for six months only.\n")
	if got := noticediff.Compare(base(), prose).Summary(b, "sv"); got != "Endast ändrade formuleringar" {
		t.Errorf("prose only: %q", got)
	}
	if got := noticediff.Compare(base(), base()).Summary(b, "en"); got != "No changes" {
		t.Errorf("none: %q", got)
	}
	if got := noticediff.Compare(nil, base()).Summary(b, "sv"); got != "Första publicerade versionen" {
		t.Errorf("first: %q", got)
	}
	if got := noticediff.Compare(base(), nil).Summary(b, "en"); got != "The notice was withdrawn" {
		t.Errorf("removed: %q", got)
	}
}

// docs/diff.md lists every kind, and lists no kind the code lacks.
func TestTheDocsListEveryKind(t *testing.T) {
	doc, err := os.ReadFile("../../docs/diff.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(doc), "## Kinds of change")
	table, _, _ = strings.Cut(table, "\n## ")
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z0-9-]+\\.[a-z0-9-]+)`").FindAllStringSubmatch(table, -1) {
		listed[m[1]] = true
	}
	for _, k := range noticediff.Kinds() {
		if !listed[k] {
			t.Errorf("docs/diff.md does not list %s", k)
		}
		delete(listed, k)
	}
	for k := range listed {
		t.Errorf("docs/diff.md lists %s, which is not a kind", k)
	}
}

// Consent to special-category data can be withdrawn whatever the
// purpose's basis (notice.DerivedRights): a category whose only Art 9
// condition becomes explicit consent gives the right to withdraw.
func TestExplicitConsentToSpecialDataGivesTheRightToWithdraw(t *testing.T) {
	n := base()
	n.Data[1].Art9 = []notice.Art9{"9(2)(a)"}
	n.Purposes[1].Data = []string{"health"}
	d := noticediff.Compare(base(), n)
	if !slices.ContainsFunc(d.Changes, func(c noticediff.Change) bool { return c.Kind == "right.added" && c.New == "withdraw" }) {
		t.Fatalf("got %+v", d.Changes)
	}
}

func TestAChangeInJSONHasItsPathAsPrinted(t *testing.T) {
	n := base()
	n.Retention[0].Period = period.MustParse("P12M")
	b, err := json.Marshal(noticediff.Compare(base(), n).Changes[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"retention.longer","section":"retention","subject":"Applications","old":"P6M","new":"P12M","material":true,"path":"retention[0].period"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

// A transfer whose recipient is renamed goes to the same country: its
// safeguard is compared, and it is not a new (material) transfer.
func TestATransfersRecipientRenamedIsNotANewTransfer(t *testing.T) {
	n := base()
	(*n.Transfers)[0].Recipient = "Workday Corporation"
	(*n.Transfers)[0].Safeguard = "dpf"
	d := noticediff.Compare(base(), n)
	if len(d.Changes) != 1 || d.Changes[0].Kind != "transfer.safeguard-changed" || d.Material {
		t.Fatalf("got %+v", d.Changes)
	}
}
