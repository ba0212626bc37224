package audit

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/sarif"
)

// Formats lists the output formats Write accepts: the same as notis lint.
//
// The writers are notis lint's formats, not its code: lint's writers take
// lint.Finding (a notice file and line, GDPR articles) and describe lint's
// rules in SARIF, while an audit finding is about a page and a state. When
// lint's output becomes a shared diagnostic type, both should move to it.
var Formats = []string{"text", "json", "sarif", "github"}

// Report is a run's findings with what it measured.
type Report struct {
	Findings []Finding
	Accepted int // findings the baseline accepted (not in Findings)
	Result   *Result
	// Anchor is the file a SARIF result about a page is placed at (code
	// scanning shows results only at a file in the repository): the
	// consent notice, else notis.toml.
	Anchor string
}

// Write prints the report in a format.
func Write(w io.Writer, format string, r Report) error {
	switch format {
	case "", "text":
		return writeText(w, r)
	case "json":
		return writeJSON(w, r)
	case "sarif":
		return writeSARIF(w, r)
	case "github":
		return writeGitHub(w, r)
	}
	return fmt.Errorf("unknown format %q (accepted: %s)", format, strings.Join(Formats, ", "))
}

// where is the finding's place for people: the page and state.
func where(f Finding) string {
	s := f.Page
	if s == "" {
		s = "site"
	}
	if f.State != "" {
		s += " [" + string(f.State) + "]"
	}
	return s
}

func (f Finding) line() string {
	s := f.Message
	if f.Evidence != "" {
		s += " — seen: " + f.Evidence
	}
	return s + " — fix: " + f.Fix
}

func writeText(w io.Writer, r Report) error {
	b := bufio.NewWriter(w)
	for _, f := range r.Findings {
		fmt.Fprintf(b, "%s: %s %s: %s\n", where(f), f.Severity, f.Rule, f.line())
		if f.Pos.File != "" {
			fmt.Fprintf(b, "\tnotice: %s\n", f.Pos)
		}
	}
	if r.Result != nil {
		fmt.Fprintln(b)
		for _, p := range r.Result.Pages {
			fmt.Fprintf(b, "page %s: %s (%s)\n", p.URL, secs(p.Elapsed), stateTimes(p))
			for _, st := range States {
				if o := p.States[st]; o != nil {
					for _, n := range o.Notes {
						fmt.Fprintf(b, "\tnote [%s]: %s\n", st, n)
					}
				}
			}
			for _, n := range p.Notes {
				fmt.Fprintf(b, "\tnote: %s\n", n)
			}
		}
	}
	return b.Flush()
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func stateTimes(p *PageResult) string {
	var parts []string
	for _, st := range States {
		if o := p.States[st]; o != nil {
			parts = append(parts, fmt.Sprintf("%s %s", st, secs(o.Elapsed)))
		} else {
			parts = append(parts, string(st)+" not run")
		}
	}
	return strings.Join(parts, ", ")
}

type jsonFinding struct {
	Rule        string `json:"rule"`
	Severity    string `json:"severity"`
	Page        string `json:"page,omitempty"`
	State       string `json:"state,omitempty"`
	Subject     string `json:"subject,omitempty"`
	Message     string `json:"message"`
	Evidence    string `json:"evidence,omitempty"`
	Fix         string `json:"fix"`
	File        string `json:"file,omitempty"`
	Line        int    `json:"line,omitempty"`
	Fingerprint string `json:"fingerprint"`
}

type jsonPage struct {
	URL     string             `json:"url"`
	Seconds float64            `json:"seconds"`
	States  map[string]float64 `json:"stateSeconds"`
	Notes   []string           `json:"notes,omitempty"`
	Seen    []*Observation     `json:"observations"`
}

type jsonReport struct {
	Findings []jsonFinding `json:"findings"`
	Accepted int           `json:"acceptedByBaseline"`
	Pages    []jsonPage    `json:"pages"`
}

func pages(res *Result) []jsonPage {
	var out []jsonPage
	if res == nil {
		return out
	}
	for _, p := range res.Pages {
		jp := jsonPage{URL: p.URL, Seconds: round(p.Elapsed), States: map[string]float64{}, Notes: p.Notes}
		for _, st := range States {
			if o := p.States[st]; o != nil {
				jp.States[string(st)] = round(o.Elapsed)
				jp.Seen = append(jp.Seen, o)
				for _, n := range o.Notes {
					jp.Notes = append(jp.Notes, string(st)+": "+n)
				}
			}
		}
		out = append(out, jp)
	}
	return out
}

func round(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

func writeJSON(w io.Writer, r Report) error {
	out := jsonReport{Findings: []jsonFinding{}, Accepted: r.Accepted, Pages: pages(r.Result)}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, jsonFinding{f.Rule, f.Severity.String(), f.Page, string(f.State), f.Subject, f.Message, f.Evidence, f.Fix, f.Pos.File, f.Pos.Line, Fingerprint(f)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Fingerprint identifies a finding by what it is about (rule, page path,
// state, subject), not by what changes from run to run (expiry dates,
// timings, the host a staging copy runs on): it is what a baseline keeps.
func Fingerprint(f Finding) string {
	page := f.Page
	if u, err := url.Parse(f.Page); err == nil {
		page = u.EscapedPath()
	}
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + page + "\x00" + string(f.State) + "\x00" + f.Subject))
	return hex.EncodeToString(sum[:12])
}

const ruleDocURL = "https://github.com/notis-dev/notis/blob/main/docs/audit.md"

// readingRulesURL explains the rules of a file that did not load, which
// are notis's, not the audit's.
const readingRulesURL = "https://github.com/notis-dev/notis/blob/main/docs/lint-rules.md#reading-the-files"

// writeSARIF puts each result at the notice line its fix belongs to, or
// at the anchor file; the page and state are in the message and the
// result's properties.
func writeSARIF(w io.Writer, r Report) error {
	driver := sarif.Driver{Name: "notis audit", InformationURI: ruleDocURL}
	index := map[string]int{}
	for i, ru := range Rules {
		index[ru.ID] = i
		driver.Rules = append(driver.Rules, sarif.Rule{
			ID: ru.ID, ShortDescription: sarif.Text{Text: ru.Summary}, HelpURI: ruleDocURL + "#" + strings.ReplaceAll(ru.ID, ".", ""),
			DefaultConfiguration: sarif.Config{Level: sarif.Level(ru.Severity)}, Properties: map[string]any{"basis": ru.Basis},
		})
	}
	// The reading rules: a notice that did not load is a result like any
	// other (Unread), so a code scan never reports a site it could not
	// read whole as clean.
	for _, ru := range diag.Rules {
		index[ru.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarif.Rule{
			ID: ru.ID, ShortDescription: sarif.Text{Text: ru.Summary}, HelpURI: readingRulesURL,
			DefaultConfiguration: sarif.Config{Level: sarif.Level(ru.Severity)},
		})
	}
	results := []sarif.Result{}
	for _, f := range r.Findings {
		uri := cmp.Or(r.Anchor, "notis.toml")
		var region *sarif.Region
		if f.Pos.File != "" {
			uri = uriPath(f.Pos.File)
			if f.Pos.Line > 0 {
				region = &sarif.Region{StartLine: f.Pos.Line, StartColumn: max(f.Pos.Col, 0)}
			}
		}
		res := sarif.Result{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarif.Level(f.Severity),
			Message:             sarif.Text{Text: where(f) + ": " + f.line()},
			Locations:           []sarif.Location{{PhysicalLocation: sarif.Physical{ArtifactLocation: sarif.Artifact{URI: uri}, Region: region}}},
			PartialFingerprints: map[string]string{"notisAudit/v1": Fingerprint(f)},
			Properties:          map[string]string{"page": f.Page, "state": string(f.State)},
		}
		results = append(results, res)
	}
	props := map[string]any{"acceptedByBaseline": r.Accepted}
	if r.Result != nil {
		var ps []map[string]any
		for _, p := range pages(r.Result) {
			ps = append(ps, map[string]any{"url": p.URL, "seconds": p.Seconds, "stateSeconds": p.States, "notes": p.Notes})
		}
		props["pages"] = ps
	}
	log := sarif.Log{
		Schema:  sarif.Schema,
		Version: sarif.Version,
		Runs:    []sarif.Run{{Tool: sarif.Tool{Driver: driver}, Results: results, Properties: props}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// uriPath turns a file path into a relative URI reference.
func uriPath(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	return strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F").Replace(p)
}

func writeGitHub(w io.Writer, r Report) error {
	b := bufio.NewWriter(w)
	for _, f := range r.Findings {
		cmd := "notice"
		switch f.Severity {
		case Error:
			cmd = "error"
		case Warning:
			cmd = "warning"
		}
		b.WriteString("::" + cmd + " ")
		if f.Pos.File != "" {
			fmt.Fprintf(b, "file=%s,", ghProp(f.Pos.File))
			if f.Pos.Line > 0 {
				fmt.Fprintf(b, "line=%d,", f.Pos.Line)
			}
		}
		fmt.Fprintf(b, "title=%s::%s\n", ghProp(f.Rule+" "+where(f)), ghData(f.line()))
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

// Count tallies findings by severity.
func Count(fs []Finding) (errors, warnings, infos int) {
	for _, f := range fs {
		switch f.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		case Info:
			infos++
		}
	}
	return errors, warnings, infos
}
