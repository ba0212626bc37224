package diag

import "testing"

func TestSuggestNamesOnlyALikelyTypo(t *testing.T) {
	accepted := []string{"purposes", "recipients", "retention", "history"}
	tests := []struct{ got, want string }{
		{"purpses", `did you mean "purposes"?`},    // one letter dropped
		{"Retention", `did you mean "retention"?`}, // case alone
		{"recip", `did you mean "recipients"?`},    // a prefix
		{"colour", ""},                             // nothing near
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.got, accepted); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.got, got, tt.want)
		}
	}
}
