package audit

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/notis-dev/notis/internal/build"
	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/notice"
)

var sample = []Finding{
	{Rule: "cookie.undeclared", Severity: Error, Page: "https://jobs.example.org/apply?x=1", State: Accept, Subject: "_gcl_au",
		Message: "cookie \"_gcl_au\" is set after Accept all, but no notice declares it", Evidence: "_gcl_au on jobs.example.org/", Fix: "add: - {name: _gcl_au}",
		Pos: notice.Position{File: "content/cookies en.md", Line: 7, Col: 3}},
	{Rule: "tracker.gpc", Severity: Error, Page: "https://jobs.example.org/", State: GPC, Subject: "connect.facebook.net",
		Message: "a, b: c\nd%", Fix: "gate it"},
	{Rule: "cookie.stale", Severity: Info, Subject: "_hjid", Message: "never seen", Fix: "remove it"},
}

func TestSARIFPutsEveryResultSomewhereCodeScanningShows(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "sarif", Report{Findings: sample, Anchor: "site/content/cookies.en.md"}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine int }
					}
				}
				PartialFingerprints map[string]string
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || run.Tool.Driver.Name != "notis audit" || len(run.Tool.Driver.Rules) != len(Rules)+len(diag.Rules) {
		t.Fatalf("log header: %+v", log)
	}
	for i, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID || len(r.Locations) != 1 || r.PartialFingerprints["notisAudit/v1"] == "" {
			t.Errorf("result %d: %+v", i, r)
		}
	}
	if loc := run.Results[0].Locations[0].PhysicalLocation; loc.ArtifactLocation.URI != "content/cookies%20en.md" || loc.Region.StartLine != 7 {
		t.Errorf("a finding with a notice position: %+v", loc)
	}
	if loc := run.Results[1].Locations[0].PhysicalLocation; loc.ArtifactLocation.URI != "site/content/cookies.en.md" || loc.Region != nil {
		t.Errorf("a finding about a page: %+v", loc)
	}
	if run.Results[2].Level != "note" {
		t.Errorf("info level: %s", run.Results[2].Level)
	}
}

func TestGitHubAnnotationsEscapeWhatTheyCarry(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "github", Report{Findings: sample}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one line a finding:\n%s", b.String())
	}
	if !strings.HasPrefix(lines[0], "::error file=content/cookies en.md,line=7,title=cookie.undeclared https%3A//jobs.example.org/apply?x=1 [accept]::") {
		t.Errorf("line 1: %s", lines[0])
	}
	if lines[1] != "::error title=tracker.gpc https%3A//jobs.example.org/ [gpc]::a, b: c%0Ad%25 — fix: gate it" {
		t.Errorf("line 2: %s", lines[1])
	}
	if !strings.HasPrefix(lines[2], "::notice title=cookie.stale site::") {
		t.Errorf("line 3: %s", lines[2])
	}
}

func TestABaselineAcceptsKnownFindingsOnAnyHost(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "json", Report{Findings: sample[:2]}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	staging := append([]Finding(nil), sample...)
	staging[0].Page = "https://staging.example.org/apply?x=2" // same page path, another host and query
	staging[0].Evidence = "expires another day"
	kept, accepted := base.Filter(staging)
	if accepted != 2 || len(kept) != 1 || kept[0].Rule != "cookie.stale" {
		t.Errorf("kept %+v, accepted %d", kept, accepted)
	}
	if err := os.WriteFile(path, []byte(`[{"rule": "x"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadBaseline(path); err == nil || !strings.Contains(err.Error(), "want a report written by notis audit --format json") {
		t.Errorf("a lint report as baseline: %v", err)
	}
}

func TestTextReportListsTimePerPageAndState(t *testing.T) {
	res := &Result{Pages: []*PageResult{{URL: "https://jobs.example.org/", Elapsed: 3200 * time.Millisecond,
		States: map[State]*Observation{Load: {Elapsed: time.Second, Notes: []string{"slow"}}, GPC: {Elapsed: 2 * time.Second}}}}}
	var b bytes.Buffer
	if err := Write(&b, "text", Report{Findings: sample[2:], Result: res}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"site: info cookie.stale: never seen — fix: remove it\n",
		"page https://jobs.example.org/: 3.2 s (load 1.0 s, reject not run, accept not run, gpc 2.0 s, withdraw not run)\n",
		"\tnote [load]: slow\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestSARIFValidatesAgainstTheOfficialSchema(t *testing.T) {
	// The OASIS SARIF 2.1.0 schema the lint's test keeps.
	f, err := os.Open(filepath.Join("..", "lint", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	res := &Result{Pages: []*PageResult{{URL: "https://jobs.example.org/", Elapsed: time.Second, Notes: []string{"n"},
		States: map[State]*Observation{Load: {Elapsed: time.Second}}}}}
	for name, fs := range map[string][]Finding{"findings": sample, "none": nil} {
		var b bytes.Buffer
		if err := Write(&b, "sarif", Report{Findings: fs, Result: res}); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(&b)
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", name, err)
		}
	}
}

// The audit judges against the notices that loaded; one that did not is
// a finding in every format, at its file and line, so a report of a site
// the audit did not read whole is never empty.
func TestANoticeThatDidNotLoadIsAFindingInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"notis.toml":           "site = \"t\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy\"\n",
		"content/ok.en.md":     "---\ntitle: Candidates\n---\nBody.\n",
		"content/broken.en.md": "---\ntitle: Staff\ncookies:\n  - {name: _ga, category: analytics\n---\nBody.\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, loadErr := build.Load(dir, "")
	if st == nil || loadErr == nil {
		t.Fatalf("want the site loaded without its broken notice: %v", loadErr)
	}
	unread := Unread(loadErr, "site")
	if len(unread) == 0 || unread[0].Rule != diag.RuleYAML || unread[0].Severity != Error ||
		unread[0].Pos.File != "site/content/broken.en.md" || unread[0].Pos.Line < 3 {
		t.Fatalf("the findings of the broken notice: %+v", unread)
	}
	for _, format := range Formats {
		var b bytes.Buffer
		if err := Write(&b, format, Report{Findings: unread, Anchor: "site/notis.toml"}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), diag.RuleYAML) || !strings.Contains(b.String(), "broken.en.md") {
			t.Errorf("%s: the report does not name the notice that did not load:\n%s", format, b.String())
		}
	}
	// In SARIF its rule is in the rule table, where its index says.
	var b bytes.Buffer
	if err := Write(&b, "sarif", Report{Findings: unread}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
			Results []struct {
				RuleID    string
				RuleIndex int
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	for _, r := range log.Runs[0].Results {
		if log.Runs[0].Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result of %s points at rule %d, %s", r.RuleID, r.RuleIndex, log.Runs[0].Tool.Driver.Rules[r.RuleIndex].ID)
		}
	}
	// An error that is not a diagnostic is still a finding.
	if f := Unread(os.ErrPermission, "site"); len(f) != 1 || f[0].Rule != diag.RuleOther || f[0].Severity != Error {
		t.Errorf("a plain error: %+v", f)
	}
	if Unread(nil, "site") != nil {
		t.Error("a site that loaded whole has findings of notices that did not")
	}
}
