package render

import (
	"slices"
	"testing"
)

// A body's anchors are the ids the page gives its headings: a heading
// named like a page section is renumbered, as renderBody numbers it.
func TestBodyAnchorsAreThePagesIDs(t *testing.T) {
	got := BodyAnchors([]byte("## How long we keep it\n\ntext\n\n## Rights\n"))
	if !slices.Equal(got, []string{"how-long-we-keep-it", "rights-1"}) {
		t.Errorf("anchors %q", got)
	}
	for id, want := range map[string]bool{"rights": true, "data-h": true, "purpose-recruiting": true, "how-long-we-keep-it": false} {
		if PageAnchor(id) != want {
			t.Errorf("PageAnchor(%q) = %v, want %v", id, !want, want)
		}
	}
}
