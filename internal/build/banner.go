package build

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/render"
	"github.com/notis-dev/notis/internal/site"
	"github.com/notis-dev/notis/internal/widget"
	widgetsrc "github.com/notis-dev/notis/widget"
)

// categoryOrder is how the banner lists the standard categories; others
// follow in alphabetical order.
var categoryOrder = []string{"necessary", "preferences", "analytics", "marketing"}

// BannerConfig derives the banner's configuration from the notices: its
// categories are exactly those the cookie tables use, each listing its
// cookies, so notice and banner cannot drift apart. ok is false when no
// notice declares a cookie: then there is no banner to build.
func (s *Site) BannerConfig() (cfg widget.Config, ok bool) {
	// Asked for by the load stage (its warnings) and the banner stage of
	// every run, the preview's saves included: made once per loaded site.
	if s.banner == nil {
		cfg, ok := s.bannerConfig()
		s.banner = &bannerMemo{cfg, ok}
	}
	return s.banner.cfg, s.banner.ok
}

// bannerMemo is a site's banner configuration, once made.
type bannerMemo struct {
	cfg widget.Config
	ok  bool
}

func (s *Site) bannerConfig() (cfg widget.Config, ok bool) {
	langs := s.languages()
	cfg = widget.Config{
		Site: s.Config.Site, Endpoint: s.Config.Consent.Endpoint, DefaultLang: s.Config.DefaultLanguage,
		BaseURL:   s.Config.BaseURL,
		Languages: langs, GoogleConsentMode: s.Config.Consent.GoogleConsentMode, Vendors: s.Config.Consent.Vendors,
		ValidityDays: s.Config.ValidityPeriod().ApproxDays(),
		NoticeURL:    map[string]string{},
		Strings:      map[string]map[string]string{},
	}
	byCat := map[string]*widget.Category{}
	var ids []string
	type cookieKey struct{ cat, name, provider string }
	index := map[cookieKey]int{}
	// Notices are in file order; the default language's come first so it
	// decides the cookies' order.
	pages := slices.Clone(s.Pages)
	slices.SortStableFunc(pages, func(a, b *content.Page) int {
		return cmp.Compare(boolInt(a.Notice.Lang != cfg.DefaultLang), boolInt(b.Notice.Lang != cfg.DefaultLang))
	})
	for _, p := range pages {
		n := p.Notice
		for _, c := range n.Cookies {
			cat := byCat[c.Category]
			if cat == nil {
				cat = &widget.Category{ID: c.Category, Required: c.Category == "necessary", Label: map[string]string{}, Description: map[string]string{}}
				byCat[c.Category] = cat
				ids = append(ids, c.Category)
			}
			k := cookieKey{c.Category, c.Name, c.Provider}
			i, seen := index[k]
			if !seen {
				i = len(cat.Cookies)
				index[k] = i
				cat.Cookies = append(cat.Cookies, widget.Cookie{Name: c.Name, Provider: c.Provider, Period: c.Duration.String(), ThirdParty: c.ThirdParty, SetOn: string(c.SetOn), Purpose: map[string]string{}, Duration: map[string]string{}})
			}
			ck := &cat.Cookies[i]
			if _, done := ck.Purpose[n.Lang]; !done {
				ck.Purpose[n.Lang] = c.Purpose
				if c.Duration.Session {
					ck.Duration[n.Lang], _ = s.Strings.T(n.Lang, "cookies.session")
				} else {
					ck.Duration[n.Lang], _ = s.Strings.Period(n.Lang, c.Duration.Period)
				}
			}
		}
	}
	if len(ids) == 0 {
		return cfg, false
	}
	slices.SortFunc(ids, func(a, b string) int {
		ia, ib := slices.Index(categoryOrder, a), slices.Index(categoryOrder, b)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return strings.Compare(a, b)
	})
	if !slices.Contains(ids, "necessary") {
		// The banner's own cookie is strictly necessary even when no notice
		// lists a necessary cookie; the category must exist to hold it.
		byCat["necessary"] = &widget.Category{ID: "necessary", Required: true, Label: map[string]string{}, Description: map[string]string{}}
		ids = append([]string{"necessary"}, ids...)
	}
	for _, id := range ids {
		cat := byCat[id]
		for _, lang := range langs {
			cat.Label[lang], _ = s.Strings.T(lang, "category."+id+".label")
			cat.Description[lang], _ = s.Strings.T(lang, "category."+id+".description")
		}
		cfg.Categories = append(cfg.Categories, *cat)
	}
	for _, lang := range langs {
		cfg.Strings[lang] = s.Strings.Strings(lang, "banner.")
		target := lang
		if _, ok := s.ByID[s.Config.Consent.Notice][lang]; !ok {
			target = s.Config.DefaultLanguage
		}
		if _, ok := s.ByID[s.Config.Consent.Notice][target]; ok {
			cfg.NoticeURL[lang] = s.Config.URL(render.NoticePath(target, s.Config.Consent.Notice))
		}
	}
	return cfg, true
}

// buildBanner bundles the consent banner for cfg, as BannerConfig made
// it; it returns nil when BannerConfig said ok false: the site declares
// no cookies.
func (s *Site) buildBanner(cfg widget.Config, ok bool) (*widget.Result, error) {
	if !ok {
		return nil, nil
	}
	// A site's own widget/ files override the built-in ones file by file.
	src := fs.FS(widgetsrc.Source)
	if sub, err := fs.Sub(s.FS, "widget"); err == nil {
		src = site.Overlay(sub, widgetsrc.Source)
	}
	res, err := widget.Build(src, cfg)
	if err != nil {
		return nil, fmt.Errorf("consent banner: %w", err)
	}
	return &res, nil
}

// putBanner writes the banner's files.
func (w *writer) putBanner(b *widget.Result) error {
	for _, f := range b.Files {
		put := w.put
		if contentAddressed(f.Path) {
			// Hashed bundles, dialog and language modules and version
			// records: pages open during a deploy, pasted script tags and
			// consent records still use the old ones.
			put = w.putKept
		}
		if err := put(f.Path, "", f.Data); err != nil {
			return err
		}
	}
	return nil
}

// checkBannerNotices, one of the load stage's checks that span files,
// refuses a cookie notice link in notis.toml that leads nowhere: [consent] notice when written out, and every
// [consent.notices] entry, whose folder must hold notices too.
func (s *Site) checkBannerNotices() error {
	c := s.Config
	var errs []error
	if id := c.Consent.Notice; s.ByID[id] == nil && c.Says("consent", "notice") {
		errs = append(errs, c.Mistake("consent", "notice", fmt.Sprintf("notice = %q: no notice has this id, so the banner's link would lead nowhere", id), "use a notice id: "+strings.Join(s.IDs(), ", ")))
	}
	if len(c.Consent.Notices) == 0 {
		return errors.Join(errs...)
	}
	folders := map[string]bool{}
	for _, p := range s.Pages {
		folders[site.Folder(p.Notice.File)] = true
	}
	for _, folder := range slices.Sorted(maps.Keys(c.Consent.Notices)) {
		id := c.Consent.Notices[folder]
		switch {
		case !folders[folder]:
			errs = append(errs, c.Mistake("consent.notices", folder, fmt.Sprintf("%s = %q: content/%s/ holds no notice", folder, id, folder), "name a folder under content/"))
		case id != "" && s.ByID[id] == nil:
			errs = append(errs, c.Mistake("consent.notices", folder, fmt.Sprintf("%s = %q: no notice has this id, so the banner's link on content/%s/'s pages would lead nowhere", folder, id, folder), "use a notice id: "+strings.Join(s.IDs(), ", ")+`, or "" for no banner on that folder's pages`))
		}
	}
	return errors.Join(errs...)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
