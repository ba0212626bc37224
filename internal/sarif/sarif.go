// Package sarif holds the subset of SARIF 2.1.0 (OASIS) that notis
// writes, so that `notis lint` and `notis audit` produce the same shape
// for code-scanning tools: a log of runs, each with its tool's rules and
// its results. Every field notis may leave empty is omitted when empty.
package sarif

import "github.com/notis-dev/notis/internal/diag"

// Schema and Version name the SARIF version every log declares.
const (
	Schema  = "https://json.schemastore.org/sarif-2.1.0.json"
	Version = "2.1.0"
)

// Log is a SARIF file.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one tool's run: its rules and what it found.
type Run struct {
	Tool       Tool           `json:"tool"`
	Results    []Result       `json:"results"`
	Properties map[string]any `json:"properties,omitempty"`
}

// Tool names the tool that ran.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool itself and the rules it checks.
type Driver struct {
	Name           string `json:"name"`
	InformationURI string `json:"informationUri"`
	Rules          []Rule `json:"rules"`
}

// Rule is one check a result can name by index.
type Rule struct {
	ID                   string         `json:"id"`
	ShortDescription     Text           `json:"shortDescription"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration Config         `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

// Config is a rule's default level.
type Config struct {
	Level string `json:"level"`
}

// Text is a plain-text message.
type Text struct {
	Text string `json:"text"`
}

// Result is one finding.
type Result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             Text              `json:"message"`
	Locations           []Location        `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          map[string]string `json:"properties,omitempty"`
}

// Location is where a result points.
type Location struct {
	PhysicalLocation Physical `json:"physicalLocation"`
}

// Physical is a file and, when known, a place in it.
type Physical struct {
	ArtifactLocation Artifact `json:"artifactLocation"`
	Region           *Region  `json:"region,omitempty"`
}

// Artifact is a file, by its path relative to the repository.
type Artifact struct {
	URI string `json:"uri"`
}

// Region is a line and column, as an editor counts them.
type Region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// Level is SARIF's word for a severity.
func Level(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}
