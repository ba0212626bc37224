package lint

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
)

// noticeBlock is a fenced YAML block that is a whole notice: it opens with
// --- and has a title.
var noticeBlock = regexp.MustCompile("(?s)```yaml\n(---\n.*?\n---\n.*?)```")

// TestDocExamplesLintClean keeps every whole notice shown in the README
// and docs/ decoding and lint clean (no error, no warning), judged on a
// fixed day so the examples do not age: an example a reader copies must
// not fail the first `notis lint`.
func TestDocExamplesLintClean(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md")
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	seen := 0
	for _, file := range files {
		if strings.HasSuffix(file, "lint-rules.md") {
			continue // its examples fail on purpose
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range noticeBlock.FindAllStringSubmatch(string(data), -1) {
			if !strings.Contains(m[1], "\ntitle:") {
				continue
			}
			seen++
			name := strings.ToLower(strings.TrimSuffix(filepath.Base(file), ".md")) + "-" + string(rune('1'+i))
			p, err := content.Parse("content/"+name+".en.md", []byte(m[1]), langs)
			if err != nil {
				t.Errorf("%s: the example does not decode:\n%v", name, err)
				continue
			}
			for _, f := range Check([]*notice.Notice{p.Notice}, Options{AsOf: asOf}) {
				if f.Severity >= Warning {
					t.Errorf("%s: %s %s: %s", name, f.Severity, f.Rule, f.Message)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no notice examples found in the README and docs/")
	}
}
