package i18n

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/notis-dev/notis/internal/period"
)

func bundle(t *testing.T, files map[string]string) (*Bundle, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, s := range files {
		fsys["i18n/"+name] = &fstest.MapFile{Data: []byte(s)}
	}
	return Load(fsys, []string{"en", "sv"}, "en")
}

const en = `[date]
format = "{day} {month} {year}"
months = ["January","February","March","April","May","June","July","August","September","October","November","December"]
[duration.year]
one = "{n} year"
other = "{n} years"
[duration.month]
one = "{n} month"
other = "{n} months"
[list]
and = "and"
`

const sv = `[date]
format = "{day} {month} {year}"
months = ["januari","februari","mars","april","maj","juni","juli","augusti","september","oktober","november","december"]
[duration.year]
one = "{n} år"
other = "{n} år"
[duration.month]
one = "{n} månad"
other = "{n} månader"
[list]
and = "och"
`

func TestDurationsAndDatesInEachLanguage(t *testing.T) {
	b, err := bundle(t, map[string]string{"en.toml": en, "sv.toml": sv})
	if err != nil {
		t.Fatal(err)
	}
	p := period.MustParse("P6Y6M")
	for lang, want := range map[string]string{"en": "6 years and 6 months", "sv": "6 år och 6 månader"} {
		if got, _ := b.Period(lang, p); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got, _ := b.Period("en", period.MustParse("P1Y1M")); got != "1 year and 1 month" {
		t.Errorf("singular: %q", got)
	}
	d := time.Date(2019, 6, 25, 0, 0, 0, 0, time.UTC)
	if got, _ := b.Date("sv", d); got != "25 juni 2019" {
		t.Errorf("sv date: %q", got)
	}
}

func TestAMissingKeyIsAnErrorNamingKeyAndLanguage(t *testing.T) {
	_, err := bundle(t, map[string]string{"en.toml": en, "sv.toml": strings.Replace(sv, `and = "och"`, "", 1)})
	if err == nil || !strings.Contains(err.Error(), `key "list.and" is missing in language "sv" (in "en" it reads "and")`) {
		t.Fatalf("got %v", err)
	}
	_, err = bundle(t, map[string]string{"en.toml": en})
	if err == nil || !strings.Contains(err.Error(), `no strings for language "sv"; add i18n/sv.toml beside notis.toml: a copy of en.toml translated`) {
		t.Fatalf("got %v", err)
	}
	// A default language without strings is pointed at notis's English,
	// not at the file it lacks.
	_, err = LoadLayers([]fs.FS{fstest.MapFS{"i18n/en.toml": {Data: []byte(en)}}}, []string{"de", "en"}, "de")
	if err == nil || !strings.Contains(err.Error(), `no strings for language "de"; add i18n/de.toml beside notis.toml: a copy of en.toml translated (notis's own: https://github.com/notis-dev/notis/blob/main/i18n/en.toml)`) {
		t.Fatalf("got %v", err)
	}
}

func TestFilesOfOneLanguageMergeAndMayNotClash(t *testing.T) {
	b, err := bundle(t, map[string]string{"en.toml": en, "sv.toml": sv, "banner.en.toml": "[banner]\nok = \"OK\"\n", "banner.sv.toml": "[banner]\nok = \"OK\"\n"})
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Strings("en", "banner."); got["ok"] != "OK" {
		t.Fatalf("merged banner strings: %v", got)
	}
	_, err = bundle(t, map[string]string{"en.toml": en, "sv.toml": sv, "extra.en.toml": "[list]\nand = \"&\"\n"})
	if err == nil || !strings.Contains(err.Error(), `key "list.and" is defined in more than one file`) {
		t.Fatalf("got %v", err)
	}
}

// The shipped strings must be complete in every shipped language.
func TestShippedStringsAreComplete(t *testing.T) {
	b, err := Load(shipped(t), []string{"en", "sv"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := b.T("sv", "section.rights"); s != "Dina rättigheter" {
		t.Fatalf("sv section.rights = %q", s)
	}
}

func TestASiteOverridesSingleKeysOfTheBuiltInStrings(t *testing.T) {
	base := fstest.MapFS{"i18n/en.toml": {Data: []byte(en)}, "i18n/sv.toml": {Data: []byte(sv)}}
	site := fstest.MapFS{"i18n/en.toml": {Data: []byte("[list]\nand = \"&\"\n")}}
	b, err := LoadLayers([]fs.FS{base, site}, []string{"en", "sv"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := b.T("en", "list.and"); got != "&" {
		t.Fatalf("override: %q", got)
	}
	if got, _ := b.T("en", "duration.year.one", "n", 1); got != "1 year" {
		t.Fatalf("kept key: %q", got)
	}
	broken := fstest.MapFS{"i18n/sv.toml": {Data: []byte("[list\n")}}
	_, err = LoadLayers([]fs.FS{base, broken}, []string{"en", "sv"}, "en")
	if err == nil || !strings.Contains(err.Error(), "i18n/sv.toml:1") || strings.Contains(err.Error(), "missing") {
		t.Fatalf("a broken file should be reported alone, got %v", err)
	}
}

func TestPlaceholdersFillByName(t *testing.T) {
	for _, tt := range []struct {
		s    string
		args []any
		want string
	}{
		{"{n} years", []any{"n", 6}, "6 years"},
		{"From {min} to {max}", []any{"max", "b", "min", "a"}, "From a to b"},
		{"{unknown} stays", []any{"n", 1}, "{unknown} stays"},
		{"open { brace", []any{"n", 1}, "open { brace"},
	} {
		if got := fill(tt.s, tt.args); got != tt.want {
			t.Errorf("fill(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}
