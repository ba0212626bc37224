package noticediff_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/noticediff"
)

func TestHunksShowChangesWithTheirWordsAndJoinCloseOnes(t *testing.T) {
	long := strings.Repeat("filler words here ", 20)
	d := &noticediff.Diff{Body: noticediff.Words(
		"We keep it for six months.\n\nAsk us. "+long+"The end is near.",
		"We keep it for twelve months.\n\nAsk us now. "+long+"The end is here.")}
	hunks := d.Hunks()
	if len(hunks) != 2 {
		t.Fatalf("%d hunks: %+v", len(hunks), hunks)
	}
	var first strings.Builder
	for _, op := range hunks[0] {
		first.WriteString(op.Op.String() + ":" + op.Text + "|")
	}
	// six→twelve and the "now" a few words on share one hunk; line breaks
	// read as spaces; the long kept run is cut at a word.
	if got := first.String(); !strings.HasPrefix(got, "equal:We keep it for |delete:six|insert:twelve|equal: months. Ask us|insert: now|equal:. filler") || !strings.HasSuffix(got, "…|") {
		t.Errorf("first hunk %q", got)
	}
}

func TestMarkdownFencesProseLongerThanItsBackticks(t *testing.T) {
	old, new := base(), base()
	new.Origin = notice.HeldBody("We keep it ```` for twelve months.\n")
	r, err := noticediff.SiteDiff("a", "b", []*notice.Notice{old}, []*notice.Notice{new})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.WriteMarkdown(&buf, bundle(t), "en"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "`````diff\n") {
		t.Errorf("fence not longer than the prose's backticks:\n%s", buf.String())
	}
}

func TestMarkdownKeepsEmailsButBreaksMentions(t *testing.T) {
	old, new := base(), base()
	new.Controller.Email = "dpo@acme.example"
	new.Purposes[0].Name = "@team review"
	r, _ := noticediff.SiteDiff("a", "b", []*notice.Notice{old}, []*notice.Notice{new})
	var buf bytes.Buffer
	if err := r.WriteMarkdown(&buf, bundle(t), "en"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `dpo@acme\.example`) || strings.Contains(out, "@team") || !strings.Contains(out, "@\u200bteam") {
		t.Errorf("got\n%s", out)
	}
}

func TestTextKeepsControlCharactersFromTheTerminal(t *testing.T) {
	old, new := base(), base()
	new.Purposes[0].Name = "Hiring\x1b[2J\x07\n  - Fake line"
	r, _ := noticediff.SiteDiff("a", "b", []*notice.Notice{old}, []*notice.Notice{new})
	var buf bytes.Buffer
	if err := r.WriteText(&buf, bundle(t), "en"); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(buf.String(), "\x1b\x07") || !strings.Contains(buf.String(), "Hiring\ufffd[2J\ufffd - Fake line") {
		t.Errorf("got %q", buf.String())
	}
}

// Context is cut at a character, never inside one: Swedish and long
// unbroken words stay valid UTF-8.
func TestHunksCutContextAtCharacters(t *testing.T) {
	long := strings.Repeat("åäö", 40)
	d := &noticediff.Diff{Body: noticediff.Words(long+" sex "+long, long+" tolv "+long)}
	for _, h := range d.Hunks() {
		for _, op := range h {
			if !utf8.ValidString(op.Text) {
				t.Fatalf("invalid UTF-8 in %q", op.Text)
			}
		}
	}
}
