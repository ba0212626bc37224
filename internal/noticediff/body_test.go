package noticediff_test

import (
	"fmt"
	"html/template"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/noticediff"
)

// sides rebuilds the two texts from the runs.
func sides(ops []noticediff.BodyOp) (old, new string) {
	var o, n strings.Builder
	for _, op := range ops {
		if op.Op != noticediff.Insert {
			o.WriteString(op.Text)
		}
		if op.Op != noticediff.Delete {
			n.WriteString(op.Text)
		}
	}
	return o.String(), n.String()
}

func TestBodyDiffMarksWholeWordsAndKeepsWhitespace(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want string // runs as =text, +text, -text
	}{
		{"We keep it for six months.", "We keep it for twelve months.", "=We keep it for |-six|+twelve|= months."},
		{"Vi sparar den i sex månader.", "Vi sparar den i tolv månader.", "=Vi sparar den i |-sex|+tolv|= månader."},
		{"a b c", "x y z", "-a b c|+x y z"},
		{"Contact dpo@acme.example today.", "Contact privacy@acme.example today.", "=Contact |-dpo|+privacy|=@acme.example today."},
		{"one\n\ntwo", "one\n\ntwo\n\nthree", "=one\n\ntwo|+\n\nthree"},
		{"", "new text", "+new text"},
		{"same", "same", "=same"},
	} {
		ops := noticediff.Words(c.a, c.b)
		var got []string
		for _, op := range ops {
			got = append(got, map[noticediff.Op]string{noticediff.Equal: "=", noticediff.Insert: "+", noticediff.Delete: "-"}[op.Op]+op.Text)
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%q → %q:\n got %q\nwant %q", c.a, c.b, g, c.want)
		}
		if o, n := sides(ops); o != c.a || n != c.b {
			t.Errorf("runs do not rebuild the texts: %q, %q", o, n)
		}
	}
}

// A rewrite too large to diff word by word is still right: the changed
// middle deleted, then inserted, and both texts rebuild exactly.
func TestBodyDiffOfAWholeRewriteStaysExact(t *testing.T) {
	var a, b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&a, "alpha%d ", i)
		fmt.Fprintf(&b, "beta%d ", i)
	}
	ops := noticediff.Words("Intro. "+a.String()+"End.", "Intro. "+b.String()+"End.")
	if o, n := sides(ops); o != "Intro. "+a.String()+"End." || n != "Intro. "+b.String()+"End." {
		t.Fatal("runs do not rebuild the texts")
	}
	if len(ops) != 4 || ops[1].Op != noticediff.Delete || ops[2].Op != noticediff.Insert {
		t.Fatalf("%d runs", len(ops))
	}
}

func TestBodyHTMLEscapesHostileTextAndMarksChangesForScreenReaders(t *testing.T) {
	ops := noticediff.Words(
		`Keep <b>this</b> & "that".`,
		`Keep <script>alert(1)</script> & "that" <img src=x onerror=alert(2)>.`)
	got := string(noticediff.BodyHTML(ops, "inserted<i>:", `deleted<"`, skippedLines))
	for _, bad := range []string{"<script", "<img", "<b>", "<i>", `deleted<"`} {
		if strings.Contains(got, bad) {
			t.Errorf("unescaped %q in %s", bad, got)
		}
	}
	for _, want := range []string{
		`<ins><span class="visually-hidden">inserted&lt;i&gt;: </span>`,
		`<del><span class="visually-hidden">deleted&lt;&#34; </span>`,
		"script&gt;alert(1)&lt;/script</ins>",
		"&amp; &#34;that&#34;",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in %s", want, got)
		}
	}
	// The markup is only the fixed tags: strip them and the escaped text
	// is all that is left.
	plain := strings.NewReplacer(`<ins><span class="visually-hidden">inserted&lt;i&gt;: </span>`, "", "</ins>", "",
		`<del><span class="visually-hidden">deleted&lt;&#34; </span>`, "", "</del>", "").Replace(got)
	if strings.ContainsAny(plain, "<>\"") {
		t.Errorf("markup outside the fixed tags: %s", plain)
	}
	_ = template.HTML(got)
}

func skippedLines(n int) string { return fmt.Sprintf("[%d lines]", n) }

// A change page shows a changed sentence with the lines around it, not
// the whole notice: the rest is one line that says how much it leaves out.
func TestBodyHTMLShowsOnlyTheLinesAroundAChange(t *testing.T) {
	var a, b strings.Builder
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&a, "Line %d.\n", i)
		if i == 15 {
			b.WriteString("Line fifteen.\n")
		} else {
			fmt.Fprintf(&b, "Line %d.\n", i)
		}
	}
	got := string(noticediff.BodyHTML(noticediff.Words(a.String(), b.String()), "inserted:", "deleted:", skippedLines))
	for _, want := range []string{
		`<span class="prose-skip">[11 lines]</span>`, "Line 12.", "Line 14.", "Line <del>",
		"fifteen", "Line 16.", "Line 18.", `<span class="prose-skip">[12 lines]</span>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in %s", want, got)
		}
	}
	for _, cut := range []string{"Line 1.", "Line 11.", "Line 19.", "Line 30."} {
		if strings.Contains(got, cut) {
			t.Errorf("%q is far from the change but shown: %s", cut, got)
		}
	}
	// Short unchanged stretches are shown whole.
	got = string(noticediff.BodyHTML(noticediff.Words("a\nb\nc\n", "a\nB\nc\n"), "inserted:", "deleted:", skippedLines))
	if strings.Contains(got, "prose-skip") || !strings.Contains(got, "a<br>") || !strings.Contains(got, "c<br>") {
		t.Errorf("a short text cut: %s", got)
	}
}

// Spacing alone is not announced as a change.
func TestBodyHTMLDoesNotAnnounceSpacing(t *testing.T) {
	got := string(noticediff.BodyHTML(noticediff.Words("a  b", "a b"), "inserted:", "deleted:", skippedLines))
	if strings.Contains(got, "<ins>") || strings.Contains(got, "<del>") {
		t.Errorf("spacing marked as a change: %s", got)
	}
}

// Whatever the texts, the runs rebuild both exactly and the HTML holds
// no markup of theirs (go test -fuzz FuzzWords ./internal/noticediff/).
func FuzzWords(f *testing.F) {
	f.Add("We keep it for six months.", "We keep it for twelve months.")
	f.Add("a\n\nb <b>c</b>", "a\n\nb <i>c</i> d")
	f.Add("", "x")
	f.Add("don't e-post 6.5", "do not e-mail 6,5")
	f.Fuzz(func(t *testing.T, a, b string) {
		ops := noticediff.Words(a, b)
		if o, n := sides(ops); o != a || n != b {
			t.Fatalf("runs rebuild %q, %q", o, n)
		}
		h := string(noticediff.BodyHTML(ops, "i", "d", skippedLines))
		plain := strings.NewReplacer(`<ins><span class="visually-hidden">i </span>`, "", "</ins>", "",
			`<del><span class="visually-hidden">d </span>`, "", "</del>", "", "<br>", "",
			`<span class="prose-skip">`, "", "</span>", "").Replace(h)
		if strings.ContainsAny(plain, "<>") {
			t.Fatalf("markup in %q", h)
		}
	})
}
