package scaffold_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/lint"
	"github.com/notis-dev/notis/internal/scaffold"
)

var today = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func buildClean(t *testing.T, dir string) *build.Result {
	t.Helper()
	res, err := build.Build(build.Options{Source: dir})
	if err != nil {
		t.Fatalf("the scaffolded site does not build:\n%v", err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("the scaffolded site builds with warnings:\n%s", strings.Join(res.Warnings, "\n"))
	}
	return res
}

// lintClean runs notis lint's checks on the site as of the day it was
// made: the only findings are the placeholders the author must replace
// (meta.placeholder), and the controller's name is among them, so a
// scaffold is never published as it came.
func lintClean(t *testing.T, dir string) {
	t.Helper()
	s, err := build.Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, f := range lint.Check(s.Notices(), lint.Options{AsOf: today, Languages: s.Config.LanguageCodes()}) {
		if f.Rule == "meta.placeholder" {
			named = named || f.Field == "controller.name"
			continue
		}
		t.Errorf("lint: %s:%d: %s %s: %s — fix: %s", f.Pos.File, f.Pos.Line, f.Severity, f.Rule, f.Message, f.Fix)
	}
	if !named {
		t.Error("lint does not name the scaffold's placeholder controller")
	}
}

func TestNewSiteIsCompleteButForItsPlaceholdersInBothLanguages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "privacy")
	files, err := scaffold.Site(dir, today)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"notis.toml", "content/privacy.en.md", "content/privacy.sv.md", ".github/workflows/notices.yml"} {
		if !strings.Contains(strings.Join(files, "\n"), want) {
			t.Errorf("no %s among %q", want, files)
		}
	}
	res := buildClean(t, dir)
	lintClean(t, dir)
	if res.PagesByLang["en"] != 2 || res.PagesByLang["sv"] != 2 || res.Notices != 1 {
		t.Errorf("built %v pages of %d notices; want the notice and the index in en and sv", res.PagesByLang, res.Notices)
	}
	wf, _ := os.ReadFile(filepath.Join(dir, ".github", "workflows", "notices.yml"))
	for _, want := range []string{"push", "notis lint", "notis build", "#         notis audit https://jobs.example.org/", "#         sarif_file: audit.sarif",
		"fetch-depth: 0", `notis diff --base "origin/$GITHUB_BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"`} {
		if !strings.Contains(string(wf), want) {
			t.Errorf("the workflow lacks %q", want)
		}
	}
	// The workflow is YAML GitHub can read, and the pull request job that
	// runs notis diff checks out the history it needs.
	var doc struct {
		Jobs map[string]struct {
			If    string `yaml:"if"`
			Steps []struct {
				With map[string]any `yaml:"with"`
				Run  string         `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(wf, &doc); err != nil {
		t.Fatalf("the workflow is not YAML: %v", err)
	}
	if ch := doc.Jobs["changes"]; ch.If != "github.event_name == 'pull_request'" || len(ch.Steps) != 4 || ch.Steps[0].With["fetch-depth"] != uint64(0) || !strings.Contains(ch.Steps[3].Run, "notis diff") {
		t.Errorf("the changes job: %+v", ch)
	}
	if _, err := scaffold.Site(dir, today); err == nil {
		t.Error("a second scaffold over the site succeeded; want a refusal")
	}
}

func TestNewNoticeHasEveryRequiredFieldAndBuilds(t *testing.T) {
	dir := t.TempDir()
	if _, err := scaffold.Site(dir, today); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "sv"} {
		p, err := scaffold.Notice(dir, "candidates", lang, today)
		if err != nil {
			t.Fatal(err)
		}
		src, _ := os.ReadFile(p)
		for _, field := range []string{"title:", "updated:", "controller:", "supervisory_authority:", "purposes:", "# REQUIRED"} {
			if !strings.Contains(string(src), field) {
				t.Errorf("%s lacks %q", p, field)
			}
		}
	}
	buildClean(t, dir)
	lintClean(t, dir)
	if _, err := scaffold.Notice(dir, "candidates", "en", today); err == nil {
		t.Error("overwrote an existing notice; want a refusal")
	}
	if _, err := scaffold.Notice(dir, "Not A Name", "en", today); err == nil || !strings.Contains(err.Error(), `like "not-a-name"`) {
		t.Errorf("a name that cannot be a URL: %v; want a refusal that offers not-a-name", err)
	}
}
