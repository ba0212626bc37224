package consentwire

import (
	"os/exec"
	"strings"
	"testing"
)

func TestLangPatternAcceptsTagsAndBoundsThem(t *testing.T) {
	for _, ok := range []string{"en", "sv", "fil", "pt-BR", "zh-Hant-TW", "sr-Latn-RS-x1"} {
		if !LangPattern.MatchString(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "e", "EN", "en-", "en_GB", "en-a", "en-GB-x1-y2-z3", "en-" + strings.Repeat("a", 9)} {
		if LangPattern.MatchString(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The consent server shares this vocabulary with the banner's build but
// must not link its bundler: esbuild is 25 packages the server never runs.
func TestConsentServerDoesNotLinkTheBundler(t *testing.T) {
	// The go command that runs this test is on PATH (go test puts its own
	// GOROOT/bin first).
	out, err := exec.Command("go", "list", "-deps", "github.com/notis-dev/notis/internal/consent").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for dep := range strings.Lines(string(out)) {
		if strings.Contains(dep, "esbuild") || strings.TrimSpace(dep) == "github.com/notis-dev/notis/internal/widget" {
			t.Errorf("internal/consent depends on %s", strings.TrimSpace(dep))
		}
	}
}
