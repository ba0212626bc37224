package site

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/diag"
)

// TestEveryConfigKeyHasAShape keeps shapes equal to what notis.toml
// decodes into: a key added to Config without a shape would fall back to
// go-toml's message in Go's words, and a shape left behind by a removed
// key would be offered as accepted.
func TestEveryConfigKeyHasAShape(t *testing.T) {
	var keys []string
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for f := range typ.Fields() {
			tag := f.Tag.Get("toml")
			if tag == "" || tag == "-" {
				continue
			}
			key := strings.TrimPrefix(prefix+"."+tag, ".")
			keys = append(keys, key)
			ft := f.Type
			if ft.Kind() == reflect.Map {
				keys = append(keys, key+".*")
				if ft.Elem().Kind() == reflect.Struct {
					walk(key+".*", ft.Elem())
				}
			} else if ft.Kind() == reflect.Struct {
				walk(key, ft)
			}
		}
	}
	walk("", reflect.TypeFor[Config]())
	var shaped []string
	for _, s := range shapes {
		shaped = append(shaped, s.key)
	}
	slices.Sort(keys)
	slices.Sort(shaped)
	if !slices.Equal(keys, shaped) {
		t.Errorf("Config's keys\n%v\nshapes' keys\n%v", keys, shaped)
	}
}

// TestAValueOfTheWrongTypeSaysWhatTheKeyHolds: the message speaks of
// the file, not of the Go types it decodes into, and the fix is a line
// that would have been right.
func TestAValueOfTheWrongTypeSaysWhatTheKeyHolds(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		field     string
		message   string
		fix       string
	}{
		{"languages = [\"en\", \"sv\"]\n", 1, 13, "languages", "expected a table for each language, found an array", `write it like [languages.en] with title = "English" and weight = 1`},
		{"site = 3\n", 1, 8, "site", "expected a quoted site id, found an integer", `write it like site = "careers"`},
		{"[languages.en]\nweight = 1.5\n", 2, 10, "languages.en.weight", "expected a whole number, found a float", "write it like weight = 1"},
		{"[consent]\norigins = \"https://a.example\"\n", 2, 11, "consent.origins", "expected a list of quoted origins, found a string", `write it like origins = ["https://careers.example.org"]`},
		{"[consent.notices]\nessex = 3\n", 2, 9, "consent.notices.essex", `expected a quoted notice id (or "" for no banner), found an integer`, `write it like essex = "essex-cookies"`},
		{"[history]\nenabled = \"yes\"\n", 2, 11, "history.enabled", "expected true or false, found a string", "write it like enabled = false"},
	}
	for _, tt := range tests {
		d := oneDiagnostic(t, tt.src)
		if d == nil {
			continue
		}
		if d.Pos.Line != tt.line || d.Pos.Col != tt.col || d.Field != tt.field || d.Message != tt.message || d.Fix != tt.fix {
			t.Errorf("for %q:\ngot  %d:%d %s: %s; %s\nwant %d:%d %s: %s; %s", tt.src, d.Pos.Line, d.Pos.Col, d.Field, d.Message, d.Fix, tt.line, tt.col, tt.field, tt.message, tt.fix)
		}
		if strings.Contains(d.Message, "site.") || strings.Contains(d.Message, "map[") {
			t.Errorf("for %q: the message names Go types: %s", tt.src, d.Message)
		}
	}
}

// TestAnUnknownKeyNamesTheNearestAndEveryAccepted: a misspelt key is
// answered with the key it was likely meant to be, beside it, and the
// whole list, [history] included.
func TestAnUnknownKeyNamesTheNearestAndEveryAccepted(t *testing.T) {
	const accepted = "accepted: site, baseURL, defaultLanguage, [languages.CODE] title/weight, [consent] endpoint/origins/notice/validity/retention, [consent.notices], [consent.vendors], [consent.google_consent_mode], [history] enabled/withdrawn"
	tests := []struct{ src, fix string }{
		{"[consent]\nendpoit = \"https://c.example\"\n", `did you mean "endpoint"? ` + accepted},
		{"[histroy]\nenabled = true\n", `did you mean "history"? ` + accepted},
		{"defaultLanguag = \"en\"\n", `did you mean "defaultLanguage"? ` + accepted},
		{"colour = \"red\"\n", accepted},
	}
	for _, tt := range tests {
		if d := oneDiagnostic(t, tt.src); d != nil && d.Fix != tt.fix {
			t.Errorf("for %q:\ngot  %s\nwant %s", tt.src, d.Fix, tt.fix)
		}
	}
}

// oneDiagnostic parses src as notis.toml and returns its one diagnostic;
// nil, having failed the test, when there is not exactly one.
func oneDiagnostic(t *testing.T, src string) *diag.Diagnostic {
	t.Helper()
	_, err := Parse("notis.toml", []byte(src))
	var ds diag.List
	if !errors.As(err, &ds) || len(ds) != 1 {
		t.Errorf("for %q: got %v, want one diagnostic", src, err)
		return nil
	}
	return ds[0]
}
