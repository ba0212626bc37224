package lint

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/notis-dev/notis/internal/build/synth"
	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
)

// synthNotices parses n synthetic notices in each language, with bodies
// of about 2,000 words like a large organisation's.
func synthNotices(t testing.TB, n int) []*notice.Notice {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	langs := content.Languages{Codes: []string{"en", "sv"}, Default: "en"}
	var ns []*notice.Notice
	for i := range n {
		for _, lang := range langs.Codes {
			name := fmt.Sprintf("content/notice-%04d.%s.md", i, lang)
			p, err := content.Parse(name, synth.Notice(rng, i, n, lang, synth.Edit{}), langs)
			if err != nil {
				t.Fatal(err)
			}
			ns = append(ns, p.Notice)
		}
	}
	return ns
}

// Check's workers reuse their buffers from one notice to the next; no
// finding may keep text from a buffer a later notice overwrites. Every
// notice's findings are the same whether it is checked alone or among
// others.
func TestCheckFindsTheSameAloneAndAmongOthers(t *testing.T) {
	ns := synthNotices(t, 20)
	// A notice with body findings, checked after others have used the
	// worker's buffers.
	last := ns[len(ns)-1]
	body, err := last.Text()
	if err != nil {
		t.Fatal(err)
	}
	last.Origin = otherBody{last.Origin, append(slices.Clone(body), "\nWe hold sensitive personal data as the Data Protection Act 1998 allows.\n"...)}
	opts := Options{AsOf: seedAsOf}
	together := Check(ns, opts)
	var alone []Finding
	for _, n := range ns {
		alone = append(alone, Check([]*notice.Notice{n}, opts)...)
	}
	sortFindings(alone)
	// Translation checks compare notices of one id, which checking one
	// file at a time cannot: leave them out of the comparison.
	skip := func(f Finding) bool { return f.Rule == "translation.facts" || f.Rule == "translation.missing" }
	together, alone = slices.DeleteFunc(together, skip), slices.DeleteFunc(alone, skip)
	if !slices.ContainsFunc(together, func(f Finding) bool { return f.Field == "body" && f.Pos.Line > last.BodyLine()+1 }) {
		t.Fatal("no finding placed deep in a body to compare")
	}
	if !slices.EqualFunc(together, alone, func(a, b Finding) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
		t.Fatalf("findings differ:\n together: %v\n alone:    %v", together, alone)
	}
}

// otherBody is a notice's origin giving another body.
type otherBody struct {
	notice.Origin
	body []byte
}

func (o otherBody) Body() ([]byte, error) { return o.body, nil }

// The lint lower-cases each body and hashes its trigrams in buffers its
// workers reuse: on 2,000-word bodies it used to allocate more per notice
// than the body's own size, garbage for the collector on every page.
func TestCheckAllocatesLessThanTheBodiesItReads(t *testing.T) {
	ns := synthNotices(t, 50)
	body := 0
	for _, n := range ns {
		text, err := n.Text()
		if err != nil {
			t.Fatal(err)
		}
		body += len(text)
	}
	Check(ns, Options{AsOf: seedAsOf}) // rules' lazily built tables
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	Check(ns, Options{AsOf: seedAsOf})
	runtime.ReadMemStats(&after)
	perNotice, bodyPerNotice := int(after.TotalAlloc-before.TotalAlloc)/len(ns), body/len(ns)
	t.Logf("%d bytes allocated a notice, bodies of %d bytes", perNotice, bodyPerNotice)
	if perNotice > bodyPerNotice/2 {
		t.Errorf("Check allocated %d bytes a notice, more than half of a body (%d bytes)", perNotice, bodyPerNotice)
	}
}
