package site

import (
	"strings"
	"testing"
)

const consentKeysBase = "site = \"careers\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"Privacy\"\n"

func TestVendorsAndNoticesAreReadAndCheckedWithTheirLine(t *testing.T) {
	cfg, err := Parse("notis.toml", []byte(consentKeysBase+"[consent.vendors]\nyoutube = [\"marketing\"]\n[consent.notices]\nessex = \"essex\"\nkent = \"\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Consent.Vendors["youtube"]; len(got) != 1 || got[0] != "marketing" {
		t.Errorf("vendors %v", cfg.Consent.Vendors)
	}
	for file, want := range map[string][2]string{
		"content/essex/essex.en.md":   {"essex", "true"},
		"content/kent/kent.en.md":     {"", "false"},
		"content/necessio/cookies.md": {"cookies", "true"},
		"content/top.en.md":           {"cookies", "true"},
	} {
		if id, ok := cfg.Consent.BannerNotice(file); id != want[0] || map[bool]string{true: "true", false: "false"}[ok] != want[1] {
			t.Errorf("BannerNotice(%s) = %q, %v; want %v", file, id, ok, want)
		}
	}
	for _, tc := range []struct{ toml, want string }{
		{"[consent.vendors]\nYouTube = [\"marketing\"]\n", `notis.toml:6:1: consent.vendors.YouTube: vendor "YouTube": want lower-case`},
		{"[consent.vendors]\nyoutube = []\n", `notis.toml:6:1: consent.vendors.youtube: vendor "youtube" names no category`},
		{"[consent.notices]\n\"a/b\" = \"x\"\n", `notis.toml:6:1: consent.notices.a/b: "a/b" = "x": want a content folder's name`},
	} {
		_, err := Parse("notis.toml", []byte(consentKeysBase+tc.toml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.toml, err, tc.want)
		}
	}
}
