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

// BannerConfig derives the site's banner configuration from the
// notices: its categories are exactly those the cookie tables use, each
// listing its cookies, so notice and banner cannot drift apart. ok is
// false when no notice declares a cookie: then there is no banner to
// build. An organisation with a folder of its own in [consent.notices]
// has a banner of its own too (bannerScopes).
func (s *Site) BannerConfig() (cfg widget.Config, ok bool) {
	site := s.bannerScopes()[0]
	return site.cfg, site.ok
}

// orgBannerDir is where organisations' own banners go, one folder each:
// a folder of its own, so that no organisation's name (versions, lang)
// can land on the site banner's files.
const orgBannerDir = "consent/org/"

// A bannerScope is one banner: the site's (folder "") or that of an
// organisation whose folder [consent.notices] names a notice for, made
// from that folder's notices alone, so its pages never list a cookie
// another organisation declares.
type bannerScope struct {
	folder string
	cfg    widget.Config
	ok     bool // the scope's notices declare a cookie
}

// bannerScopes is the site's banner, then each organisation's, by
// folder name.
func (s *Site) bannerScopes() []bannerScope {
	// Asked for by the load stage (its warnings) and the banner stage of
	// every run, the preview's saves included: made once per loaded site.
	if s.banner == nil {
		scopes := []bannerScope{{}}
		scopes[0].cfg, scopes[0].ok = s.bannerConfig(s.Pages, "", s.Config.Consent.Notice)
		for _, folder := range slices.Sorted(maps.Keys(s.Config.Consent.Notices)) {
			id := s.Config.Consent.Notices[folder]
			if id == "" {
				continue // no banner on its pages
			}
			var pages []*content.Page
			for _, p := range s.Pages {
				if site.Folder(p.Notice.File) == folder {
					pages = append(pages, p)
				}
			}
			sc := bannerScope{folder: folder}
			sc.cfg, sc.ok = s.bannerConfig(pages, folder, id)
			scopes = append(scopes, sc)
		}
		s.banner = &bannerMemo{scopes}
	}
	return s.banner.scopes
}

// bannerMemo is a site's banner configurations, once made.
type bannerMemo struct {
	scopes []bannerScope
}

// bannerConfig is the configuration of a banner listing the cookies of
// pages and linking to the notice id: the site's (folder "") or an
// organisation's, written to consent/org/FOLDER, whose version and
// record also name the organisation and its notice.
func (s *Site) bannerConfig(pages []*content.Page, folder, id string) (cfg widget.Config, ok bool) {
	langs := s.languages()
	cfg = widget.Config{
		Site: s.Config.Site, Endpoint: s.Config.Consent.Endpoint, DefaultLang: s.Config.DefaultLanguage,
		BaseURL:   s.Config.BaseURL,
		Languages: langs, GoogleConsentMode: s.Config.Consent.GoogleConsentMode, Vendors: s.Config.Consent.Vendors,
		ValidityDays: s.Config.ValidityPeriod().ApproxDays(),
		NoticeURL:    map[string]string{},
		Strings:      map[string]map[string]string{},
	}
	if folder != "" {
		cfg.Dir, cfg.Scope = orgBannerDir+folder, folder+"/"+id
	}
	byCat := map[string]*widget.Category{}
	var ids []string
	type cookieKey struct{ cat, name, provider string }
	index := map[cookieKey]int{}
	// Notices are in file order; the default language's come first so it
	// decides the cookies' order.
	pages = slices.Clone(pages)
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
		if _, ok := s.ByID[id][lang]; !ok {
			target = s.Config.DefaultLanguage
		}
		if _, ok := s.ByID[id][target]; ok {
			cfg.NoticeURL[lang] = s.Config.URL(render.NoticePath(target, id))
		}
	}
	return cfg, true
}

// buildBanner bundles the consent banner for cfg, as bannerScopes made
// it; it returns nil when ok is false: its notices declare no cookies.
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

// banners are a run's bundled banners: the site's (nil when no notice
// declares a cookie) and each organisation's, by folder.
type banners struct {
	site    *widget.Result
	folders map[string]*widget.Result
}

// buildBanners bundles the banner of every scope.
func (s *Site) buildBanners(scopes []bannerScope) (*banners, error) {
	b := &banners{folders: map[string]*widget.Result{}}
	for _, sc := range scopes {
		r, err := s.buildBanner(sc.cfg, sc.ok)
		if err != nil {
			if sc.folder != "" {
				err = fmt.Errorf("content/%s/: %w", sc.folder, err)
			}
			return nil, err
		}
		switch {
		case sc.folder == "":
			b.site = r
		case r != nil:
			b.folders[sc.folder] = r
		}
	}
	return b, nil
}

// scripts is each organisation's banner script, by folder.
func (b *banners) scripts() map[string]string {
	out := map[string]string{}
	for folder, r := range b.folders {
		out[folder] = r.Script
	}
	return out
}

// putBanners writes every banner's files.
func (w *writer) putBanners(b *banners) error {
	rs := []*widget.Result{b.site}
	for _, folder := range slices.Sorted(maps.Keys(b.folders)) {
		rs = append(rs, b.folders[folder])
	}
	// No two banners write one path: an organisation's are in a folder
	// of its own, and its version, so its record's name, covers the
	// organisation (widget.Config.Scope).
	for _, r := range rs {
		if r == nil {
			continue
		}
		for _, f := range r.Files {
			put := w.put
			if contentAddressed(f.Path) {
				// Hashed bundles, dialog and language modules and version
				// records: pages open during a deploy, pasted script tags
				// and consent records still use the old ones.
				put = w.putKept
			}
			if err := put(f.Path, "", f.Data); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkBannerNotices, one of the load stage's checks that span files,
// refuses a cookie notice link in notis.toml that leads nowhere: [consent]
// notice when written out, and every [consent.notices] entry, whose
// folder must hold notices too, one of them declaring a cookie when the
// entry asks for a banner (its banner lists only its own cookies).
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
	cookies := map[string]bool{} // folders whose notices declare a cookie
	for _, p := range s.Pages {
		folders[site.Folder(p.Notice.File)] = true
		if len(p.Notice.Cookies) > 0 {
			cookies[site.Folder(p.Notice.File)] = true
		}
	}
	for _, folder := range slices.Sorted(maps.Keys(c.Consent.Notices)) {
		id := c.Consent.Notices[folder]
		switch {
		case !folders[folder]:
			errs = append(errs, c.Mistake("consent.notices", folder, fmt.Sprintf("%s = %q: content/%s/ holds no notice", folder, id, folder), "name a folder under content/"))
		case id != "" && s.ByID[id] == nil:
			errs = append(errs, c.Mistake("consent.notices", folder, fmt.Sprintf("%s = %q: no notice has this id, so the banner's link on content/%s/'s pages would lead nowhere", folder, id, folder), "use a notice id: "+strings.Join(s.IDs(), ", ")+`, or "" for no banner on that folder's pages`))
		case id != "" && !cookies[folder]:
			// Its banner lists its own notices' cookies, and they declare
			// none: it would ask about nothing.
			errs = append(errs, c.Mistake("consent.notices", folder, fmt.Sprintf("%s = %q: no notice in content/%s/ declares a cookie, so its pages have no banner of their own to show", folder, id, folder), fmt.Sprintf(`declare the cookies its website sets in its notices (cookies:), or set %s = "" for no banner on its pages`, folder)))
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
