package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cleanNotice lints with no finding at all.
const cleanNotice = `---
title: Candidate privacy notice
updated: 2026-11-01
controller: {name: Example Recruitment Ltd, reg_no: "01234567", address: "1 High Street, Leeds LS1 1AA", email: privacy@example.org}
supervisory_authority: ico
data:
  - {id: cv, name: CV and contact details}
requirements:
  - {kind: pre_contract, data: [cv], consequence: We cannot consider your application.}
purposes:
  - {name: Considering your application, basis: contract, data: [cv]}
recipients:
  - {name: Civica UK Ltd (Trac), role: processor, country: GB, data: [cv]}
transfers:
  - {to: United States, recipient: Example Cloud Inc, safeguard: uk_dpf_extension}
automated_decisions: []
retention:
  - {records: Applications, data: [cv], period: P6M, from: the recruitment decision, then: delete}
changes:
  - {date: 2026-11-01, summary: First version}
---
We use your CV only to consider your application. You can complain to us
first; we acknowledge a complaint within 30 days.
`

// lintSite writes a one-notice site and returns its folder.
func lintSite(t *testing.T, notice string) string {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "notis.toml"), []byte("site = \"t\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy\"\n"), 0o644))
	must(os.MkdirAll(filepath.Join(dir, "content"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "content", "candidates.md"), []byte(notice), 0o644))
	return dir
}

func lintRun(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(append([]string{"lint"}, args...), &o, &e)
	return code, o.String(), e.String()
}

func TestLintExitsZeroOnACleanSite(t *testing.T) {
	code, out, errOut := lintRun("--source", lintSite(t, cleanNotice), "--strict", "--as-of", "2026-11-22")
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "1 notices, 0 errors, 0 warnings") {
		t.Errorf("summary: %q", errOut)
	}
}

func TestLintExitsOneOnAnErrorAndCitesTheArticle(t *testing.T) {
	dir := lintSite(t, strings.Replace(cleanNotice, "safeguard: uk_dpf_extension", "safeguard: privacy_shield", 1))
	code, out, _ := lintRun("--source", dir, "--as-of", "2026-11-22")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	want := "content/candidates.md:15:55: error transfer.mechanism-invalid:"
	if !strings.Contains(out, want) || !strings.Contains(out, "(Art 13(1)(f); Art 14(1)(f); Art 45; Art 46) — fix: use uk_dpf_extension") {
		t.Errorf("want %q with articles and fix in:\n%s", want, out)
	}
	// The same notice was lawful on the day Privacy Shield still stood.
	if code, out, _ := lintRun("--source", dir, "--as-of", "2019-06-25"); strings.Contains(out, "transfer.mechanism-invalid") {
		t.Errorf("as of 2019-06-25 (exit %d): Privacy Shield reported:\n%s", code, out)
	}
}

func TestLintStrictFailsOnWarnings(t *testing.T) {
	dir := lintSite(t, strings.Replace(cleanNotice, "automated_decisions: []\n", "", 1))
	if code, out, _ := lintRun("--source", dir, "--as-of", "2026-11-22"); code != 0 || !strings.Contains(out, "warning adm.statement-missing") {
		t.Fatalf("without --strict: exit %d\n%s", code, out)
	}
	if code, _, _ := lintRun("--source", dir, "--as-of", "2026-11-22", "--strict"); code != 1 {
		t.Fatalf("with --strict: exit %d, want 1", code)
	}
}

func TestLintUsageErrorsExitTwo(t *testing.T) {
	dir := lintSite(t, cleanNotice)
	for _, args := range [][]string{
		{"--source", dir, "--format", "xml"},
		{"--source", dir, "--as-of", "25/06/2019"},
		{"--source", dir, "--bogus"},
		{"--source", dir, "extra"},
	} {
		if code, _, errOut := lintRun(args...); code != 2 || !strings.Contains(errOut, "usage: notis lint") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestLintWritesSARIFAndGitHubAnnotations(t *testing.T) {
	dir := lintSite(t, strings.Replace(cleanNotice, "safeguard: uk_dpf_extension", "safeguard: privacy_shield", 1))
	_, out, _ := lintRun("--source", dir, "--as-of", "2026-11-22", "--format", "sarif")
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || log.Version != "2.1.0" || len(log.Runs[0].Results) != 1 || log.Runs[0].Results[0].RuleID != "transfer.mechanism-invalid" {
		t.Fatalf("sarif: %v\n%s", err, out)
	}
	_, out, _ = lintRun("--source", dir, "--as-of", "2026-11-22", "--format", "github")
	if !strings.HasPrefix(out, "::error file="+filepath.ToSlash(dir)+"/content/candidates.md,line=15,col=55,title=transfer.mechanism-invalid::") {
		t.Fatalf("github: %s", out)
	}
	// CI runs from the repository's root with --source naming the site's
	// folder: annotations and locations name files from there, where
	// GitHub finds them.
	t.Chdir(filepath.Dir(dir))
	site := filepath.Base(dir)
	_, out, _ = lintRun("--source", site, "--as-of", "2026-11-22", "--format", "github")
	if !strings.HasPrefix(out, "::error file="+site+"/content/candidates.md,line=15,col=55,title=transfer.mechanism-invalid::") {
		t.Errorf("github, from the repository's root: %s", out)
	}
	_, out, _ = lintRun("--source", site, "--as-of", "2026-11-22", "--format", "sarif")
	if !strings.Contains(out, `"uri": "`+site+`/content/candidates.md"`) {
		t.Errorf("sarif, from the repository's root: %s", out)
	}
	// The site named absolutely, inside the current folder: named from it.
	_, out, _ = lintRun("--source", dir, "--as-of", "2026-11-22", "--format", "github")
	if !strings.HasPrefix(out, "::error file="+site+"/content/candidates.md,") {
		t.Errorf("github, --source absolute: %s", out)
	}
	// notis.toml, which the site's reader names absolutely, is named from
	// there too.
	os.WriteFile(filepath.Join(dir, "notis.toml"), []byte("site = \"careers\"\nbaseURL = 3\n"), 0o644)
	_, out, _ = lintRun("--source", site, "--format", "github")
	if !strings.HasPrefix(out, "::error file="+site+"/notis.toml,line=2,") {
		t.Errorf("github, notis.toml: %s", out)
	}
}

func TestLintReadsTheSiteConsentCategories(t *testing.T) {
	withCookie := strings.Replace(cleanNotice, "automated_decisions: []\n", "automated_decisions: []\ncookies:\n  - {name: _ga, provider: Google Analytics, category: statistics, purpose: Counts visits, duration: P13M, third_party: true}\n", 1)
	dir := lintSite(t, withCookie)
	if code, out, _ := lintRun("--source", dir, "--as-of", "2026-11-22"); code != 1 || !strings.Contains(out, "cookies.category-unknown") {
		t.Fatalf("unknown category: exit %d\n%s", code, out)
	}
	os.MkdirAll(filepath.Join(dir, "i18n"), 0o755)
	os.WriteFile(filepath.Join(dir, "i18n", "banner.en.toml"), []byte("[category.necessary]\nlabel = \"Necessary\"\n[category.statistics]\nlabel = \"Statistics\"\n"), 0o644)
	if code, out, _ := lintRun("--source", dir, "--as-of", "2026-11-22"); code != 0 {
		t.Fatalf("category defined in i18n: exit %d\n%s", code, out)
	}
}

// lintFailsWith lints the site in dir as text, wants exit status 1 and
// every line of want in the findings, and returns the output.
func lintFailsWith(t *testing.T, dir string, want ...string) (out, errOut string) {
	t.Helper()
	t.Chdir(dir)
	code, out, errOut := lintRun("--source", ".", "--as-of", "2026-11-22")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("text output lacks %q:\n%s", w, out)
		}
	}
	return out, errOut
}

// A notice file that cannot be read (a link that leads nowhere, or to
// itself) is a finding on that file in every format, and counted: not an
// "error:" line with no file, which a GitHub annotation cannot place.
func TestLintNamesANoticeFileThatCannotBeRead(t *testing.T) {
	dir := lintSite(t, cleanNotice)
	content := filepath.Join(dir, "content")
	if err := os.Symlink(filepath.Join(dir, "nowhere.md"), filepath.Join(content, "dangling.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop.md", filepath.Join(content, "loop.md")); err != nil {
		t.Fatal(err)
	}
	out, errOut := lintFailsWith(t, dir,
		"content/dangling.md: error content.unreadable: the file cannot be read: no such file or directory — fix: it is a link to a file that does not exist",
		"content/loop.md: error content.unreadable: the file cannot be read: too many levels of symbolic links — fix: it is a link that leads back to itself",
	)
	if strings.Contains(out+errOut, "error: open") {
		t.Errorf("an unplaced error:\n%s%s", out, errOut)
	}
	if !strings.Contains(errOut, "(and 2 files that could not be read as notices)") {
		t.Errorf("summary: %s", errOut)
	}
	for format, want := range map[string]string{
		"json":   `"file": "content/loop.md"`,
		"sarif":  `"uri": "content/loop.md"`,
		"github": "::error file=content/loop.md,title=content.unreadable::",
	} {
		code, out, _ := lintRun("--source", dir, "--as-of", "2026-11-22", "--format", format)
		if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, "content.unreadable") {
			t.Errorf("%s: exit %d, want %q:\n%s", format, code, want, out)
		}
	}
}

// A notice saved as cookies.MD or cookies.markdown is not read, and says
// so: the lint of a site whose only other notice is clean fails, naming
// the file, in every format, and so does the build.
func TestAMisnamedNoticeFileIsAFindingNotASkip(t *testing.T) {
	dir := lintSite(t, cleanNotice)
	for _, name := range []string{"cookies.MD", "staff.en.markdown", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, "content", name), []byte(cleanNotice), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _ := lintFailsWith(t, dir,
		"content/cookies.MD: error content.file-name: the file is not read: notice files end in .md, in lower case, and this one ends in .MD — fix: rename it cookies.md",
		"content/staff.en.markdown: error content.file-name: the file is not read: notice files end in .md, in lower case, and this one ends in .markdown — fix: rename it staff.en.md",
	)
	if strings.Contains(out, "notes.txt") {
		t.Errorf("a file that is not Markdown was reported:\n%s", out)
	}
	for _, format := range []string{"json", "sarif", "github"} {
		code, out, _ := lintRun("--source", dir, "--as-of", "2026-11-22", "--format", format)
		if code != 1 || !strings.Contains(out, "content.file-name") || !strings.Contains(out, "content/cookies.MD") {
			t.Errorf("%s: exit %d, the misnamed file missing:\n%s", format, code, out)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"build", "--source", dir, "--quiet"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "content/cookies.MD: error content.file-name") {
		t.Errorf("build: exit %d\n%s", code, stderr.String())
	}
}

// A notice that does not parse or decode is a finding with its rule in
// every format and in the count, and fails the run: never a clean scan.
func TestLintReportsUndecodableNoticesAndLintsTheRest(t *testing.T) {
	dir := lintSite(t, strings.Replace(cleanNotice, "automated_decisions: []\n", "", 1))
	os.WriteFile(filepath.Join(dir, "content", "broken.md"), []byte("---\ntitle: T\nupdated: 22/11/2026\n---\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "content", "unparsed.md"), []byte("---\ntitle: [T\n---\n"), 0o644)
	code, out, errOut := lintRun("--source", dir, "--as-of", "2026-11-22")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		"content/broken.md:3:1: error decode.field: updated: found \"22/11/2026\", want a date as YYYY-MM-DD — fix: did you mean \"2026-11-22\"?\n  3 | updated: 22/11/2026\n    | ^\n",
		"content/unparsed.md:2:8: error syntax.yaml: YAML:",
		"adm.statement-missing",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "notis lint: 2 notices (and 1 file that could not be read as a notice), ") || strings.Contains(errOut, " 0 errors") {
		t.Errorf("summary: %s", errOut)
	}
	if strings.Contains(out+errOut, "does not decode") || strings.Contains(out+errOut, "_stream") {
		t.Errorf("internal or stray text:\n%s%s", out, errOut)
	}
	for _, format := range []string{"json", "sarif", "github"} {
		code, out, _ := lintRun("--source", dir, "--as-of", "2026-11-22", "--format", format)
		if code != 1 || !strings.Contains(out, "decode.field") || !strings.Contains(out, "syntax.yaml") || !strings.Contains(out, "content/unparsed.md") {
			t.Errorf("%s: exit %d, broken notices missing:\n%s", format, code, out)
		}
	}
	// A site whose only notice does not parse is not "0 notices, 0 errors".
	only := lintSite(t, "---\ntitle: T\n")
	code, out, errOut = lintRun("--source", only, "--format", "sarif")
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || code != 1 || len(log.Runs[0].Results) != 1 || log.Runs[0].Results[0].RuleID != "syntax.front-matter" {
		t.Errorf("sarif of a site whose notice never closes its front matter: exit %d %v\n%s%s", code, err, out, errOut)
	}
}

// What a notice does not state is absent, not invented: it decodes, and
// the lint judges each gap under its own rule with the article.
func TestLintJudgesWhatTheNoticeDoesNotState(t *testing.T) {
	dir := lintSite(t, "---\ntitle: Undated notice\ncontroller: {name: Example Ltd, reg_no: \"123\"}\npurposes:\n  - {name: Recruiting}\n---\n")
	code, out, errOut := lintRun("--source", dir, "--as-of", "2026-11-22", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var fs []struct{ Rule, Field string }
	if err := json.Unmarshal([]byte(out), &fs); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range fs {
		got[f.Rule] = f.Field
		if strings.HasPrefix(f.Rule, "decode.") {
			t.Errorf("the decoder judged an absence: %+v", f)
		}
	}
	for rule, field := range map[string]string{"meta.date-missing": "updated", "sa.missing": "supervisory_authority", "basis.missing": "purposes[0]"} {
		if got[rule] != field {
			t.Errorf("%s at %q, want at %q (findings: %v)", rule, got[rule], field, got)
		}
	}
}

// A site with no notice is not reported clean: the run says nothing was
// checked, in every format, and --strict fails on it.
func TestLintOfNoNoticesSaysNothingWasChecked(t *testing.T) {
	dir := lintSite(t, cleanNotice)
	if err := os.Remove(filepath.Join(dir, "content", "candidates.md")); err != nil {
		t.Fatal(err)
	}
	code, out, _ := lintRun("--source", dir, "--format", "json")
	var fs []struct{ Rule, Severity string }
	if err := json.Unmarshal([]byte(out), &fs); err != nil || code != 0 || len(fs) != 1 || fs[0].Rule != "content.empty" || fs[0].Severity != "warning" {
		t.Fatalf("exit %d, findings %s", code, out)
	}
	if code, _, _ := lintRun("--source", dir, "--strict"); code != 1 {
		t.Errorf("with --strict: exit %d, want 1", code)
	}
}
