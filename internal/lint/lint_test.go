package lint

import (
	"strings"
	"testing"
)

// lower must agree with strings.ToLower, the definition it speeds up.
func FuzzLower(f *testing.F) {
	for _, s := range []string{"", "Hello", "ÅÄÖ åäö Über", "İstanbul", "\xff\xfeA", "Σ ΣΑΣ", "日本語 ABC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lower([]byte(s)), strings.ToLower(s); got != want {
			t.Fatalf("lower(%q) = %q, want %q", s, got, want)
		}
	})
}
