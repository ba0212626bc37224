package audit

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/notis-dev/notis/internal/consentwire"
	"github.com/notis-dev/notis/internal/diag"
)

//go:generate go run ./internal/genocd -in ../../../shared/data/open-cookie-database/cookies.csv -out ocd.tsv

// ocdTSV is the part of the Open Cookie Database notis embeds (see
// internal/genocd and Attribution): name, wildcard, category, platform,
// domain, retention; one cookie a line.
//
//go:embed ocd.tsv
var ocdTSV string

// License is the Open Cookie Database's licence, shipped with its data.
//
//go:embed ocd-LICENSE.txt
var License string

// Attribution is the notice the Open Cookie Database's licence (Apache
// License 2.0, §4) asks a product that ships its data to carry; `notis
// version --licenses` prints it.
const Attribution = `notis audit embeds facts from the Open Cookie Database
(github.com/jkwakman/Open-Cookie-Database, commit 0ee5a17fe1cb002943f89370d24fc26a4226061c):
cookie names, wildcard flags, categories, platforms, domains and retention
periods; its descriptions are left out. Copyright the Open Cookie Database
contributors. Licensed under the Apache License, Version 2.0; you may obtain
a copy of the License at http://www.apache.org/licenses/LICENSE-2.0.
Distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.`

// KnownCookie is what a table knows of a cookie name.
type KnownCookie struct {
	Name     string
	Prefix   bool   // the name is a prefix: _ga_ matches _ga_X2Y3
	Category string // a banner category: necessary, preferences, analytics, marketing
	Platform string // who sets it, e.g. Google Analytics
	Domain   string
	Source   string // where the row comes from: "Open Cookie Database" or a --known file and line
	Purpose  string // what it is for, when known well enough to suggest the words
}

// bannerCookie is the notis banner's own cookie, which keeps the
// visitor's choice: notis knows it better than any table (its category:
// consentwire.CookieName). Its provider is the site that shows the banner.
var bannerCookie = KnownCookie{
	Name:     consentwire.CookieName,
	Category: "necessary",
	Source:   "notis's own banner",
	Purpose:  consentwire.CookiePurpose,
}

// ocdCategory maps the Open Cookie Database's categories to the banner's.
// "Functional" in that database holds both strictly necessary cookies
// (sessions, load balancers) and conveniences; a guess must not make a
// consent-requiring cookie look exempt, so it maps to preferences and the
// suggestion says to check.
var ocdCategory = map[string]string{
	"Necessary":       "necessary",
	"Security":        "necessary",
	"Functional":      "preferences",
	"Personalization": "preferences",
	"Preferences":     "preferences",
	"Analytics":       "analytics",
	"Marketing":       "marketing",
}

// Known is a table of cookie names, looked up by exact name first, then by
// the longest prefix entry.
type Known struct {
	exact  map[string]KnownCookie
	prefix []KnownCookie
}

// NewKnown is the embedded Open Cookie Database table.
func NewKnown() *Known {
	k := &Known{exact: map[string]KnownCookie{}}
	k.add(bannerCookie)
	sc := bufio.NewScanner(strings.NewReader(ocdTSV))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 6 {
			continue
		}
		k.add(KnownCookie{Name: f[0], Prefix: f[1] == "1", Category: ocdCategory[f[2]], Platform: f[3], Domain: f[4], Source: "Open Cookie Database"})
	}
	return k
}

// add keeps the first row for a name: a user's table is added before the
// embedded one is consulted (see AddFile), so it wins.
func (k *Known) add(c KnownCookie) {
	if c.Prefix {
		k.prefix = append(k.prefix, c)
		return
	}
	if _, dup := k.exact[c.Name]; !dup {
		k.exact[c.Name] = c
	}
}

// Lookup finds what the table knows of a cookie name.
func (k *Known) Lookup(name string) (KnownCookie, bool) {
	if c, ok := k.exact[name]; ok {
		return c, true
	}
	var best KnownCookie
	for _, c := range k.prefix {
		if strings.HasPrefix(name, c.Name) && len(c.Name) > len(best.Name) {
			best = c
		}
	}
	return best, best.Name != ""
}

// AddFile reads a user's table and puts its rows before the embedded ones.
// Each line is tab- or comma-separated:
//
//	cookie  NAME[*]  CATEGORY  PROVIDER
//	host    HOST     CATEGORY  PROVIDER
//
// A cookie name ending in * is a prefix; a host matches itself and its
// subdomains. Blank lines and lines starting with # are skipped.
func (k *Known) AddFile(path string, t *Trackers) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return k.read(f, path, t)
}

func (k *Known) read(r io.Reader, path string, t *Trackers) error {
	user := &Known{exact: map[string]KnownCookie{}}
	var hosts []Tracker
	// Every line's mistake, each a diagnostic at its line: the table is
	// taken whole or not at all.
	var mistakes diag.List
	bad := func(n int, raw, msg, fix string) {
		mistakes = append(mistakes, &diag.Diagnostic{Rule: diag.RuleOther, Severity: diag.Error,
			Pos: diag.Position{File: path, Line: n, Col: 1}, Message: msg, Fix: fix, Source: raw})
	}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' {
			continue
		}
		sep := "\t"
		if !strings.Contains(line, sep) {
			sep = ","
		}
		f := strings.Split(line, sep)
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if len(f) != 4 || f[1] == "" {
			bad(n, raw, fmt.Sprintf("want 4 fields, kind NAME CATEGORY PROVIDER, found %d", len(f)),
				"separate the fields with tabs or commas, e.g. cookie\t_hj*\tanalytics\tHotjar")
			continue
		}
		src := fmt.Sprintf("%s:%d", path, n)
		switch f[0] {
		case "cookie":
			name, prefix := strings.CutSuffix(f[1], "*")
			user.add(KnownCookie{Name: name, Prefix: prefix, Category: f[2], Platform: f[3], Source: src})
		case "host":
			hosts = append(hosts, Tracker{Host: strings.ToLower(f[1]), Category: f[2], Provider: f[3], Source: src})
		default:
			bad(n, raw, fmt.Sprintf("kind %q: want cookie or host", f[0]), "start the line with cookie (a cookie name) or host (a tracker's host)")
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(mistakes) > 0 {
		return mistakes
	}
	for name, c := range k.exact {
		if _, dup := user.exact[name]; !dup {
			user.exact[name] = c
		}
	}
	k.exact = user.exact
	k.prefix = append(user.prefix, k.prefix...)
	if t != nil {
		t.list = append(hosts, t.list...)
	}
	return nil
}
