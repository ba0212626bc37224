package notice

import (
	"slices"
	"strings"
	"testing"
)

// decode runs Decode on a front matter map with a locator that reports
// line 1, so messages are comparable whole.
func decode(t *testing.T, raw map[string]any) (*Notice, string) {
	t.Helper()
	n, err := Decode(raw, "n.md", lineOne{})
	if err == nil {
		return n, ""
	}
	return n, err.Error()
}

// lineOne is an Origin that places every field on line 1.
type lineOne struct{ HeldBody }

func (lineOne) Locate(Path) Position { return Position{File: "n.md", Line: 1, Col: 1} }

func minimal() map[string]any {
	return map[string]any{
		"title": "T", "updated": "2026-04-01", "supervisory_authority": "ico",
		"controller": map[string]any{"name": "X Ltd"},
		"data":       []any{map[string]any{"id": "cv", "name": "CV"}},
		"purposes":   []any{map[string]any{"name": "Hiring", "basis": "contract", "data": []any{"cv"}}},
	}
}

func TestDecodeAcceptsAMinimalNotice(t *testing.T) {
	n, msg := decode(t, minimal())
	if msg != "" {
		t.Fatal(msg)
	}
	if n.Title != "T" || n.Purposes[0].Basis != Contract || n.Updated.String() != "2026-04-01" {
		t.Fatalf("decoded %+v", n)
	}
}

// One test per class of bad input, each with its exact message.
func TestDecodeNamesEveryMistakeExactly(t *testing.T) {
	tests := []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"unknown key with a near miss", func(m map[string]any) { m["purpses"] = 1 },
			`n.md:1:1: purpses: unknown field "purpses" (accepted: title, notice, lang, summary, updated, jurisdiction, controller, joint_controllers, representative, dpo, supervisory_authority, data, sources, requirements, purposes, recipients, transfers, retention, automated_decisions, cookies, rights, personnummer, related, extends, changes, lint); did you mean "purposes"?`},
		{"wrong type", func(m map[string]any) { m["title"] = int64(5) },
			`n.md:1:1: title: found the number 5, want text; put the value in quotes to make it text`},
		{"a table where a list belongs", func(m map[string]any) { m["purposes"] = map[string]any{"name": "x"} },
			`n.md:1:1: purposes: found a table, want a list`},
		{"a word for none where a list belongs", func(m map[string]any) { m["transfers"] = "No" },
			`n.md:1:1: transfers: found the text "No", want a list; write [] to say there are none`},
		{"false where a list belongs", func(m map[string]any) { m["automated_decisions"] = false },
			`n.md:1:1: automated_decisions: found the boolean false, want a list; write [] to say there are none`},
		{"one text where a list of texts belongs", func(m map[string]any) { m["purposes"].([]any)[0].(map[string]any)["data"] = "cv" },
			`n.md:1:1: purposes[0].data: found the text "cv", want a list; write a list, even of one: ["cv"]`},
		{"unknown enum value", func(m map[string]any) { m["purposes"].([]any)[0].(map[string]any)["basis"] = "legitimate_interest" },
			`n.md:1:1: purposes[0].basis: found "legitimate_interest", want one of consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests; did you mean "legitimate_interests"?`},
		{"malformed duration", func(m map[string]any) {
			m["retention"] = []any{map[string]any{"records": "CVs", "period": "6 months"}}
		}, `n.md:1:1: retention[0].period: found "6 months", want an ISO 8601 duration like P6Y (6 years), P6M (6 months), P30D (30 days); did you mean "P6M"?`},
		{"malformed date", func(m map[string]any) { m["updated"] = "25/06/2019" },
			`n.md:1:1: updated: found "25/06/2019", want a date as YYYY-MM-DD; did you mean "2019-06-25"?`},
		{"malformed email", func(m map[string]any) { m["controller"].(map[string]any)["email"] = "info@necessio." },
			`n.md:1:1: controller.email: found "info@necessio.", want an email address like dpo@example.org`},
		{"relative URL", func(m map[string]any) { m["dpo"] = map[string]any{"url": "/privacy"} },
			`n.md:1:1: dpo.url: found "/privacy", want an absolute URL like https://example.org/privacy`},
		{"missing required field", func(m map[string]any) { delete(m, "title") },
			`n.md:1:1: title: required field "title" is missing in the front matter: The notice's title, shown as the page heading.`},
		{"unknown authority", func(m map[string]any) { m["supervisory_authority"] = "IMY" },
			`n.md:1:1: supervisory_authority: found "IMY", want a built-in authority (datainspektionen, ico, imy) or a table {name, address, phone, url}; did you mean "imy"?`},
		{"undeclared data category", func(m map[string]any) { m["purposes"].([]any)[0].(map[string]any)["data"] = []any{"cvs"} },
			`n.md:1:1: purposes[0].data[0]: "cvs" is not a data category id declared under data (declared: cv); did you mean "cv"?`},
		{"bad cookie duration", func(m map[string]any) {
			m["cookies"] = []any{map[string]any{"name": "_ga", "provider": "G", "category": "analytics", "purpose": "p", "duration": "2 years"}}
		}, `n.md:1:1: cookies[0].duration: found "2 years", want an ISO 8601 duration like P13M, or session; did you mean "P2Y"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := minimal()
			tt.edit(m)
			_, msg := decode(t, m)
			if msg != tt.want {
				t.Fatalf("got  %s\nwant %s", msg, tt.want)
			}
		})
	}
}

func TestDecodeReportsAllMistakesAtOnce(t *testing.T) {
	m := minimal()
	m["title"] = true
	m["updated"] = "yesterday"
	m["oops"] = 1
	_, msg := decode(t, m)
	if n := strings.Count(msg, "\n") + 1; n != 3 {
		t.Fatalf("want 3 errors, got %d:\n%s", n, msg)
	}
}

func TestExplicitEmptyListMeansNone(t *testing.T) {
	m := minimal()
	m["transfers"] = []any{}
	n, msg := decode(t, m)
	if msg != "" {
		t.Fatal(msg)
	}
	if n.Transfers == nil || len(*n.Transfers) != 0 {
		t.Fatal("transfers: [] should decode as an explicit empty list")
	}
	if n.AutomatedDecisions != nil {
		t.Fatal("absent automated_decisions should stay nil (unstated)")
	}
	if got := n.Plain()["transfers"]; got == nil {
		t.Fatal("Plain() lost the explicit empty transfers list")
	}
}

func TestRightsFollowTheLawfulBases(t *testing.T) {
	n := &Notice{Purposes: []Purpose{{Name: "Payroll", Basis: LegalObligation}, {Name: "Talent pool", Basis: Consent}, {Name: "Security", Basis: LegitimateInterests}}}
	got := map[Right][]int{}
	for _, d := range n.DerivedRights() {
		got[d.Right] = d.Purposes
	}
	if _, ok := got[RightAccess]; !ok {
		t.Error("access always applies")
	}
	if p := got[RightErasure]; !slices.Equal(p, []int{1, 2}) {
		t.Errorf("erasure applies to %v, want consent and legitimate interests only (Art 17(3)(b))", p)
	}
	if p := got[RightPortability]; !slices.Equal(p, []int{1}) {
		t.Errorf("portability applies to %v, want consent only here (Art 20(1))", p)
	}
	if p := got[RightObjection]; !slices.Equal(p, []int{2}) {
		t.Errorf("objection applies to %v, want legitimate interests only (Art 21(1))", p)
	}
	if p := got[RightWithdraw]; !slices.Equal(p, []int{1}) {
		t.Errorf("withdrawal applies to %v, want consent only (Art 7(3))", p)
	}
	contractOnly := &Notice{Purposes: []Purpose{{Name: "Pay", Basis: Contract}}}
	for _, d := range contractOnly.DerivedRights() {
		if d.Right == RightObjection || d.Right == RightWithdraw {
			t.Errorf("%s must not appear under contract alone", d.Right)
		}
	}
}

// Explicit consent to special-category data (Art 9(2)(a)) can be
// withdrawn (Art 7(3)) even under another Art 6 basis; data with several
// conditions does not say which a purpose relies on.
func TestWithdrawalFollowsExplicitConsentToSpecialData(t *testing.T) {
	n := &Notice{
		Data: []DataCategory{
			{ID: "health", Special: true, Art9: []Art9{"9(2)(a)"}},
			{ID: "union", Special: true, Art9: []Art9{"9(2)(a)", "9(2)(b)"}},
		},
		Purposes: []Purpose{
			{Name: "Adjustments", Basis: Contract, Data: []string{"health"}},
			{Name: "Subscriptions", Basis: Contract, Data: []string{"union"}},
		},
	}
	for _, d := range n.DerivedRights() {
		if d.Right == RightWithdraw {
			if !slices.Equal(d.Purposes, []int{0}) {
				t.Errorf("withdrawal applies to %v, want the purpose whose data rests on explicit consent alone", d.Purposes)
			}
			return
		}
	}
	t.Error("no right to withdraw, though health data rests on explicit consent")
}

func TestLawFollowsTheAuthority(t *testing.T) {
	if got := (&Notice{Authority: AuthorityRef{Key: "imy"}}).Law(); got != "se" {
		t.Fatalf("imy → %q, want se", got)
	}
	if got := (&Notice{Authority: AuthorityRef{Key: "ico"}, Jurisdiction: "eu"}).Law(); got != "eu" {
		t.Fatalf("explicit jurisdiction should win, got %q", got)
	}
}
