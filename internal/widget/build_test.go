package widget

import (
	"bytes"
	"strings"
	"testing"

	"github.com/notis-dev/notis/widget"
)

func TestBuildIsDeterministicAndWithinBudget(t *testing.T) {
	cfg := testConfig(t, "https://consent.example.org")
	a, err := Build(widget.Source, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(widget.Source, testConfig(t, "https://consent.example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for i := range a.Files {
		if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
			t.Errorf("%s differs between two builds of the same input", a.Files[i].Path)
		}
	}
	for _, f := range a.Files {
		t.Logf("%-45s %6d B", f.Path, len(f.Data))
	}
	t.Log(a.Summary())
	if a.Sizes.FirstLayer() > Budget {
		t.Errorf("first layer %d B gzip, budget %d B", a.Sizes.FirstLayer(), Budget)
	}
	if !strings.Contains(a.Snippet, `integrity="sha384-`) || !strings.Contains(a.Snippet, `crossorigin="anonymous"`) {
		t.Errorf("snippet %s lacks integrity or crossorigin", a.Snippet)
	}
}
