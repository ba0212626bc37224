package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/notis-dev/notis/internal/history/gittest"
)

// notis diff on a real git repository, built in the test with go-git:
// each commit of the history scenario (retention changed, a recipient
// added, a basis changed, only the prose, a translation alone, a
// reformatting that says nothing new) against the one before, then the
// whole history in every format, then an edit not yet committed.
func TestDiffOfEveryStepOfAHistory(t *testing.T) {
	r := gittest.New(t)
	steps := gittest.Scenario(r)
	site := filepath.Join(r.Dir, gittest.SiteDir)
	diff := func(args ...string) string {
		t.Helper()
		code, out, errs := runCLI(append([]string{"diff", "--source", site}, args...)...)
		if code != 0 {
			t.Fatalf("notis diff %v: exit %d: %s", args, code, errs)
		}
		// Hashes differ between runs only if the scenario does; name them
		// by their step so the golden file reads as the history.
		for i, s := range steps {
			out = strings.ReplaceAll(out, s.Hash.String(), "step"+string(rune('0'+i)))
			out = strings.ReplaceAll(out, s.Hash.String()[:7], "step"+string(rune('0'+i)))
		}
		return out
	}
	var log strings.Builder
	for i := 1; i < len(steps); i++ {
		log.WriteString("## " + steps[i].Message + "\n")
		log.WriteString(diff(steps[i-1].Hash.String(), steps[i].Hash.String()) + "\n")
	}
	golden(t, "git-steps.txt", log.String())
	first, last := steps[0].Hash.String(), steps[len(steps)-1].Hash.String()
	golden(t, "git-all.md", diff("--format", "markdown", first, last))
	golden(t, "git-all.json", diff("--format", "json", first, last))
	golden(t, "git-all.sv.txt", diff("--lang", "sv", first, last))

	for _, want := range []string{
		"Applications: kept 6 months → 12 months (material)",
		"New recipient of your data: Example Screening GmbH (material)",
		"Assessing your application: now based on our legitimate interests instead of a contract with you (material)",
		"when you apply{+ through our site+}.",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("no %q in the steps:\n%s", want, log.String())
		}
	}
	// The reformatting says nothing new: no notice changed.
	if !strings.Contains(log.String(), "## reformat the English front matter\nFrom step5 to step6\nNo notice changed.") {
		t.Errorf("the reformatting is reported as a change:\n%s", log.String())
	}

	// An edit saved but not committed: the work tree against HEAD, and by
	// default against the merge base with a branch.
	en := steps[len(steps)-1].EN
	en.Retention = "P3M"
	r.Write(map[string]string{gittest.SiteDir + "/content/applicants.en.md": en.Text("en")})
	// A pull request's checkout names the base branch as a remote
	// branch, as the scaffolded workflow passes it.
	if err := r.Git.Storer.SetReference(plumbing.NewHashReference("refs/remotes/origin/main", steps[len(steps)-1].Hash)); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"HEAD"}, {"--base", "HEAD"}, {"--base", "origin/main"}} {
		out := diff(args...)
		if !strings.Contains(out, "to the work tree") || !strings.Contains(out, "Applications: kept 24 months → 3 months") {
			t.Errorf("%v: the unsaved edit is not in\n%s", args, out)
		}
	}
}

func TestDiffOutsideGitSaysSo(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/diff")); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI("diff", "--source", dir, "v1")
	if code != 1 || !strings.Contains(errs, "is not in a git repository: notis diff compares git revisions") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}
