package diag

import (
	"errors"
	"fmt"
	"testing"
)

func TestCollectFindsDiagnosticsThroughWrapsAndJoins(t *testing.T) {
	a := &Diagnostic{Rule: RuleYAML, Pos: Position{File: "a.md", Line: 2, Col: 3}, Message: "m"}
	b := &Diagnostic{Rule: RuleField, Pos: Position{File: "b.md", Line: 1, Col: 1}, Field: "updated", Message: "n", Fix: "f"}
	plain := errors.New("open x: permission denied")
	got := Collect(errors.Join(fmt.Errorf("index (en): %w", List{a, b}), plain))
	if len(got) != 3 || got[0] != a || got[1] != b {
		t.Fatalf("got %v", got)
	}
	if got[2].Rule != RuleOther || got[2].Message != plain.Error() || got[2].Severity != Error {
		t.Errorf("a plain error became %+v", got[2])
	}
	if b.Error() != "b.md:1:1: updated: n; f" {
		t.Errorf("Error() = %q", b.Error())
	}
	if Collect(nil) != nil {
		t.Error("nil error gave diagnostics")
	}
}

func TestExcerptPutsTheCaretUnderTheColumn(t *testing.T) {
	src := []byte("a\n\tkey: välue\r\nlast")
	line, ok := LineOf(src, 2)
	if !ok || line != "\tkey: välue" {
		t.Fatalf("LineOf = %q %v", line, ok)
	}
	if _, ok := LineOf(src, 4); ok {
		t.Error("line 4 of a 3-line file")
	}
	d := &Diagnostic{Pos: Position{File: "f", Line: 2, Col: 8}, Source: line}
	want := "  2 | \tkey: välue\n    | \t      ^\n"
	if got := d.Excerpt(); got != want {
		t.Errorf("excerpt\n%q\nwant\n%q", got, want)
	}
	if (&Diagnostic{Pos: Position{File: "f"}}).Excerpt() != "" {
		t.Error("an excerpt without a line")
	}
}

func TestUnderNamesASiteFileFromWhereTheCommandRan(t *testing.T) {
	for _, c := range []struct{ file, dir, want string }{
		{"content/x.md", "site", "site/content/x.md"},
		{"content/", "sites/a", "sites/a/content/"},
		{"content/x.md", ".", "content/x.md"},
		{"content/x.md", "", "content/x.md"},
		{"/abs/notis.toml", "site", "/abs/notis.toml"},
		{"", "site", ""},
	} {
		if got := (Position{File: c.file, Line: 3}).Under(c.dir); got.File != c.want || got.Line != 3 {
			t.Errorf("%q under %q = %v, want %q", c.file, c.dir, got, c.want)
		}
	}
}
