package consent

import (
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/consentwire"
	"github.com/notis-dev/notis/internal/i18n"
)

// The DPO's dashboard, GET /admin/: the statistics of a period and site
// as server-rendered SVG charts, each with a text alternative and a
// table of the same figures, in English or Swedish. No script, no
// third-party code: the page's CSP allows only its own stylesheet.

//go:embed dashboard.css
var dashboardCSS []byte

//go:embed dashboard.html
var dashboardHTML string

var dashboardTmpl = template.Must(template.New("dashboard").Parse(dashboardHTML))

// dashboardCSP: nothing but the stylesheet at /admin/dashboard.css and
// the form submitting to the page itself.
const dashboardCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

var dashboardLangs = []string{"en", "sv"}

// dashboardStrings are the i18n files' admin.* strings, loaded once.
var dashboardStrings = func() *i18n.Bundle {
	b, err := i18n.Load(notis.Defaults, dashboardLangs, "en")
	if err != nil {
		panic(err) // the embedded files are checked by the i18n tests
	}
	return b
}()

// methodColors are the bar colours of the methods, in Methods order;
// each has a contrast of at least 3:1 against white (WCAG 1.4.11).
var methodColors = []string{"#1b6e3a", "#a4262c", "#2b579a", "#8a5a00", "#5c2d91"}

type dashboardView struct {
	Lang, OtherLang, OtherLangName string
	T                              map[string]string
	Methods                        map[string]string
	Since, Until, Site             string
	Sites                          []string
	Counted                        string
	Total, GPC, Erasures           int64
	GPCShare                       string
	Days                           []dayRow
	DayMethods                     []legend
	Chart                          template.HTML
	Categories                     []categoryRow
	CategoryChart                  template.HTML
	Versions                       []versionRow
}

type legend struct{ Method, Label, Color string }

type dayRow struct {
	Day    string
	Counts []int64 // per Methods
	Total  int64
}

type categoryRow struct {
	Site, Version, Category string
	Granted, Denied         int64
	Share                   string
}

type versionRow struct {
	Site, Version, Lang string
	Count               int64
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lang := q.Get("lang")
	if !slices.Contains(dashboardLangs, lang) {
		lang = "en"
	}
	f, ferr := parseRange(r)
	if ferr != nil {
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	if f.Since.IsZero() && f.Until.IsZero() {
		f.Since = s.now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -29)
	}
	st, ok := s.stats(w, r, f)
	if !ok {
		return
	}
	since, until := dateOf(f.Since), dateOf(f.Until)
	v := s.dashboard(st, lang, since, until, q.Get("site"))
	h := w.Header()
	h.Set("Content-Security-Policy", dashboardCSP)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", lang)
	if err := dashboardTmpl.Execute(w, v); err != nil {
		s.log.Error("dashboard", "err", err)
	}
}

// dateOf is a bound as the form's date field shows it.
func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func (s *Server) handleDashboardCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, _ = w.Write(dashboardCSS)
}

// dashboard turns the statistics into what the page shows.
func (s *Server) dashboard(st *store.Stats, lang, since, until, siteID string) dashboardView {
	v := dashboardView{Lang: lang, T: dashboardStrings.Strings(lang, "admin."), Methods: dashboardStrings.Strings(lang, "admin.methods."),
		Since: since, Until: until, Site: siteID, Erasures: st.Erasures}
	v.OtherLang = "sv"
	if lang == "sv" {
		v.OtherLang = "en"
	}
	v.OtherLangName, _ = dashboardStrings.T(v.OtherLang, "language.name")
	for id := range s.sites {
		v.Sites = append(v.Sites, id)
	}
	slices.Sort(v.Sites)
	from, to := st.Since, st.Until
	if from == "" {
		from = v.T["open"]
	}
	if to == "" {
		to = v.T["open"]
	}
	v.Counted, _ = dashboardStrings.T(lang, "admin.counted", "since", from, "until", to)
	byDay := map[string]*dayRow{}
	versions := map[[3]string]int64{}
	for _, e := range st.Events {
		if siteID != "" && e.Site != siteID {
			continue
		}
		d := byDay[e.Day]
		if d == nil {
			d = &dayRow{Day: e.Day, Counts: make([]int64, len(Methods))}
			byDay[e.Day] = d
		}
		if i := slices.Index(Methods, e.Method); i >= 0 {
			d.Counts[i] += e.Count
		}
		d.Total += e.Count
		v.Total += e.Count
		if e.GPC {
			v.GPC += e.Count
		}
		versions[[3]string{e.Site, e.Version, e.Lang}] += e.Count
	}
	for _, d := range byDay {
		v.Days = append(v.Days, *d)
	}
	slices.SortFunc(v.Days, func(a, b dayRow) int { return cmpString(a.Day, b.Day) })
	v.GPCShare = percent(v.GPC, v.Total)
	for i, m := range Methods {
		v.DayMethods = append(v.DayMethods, legend{Method: m, Label: v.Methods[m], Color: methodColors[i]})
	}
	for k, n := range versions {
		v.Versions = append(v.Versions, versionRow{Site: k[0], Version: k[1], Lang: k[2], Count: n})
	}
	slices.SortFunc(v.Versions, func(a, b versionRow) int {
		return cmpString(a.Site+"\x00"+a.Version+"\x00"+a.Lang, b.Site+"\x00"+b.Version+"\x00"+b.Lang)
	})
	// A vendor grant ("marketing:youtube") is sent only when made, so the
	// store counts no refusals of it: its share is of every choice under
	// its category, and the others refused it.
	events := map[[3]string]int64{}
	for _, c := range st.Categories {
		events[[3]string{c.Site, c.Version, c.Category}] = c.Granted + c.Denied
	}
	for _, c := range st.Categories {
		if siteID != "" && c.Site != siteID {
			continue
		}
		if cat, vendor := consentwire.SplitChoice(c.Category); vendor != "" {
			if n := events[[3]string{c.Site, c.Version, cat}]; n >= c.Granted {
				c.Denied = n - c.Granted
			}
		}
		v.Categories = append(v.Categories, categoryRow{Site: c.Site, Version: c.Version, Category: c.Category,
			Granted: c.Granted, Denied: c.Denied, Share: percent(c.Granted, c.Granted+c.Denied)})
	}
	v.Chart = dayChart(v.Days, v.T["per_day_chart"])
	v.CategoryChart = categoryChart(v.Categories, v.T["per_category_chart"])
	return v
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func percent(n, of int64) string {
	if of == 0 {
		return "–"
	}
	return strconv.FormatFloat(float64(n)*100/float64(of), 'f', 1, 64) + " %"
}

// dayChart draws the choices per day as stacked bars, one colour per
// method (the legend and the table name them).
func dayChart(days []dayRow, alt string) template.HTML {
	const width, height, pad = 720.0, 220.0, 28.0
	var most int64 = 1
	for _, d := range days {
		most = max(most, d.Total)
	}
	out := fmt.Sprintf(`<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		width, height, template.HTMLEscapeString(alt))
	out += fmt.Sprintf(`<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#595959"/>`, pad, height-pad, width, height-pad)
	out += fmt.Sprintf(`<text x="0" y="%g" font-size="11" fill="#333">%d</text>`, pad, most)
	if n := len(days); n > 0 {
		slot := (width - pad) / float64(n)
		bar := max(1, slot*0.8)
		for i, d := range days {
			x := pad + float64(i)*slot + (slot-bar)/2
			y := height - pad
			for m, c := range d.Counts {
				if c == 0 {
					continue
				}
				h := float64(c) / float64(most) * (height - 2*pad)
				y -= h
				out += fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, y, bar, h, methodColors[m])
			}
		}
		out += fmt.Sprintf(`<text x="%g" y="%g" font-size="11" fill="#333">%s</text>`, pad, height-8, days[0].Day)
		out += fmt.Sprintf(`<text x="%g" y="%g" font-size="11" fill="#333" text-anchor="end">%s</text>`, width, height-8, days[len(days)-1].Day)
	}
	return template.HTML(out + `</svg>`)
}

// categoryChart draws the share granting each category as horizontal bars.
func categoryChart(cats []categoryRow, alt string) template.HTML {
	const width, row, label = 720.0, 26.0, 260.0
	height := row*float64(len(cats)) + 4
	out := fmt.Sprintf(`<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		width, height, template.HTMLEscapeString(alt))
	for i, c := range cats {
		y := float64(i) * row
		share := 0.0
		if c.Granted+c.Denied > 0 {
			share = float64(c.Granted) / float64(c.Granted+c.Denied)
		}
		name := template.HTMLEscapeString(c.Category + " (" + c.Version + ")")
		out += fmt.Sprintf(`<text x="0" y="%.1f" font-size="12" fill="#222">%s</text>`, y+17, name)
		out += fmt.Sprintf(`<rect x="%g" y="%.1f" width="%.1f" height="18" fill="#e8e8e8"/>`, label, y+4, width-label-60)
		out += fmt.Sprintf(`<rect x="%g" y="%.1f" width="%.1f" height="18" fill="#2b579a"/>`, label, y+4, (width-label-60)*share)
		out += fmt.Sprintf(`<text x="%g" y="%.1f" font-size="12" fill="#222" text-anchor="end">%s</text>`, width, y+17, template.HTMLEscapeString(c.Share))
	}
	return template.HTML(out + `</svg>`)
}
