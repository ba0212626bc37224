package i18n

import (
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
	if err == nil || !strings.Contains(err.Error(), `no strings for language "sv"`) {
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
