package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/site"
)

// contentReviewed is the day the example site's notices were last
// reviewed. Staleness (meta.stale) is judged on that day, so the test
// does not start failing a year later; every other rule is judged today.
var contentReviewed = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// The example site in content/ is the seeds with their defects fixed: it
// must lint with no error and no warning, by today's law.
func TestExampleSiteLintsClean(t *testing.T) {
	root := filepath.Join("..", "..")
	cfg, err := site.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := content.LoadAll(os.DirFS(root), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatal("content/ has no notices: the example site must lint clean, so it must exist")
	}
	ns := make([]*notice.Notice, len(pages))
	for i, p := range pages {
		ns[i] = p.Notice
	}
	for _, run := range []struct {
		name string
		opts Options
		skip string
	}{
		{"today", Options{Strict: true}, "meta.stale"},
		{"on review day", Options{Strict: true, AsOf: contentReviewed}, ""},
	} {
		var bad []Finding
		for _, f := range Check(ns, run.opts) {
			if f.Severity >= Warning && f.Rule != run.skip {
				bad = append(bad, f)
			}
		}
		if len(bad) > 0 {
			var b bytes.Buffer
			Write(&b, "text", bad)
			t.Errorf("%s: content/ has %d findings at warning or error:\n%s", run.name, len(bad), b.String())
		}
	}
}
