package content

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/notis-dev/notis/internal/site"
)

// An outlined page keeps what other pages show of its notice, and Reread
// gives it back whole from its file; a file whose bytes changed since is
// an error that names it, never a page built from other bytes than the
// rest of the site.
func TestRereadGivesAnOutlinedNoticeBackWhole(t *testing.T) {
	dir := t.TempDir()
	src := "---\ntitle: Candidates\nsummary: For applicants.\nupdated: 2026-04-01\ncontroller: {name: Example Ltd, email: privacy@example.org}\nsupervisory_authority: ico\ndata:\n  - {id: cv, name: CV}\npurposes:\n  - {name: Recruiting, basis: contract, data: [cv]}\nretention:\n  - {records: Applications, period: P6M}\n---\nWe read your CV.\n"
	if err := os.MkdirAll(filepath.Join(dir, Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, Dir, "candidates.en.md")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := site.Parse("notis.toml", []byte("site = \"t\"\nbaseURL = \"https://example.test/\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"T\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(dir)
	pages, _, _, err := Load(fsys, cfg, Outlines)
	if err != nil || len(pages) != 1 {
		t.Fatalf("load: %v, %d pages", err, len(pages))
	}
	o := pages[0].Notice
	if o.Title != "Candidates" || o.Summary != "For applicants." || o.Controller.Name != "Example Ltd" || o.Purposes != nil || o.Data != nil || o.Retention != nil {
		t.Fatalf("outline = %+v", o)
	}
	langs := Languages{Codes: []string{"en"}, Default: "en"}
	whole, err := Reread(fsys, pages[0], langs)
	if err != nil {
		t.Fatal(err)
	}
	if n := whole.Notice; len(n.Purposes) != 1 || len(n.Data) != 1 || len(n.Retention) != 1 || string(n.Origin.(*origin).body) != "We read your CV.\n" || whole.Version != pages[0].Version {
		t.Errorf("reread = %+v", n)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(src, "P6M", "P12M", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Reread(fsys, pages[0], langs); err == nil || !strings.Contains(err.Error(), "content/candidates.en.md changed while the site was built") {
		t.Errorf("reread of a changed file: %v", err)
	}
}

// OutlinesIfLarge holds a site whose files fit the budget whole and
// outlines every page of one that does not.
func TestOutlinesIfLargeChoosesByTheSiteSize(t *testing.T) {
	fsys := fstest.MapFS{}
	total := 0
	for i := range 12 {
		src := fmt.Sprintf("---\ntitle: Notice %d\ncontroller: {name: Example Ltd, email: privacy@example.org}\ndata:\n  - {id: cv, name: CV}\npurposes:\n  - {name: Recruiting, basis: contract, data: [cv]}\n---\nBody %d.\n", i, i)
		fsys[fmt.Sprintf("content/n%02d.en.md", i)] = &fstest.MapFile{Data: []byte(src)}
		total += len(src)
	}
	cfg := &site.Config{Languages: map[string]site.Language{"en": {Title: "P"}}, DefaultLanguage: "en"}
	defer func(b int64) { wholeBudget = b }(wholeBudget)
	for _, c := range []struct {
		budget int
		want   Hold
	}{{total, Whole}, {total - 1, Outlines}, {0, Outlines}} {
		wholeBudget = int64(c.budget)
		pages, _, held, err := Load(fsys, cfg, OutlinesIfLarge)
		if err != nil || len(pages) != 12 {
			t.Fatalf("budget %d: %v, %d pages", c.budget, err, len(pages))
		}
		if held != c.want {
			t.Errorf("budget %d of %d bytes: held %v, want %v", c.budget, total, held, c.want)
		}
		for _, p := range pages {
			n := p.Notice
			o := n.Origin.(*origin)
			whole := len(n.Purposes) == 1 && len(n.Data) == 1 && len(o.body) > 0 && o.load == nil
			outline := n.Purposes == nil && n.Data == nil && o.body == nil && o.load != nil && o.locate != nil
			if c.want == Whole && !whole || c.want == Outlines && !outline {
				t.Errorf("budget %d: %s holds %d purposes, %d bytes of body; want it %v", c.budget, n.File, len(n.Purposes), len(o.body), c.want)
			}
		}
	}
}
