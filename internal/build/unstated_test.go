package build

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A notice that leaves facts unstated builds, and its page states nothing
// the notice did not: no complaint route, no "not public", no empty
// purposes, no contact line followed by nothing, no third-party "No"; and
// rights that depend on an unstated basis are said to depend on it.
func TestAPageNeverStatesWhatTheNoticeDoesNot(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	sparse := `---
title: Sparse notice
controller: {name: Example Ltd}
sources:
  - {name: Referees}
cookies:
  - {category: analytics}
---
Body.
`
	partial := `---
title: Partial notice
updated: 2026-04
controller: {name: Example Ltd}
supervisory_authority: ico
data: [{id: health, name: Health, special: true}]
purposes:
  - {name: Hiring, bases: [{basis: contract}, {basis: legal_obligation, law: Equality Act 2010}], art9: ["9(2)(b)"], data: [health]}
  - {name: Talent pool}
transfers:
  - {details: In some cases outside the EEA.}
sources:
  - {name: Referees, public: false}
automated_decisions:
  - {what: CV screening, logic: Keywords in the CV, effect: A shortlist}
---
`
	for name, text := range map[string]string{"sparse.en.md": sparse, "partial.en.md": partial} {
		if err := os.WriteFile(filepath.Join(src, "content", name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "out")
	if _, err := Build(Options{Source: src, Destination: dest}); err != nil {
		t.Fatal(err)
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(dest, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	page := read("en/sparse/index.html")
	for _, invented := range []string{
		"Not publicly available", // sources[0].public unset
		"Why we use it",          // no purposes: no row in the first layer
		`id="purposes"`,          // … and no header-only table
		"To use your rights, contact us:</p><",
		"If you are unhappy", // no supervisory authority: no complaint route
		"supervisory authority:",
		"<td>No</td>",             // third_party unset
		"<code></code>",           // a cookie known by its category only
		"Last updated",            // no date: none invented
		"dates from",              // … not even year 1 in the version line
		"data protection officer", // no dpo: none implied, not even in the version line
	} {
		if strings.Contains(page, invented) {
			t.Errorf("the sparse page states %q, which its notice does not", invented)
		}
	}
	if !strings.Contains(page, "This notice does not say where you can complain.") {
		t.Error("with no supervisory authority and no complaints route, the complaints heading is not followed by saying so")
	}
	if !strings.Contains(page, "depends on lawful bases this notice does not state") {
		t.Error("with no purposes, the rights that depend on the basis are not said to depend on it")
	}
	page = read("en/partial/index.html")
	for _, want := range []string{
		"Legal obligation", "Equality Act 2010", // the second basis of one purpose, with its law
		"Art 9(2)(b)",                    // the purpose's own Art 9 condition
		"April 2026",                     // a month, not a day the notice never gave
		"May also apply to: Talent pool", // erasure: contract applies, Talent pool's basis unstated
		"In some cases outside the EEA.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the partial page lacks %q", want)
		}
	}
	if strings.Contains(page, "1 April 2026") {
		t.Error("a month-only date is printed as a day")
	}
	if strings.Contains(page, "No person reviews") || strings.Contains(page, "review the decision") {
		t.Error("a decision whose review the notice does not mention is said to have or lack one")
	}
	// notices.json tells unstated from stated, and keeps a stated false.
	var doc struct {
		Notices []struct {
			ID             string
			Unstated       []string
			RightsMayApply []string `json:"rights_may_apply"`
			Notice         map[string]any
		}
	}
	if err := json.Unmarshal([]byte(read("notices.json")), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, n := range doc.Notices {
		got[n.ID] = fmt.Sprint(n.Unstated, n.RightsMayApply, n.Notice["sources"], n.Notice["updated"])
	}
	for id, want := range map[string]string{
		"sparse":  "[updated supervisory_authority sources[0].public purposes recipients transfers retention automated_decisions cookies[0].name cookies[0].duration cookies[0].third_party] [erasure portability objection withdraw] [map[name:Referees]] <nil>",
		"partial": "[purposes[1].basis recipients transfers[0].to transfers[0].safeguard retention automated_decisions[0].human_review] [objection withdraw] [map[name:Referees public:false]]2026-04",
	} {
		if got[id] != want {
			t.Errorf("notices.json %s:\n got %s\nwant %s", id, got[id], want)
		}
	}
}

// A layered notice's page shows its parent's facts and says which parts
// come from which notice.
func TestALayeredPageSaysWhatComesFromItsParent(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	advert := "---\ntitle: Warehouse job advert\nextends: applicants\npurposes: [{name: Shortlisting, basis: contract}]\n---\n"
	if err := os.WriteFile(filepath.Join(src, "content", "advert.en.md"), []byte(advert), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "out")
	if _, err := Build(Options{Source: src, Destination: dest}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dest, "en", "advert", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		`This notice adds to <a href="/en/applicants/">`,
		"These parts are as that notice states them: Who is responsible for your data;",
		"Shortlisting",   // its own purpose
		"Wycliffe House", // the parent's complaint route
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the advert page lacks %q", want)
		}
	}
	if strings.Contains(page, "as that notice states them: Why we use your data") {
		t.Error("the advert's own purposes are attributed to its parent")
	}
}
