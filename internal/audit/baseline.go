package audit

import (
	"encoding/json"
	"fmt"
	"os"
)

// Baseline is a set of accepted findings, by fingerprint: a JSON report
// of an earlier run (notis audit --format json > audit-baseline.json).
type Baseline map[string]bool

// ReadBaseline reads a baseline file.
func ReadBaseline(path string) (Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r struct {
		Findings []struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: want a report written by notis audit --format json: %w", path, err)
	}
	b := Baseline{}
	for i, f := range r.Findings {
		if f.Fingerprint == "" {
			return nil, fmt.Errorf("%s: finding %d has no fingerprint: want a report written by notis audit --format json", path, i+1)
		}
		b[f.Fingerprint] = true
	}
	return b, nil
}

// Filter drops the findings the baseline accepts and counts them.
func (b Baseline) Filter(fs []Finding) (kept []Finding, accepted int) {
	for _, f := range fs {
		if b[Fingerprint(f)] {
			accepted++
			continue
		}
		kept = append(kept, f)
	}
	return kept, accepted
}
