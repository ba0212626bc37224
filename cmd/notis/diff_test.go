package main

import (
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/history/gittest"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of notis diff")

// folders is a source whose revisions are folders of notices; "" is the
// work tree, and every branch's merge base is "v1".
type folders map[string]string

func (f folders) Files(rev string) (map[string][]byte, error) {
	dir, ok := f[rev]
	if !ok {
		return nil, errors.New("unknown revision " + rev)
	}
	fsys := os.DirFS(dir)
	names, err := content.Find(fsys, content.Dir)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, name := range names {
		if out[name], err = fs.ReadFile(fsys, name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (f folders) MergeBase(rev string) (string, error) {
	if rev != "main" {
		return "", errors.New("no branch " + rev)
	}
	return "v1", nil
}

// withFolders makes notis diff read the two versions of testdata/diff.
func withFolders(t *testing.T) {
	t.Helper()
	saved := openSource
	openSource = func(string) (source, error) {
		return folders{"v1": "testdata/diff/old", "": "testdata/diff/new"}, nil
	}
	t.Cleanup(func() { openSource = saved })
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "diff", name)
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Diff -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from notis diff's output:\n%s", path, got)
	}
}

// The default compares the merge base with main against the work tree,
// in every format; each is kept as a golden file a reviewer can read.
func TestDiffPrintsTextMarkdownAndJSON(t *testing.T) {
	withFolders(t)
	for format, file := range map[string]string{"text": "golden.txt", "markdown": "golden.md", "json": "golden.json"} {
		code, out, errs := runCLI("diff", "--source", "testdata/diff", "--format", format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errs)
		}
		golden(t, file, out)
	}
	code, out, errs := runCLI("diff", "--source", "testdata/diff", "--lang", "sv")
	if code != 0 {
		t.Fatalf("sv: exit %d: %s", code, errs)
	}
	golden(t, "golden.sv.txt", out)
}

func TestDiffReportsWhatTheIssueAsksFor(t *testing.T) {
	withFolders(t)
	_, out, _ := runCLI("diff", "--source", "testdata/diff")
	for _, want := range []string{
		"From main (v1) to the work tree",
		"Unsuccessful applications: kept 6 months → 12 months (material)",
		"Defending legal claims: now based on a legal obligation instead of our legitimate interests (material)",
		"New recipient of your data: Example Assessments Inc (material)",
		"New transfer of your data to another country: United States (Example Assessments Inc) (material)",
		"New cookie category: Marketing (material)",
		"_ga: lasts 13 months → 2 years",
		"[-six-]{+twelve+}",
		"New notice",
		"Notice removed",
		// A translation whose prose alone changed is listed too.
		"(applicants, sv)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// A notice cannot put markup, links, images or mentions into a pull
// request comment.
func TestDiffMarkdownEscapesNoticeText(t *testing.T) {
	withFolders(t)
	_, out, _ := runCLI("diff", "--source", "testdata/diff", "--format", "markdown")
	for _, bad := range []string{`(^|[^\\])<img`, "@octocat", `\[win\]\(`, `\]\(https`} {
		if regexp.MustCompile(bad).MatchString(out) {
			t.Errorf("unescaped %s in\n%s", bad, out)
		}
	}
	if !strings.Contains(out, `\<img src\=x onerror\=alert\(1\)\>`) {
		t.Errorf("hostile purpose name not shown escaped:\n%s", out)
	}
}

func TestDiffJSONIsOneDocumentWithSentences(t *testing.T) {
	withFolders(t)
	_, out, _ := runCLI("diff", "--source", "testdata/diff", "--format", "json", "--lang", "sv")
	var doc struct {
		Material bool
		Notices  []struct {
			Notice, Lang, Status string
			Changes              []struct{ Kind, Path, Sentence string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Material || len(doc.Notices) != 5 {
		t.Fatalf("material %v, %d notices", doc.Material, len(doc.Notices))
	}
	c := doc.Notices[0].Changes[0]
	if c.Kind != "basis.changed" || c.Path != "purposes[1].basis" || !strings.HasPrefix(c.Sentence, "Defending legal claims: bygger nu på") {
		t.Fatalf("first change %+v", c)
	}
}

func TestDiffExitCodes(t *testing.T) {
	withFolders(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--format", "yaml"}, 2, `--format "yaml": want one of text, markdown, json`},
		{[]string{"a", "b", "c"}, 2, "at most two revisions"},
		{[]string{"--lang", "de"}, 2, `--lang "de": the site's languages are en, sv`},
		{[]string{"--bogus"}, 2, "flag provided but not defined"},
		{[]string{"v2"}, 1, "unknown revision v2"},
		{[]string{"--base", "trunk"}, 1, "no branch trunk"},
		{[]string{"v1", "v1"}, 0, "No notice changed."},
		// Flags after the revisions count too.
		{[]string{"v1", "--format", "json"}, 0, `"from": "v1"`},
	} {
		code, out, errs := runCLI(append([]string{"diff", "--source", "testdata/diff"}, c.args...)...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s%s", c.args, code, c.code, c.want, out, errs)
		}
	}
}

func TestDiffHelpTeaches(t *testing.T) {
	code, out, _ := runCLI("help", "diff")
	if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "GITHUB_STEP_SUMMARY") || !strings.Contains(out, "-format") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// notis diff reads real git revisions (internal/history): two commits of
// a repository built in the test, and by default the merge base with a
// branch against the work tree.
func TestDiffReadsGitRevisions(t *testing.T) {
	g := gittest.New(t)
	steps := gittest.Scenario(g)
	src := filepath.Join(g.Dir, gittest.SiteDir)
	code, out, errs := runCLI("diff", "--source", src, steps[0].Hash.String(), steps[1].Hash.String())
	if code != 0 || !strings.Contains(out, "Applications: kept 6 months → 12 months") || strings.Contains(out, "Example Screening GmbH") {
		t.Errorf("diff of the first two commits: exit %d\n%s%s", code, out, errs)
	}
	// A branch at the third commit: its merge base with HEAD is that
	// commit, and the work tree's uncommitted edit counts.
	if err := g.Git.Storer.SetReference(plumbing.NewHashReference("refs/heads/published", steps[2].Hash)); err != nil {
		t.Fatal(err)
	}
	en := steps[7].EN
	en.Recipient = false
	g.Write(map[string]string{gittest.SiteDir + "/content/applicants.en.md": en.Text("en")})
	code, out, errs = runCLI("diff", "--source", src, "--base", "published", "--format", "markdown")
	if code != 0 || !strings.Contains(out, "legitimate interests") || !strings.Contains(out, "24 months") || strings.Contains(out, "New recipient") {
		t.Errorf("diff from the merge base with published to the work tree: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runCLI("diff", "--source", t.TempDir()); code == 0 || !strings.Contains(errs, "notis.toml") && !strings.Contains(errs, "git") {
		t.Errorf("a folder outside git: exit %d, %s", code, errs)
	}
}

// A CI job's clone (actions/checkout) has the remote's branches and often
// no local main: without --base, notis diff counts from the first of
// main, origin/main, master and origin/master that exists, and says which.
func TestDiffFindsTheMainBranchInACIClone(t *testing.T) {
	g := gittest.New(t)
	steps := gittest.Scenario(g)
	src := filepath.Join(g.Dir, gittest.SiteDir)
	if err := g.Git.Storer.SetReference(plumbing.NewHashReference("refs/remotes/origin/main", steps[2].Hash)); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI("diff", "--source", src)
	if code != 0 || !strings.Contains(out, "origin/main ("+steps[2].Hash.String()[:7]+")") || !strings.Contains(out, "legitimate interests") {
		t.Errorf("diff from the merge base with origin/main: exit %d\n%s%s", code, out, errs)
	}
	// A --base the repository lacks is an error, never another branch.
	code, _, errs = runCLI("diff", "--source", src, "--base", "trunk")
	if code != 1 || !strings.Contains(errs, `revision "trunk"`) {
		t.Errorf("diff --base trunk: exit %d, %s", code, errs)
	}
}
