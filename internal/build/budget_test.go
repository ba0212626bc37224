package build

import (
	"path/filepath"
	"testing"

	"github.com/notis-dev/notis/internal/widget"
	widgetsrc "github.com/notis-dev/notis/widget"
)

// The banner's own test holds its budget on a test configuration, but a
// site's texts travel in the first layer too: the example site, in every
// language, must stay within it as well.
func TestTheExampleSitesBannerKeepsItsBudget(t *testing.T) {
	s, err := Load(filepath.Join("..", ".."), "")
	if err != nil {
		t.Fatal(err)
	}
	cfg, ok := s.BannerConfig()
	if !ok {
		t.Fatal("the example site declares no cookies, so it has no banner")
	}
	r, err := widget.Build(widgetsrc.Source, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.Summary())
	if n := r.Sizes.FirstLayer(); n > widget.Budget {
		t.Errorf("the example site's first layer is %d B gzip, over the %d B budget", n, widget.Budget)
	}
}
