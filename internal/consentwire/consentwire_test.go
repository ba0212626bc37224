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

func TestChoiceKeysSplitIntoCategoryAndVendor(t *testing.T) {
	for key, want := range map[string][2]string{
		"marketing":         {"marketing", ""},
		"marketing:youtube": {"marketing", "youtube"},
		":youtube":          {"", "youtube"},
		"a:b:c":             {"a", "b:c"},
	} {
		if c, v := SplitChoice(key); c != want[0] || v != want[1] {
			t.Errorf("SplitChoice(%q) = %q, %q; want %q, %q", key, c, v, want[0], want[1])
		}
	}
	if got := VendorKey("marketing", "youtube"); got != "marketing:youtube" {
		t.Errorf("VendorKey = %q", got)
	}
	for _, ok := range []string{"youtube", "vimeo", "teamtailor", "9-2-3", "a_b"} {
		if !VendorPattern.MatchString(ok) {
			t.Errorf("vendor %q refused", ok)
		}
	}
	for _, bad := range []string{"", "YouTube", "you.tube", "a+b", "a:b", "-x", "you tube", strings.Repeat("a", 33)} {
		if VendorPattern.MatchString(bad) {
			t.Errorf("vendor %q accepted", bad)
		}
	}
}
