package content

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/gohugoio/hugo/parser/pageparser"
)

// yamlCases are front matter shapes where the two YAML libraries read
// differently, or where the fast path must decline.
var yamlCases = []string{
	"k: 2026-04-01\n", "k: 2026-04\n", "k: 2026-04-01T10:00:00Z\n", "k: 2026-04-01 10:00:00\n",
	"k: yes\n", "k: no\n", "k: on\n", "k: off\n", "k: y\n", "k: true\n", "k: True\n", "k: FALSE\n",
	"k: ~\n", "k: null\n", "k:\n", "k: 010\n", "k: 0o10\n", "k: 0x1F\n", "k: 0b101\n", "k: 1e3\n", "k: 1_000\n",
	"k: +1\n", "k: -1\n", "k: .5\n", "k: -.5\n", "k: .inf\n", "k: -.Inf\n", "k: .nan\n", "k: 18446744073709551616\n",
	"k: -9223372036854775809\n", "k: 1.0\n", "k: 00000001\n", "k: '00000001'\n", "k: \"a\\tb\"\n", "k: !!str 12\n",
	"k: [a, b]\n", "k: []\n", "k: {}\n", "k: {a: 1}\n", "k: @x\n", "k: `x`\n", "k: P6M\n", "k: 9(2)(b)\n",
	"k: |\n  one\n  two\n", "k: >\n  one\n  two\n\n  three\n", "k: |-\n  x\n", "k: >+\n  x\n\n", "k: |2\n    x\n",
	"k: a\n  b\n  c\n", "k: 'it''s'\n", "k: \"\\u00e9\"\n", "k: a # comment\n", "k: a#b\n",
	"k: 1\nk: 2\n", "a: &x 1\nb: *x\n", "<<: {a: 1}\nb: 2\n", "1: a\n", "true: a\n", "null: a\n", "? [a]\n: b\n",
	"'1': a\n", "k: v\n---\nl: w\n", "- a\n- b\n", "plain\n", "", "k: a: b\n", "k: [a\n", "\tk: v\n",
	"k: v\r\nl: w\r\n", "k:\n  - {a: 1, b: [x, y]}\n  - c\n", "k: !custom x\n", "k: -\n", "k: 12:30\n", "k: 1:2:3\n",
	"k: |\r\n  one\r\n  two\r\nl: x\r\n", "k: >-\n  one\n\n  two\n# c\nl: [a, {b: c}]\n", "'a:b': 1\n\"q\": é\n",
	"k: &a x\nl: [*a, *a]\n", "k:\n  # only a comment\nl: 2\n", "title: Notice: the first\n", "k: 'two\n  lines'\n",
	"k: {url: https://ico.org.uk, b: c:d}\n", "k: [https://x.org, a:b]\n", "{A:0}\n", "k: {a:}\n",
}

func TestYAMLAsHugoReadsIt(t *testing.T) {
	for _, src := range yamlCases {
		sameAsHugo(t, []byte(src))
	}
}

// TestNoticesTakeTheFastPath checks, on every notice in the repository,
// that the fast path both reads it and reads it as Hugo does: a notice
// falling back to Hugo's decoder is correct but three times slower, and
// nothing else would notice.
func TestNoticesTakeTheFastPath(t *testing.T) {
	n := 0
	for _, root := range []string{"../../content", "../lint/testdata", "../build/testdata", "../../cmd/notis/testdata"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
				return err
			}
			fm := yamlFrontMatter(t, p)
			if fm == nil {
				return nil
			}
			n++
			if _, ok := plainYAML(fm); !ok {
				t.Errorf("%s: the fast path declined a notice's front matter", p)
			}
			sameAsHugo(t, fm)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 40 {
		t.Fatalf("read %d notices, want the repository's 40 and more", n)
	}
}

// FuzzYAMLAsHugoReadsIt: whatever the fast path reads, Hugo's decoder
// reads too, to the same values.
func FuzzYAMLAsHugoReadsIt(f *testing.F) {
	for _, c := range yamlCases {
		f.Add([]byte(c))
	}
	f.Add([]byte(strings.TrimSuffix(strings.TrimPrefix(validYAML, "---\n"), "---\nbody\n")))
	f.Fuzz(func(t *testing.T, src []byte) {
		sameAsHugo(t, src)
	})
}

// sameAsHugo holds decodeYAML to Hugo's decoder: a document Hugo's
// decoder reads is read to the same values; one it refuses is refused
// too, unless the fast path read it (yaml/v3 is more lenient than goccy
// with some syntax the spec forbids or leaves open: a comment glued to a
// block scalar header, a colon inside a flow key), which is allowed.
func sameAsHugo(t *testing.T, src []byte) {
	t.Helper()
	_, fast := plainYAML(src)
	got, gotErr := decodeYAML(src)
	want, wantErr := metadecoders.Default.UnmarshalToMap(src, metadecoders.YAML)
	switch {
	case wantErr != nil && gotErr == nil && !fast:
		t.Fatalf("%q: read, Hugo's decoder says %v", src, wantErr)
	case wantErr != nil:
		return
	case gotErr != nil:
		t.Fatalf("%q: error %v, Hugo's decoder reads it", src, gotErr)
	}
	// %#v, not reflect.DeepEqual: NaN is not equal to itself, and %#v
	// still tells a nil map from an empty one and uint64 from int.
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Fatalf("%q: read as\n%#v\nHugo's decoder reads\n%#v", src, got, want)
	}
}

// yamlFrontMatter is a file's YAML front matter, nil when it has none.
func yamlFrontMatter(t testing.TB, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	items, err := pageparser.ParseBytes(src, pageparser.Config{})
	if err != nil {
		return nil
	}
	for _, it := range items {
		if it.IsFrontMatter() && pageparser.FormatFromFrontMatterType(it.Type) == metadecoders.YAML {
			return it.Val(src)
		}
	}
	return nil
}

// BenchmarkYAMLFrontMatter reads the example site's front matter with
// decodeYAML and with Hugo's decoder in the same run, and reports the
// ratio of their times and of the bytes they allocate.
func BenchmarkYAMLFrontMatter(b *testing.B) {
	var docs [][]byte
	err := filepath.WalkDir("../../content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".md") {
			if fm := yamlFrontMatter(b, p); fm != nil {
				docs = append(docs, fm)
			}
		}
		return err
	})
	if err != nil || len(docs) == 0 {
		b.Fatal("no front matter to read", err)
	}
	measure := func(decode func([]byte) (map[string]any, error)) (time.Duration, uint64) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		for range 20 {
			for _, d := range docs {
				if _, err := decode(d); err != nil {
					b.Fatal(err)
				}
			}
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		return elapsed, after.TotalAlloc - before.TotalAlloc
	}
	hugo := func(d []byte) (map[string]any, error) {
		return metadecoders.Default.UnmarshalToMap(d, metadecoders.YAML)
	}
	var ours, theirs time.Duration
	var oursB, theirsB uint64
	for b.Loop() {
		t, a := measure(decodeYAML)
		ours, oursB = ours+t, oursB+a
		t, a = measure(hugo)
		theirs, theirsB = theirs+t, theirsB+a
	}
	b.ReportMetric(float64(ours)/float64(theirs), "time-vs-hugo")
	b.ReportMetric(float64(oursB)/float64(theirsB), "bytes-vs-hugo")
}
