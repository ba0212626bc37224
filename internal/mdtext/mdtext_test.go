package mdtext_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/notis-dev/notis/internal/mdtext"
)

func TestOfIsWhatAReaderReads(t *testing.T) {
	src := "## Who we are\n\nWe are **Example Ltd**, see [our site](https://example.org/) or\nhttps://example.org/privacy.\n\n" +
		"- Identity: `name`\n- Contact\n  1. email\n  2. phone\n\n" +
		"| Record | Period |\n|---|---|\n| Applications | 6 months |\n\n---\n\n> Quoted *text*.\n\n<div>markup</div>\n"
	want := "Who we are\n\n" +
		"We are Example Ltd, see our site (https://example.org/) or https://example.org/privacy.\n\n" +
		"• Identity: name\n• Contact\n  1. email\n  2. phone\n\n" +
		"Record · Period\nApplications · 6 months\n\n" +
		"Quoted text.\n"
	if got := mdtext.Of([]byte(src)); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

// Formatting alone does not change the text: the change page shows no
// change where the reader sees none.
func TestOfIgnoresFormatting(t *testing.T) {
	a := mdtext.Of([]byte("We keep it for **six** months.\n"))
	b := mdtext.Of([]byte("We keep it\nfor _six_ months.\n"))
	if a != b {
		t.Errorf("%q != %q", a, b)
	}
}

// Of invents no words: every word it returns is in the body (go test
// -fuzz FuzzOf ./internal/mdtext/). A body with character references
// (&amp;) is skipped: they read as other characters.
var tag = regexp.MustCompile(`<[^>]*>`)

func FuzzOf(f *testing.F) {
	f.Add("# a\n\n- b\n  - c\n\n| x |\n|---|\n| y |\n")
	f.Add("[a](b) <c> `d` ![e](f)")
	f.Add("We keep **your** data for six months.\n\n1. one\n1. two\n")
	f.Fuzz(func(t *testing.T, src string) {
		got := mdtext.Of([]byte(src))
		if strings.Contains(src, "&") {
			return
		}
		// Markdown's marks and HTML tags go, and may join what they stood
		// between: A*B*C and A<b>B</b>C read ABC (and <A!> is no tag).
		marks := func(s string) string {
			return strings.Map(func(r rune) rune {
				if strings.ContainsRune("*_~`\\[]()<>!#|", r) {
					return -1
				}
				return r
			}, s)
		}
		plain, untagged := marks(src), marks(tag.ReplaceAllString(src, ""))
		for _, word := range strings.FieldsFunc(got, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsLetter(r) }) {
			if len(word) >= 3 && !strings.Contains(plain, word) && !strings.Contains(untagged, word) {
				t.Fatalf("%q is not in the body %q: got %q", word, src, got)
			}
		}
	})
}
