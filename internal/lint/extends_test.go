package lint

import (
	"testing"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
)

// A layered notice is judged with its parent's facts, and a defect in a
// fact it takes from the parent is reported once, on the parent.
func TestALayeredNoticeIsJudgedWithItsParentsFacts(t *testing.T) {
	parse := func(name, src string) *notice.Notice {
		p, err := content.Parse(name, []byte(src), langs)
		if err != nil {
			t.Fatal(err)
		}
		return p.Notice
	}
	main := parse("content/main.md", "---\ntitle: Main\nupdated: 2026-04-01\ncontroller: {name: Example Ltd, email: privacy@example.org}\nsupervisory_authority: ico\npurposes: [{name: Payroll, basis: contract}]\n---\n")
	advert := parse("content/advert.md", "---\ntitle: Advert\nupdated: 2026-04-01\nextends: main\npurposes: [{name: Recruiting, basis: consent}]\n---\n")
	if err := content.ResolveExtends(advert, func(id, lang string) *notice.Notice { return map[string]*notice.Notice{"main": main}[id] }); err != nil {
		t.Fatal(err)
	}
	count := map[string]map[string]int{}
	for _, f := range Check([]*notice.Notice{main, advert}, Options{AsOf: fixtureAsOf}) {
		if count[f.Notice] == nil {
			count[f.Notice] = map[string]int{}
		}
		count[f.Notice][f.Rule]++
	}
	const rule = "controller.legal-entity-missing" // the parent's controller has no address or number
	if count["main"][rule] != 1 || count["advert"][rule] != 0 || count["advert"]["sa.missing"] != 0 {
		t.Errorf("main %v, advert %v; want %s once, on main", count["main"], count["advert"], rule)
	}
	if count["advert"]["controller.missing"] != 0 || count["advert"]["consent.withdraw-missing"] != 1 {
		t.Errorf("the advert was not judged with its parent's controller, or its own consent: %v", count["advert"])
	}
}
