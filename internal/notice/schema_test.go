package notice

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs generated from the model")

// The schema and the reference in docs/ are generated from the model; a
// change to the model must regenerate them (go test ./internal/notice -update).
func TestGeneratedDocsMatchTheModel(t *testing.T) {
	schema, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		path string
		data []byte
	}{
		{filepath.Join("..", "..", "docs", "notice.schema.json"), append(schema, '\n')},
		{filepath.Join("..", "..", "docs", "front-matter.md"), []byte(Reference())},
	} {
		if *update {
			if err := os.WriteFile(f.path, f.data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		have, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, f.data) {
			t.Errorf("%s is out of date with internal/notice: run go test ./internal/notice -update", f.path)
		}
	}
}
