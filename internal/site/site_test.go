package site

import (
	"strings"
	"testing"
)

func TestParseReportsBadSettingsWithTheirKeys(t *testing.T) {
	tests := []struct{ src, want string }{
		{"site = \"Careers Site\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"P\"\n", `notis.toml:1:1: site: found "Careers Site", want a site id`},
		{"site = \"c\"\ndefaultLanguage = \"de\"\n[languages.en]\ntitle = \"P\"\n", `notis.toml:2:1: defaultLanguage: "de" is not one of the declared languages [en]`},
		{"site = \"c\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"P\"\n[consent]\nvalidity = \"P2Y\"\n", `notis.toml:6:1: consent.validity: "P2Y": a choice may be remembered for at most 13 months`},
		{"site = \"c\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"P\"\n[consent]\nretention = \"P13D\"\n", `notis.toml:6:1: consent.retention: "P13D" is shorter than validity = "P6M"`},
		{"site = \"c\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"P\"\n[consent]\nvalidity = \"PT0S\"\n", `consent.validity: "PT0S": a choice must be remembered`},
		{"site = \"c\"\ndefaultLanguage = \"en\"\ntitel = 1\n[languages.en]\ntitle = \"P\"\n", `notis.toml:3:1: unknown key "titel"`},
		{"site = \"c\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"P\"\n[consent]\norigins = [\"careers.example.org\"]\n", `notis.toml:6:1: consent.origins: "careers.example.org" is not an origin like`},
		{"site = \"c\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"P\"\n[consent.google_consent_mode]\nanalytics = [\"analytics\"]\n", `notis.toml:6:1: consent.google_consent_mode.analytics: unknown signal "analytics"`},
	}
	for _, tt := range tests {
		_, err := Parse("notis.toml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("for\n%s\ngot %v\nwant …%s…", tt.src, err, tt.want)
		}
	}
}

func TestDefaultsAndOrigins(t *testing.T) {
	c, err := Parse("notis.toml", []byte("site = \"careers\"\nbaseURL = \"https://p.example.org\"\ndefaultLanguage = \"sv\"\n[languages.en]\ntitle = \"P\"\n[languages.sv]\ntitle = \"I\"\n[consent]\norigins = [\"https://jobs.example.org\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "https://p.example.org/" || c.Consent.Validity != "P6M" || c.Consent.Retention != "P13M" || c.Consent.Notice != "cookies" {
		t.Fatalf("defaults: %+v", c)
	}
	if got := c.LanguageCodes(); got[0] != "sv" {
		t.Fatalf("default language should come first at equal weight: %v", got)
	}
	if !c.AllowsOrigin("https://jobs.example.org") || c.AllowsOrigin("https://evil.example") {
		t.Fatal("origin allow-list")
	}
}

// notis.toml's baseURL and the --baseURL flag share one check.
func TestSetBaseURLEndsInASlashAndRefusesRelativeURLs(t *testing.T) {
	var c Config
	if err := c.SetBaseURL("https://privacy.example.org/careers"); err != nil || c.BaseURL != "https://privacy.example.org/careers/" {
		t.Errorf("SetBaseURL(https://…/careers) = %q, %v", c.BaseURL, err)
	}
	if err := c.SetBaseURL(""); err != nil || c.BaseURL != "/" {
		t.Errorf(`SetBaseURL("") = %q, %v; want "/"`, c.BaseURL, err)
	}
	for _, bad := range []string{"privacy.example.org", "ftp://example.org/", "https:///x"} {
		if err := c.SetBaseURL(bad); err == nil || !strings.Contains(err.Error(), "want an absolute http(s) URL") {
			t.Errorf("SetBaseURL(%q) = %v, want an error", bad, err)
		}
	}
}

func TestBasePathAndURL(t *testing.T) {
	for _, tc := range []struct{ base, path, url string }{
		{"/", "/", "/en/careers/"},
		{"https://privacy.example.org/", "/", "https://privacy.example.org/en/careers/"},
		{"https://example.org/privacy/", "/privacy/", "https://example.org/privacy/en/careers/"},
	} {
		var c Config
		if err := c.SetBaseURL(tc.base); err != nil {
			t.Fatal(err)
		}
		if got := c.BasePath(); got != tc.path {
			t.Errorf("%s: BasePath() = %q, want %q", tc.base, got, tc.path)
		}
		for _, p := range []string{"en/careers/", "/en/careers/"} {
			if got := c.URL(p); got != tc.url {
				t.Errorf("%s: URL(%q) = %q, want %q", tc.base, p, got, tc.url)
			}
		}
	}
}
