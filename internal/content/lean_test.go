package content

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A lean page reads its body again when it renders; the body must be the
// one whose bytes the page's version hashes, not a later edit's.
func TestLeanBodyIsTheOneThePagesVersionNames(t *testing.T) {
	fsys := fstest.MapFS{"content/candidates.en.md": {Data: []byte(validYAML)}}
	pages, errs := Read(fsys, []string{"content/candidates.en.md"}, langs, true)
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	n := pages[0].Notice
	if n.Body != nil {
		t.Fatal("a lean page holds its body")
	}
	body, err := n.Text()
	if err != nil || strings.TrimSpace(string(body)) != "Body text." {
		t.Fatalf("Text() = %q, %v; want the body", body, err)
	}
	fsys["content/candidates.en.md"].Data = []byte(strings.Replace(validYAML, "Body text.", "Edited text.", 1))
	if body, err := n.Text(); err == nil || !strings.Contains(err.Error(), "changed while") {
		t.Fatalf("after an edit Text() = %q, %v; want an error saying the file changed", body, err)
	}
}
