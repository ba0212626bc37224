package widget

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/notis-dev/notis/widget"
)

// notis.toml's [consent.vendors] reach the version record (so the consent
// server can check a "marketing:youtube" grant) and the banner, and change
// the consent version; a vendor in a category the banner lacks, or in the
// required one, is refused.
func TestVendorsAreDeclaredInTheVersionRecord(t *testing.T) {
	plain, err := Build(widget.Source, testConfig(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "")
	cfg.Vendors = map[string][]string{"youtube": {"marketing"}, "vimeo": {"analytics", "marketing"}}
	r, err := Build(widget.Source, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version == plain.Version {
		t.Error("declaring vendors left the consent version as it was: a server holding the old record would refuse their grants")
	}
	if cfg.Categories[3].Vendors != nil {
		t.Error("Build changed the caller's categories")
	}
	var rec VersionRecord
	for _, f := range r.Files {
		switch {
		case strings.HasPrefix(f.Path, "consent/versions/"):
			if err := json.Unmarshal(f.Data, &rec); err != nil {
				t.Fatal(err)
			}
		case f.Path == "consent/consent.js" && !strings.Contains(string(f.Data), `v:["analytics:vimeo","marketing:vimeo","marketing:youtube"]`):
			t.Error("the banner does not know the declared vendor grants")
		}
	}
	got := map[string]string{}
	for _, c := range rec.Categories {
		got[c.ID] = strings.Join(c.Vendors, ",")
	}
	if got["marketing"] != "vimeo,youtube" || got["analytics"] != "vimeo" || got["necessary"] != "" {
		t.Errorf("version record vendors %v", got)
	}
	for vendors, want := range map[string]string{
		"video":     `youtube = "video": no notice declares a cookie in category "video"`,
		"necessary": `youtube = "necessary": category "necessary" is always on`,
	} {
		cfg := testConfig(t, "")
		cfg.Vendors = map[string][]string{"youtube": {vendors}}
		if _, err := Build(widget.Source, cfg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", vendors, err, want)
		}
	}
}
