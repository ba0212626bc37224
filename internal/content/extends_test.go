package content

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/site"
)

func loadSite(t *testing.T, files map[string]string) (ok, broken []*Page, err error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys["content/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	cfg := &site.Config{Languages: map[string]site.Language{"en": {Title: "P"}, "sv": {Title: "I"}}, DefaultLanguage: "en"}
	ok, broken, _, err = Load(fsys, cfg, Whole)
	return ok, broken, err
}

// A layered notice takes every fact it leaves out from the notice it
// extends (whose own parent comes first), keeps what it states itself,
// and records which keys it took.
func TestALayeredNoticeInheritsWhatItLeavesOut(t *testing.T) {
	pages, _, err := loadSite(t, map[string]string{
		"group.en.md":  "---\ntitle: Group\ncontroller: {name: Group plc}\nsupervisory_authority: ico\nretention: [{records: All, period: P6Y}]\n---\n",
		"main.en.md":   "---\ntitle: Main\nextends: group\ndpo: {email: dpo@example.org}\npurposes: [{name: Payroll, basis: contract}]\n---\n",
		"advert.en.md": "---\ntitle: Job advert\nextends: main\npurposes: [{name: Recruiting, basis: contract}]\ntransfers: []\n---\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(pages, func(p *Page) bool { return p.Notice.ID == "advert" })
	n := pages[i].Notice
	if n.Controller.Name != "Group plc" || n.Authority.Key != "ico" || n.DPO == nil || len(n.Retention) != 1 {
		t.Errorf("inherited facts missing: %+v", n)
	}
	if len(n.Purposes) != 1 || n.Purposes[0].Name != "Recruiting" || n.Transfers == nil || len(*n.Transfers) != 0 {
		t.Errorf("its own facts were overridden: %+v %v", n.Purposes, n.Transfers)
	}
	if got := strings.Join(n.Inherited, " "); got != "controller dpo supervisory_authority retention" {
		t.Errorf("inherited = %q", got)
	}
	if n.Parent == nil || n.Parent.ID != "main" || n.Title != "Job advert" {
		t.Errorf("parent %v, title %q", n.Parent, n.Title)
	}
}

func TestExtendingANoticeThatIsNotThereOrALoopIsAnError(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"missing": {"a.en.md": "---\ntitle: A\nextends: main\n---\n", "main.sv.md": "---\ntitle: M\n---\n"},
		"loop":    {"a.en.md": "---\ntitle: A\nextends: b\n---\n", "b.en.md": "---\ntitle: B\nextends: a\n---\n"},
	} {
		_, _, err := loadSite(t, files)
		ds := diag.Collect(err)
		if len(ds) == 0 || ds[0].Rule != diag.RuleExtends || ds[0].Field != "extends" || ds[0].Pos.Line != 3 {
			t.Errorf("%s: %v", name, err)
		}
	}
}
