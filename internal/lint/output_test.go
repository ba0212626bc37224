package lint

import (
	"bytes"
	"encoding/json"
	"github.com/notis-dev/notis/internal/sarif"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/notice"
)

// sampleFindings lints the seed notices: findings at every severity, in
// English and Swedish, in front matter and body.
func sampleFindings(t *testing.T) []Finding {
	t.Helper()
	var ns []*notice.Notice
	for name := range seedDefects {
		ns = append(ns, loadSeed(t, name))
	}
	fs := Check(ns, Options{AsOf: seedAsOf})
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	return fs
}

func TestTextOutputIsOneLinePerFindingWithArticleAndFix(t *testing.T) {
	fs := sampleFindings(t)
	var b bytes.Buffer
	if err := Write(&b, "text", fs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(fs) {
		t.Fatalf("%d lines for %d findings", len(lines), len(fs))
	}
	want := `testdata/seeds/004-necessio.sv.md:11:1: error sa.stale-name: notice "necessio" (sv), supervisory_authority: Datainspektionen ceased to exist under that name after 2020-12-31 (Art 13(2)(d); Art 14(2)(e); Art 77) — fix: use supervisory_authority: imy (Integritetsskyddsmyndigheten (IMY))`
	if !strings.Contains(b.String(), want+"\n") {
		t.Errorf("missing line\n%s\nin:\n%s", want, b.String())
	}
}

func TestCheckIsDeterministicAndSorted(t *testing.T) {
	a, b := sampleFindings(t), sampleFindings(t)
	var ja, jb bytes.Buffer
	Write(&ja, "json", a)
	Write(&jb, "json", b)
	if ja.String() != jb.String() {
		t.Fatal("two runs differ")
	}
	for i := 1; i < len(a); i++ {
		p, q := a[i-1], a[i]
		if p.Pos.File > q.Pos.File || (p.Pos.File == q.Pos.File && (p.Pos.Line > q.Pos.Line || (p.Pos.Line == q.Pos.Line && p.Pos.Col > q.Pos.Col))) {
			t.Fatalf("not sorted: %s before %s", p.Pos, q.Pos)
		}
	}
}

func TestJSONOutputRoundTrips(t *testing.T) {
	fs := sampleFindings(t)
	var b bytes.Buffer
	if err := Write(&b, "json", fs); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(fs) {
		t.Fatalf("%d objects for %d findings", len(got), len(fs))
	}
	for _, k := range []string{"rule", "severity", "articles", "notice", "lang", "field", "file", "line", "col", "message", "fix"} {
		if _, ok := got[0][k]; !ok {
			t.Errorf("key %q missing in %v", k, got[0])
		}
	}
	b.Reset()
	Write(&b, "json", nil)
	if strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("no findings: got %q, want []", b.String())
	}
}

func TestSARIFOutputValidatesAgainstTheOfficialSchema(t *testing.T) {
	// testdata/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 schema,
	// oasis-tcs/sarif-spec Documents/CommitteeSpecifications/2.1.0.
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
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
	for name, fs := range map[string][]Finding{"findings": sampleFindings(t), "none": nil} {
		var b bytes.Buffer
		if err := Write(&b, "sarif", fs); err != nil {
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
	// A log that breaks the schema is caught, so the test can fail.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}`))
	if schema.Validate(bad) == nil {
		t.Error("a driver without a name validated")
	}
}

func TestSARIFResultsPointAtRulesAndPlaces(t *testing.T) {
	fs := sampleFindings(t)
	var b bytes.Buffer
	Write(&b, "sarif", fs)
	var log sarif.Log
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != len(fs) || len(run.Tool.Driver.Rules) != len(Rules())+len(diag.Rules) {
		t.Fatalf("%d results, %d rules", len(run.Results), len(run.Tool.Driver.Rules))
	}
	for i, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex %d is %s, not %s", i, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID, r.RuleID)
		}
		if r.Locations[0].PhysicalLocation.Region.StartLine != fs[i].Pos.Line {
			t.Errorf("result %d: line %d, want %d", i, r.Locations[0].PhysicalLocation.Region.StartLine, fs[i].Pos.Line)
		}
	}
}

func TestGitHubAnnotationsAreEscaped(t *testing.T) {
	fs := []Finding{{
		Rule: "text.vague-qualifier", Severity: Warning, Articles: []string{"Art 12(1)"},
		Pos:     notice.Position{File: "content/a,b:c.md", Line: 3, Col: 7},
		Message: "100% vague\nsecond line", Fix: "list them",
	}, {
		Rule: "dpo.personal-mailbox", Severity: Info, Pos: notice.Position{File: "c.md", Line: 1, Col: 1}, Message: "m", Fix: "f",
	}}
	var b bytes.Buffer
	if err := Write(&b, "github", fs); err != nil {
		t.Fatal(err)
	}
	want := "::warning file=content/a%2Cb%3Ac.md,line=3,col=7,title=text.vague-qualifier::100%25 vague%0Asecond line (Art 12(1)) — fix: list them\n" +
		"::notice file=c.md,line=1,col=1,title=dpo.personal-mailbox::m — fix: f\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestUnknownFormatIsAnError(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", nil); err == nil {
		t.Fatal("no error for xml")
	}
}

func TestFailedCountsErrorsAndWithStrictWarnings(t *testing.T) {
	warn := []Finding{{Severity: Warning}, {Severity: Info}}
	if Failed(warn, Options{}) {
		t.Error("warnings failed without --strict")
	}
	if !Failed(warn, Options{Strict: true}) {
		t.Error("warnings passed with --strict")
	}
	if !Failed([]Finding{{Severity: Error}}, Options{}) {
		t.Error("an error passed")
	}
	if Failed(nil, Options{Strict: true}) {
		t.Error("nothing failed")
	}
}

func TestASuppressionWithAReasonSilencesOnlyItsRule(t *testing.T) {
	f := loadFixture(t, filepath.Join("testdata", "rules", "lint.suppression-unjustified.txtar"))
	pass := rulesOf(Check(f.Pass, Options{AsOf: f.AsOf}))
	fail := rulesOf(Check(f.Fail, Options{AsOf: f.AsOf}))
	if slices.Contains(pass, "recipients.missing") {
		t.Error("a suppression with a reason did not silence recipients.missing")
	}
	if !slices.Contains(fail, "recipients.missing") {
		t.Error("a suppression without a reason silenced recipients.missing")
	}
	if !slices.Contains(pass, "retention.missing") {
		t.Error("a suppression silenced another rule")
	}
}

// A suppression with a field silences the rule there and nowhere else.
func TestASuppressionWithAFieldSilencesOnlyThatPlace(t *testing.T) {
	src := `---
title: Staff notice
updated: 2026-04-01
controller: {name: Example Council, email: privacy@example.gov.uk, public_authority: true}
supervisory_authority: ico
purposes:
  - {name: Selling surplus equipment, basis: legitimate_interests, interest: Recovering value.}
  - {name: Monitoring staff email, basis: legitimate_interests, interest: Security.}
lint:
  ignore:
    - {rule: li.public-authority, field: "purposes[0]", why: "Selling surplus equipment is not one of our tasks."}
---
`
	p, err := content.Parse("content/staff.en.md", []byte(src), langs)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, f := range Check([]*notice.Notice{p.Notice}, Options{}) {
		if f.Rule == "li.public-authority" {
			fields = append(fields, f.Field)
		}
	}
	if !slices.Equal(fields, []string{"purposes[1].basis"}) {
		t.Errorf("li.public-authority reported at %v, want purposes[1].basis only", fields)
	}
	for _, tc := range []struct {
		field, scope string
		want         bool
	}{
		{"purposes[1].basis", "purposes[1]", true},
		{"purposes[10].basis", "purposes[1]", false},
		{"purposes[1].basis", "", true},
		{"body", "body", true},
		{"transfers[0].safeguard", "transfers[0].safe", false},
	} {
		if got := within(tc.field, tc.scope); got != tc.want {
			t.Errorf("within(%q, %q) = %v", tc.field, tc.scope, got)
		}
	}
}
