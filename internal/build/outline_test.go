package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/build/synth"
	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/history/gittest"
	"github.com/notis-dev/notis/internal/lint"
	"github.com/notis-dev/notis/internal/notice"
)

// recordingLint is a Linter that keeps what the lint found, as notis
// build's does, and fails the build on errors when failOnError.
type recordingLint struct {
	failOnError bool
	mu          sync.Mutex
	findings    []lint.Finding
	calls       int
	done        int
}

func (l *recordingLint) Check(s *Site, notices []*notice.Notice) {
	found := lint.Check(notices, lint.Options{Categories: s.Categories(), Known: s.Has, AsOf: fixtureDay})
	l.mu.Lock()
	l.findings = append(l.findings, found...)
	l.calls++
	l.mu.Unlock()
}

func (l *recordingLint) Done(*Site) ([]string, error) {
	l.done++
	lint.Sort(l.findings)
	if e, _, _ := lint.Count(l.findings); e > 0 && l.failOnError {
		return nil, errors.New("lint errors")
	}
	return nil, nil
}

// fixtureDay is the day the lint judges these builds on, so they do not age.
var fixtureDay = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// copySite copies a site folder into a temporary one.
func copySite(t *testing.T, src string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// outputFiles reads every file of a build's output.
func outputFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestOutlinedBuildEqualsTheBuildThatHoldsEveryNotice builds sites both
// ways: keeping outlines and reading each notice whole again to render
// it (what a build does unless it reads a history), and holding every
// notice whole. The output must be the same bytes, file for file, and
// the lint must find the same: the example site (layered notices,
// several controllers, cookie notices by folder), the golden fixture and
// a synthetic site of 60 notices with related notices.
func TestOutlinedBuildEqualsTheBuildThatHoldsEveryNotice(t *testing.T) {
	synthetic := t.TempDir()
	if err := synth.Generate(synthetic, 60); err != nil {
		t.Fatal(err)
	}
	// My own case: a chain of layered notices across folders (a child
	// extends a team notice that extends the group's), with a body link
	// from one notice to another and a related notice.
	layered := copySite(t, "testdata/site")
	for name, src := range map[string]string{
		"content/group.en.md":         "---\ntitle: Group notice\nupdated: 2026-04-01\ncontroller: {name: Example Group plc, email: privacy@example.org}\nsupervisory_authority: ico\ndpo: {email: dpo@example.org}\ndata:\n  - {id: identity, name: Identity}\npurposes:\n  - {name: Payroll, basis: contract, data: [identity]}\nretention:\n  - {records: Payroll records, period: P6Y}\n---\nThe group's notice.\n",
		"content/teams/team.en.md":    "---\ntitle: Team notice\nupdated: 2026-04-01\nextends: group\npurposes:\n  - {name: Rotas, basis: contract}\n---\nSee [the applicants' notice](/en/applicants/).\n",
		"content/teams/a/child.en.md": "---\ntitle: Child notice\nupdated: 2026-04-01\nextends: team\nrelated: [applicants]\ntransfers: []\n---\nThe child's own words.\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(layered, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(layered, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, src := range map[string]string{"example": "../..", "golden": "testdata/site", "synthetic": synthetic, "layered": layered} {
		t.Run(name, func(t *testing.T) {
			build := func(hold content.Hold) (map[string]string, *recordingLint) {
				l := &recordingLint{}
				dest := filepath.Join(t.TempDir(), "public")
				if _, err := Build(Options{Source: src, Destination: dest, Lint: l, hold: hold}); err != nil {
					t.Fatal(err)
				}
				return outputFiles(t, dest), l
			}
			whole, wholeLint := build(content.Lean)
			outlined, outlinedLint := build(content.Outlines)
			if len(whole) < 10 {
				t.Fatalf("the build wrote %d files", len(whole))
			}
			if child := outlined["en/child/index.html"]; name == "layered" && (!strings.Contains(child, "Payroll records") || !strings.Contains(child, "Rotas")) {
				t.Errorf("the child notice does not show its parent's and grandparent's facts:\n%s", child)
			}
			for _, rel := range slices.Sorted(func(yield func(string) bool) {
				for k := range whole {
					if !yield(k) {
						return
					}
				}
			}) {
				if outlined[rel] != whole[rel] {
					t.Errorf("%s differs when the build keeps outlines", rel)
				}
			}
			if len(outlined) != len(whole) {
				t.Errorf("outlined build wrote %d files, the other %d", len(outlined), len(whole))
			}
			// The lint saw the same notices whole, one group at a time.
			if wholeLint.calls != 1 || outlinedLint.calls < 2 {
				t.Errorf("lint calls: %d holding, %d outlined; want 1 and one a notice", wholeLint.calls, outlinedLint.calls)
			}
			if !slices.EqualFunc(wholeLint.findings, outlinedLint.findings, func(a, b lint.Finding) bool { return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b) }) {
				t.Errorf("the lint found\n%v\nholding every notice, and\n%v\nreading them one at a time", wholeLint.findings, outlinedLint.findings)
			}
		})
	}
}

// A lint error found while an outlined build renders fails it before
// anything is swapped in.
func TestALintErrorFailsAnOutlinedBuildBeforeItWrites(t *testing.T) {
	src := copySite(t, "testdata/site")
	// No supervisory authority: sa.missing, an error.
	late := "---\ntitle: Late notice\nupdated: 2026-04-01\ncontroller: {name: Example Ltd, email: privacy@example.org}\npurposes:\n  - {name: Recruiting, basis: contract}\n---\nText.\n"
	if err := os.WriteFile(filepath.Join(src, "content", "late.en.md"), []byte(late), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	l := &recordingLint{failOnError: true}
	_, err := Build(Options{Source: src, Destination: dest, Lint: l, hold: content.Outlines})
	if !slices.ContainsFunc(l.findings, func(f lint.Finding) bool {
		return f.Rule == "sa.missing" && strings.HasSuffix(f.Pos.File, "late.en.md")
	}) {
		t.Fatalf("the lint did not find the missing authority: %v", l.findings)
	}
	if err == nil {
		t.Fatal("the build succeeded with lint errors")
	}
	if _, statErr := os.Stat(dest); !errors.Is(statErr, fs.ErrNotExist) {
		t.Errorf("a failed build left %s", dest)
	}
}

// TestAFailedRenderStillReportsTheLint: when the render of an outlined
// site fails (here a layout that fails on one notice), what the lint
// found is still reported, as a build that holds its notices reports it
// before it renders.
func TestAFailedRenderStillReportsTheLint(t *testing.T) {
	src := copySite(t, "testdata/site")
	layout := `{{define "notice-automated"}}{{if eq .N.ID "cookies"}}{{index .N.Related 9}}{{end}}{{end}}`
	if err := os.MkdirAll(filepath.Join(src, "layouts", "partials"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "layouts", "partials", "notice-automated.html"), []byte(layout), 0o644); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	l := &recordingLint{}
	_, err := Build(Options{Source: src, Destination: dest, Lint: l, hold: content.Outlines})
	if err == nil || !strings.Contains(err.Error(), "cookies") {
		t.Fatalf("the build did not fail on the cookies notice's layout: %v", err)
	}
	if l.done != 1 || l.calls == 0 {
		t.Fatalf("the lint checked %d groups and was reported %d times, want its findings reported once", l.calls, l.done)
	}
}

// A build keeps outlines of a site too large to hold whole
// (content.WholeBudget) and holds a small one whole, unless it reads the
// history, which joins every notice whole with its earlier versions; the
// preview and notis lint hold every notice whole.
func TestABuildOutlinesOnlyALargeSite(t *testing.T) {
	outlined := func(src string, lean bool) bool {
		s, err := Options{Source: src}.loadSite(nil, nil, lean)
		if err != nil {
			t.Fatal(err)
		}
		return s.outlined
	}
	g := gittest.New(t)
	gittest.Scenario(g)
	withHistory := filepath.Join(g.Dir, gittest.SiteDir)
	// 250 synthetic notices in two languages: about 10 MB of files,
	// more than the budget.
	large := t.TempDir()
	if err := synth.Generate(large, 250); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		src  string
		lean bool
		want bool
	}{{"testdata/site", true, false}, {large, true, true}, {large, false, false}, {withHistory, true, false}, {"testdata/site", false, false}} {
		if got := outlined(c.src, c.lean); got != c.want {
			t.Errorf("%s (lean %v): outlined = %v, want %v", c.src, c.lean, got, c.want)
		}
	}
}
