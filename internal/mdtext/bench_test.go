package mdtext_test

import (
	"os"
	"testing"

	"github.com/notis-dev/notis/internal/mdtext"
)

// BenchmarkOf reads the body of the example site's longest notice.
func BenchmarkOf(b *testing.B) {
	src, err := os.ReadFile("../../content/kent/kent-staff.en.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		mdtext.Of(src)
	}
}
