package history_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/history"
	"github.com/notis-dev/notis/internal/history/gittest"
)

var langs = content.Languages{Codes: []string{"en", "sv"}, Default: "en"}

func scenario(t *testing.T) (*gittest.Repo, []gittest.Step, *history.Repo) {
	t.Helper()
	g := gittest.New(t)
	steps := gittest.Scenario(g)
	r, err := history.Open(filepath.Join(g.Dir, gittest.SiteDir))
	if err != nil {
		t.Fatal(err)
	}
	return g, steps, r
}

func TestVersions(t *testing.T) {
	_, steps, r := scenario(t)
	log, err := r.Read(langs)
	if err != nil {
		t.Fatal(err)
	}
	if log.Shallow != "" {
		t.Errorf("a full clone reads as shallow: %s", log.Shallow)
	}
	vs := log.Versions["applicants"]
	want := []struct {
		date   string
		commit int // the step whose text the version shows: the latest with its date
	}{{"2026-01-10", 0}, {"2026-02-01", 1}, {"2026-03-01", 2}, {"2026-04-01", 3}, {"2026-05-01", 4}, {"2026-06-01", 7}}
	if len(vs) != len(want) {
		var got []string
		for _, v := range vs {
			got = append(got, v.Date.String()+"@"+v.Short())
		}
		t.Fatalf("versions = %v, want %d", got, len(want))
	}
	for i, w := range want {
		v := vs[i]
		if v.Date.String() != w.date || v.Commit != steps[w.commit].Hash.String() {
			t.Errorf("version %d = %s at %s, want %s at step %d (%s)", i, v.Date, v.Short(), w.date, w.commit, steps[w.commit].Message)
		}
		if v.Pages["en"] == nil || v.Pages["sv"] == nil {
			t.Errorf("version %s lacks a language: %v", w.date, v.Pages)
		}
	}
	// The version holds the text as it was then, not as it is now.
	if got := vs[0].Pages["en"].Notice.Retention[0].Period.String(); got != "P6M" {
		t.Errorf("first version's retention = %s, want P6M", got)
	}
	if got := vs[5].Pages["en"].Notice.Retention[0].Period.String(); got != "P24M" {
		t.Errorf("newest version's retention = %s, want P24M (its latest commit)", got)
	}
	body, _ := vs[3].Pages["sv"].Notice.Text()
	if !strings.Contains(string(body), "when you apply.") {
		t.Errorf("the 2026-04-01 Swedish body is %q, want the prose before it changed", body)
	}
}

func TestDated(t *testing.T) {
	_, steps, r := scenario(t)
	log, err := r.Read(langs)
	if err != nil {
		t.Fatal(err)
	}
	// English got its date from "clearer prose"; the reformat and the
	// retention change after it kept the date. Swedish got its date from
	// its own translation.
	for rel, step := range map[string]int{"content/applicants.en.md": 4, "content/applicants.sv.md": 5} {
		d := log.Dated[rel]
		if d == nil {
			t.Fatalf("%s has no dated version", rel)
		}
		if d.Commit != steps[step].Hash.String() || d.Subject != steps[step].Message {
			t.Errorf("%s dated by %s %q, want step %d (%s)", rel, d.Commit[:7], d.Subject, step, steps[step].Message)
		}
	}
	if got := log.Dated["content/applicants.en.md"].Page.Notice.Retention[0].Period.String(); got != "P12M" {
		t.Errorf("the dated English version keeps %s, want P12M as it was when dated", got)
	}
}

func TestDatedMovesWithANewDate(t *testing.T) {
	g, _, r := scenario(t)
	v := gittest.Notice{Updated: "2026-07-01", Retention: "P24M", Recipient: true, Basis: "legitimate_interests", Prose: "You give us your data when you apply through our site."}
	sv := v
	sv.Prose = "Du ger oss dina uppgifter när du söker."
	h := g.Commit("date the retention change", gittest.Files(v, sv))
	log, err := r.Read(langs)
	if err != nil {
		t.Fatal(err)
	}
	if d := log.Dated["content/applicants.en.md"]; d == nil || d.Commit != h.String() {
		t.Errorf("dated = %+v, want the commit that set the new date", d)
	}
	if n := len(log.Versions["applicants"]); n != 7 {
		t.Errorf("%d versions, want 7", n)
	}
}

func TestShallow(t *testing.T) {
	g, steps, r := scenario(t)
	g.Shallow(steps[3].Hash)
	log, err := r.Read(langs)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.Shallow, "history is shallow") || !strings.Contains(log.Shallow, "fetch-depth: 0") || !strings.Contains(log.Shallow, steps[3].Hash.String()[:7]) {
		t.Errorf("shallow warning = %q", log.Shallow)
	}
	if !strings.Contains(log.Shallow, "2 notice files") {
		t.Errorf("shallow warning %q does not count the notice files that existed at the boundary", log.Shallow)
	}
	vs := log.Versions["applicants"]
	if len(vs) != 3 || vs[0].Date.String() != "2026-04-01" {
		t.Errorf("shallow versions start at %v (%d), want 2026-04-01 (3)", vs[0].Date, len(vs))
	}
}

func TestNoRepo(t *testing.T) {
	if _, err := history.Open(t.TempDir()); !errors.Is(err, history.ErrNoRepo) {
		t.Errorf("Open of a folder outside git = %v, want ErrNoRepo", err)
	}
}

func TestFilesAndMergeBase(t *testing.T) {
	g, steps, r := scenario(t)
	files, err := r.Files(steps[0].Hash.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || string(files["content/applicants.en.md"]) != steps[0].EN.Text("en") {
		t.Errorf("files at the first commit = %d files, en %q", len(files), files["content/applicants.en.md"])
	}
	g.Write(map[string]string{gittest.SiteDir + "/content/applicants.en.md": "edited\n", gittest.SiteDir + "/content/_draft/x.en.md": "draft\n"})
	work, err := r.Files("")
	if err != nil {
		t.Fatal(err)
	}
	if len(work) != 2 || string(work["content/applicants.en.md"]) != "edited\n" {
		t.Errorf("work tree files = %v", work)
	}
	base, err := r.MergeBase(steps[2].Hash.String())
	if err != nil || base != steps[2].Hash.String() {
		t.Errorf("merge base with an ancestor = %s, %v; want the ancestor %s", base, err, steps[2].Hash)
	}
	if _, err := r.Files("no-such-branch"); err == nil {
		t.Error("Files of an unknown revision did not fail")
	}
}

// The work tree's pages stand in for the blobs that hold the same bytes,
// so a site's unchanged files are not parsed twice; the versions read
// are the same.
func TestReuse(t *testing.T) {
	_, _, r := scenario(t)
	files, err := r.Files("")
	if err != nil {
		t.Fatal(err)
	}
	var pages []*content.Page
	for name, src := range files {
		p, err := content.Parse(name, src, langs)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
	}
	r.Reuse(pages)
	log, err := r.Read(langs)
	if err != nil {
		t.Fatal(err)
	}
	vs := log.Versions["applicants"]
	if len(vs) != 6 {
		t.Fatalf("%d versions with reused pages, want 6", len(vs))
	}
	newest := vs[5].Pages
	if !slices.Contains(pages, newest["en"]) || !slices.Contains(pages, newest["sv"]) {
		t.Error("the newest version's files, the work tree's bytes, were parsed again")
	}
	if slices.Contains(pages, vs[4].Pages["en"]) {
		t.Error("an older version took the work tree's page")
	}
}

// TestATranslationNamedItsOwnWayHasTheSameHistory reads the scenario
// twice: with the Swedish file named as the English one's sibling, and
// as sokande.sv.md saying `notice: applicants`, as content.Load accepts. A
// translation belongs to its notice by id, not by file name, so both
// logs must hold the same versions, each in both languages, with the
// same dates, commits and texts.
func TestATranslationNamedItsOwnWayHasTheSameHistory(t *testing.T) {
	read := func(svName string) (*history.Log, []gittest.Step) {
		g := gittest.New(t)
		steps := gittest.ScenarioNamed(g, svName)
		r, err := history.Open(filepath.Join(g.Dir, gittest.SiteDir))
		if err != nil {
			t.Fatal(err)
		}
		log, err := r.Read(langs)
		if err != nil {
			t.Fatal(err)
		}
		return log, steps
	}
	sibling, siblingSteps := read("applicants.sv.md")
	own, ownSteps := read("sokande.sv.md")
	step := func(steps []gittest.Step, hash string) string {
		for _, s := range steps {
			if s.Hash.String() == hash {
				return s.Message
			}
		}
		return "no step " + hash
	}
	describe := func(log *history.Log, steps []gittest.Step) []string {
		var out []string
		for _, v := range log.Versions["applicants"] {
			d := v.Date.String() + " at " + step(steps, v.Commit) + ":"
			for _, lang := range langs.Codes {
				if p := v.Pages[lang]; p != nil {
					d += " " + lang + " " + p.Notice.Updated.String() + " " + p.Notice.Retention[0].Period.String()
				}
			}
			out = append(out, d)
		}
		return out
	}
	want, got := describe(sibling, siblingSteps), describe(own, ownSteps)
	if len(want) != 6 {
		t.Fatalf("the scenario's own log changed: %q", want)
	}
	if !slices.Equal(got, want) {
		t.Errorf("with the Swedish file named sokande.sv.md, the versions are\n%s\nwant, as with applicants.sv.md,\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := own.Dated["content/sokande.sv.md"]; d == nil || step(ownSteps, d.Commit) != "Swedish translation of the prose" {
		t.Errorf("sokande.sv.md is dated by %v, want the commit of its translation", d)
	}
}
