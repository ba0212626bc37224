package content

import (
	"fmt"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/diag"
)

// Each broken file is one finding with its rule, at the line and column an
// editor shows (front matter counted from the file's first line), with
// that line as the excerpt and no name of notis's internals.
// aliasBomb is front matter of 2 KB that expands to 10⁹ strings (a
// "billion laughs"): refused, with a message that says why.
var aliasBomb = func() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}()

func TestSyntaxErrorsArePlacedAsAnEditorShowsThem(t *testing.T) {
	tests := []struct {
		name, src string
		rule      string
		line, col int
		msg, fix  string
	}{
		{"yaml bracket", "---\ntitle: T\nupdated: [2026\ncontroller: x\n---\nbody\n", diag.RuleYAML, 3, 10, "the [ opened here is never closed", "close it with ]"},
		{"yaml brace", "---\ntitle: T\ncontroller: {name: \"A [x\", email: a@b.se\nupdated: 2026-01-01\n---\n", diag.RuleYAML, 3, 13, "the { opened here", "}"},
		{"yaml indent", "---\ntitle: T\n  bad: indent\n---\n", diag.RuleYAML, 2, 8, "YAML:", ""},
		{"toml impossible date", "+++\ntitle = \"T\"\nupdated = 2026-02-30\n+++\n", diag.RuleTOML, 3, 11, "does not exist", "February"},
		{"toml missing value", "+++\ntitle = \"T\"\nupdated = \n+++\n", diag.RuleTOML, 3, 0, "TOML:", ""},
		{"json trailing comma", "{\n\"title\": \"T\",\n\"updated\": \"x\",\n}\nbody\n", diag.RuleJSON, 3, 15, "comma", "remove the comma"},
		{"json unclosed", "{\n\"title\": \"T\",\n\"updated\": \"x\"\nbody\n", diag.RuleJSON, 0, 0, "JSON", ""},
		{"yaml never closed", "---\ntitle: T\nupdated: 2026-02-01\n", diag.RuleFrontMatter, 1, 1, "never closed", "add a line with only ---"},
		{"toml never closed", "\n+++\ntitle = \"T\"\n", diag.RuleFrontMatter, 2, 1, "never closed", "+++"},
		{"no front matter", "Just prose.\n", diag.RuleFrontMatter, 1, 1, "no front matter", "notis new notice"},
		{"yaml alias bomb", "---\ntitle: T\n" + aliasBomb + "---\n", diag.RuleYAML, 2, 1, "repeats lists or tables through aliases", "write the values out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.md", []byte(tt.src), langs)
			l, ok := err.(diag.List)
			if !ok || len(l) != 1 {
				t.Fatalf("got %T %v, want one diagnostic", err, err)
			}
			d := l[0]
			if d.Rule != tt.rule || d.Severity != diag.Error {
				t.Errorf("rule %s %s, want error %s", d.Severity, d.Rule, tt.rule)
			}
			if tt.line > 0 && d.Pos.Line != tt.line {
				t.Errorf("line %d, want %d: %v", d.Pos.Line, tt.line, d)
			}
			if tt.col > 0 && d.Pos.Col != tt.col {
				t.Errorf("col %d, want %d: %v", d.Pos.Col, tt.col, d)
			}
			if want, _ := diag.LineOf([]byte(tt.src), d.Pos.Line); d.Source != want || d.Pos.Line < 1 {
				t.Errorf("source %q, want line %d %q", d.Source, d.Pos.Line, want)
			}
			if !strings.Contains(d.Message, tt.msg) || !strings.Contains(d.Fix, tt.fix) {
				t.Errorf("message %q fix %q, want %q and %q", d.Message, d.Fix, tt.msg, tt.fix)
			}
			if strings.Contains(d.Error(), "_stream") || strings.Contains(d.Error(), "unmarshal failed") {
				t.Errorf("internal names in %q", d.Error())
			}
		})
	}
}

// A value written as people write it is refused with the form it means.
func TestValuesGetADidYouMean(t *testing.T) {
	tests := []struct{ name, line, field, msg, fix string }{
		{"period in words", "retention: [{records: r, period: 6 years}]", "retention[0].period", `"6 years"`, `did you mean "P6Y"?`},
		{"period with and", "retention: [{records: r, period: six years and 6 months}]", "retention[0].period", "ISO 8601", `did you mean "P6Y6M"?`},
		{"swedish period", "retention: [{records: r, period: 30 dagar}]", "retention[0].period", "ISO 8601", `did you mean "P30D"?`},
		{"cookie duration", "cookies: [{name: a, provider: p, category: analytics, purpose: x, duration: 13 months}]", "cookies[0].duration", "ISO 8601", `did you mean "P13M"?`},
		{"day-first date", "updated: 22/11/2026", "updated", "YYYY-MM-DD", `did you mean "2026-11-22"?`},
		{"dotted date", "updated: 1.4.2026", "updated", "YYYY-MM-DD", `did you mean "2026-04-01"?`},
		{"impossible date", "updated: 2026-02-30", "updated", "February 2026 has 28 days", "check the day"},
		{"enum", "purposes: [{name: a, basis: legitimate_interest}]", "purposes[0].basis", "want one of", `did you mean "legitimate_interests"?`},
		{"nested key", "purposes: [{name: a, basis: consent, intrest: x}]", "purposes[0].intrest", "unknown field", `did you mean "interest"?`},
		{"basis and bases", "purposes: [{name: a, basis: consent, bases: [{basis: contract}]}]", "purposes[0].bases", "both basis and bases", "move basis"},
		{"key at the wrong level", "consequence: x", "consequence", "unknown field", "requirements[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "---\ntitle: T\n" + tt.line + "\n---\n"
			_, err := Parse("c.md", []byte(src), langs)
			l, _ := err.(diag.List)
			for _, d := range l {
				if d.Field != tt.field {
					continue
				}
				if d.Pos.Line != 3 || d.Source != tt.line {
					t.Errorf("at line %d %q, want 3 %q", d.Pos.Line, d.Source, tt.line)
				}
				if !strings.Contains(d.Message, tt.msg) || !strings.Contains(d.Fix, tt.fix) {
					t.Errorf("message %q fix %q, want %q and %q", d.Message, d.Fix, tt.msg, tt.fix)
				}
				return
			}
			t.Fatalf("no diagnostic at %s in %v", tt.field, err)
		})
	}
}

// A month alone is a date a notice can give, kept as a month.
func TestAMonthIsAPartialDate(t *testing.T) {
	p, err := Parse("c.md", []byte("---\ntitle: T\nupdated: 2026-04\n---\n"), langs)
	if p == nil || p.Notice.Updated.String() != "2026-04" || !p.Notice.Updated.MonthOnly {
		t.Fatalf("updated = %v (%v)", p, err)
	}
}
