package build

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSitemapEscapesTheBaseURL: the sitemap is written by hand, a url at
// a time; a base URL with XML's special characters must come out as
// well-formed XML that reads back as the same URLs.
func TestSitemapEscapesTheBaseURL(t *testing.T) {
	base := `https://example.org/a&b/"q"/<x>/'`
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := Build(Options{Source: "testdata/site", Destination: dest, BaseURL: base}); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dest, "sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
			Links   []struct {
				Hreflang string `xml:"hreflang,attr"`
				Href     string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(src, &set); err != nil {
		t.Fatalf("sitemap.xml is not well-formed: %v\n%s", err, src)
	}
	if len(set.URLs) == 0 {
		t.Fatalf("no url in\n%s", src)
	}
	for _, u := range set.URLs {
		if !strings.HasPrefix(u.Loc, base) || u.LastMod == "" || len(u.Links) == 0 {
			t.Errorf("url %+v: want a loc under %q, a lastmod and its alternates", u, base)
		}
		for _, l := range u.Links {
			if !strings.HasPrefix(l.Href, base) || !strings.Contains(l.Href, "/"+l.Hreflang+"/") {
				t.Errorf("alternate %+v of %s", l, u.Loc)
			}
		}
	}
}
