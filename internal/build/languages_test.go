package build_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/build"
)

// A site may have more languages than a machine word has bits (a
// company's notice in 80 languages): the preview still re-renders a
// notice's page when a translation appears in its last language, so the
// page's language switcher offers it.
func TestThePreviewSeesATranslationInTheSixtySixthLanguage(t *testing.T) {
	dir := t.TempDir()
	var codes []string
	for _, a := range "xyz" {
		for _, b := range "abcdefghijklmnopqrstuvwxyz" {
			if len(codes) < 65 {
				codes = append(codes, string(a)+string(b))
			}
		}
	}
	last := codes[len(codes)-1]
	var toml strings.Builder
	toml.WriteString("site = \"careers\"\nbaseURL = \"https://privacy.example.org/\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy\"\nweight = 1\n")
	files, err := filepath.Glob(filepath.Join("..", "..", "i18n", "*en.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("the built-in English strings: %v", err)
	}
	for i, code := range codes {
		fmt.Fprintf(&toml, "[languages.%s]\ntitle = \"Privacy %s\"\nweight = %d\n", code, code, i+2)
		// Every language needs its strings: English ones under its name.
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.Replace(filepath.Base(f), "en.toml", code+".toml", 1)
			write(t, filepath.Join(dir, "i18n", name), string(b))
		}
	}
	write(t, filepath.Join(dir, "notis.toml"), toml.String())
	notice := func(lang string) string {
		return "---\ntitle: Notice in " + lang + "\nupdated: 2026-11-01\ncontroller: {name: Example Ltd, email: privacy@example.org}\n---\nText.\n"
	}
	write(t, filepath.Join(dir, "content", "x.en.md"), notice("en"))

	inc, err := build.NewIncremental(build.Options{Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	link := `href="/` + last + `/x/"`
	page := func() string {
		b, ok := inc.Output().File("en/x/index.html")
		if !ok {
			t.Fatal("no en/x/index.html")
		}
		return string(b)
	}
	if strings.Contains(page(), link) {
		t.Fatalf("the page links a translation into %s before there is one", last)
	}
	write(t, filepath.Join(dir, "content", "x."+last+".md"), notice(last))
	if _, err := inc.Update([]string{"content/x." + last + ".md"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page(), link) {
		t.Errorf("after the %s translation appeared, the English page does not link it (%s)", last, link)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
