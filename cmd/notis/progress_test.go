package main

import (
	"bytes"
	"strings"
	"testing"
)

// In a log, progress is whole lines, none for the final count (the
// summary follows), and never a carriage return.
func TestProgressInALogIsWholeLines(t *testing.T) {
	every := progressLogEvery
	t.Cleanup(func() { progressLogEvery = every })
	progressLogEvery = 0
	var log bytes.Buffer
	report := progressTo(&log)
	report(1, 4)
	report(3, 4)
	report(4, 4)
	if got, want := log.String(), "rendered 1 of 4 notices (25 %) in 0s\nrendered 3 of 4 notices (75 %) in 0s\n"; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
	if strings.ContainsRune(log.String(), '\r') {
		t.Error("a log got a carriage return")
	}
}
