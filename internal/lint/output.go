package lint

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/notis-dev/notis/internal/sarif"
	"io"
	"strings"

	"github.com/notis-dev/notis/internal/diag"
)

// Formats lists the output formats Write accepts.
var Formats = []string{"text", "json", "sarif", "github"}

// Write prints findings in a format: text (one line each, for people),
// json (an array), sarif (SARIF 2.1.0, for code-scanning tools) or github
// (GitHub Actions workflow annotations).
func Write(w io.Writer, format string, fs []Finding) error {
	switch format {
	case "", "text":
		return writeText(w, fs)
	case "json":
		return writeJSON(w, fs)
	case "sarif":
		return writeSARIF(w, fs)
	case "github":
		return writeGitHub(w, fs)
	}
	return fmt.Errorf("unknown format %q (accepted: %s)", format, strings.Join(Formats, ", "))
}

// Articles prints a finding's articles as "(Art 13(1)(f); Art 46)".
func articles(a []string) string {
	if len(a) == 0 {
		return ""
	}
	return " (" + strings.Join(a, "; ") + ")"
}

// sentence is what a finding says, with its articles and its fix: a lint
// rule's message names the notice and the field itself; a reading rule's
// (syntax.yaml, decode.field …) is the field's and is prefixed with it.
func sentence(f *Finding) string {
	s := f.Message
	if f.Field != "" && diag.Known(f.Rule) {
		s = f.Field + ": " + s
	}
	s += articles(f.Articles)
	if f.Fix != "" {
		s += " — fix: " + f.Fix
	}
	return s
}

func writeText(w io.Writer, fs []Finding) error {
	b := bufio.NewWriter(w)
	for i := range fs {
		f := &fs[i]
		// A problem with no place and no rule of its own (a summary such
		// as the build's "lint: 2 errors") reads as plain "error: …".
		if where := f.Pos.String(); where != "" {
			fmt.Fprintf(b, "%s: ", where)
		}
		if f.Rule == diag.RuleOther {
			fmt.Fprintf(b, "%s: %s\n", f.Severity, sentence(f))
		} else {
			fmt.Fprintf(b, "%s %s: %s\n", f.Severity, f.Rule, sentence(f))
		}
		b.WriteString(f.Excerpt())
	}
	return b.Flush()
}

type jsonFinding struct {
	Rule     string   `json:"rule"`
	Severity string   `json:"severity"`
	Articles []string `json:"articles"`
	Notice   string   `json:"notice"`
	Lang     string   `json:"lang"`
	Field    string   `json:"field"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
	Source   string   `json:"source,omitempty"`
}

func writeJSON(w io.Writer, fs []Finding) error {
	out := make([]jsonFinding, len(fs))
	for i, f := range fs {
		out[i] = jsonFinding{f.Rule, f.Severity.String(), f.Articles, f.Notice, f.Lang, f.Field, f.Pos.File, f.Pos.Line, f.Pos.Col, f.Message, f.Fix, f.Source}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// ruleDocURL is where each rule is explained.
const ruleDocURL = "https://github.com/notis-dev/notis/blob/main/docs/lint-rules.md"

func writeSARIF(w io.Writer, fs []Finding) error {
	rules := Rules()
	index := make(map[string]int, len(rules)+len(diag.Rules))
	driver := sarif.Driver{Name: "notis lint", InformationURI: ruleDocURL}
	for _, r := range rules {
		index[r.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarif.Rule{
			ID:                   r.ID,
			ShortDescription:     sarif.Text{Text: r.Summary},
			HelpURI:              ruleDocURL + "#" + anchor(r.ID),
			DefaultConfiguration: sarif.Config{Level: sarif.Level(r.Severity)},
			Properties:           map[string]any{"articles": r.Articles},
		})
	}
	// The reading rules: a file that does not parse or decode is a result
	// like any other, so a code scan never reports a broken notice clean.
	for _, r := range diag.Rules {
		index[r.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarif.Rule{
			ID:                   r.ID,
			ShortDescription:     sarif.Text{Text: r.Summary},
			HelpURI:              ruleDocURL + "#reading-the-files",
			DefaultConfiguration: sarif.Config{Level: sarif.Level(r.Severity)},
		})
	}
	results := make([]sarif.Result, 0, len(fs))
	for i := range fs {
		f := &fs[i]
		ri, ok := index[f.Rule]
		if !ok {
			ri = index[diag.RuleOther]
		}
		res := sarif.Result{
			RuleID:    driver.Rules[ri].ID,
			RuleIndex: ri,
			Level:     sarif.Level(f.Severity),
			Message:   sarif.Text{Text: sentence(f)},
			// The same defect keeps its identity when lines move above it.
			PartialFingerprints: map[string]string{"notisFinding/v1": fingerprint(*f)},
		}
		if f.Pos.File != "" {
			loc := sarif.Location{PhysicalLocation: sarif.Physical{ArtifactLocation: sarif.Artifact{URI: uriPath(f.Pos.File)}}}
			if f.Pos.Line > 0 {
				loc.PhysicalLocation.Region = &sarif.Region{StartLine: f.Pos.Line, StartColumn: max(f.Pos.Col, 0)}
			}
			res.Locations = []sarif.Location{loc}
		}
		results = append(results, res)
	}
	log := sarif.Log{
		Schema:  sarif.Schema,
		Version: sarif.Version,
		Runs:    []sarif.Run{{Tool: sarif.Tool{Driver: driver}, Results: results}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// fingerprint identifies a finding by what it says, not where it is.
func fingerprint(f Finding) string {
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + f.Pos.File + "\x00" + f.Field + "\x00" + f.Message))
	return hex.EncodeToString(sum[:16])
}

// uriPath turns a file path into a relative URI reference.
func uriPath(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	r := strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F")
	return r.Replace(p)
}

// anchor is the Markdown heading anchor GitHub makes for a rule id.
func anchor(id string) string {
	return strings.ReplaceAll(id, ".", "")
}

func writeGitHub(w io.Writer, fs []Finding) error {
	b := bufio.NewWriter(w)
	for i := range fs {
		f := &fs[i]
		cmd := "notice"
		switch f.Severity {
		case Error:
			cmd = "error"
		case Warning:
			cmd = "warning"
		}
		fmt.Fprintf(b, "::%s file=%s", cmd, ghProp(f.Pos.File))
		if f.Pos.Line > 0 {
			fmt.Fprintf(b, ",line=%d", f.Pos.Line)
			if f.Pos.Col > 0 {
				fmt.Fprintf(b, ",col=%d", f.Pos.Col)
			}
		}
		fmt.Fprintf(b, ",title=%s::%s\n", ghProp(f.Rule), ghData(sentence(f)))
	}
	return b.Flush()
}

// ghData and ghProp escape workflow command text the way the Actions
// toolkit does (@actions/core escapeData and escapeProperty).
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
