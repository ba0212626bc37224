package store

import (
	"encoding/json"
	"testing"
)

func TestChoicesAreEncodedAsEncodingJSONWould(t *testing.T) {
	for _, choices := range []map[string]bool{
		nil, {}, {"necessary": true}, {"necessary": true, "analytics": false, "marketing": true, "a_b-c.d": false},
		{`quote"d`: true, "back\\slash": false, "<b>&": true, "tab\t": false, "ünïcode": true, "\xff": false},
	} {
		want, _ := json.Marshal(choices)
		if got := choicesJSON(choices); got != string(want) {
			t.Errorf("choicesJSON(%v) = %s, want %s", choices, got, want)
		}
	}
}
