package consentwire

import (
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
