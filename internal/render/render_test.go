package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	notis "github.com/notis-dev/notis"
	"github.com/notis-dev/notis/internal/i18n"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/period"
	"github.com/notis-dev/notis/internal/site"
)

// newRenderer is a renderer over the shipped layouts and strings, for a
// two-language site.
func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := rendererOver(t, notis.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// rendererOver is a renderer over the layouts in fsys, with the shipped
// strings, for a two-language site.
func rendererOver(t testing.TB, fsys fs.FS) (*Renderer, error) {
	t.Helper()
	cfg, err := site.Parse("notis.toml", []byte(`site = "test"
baseURL = "https://privacy.example.test/"
defaultLanguage = "en"
[languages.en]
title = "Privacy"
[languages.sv]
title = "Integritet"
`))
	if err != nil {
		t.Fatal(err)
	}
	strs, err := i18n.Load(notis.Defaults, cfg.LanguageCodes(), cfg.DefaultLanguage)
	if err != nil {
		t.Fatal(err)
	}
	return New(fsys, cfg, strs, Options{CSS: "css/notis.css", PrintCSS: "css/print.css"})
}

// minimal is the least a notice needs to render.
func minimal() *notice.Notice {
	return &notice.Notice{
		Title: "Applicants", ID: "applicants", Lang: "en",
		Updated:    notice.Date{Time: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
		Controller: notice.Controller{Name: "Example Ltd"},
		Authority:  notice.AuthorityRef{Key: "ico"},
		Data:       []notice.DataCategory{{ID: "id", Name: "Identity", Examples: []string{"name"}}},
		Purposes:   []notice.Purpose{{Name: "Hiring", Basis: notice.Contract, Data: []string{"id"}}},
	}
}

func renderPage(t *testing.T, r *Renderer, n *notice.Notice) string {
	t.Helper()
	page, err := r.Notice(n, "v1", Translations{n.Lang: n}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(page)
}

// ids lists every id attribute of a page and every in-page link target.
func ids(t *testing.T, page string) (all []string, targets []string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		tok := z.Token()
		for _, a := range tok.Attr {
			if a.Key == "id" {
				all = append(all, a.Val)
			}
			if a.Key == "href" && strings.HasPrefix(a.Val, "#") {
				targets = append(targets, a.Val[1:])
			}
		}
	}
	return all, targets
}

// A body heading whose text makes a page's own id ("## Data H" → data-h,
// "## Purpose x" → purpose-x) gets another id, so no id appears twice and
// every contents link still lands on its section.
func TestBodyHeadingsNeverTakeAnIDThePageUses(t *testing.T) {
	r := newRenderer(t)
	n := minimal()
	n.Purposes[0].ID = "x"
	n.Origin = notice.HeldBody("## Data H\n\ntext\n\n## Data\n\n## Rights\n\n## Purpose x\n\n## Law 1\n\n## Data H\n")
	page := renderPage(t, r, n)
	all, targets := ids(t, page)
	seen := map[string]int{}
	for _, id := range all {
		seen[id]++
		if seen[id] == 2 {
			t.Errorf("id %q appears more than once", id)
		}
	}
	for _, target := range targets {
		if seen[target] == 0 {
			t.Errorf("a link points at #%s, which the page does not have", target)
		}
	}
	for _, want := range []string{`id="data-h-1"`, `id="data-1"`, `id="rights-1"`, `id="h-purpose-x"`, `id="h-law-1"`, `id="data-h-2"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks the renamed body heading %s", want)
		}
	}
}

// Layouts may only name sections the id table has: a typo is an error at
// render time, not a dead link.
func TestLayoutsNameOnlySectionsOfTheTable(t *testing.T) {
	if _, err := sectionID("retension"); err == nil {
		t.Fatal("sectionID accepted a section the table does not have")
	}
	if id, err := headingID("retention"); err != nil || id != "retention-h" {
		t.Fatalf("headingID(retention) = %q, %v", id, err)
	}
	for _, s := range pageSections {
		if !reserved(s) || !reserved(s+"-h") {
			t.Errorf("%s is in the table but not reserved from body headings", s)
		}
	}
}

func TestFirstLayerSaysARangeOnlyWhenEveryRecordHasAPeriod(t *testing.T) {
	r := newRenderer(t)
	for _, tc := range []struct {
		name  string
		rules []notice.RetentionRule
		want  string
	}{
		{"every rule fixed", []notice.RetentionRule{{Records: "a", Period: period.MustParse("P6M")}, {Records: "b", Period: period.MustParse("P2Y")}},
			"From 6 months to 2 years, depending on the record."},
		{"one criteria rule", []notice.RetentionRule{{Records: "a", Period: period.MustParse("P6M")}, {Records: "b", Criteria: "until your 75th birthday"}, {Records: "c", Period: period.MustParse("P40Y")}},
			"From 6 months to 40 years for records with a fixed period; others are kept for a time set by criteria, which may be longer."},
		{"criteria only", []notice.RetentionRule{{Records: "a", Criteria: "while you are registered"}},
			"It depends on the record; each has its own criteria."},
		// A rule that states neither a period nor criteria is not "set by
		// criteria": the notice does not say.
		{"one rule states nothing", []notice.RetentionRule{{Records: "a", Period: period.MustParse("P6M")}, {Records: "b"}},
			"6 months for some records; for some others the notice does not say how long."},
		{"periods, criteria and nothing", []notice.RetentionRule{{Records: "a", Period: period.MustParse("P6M")}, {Records: "b", Criteria: "while you work here"}, {Records: "c"}, {Records: "d", Period: period.MustParse("P2Y")}},
			"From 6 months to 2 years for records with a fixed period; for some others the notice does not say how long."},
		{"nothing stated", []notice.RetentionRule{{Records: "a"}, {Records: "b", Criteria: "while you work here"}},
			"The notice does not say how long some records are kept."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := minimal()
			n.Retention = tc.rules
			if page := renderPage(t, r, n); !strings.Contains(page, tc.want) {
				t.Errorf("first layer lacks %q", tc.want)
			}
		})
	}
}

func TestFirstLayerGivesAContactAndNamesTheICOInASentence(t *testing.T) {
	r := newRenderer(t)
	n := minimal()
	n.DPO = &notice.DPO{Email: "dpo@example.test"}
	page := renderPage(t, r, n)
	if !strings.Contains(page, `Contact our data protection officer: <a href="mailto:dpo@example.test">`) {
		t.Error("with no controller email or phone, the first layer does not fall back to the DPO")
	}
	if !strings.Contains(page, "You can complain to the Information Commissioner&#39;s Office (ICO).") {
		t.Error("the complaint sentence does not read 'to the Information Commissioner's Office'")
	}
	n.Controller.Phone = "01234 567890"
	n.Rights.Complaints.Email = "complaints@example.test"
	page = renderPage(t, r, n)
	if !strings.Contains(page, "Contact: 01234 567890") {
		t.Error("the controller's phone is not the first layer's contact")
	}
	if !strings.Contains(page, "You can complain to us first; you can also complain to the Information Commissioner&#39;s Office (ICO).") {
		t.Error("the first layer does not give the controller-first complaint route the notice states")
	}
}

func TestColumnsNoRowFillsAreLeftOut(t *testing.T) {
	r := newRenderer(t)
	n := minimal()
	n.Sources = []notice.Source{{Name: "Referees", Data: []string{"id"}}}
	n.Cookies = []notice.Cookie{{Name: "sid", Provider: "Us", Category: "necessary", Purpose: "Session", Duration: notice.CookieDuration{Session: true}}}
	page := renderPage(t, r, n)
	for _, unwanted := range []string{">Conditions<", ">Publicly available<", "Not publicly available", ">Third-party access<"} {
		if strings.Contains(page, unwanted) {
			t.Errorf("page shows %q though no row states it", unwanted)
		}
	}
	n.Data[0].Special, n.Data[0].Art9 = true, []notice.Art9{"9(2)(b)"}
	page = renderPage(t, r, n)
	if !strings.Contains(page, ">Conditions<") || !strings.Contains(page, "Our obligations and your rights in employment, social security and social protection law <span class=\"cite\">(Art 9(2)(b))</span>") {
		t.Error("special data does not show its Art 9 condition in words with the code")
	}
}

func TestSharedLawsAreCitedOnce(t *testing.T) {
	r := newRenderer(t)
	n := minimal()
	law := "National Health Service Act 2006"
	n.Purposes = []notice.Purpose{
		{Name: "A", Basis: notice.PublicTask, Law: law},
		{Name: "B", Basis: notice.PublicTask, Law: law},
		{Name: "C", Basis: notice.LegalObligation, Law: "Equality Act 2010"},
	}
	page := renderPage(t, r, n)
	// What a reader sees: the JSON-LD names each purpose's law for machines.
	visible, _, _ := strings.Cut(page, `<script type="application/ld+json">`)
	if got := strings.Count(visible, law); got != 1 {
		t.Errorf("the shared law is written %d times, want once", got)
	}
	if !strings.Contains(page, `<a href="#law-1">note 1 below</a>`) || !strings.Contains(page, "Equality Act 2010") {
		t.Error("rows do not refer to the shared law's note, or the single law is missing")
	}
}

func TestFreeTextAddressesBecomeLinksAndStayEscaped(t *testing.T) {
	got := string(linkify(`See https://example.test/a?b=1&c=2. Or mail x@example.test <b>`))
	want := `See <a class="bare" href="https://example.test/a?b=1&amp;c=2">https://example.test/a?b=1&amp;c=2</a>. Or mail <a class="bare" href="mailto:x@example.test">x@example.test</a> &lt;b&gt;`
	if got != want {
		t.Errorf("linkify:\n got %s\nwant %s", got, want)
	}
}

func TestRelatedNoticesInAnotherLanguageAreMarked(t *testing.T) {
	r := newRenderer(t)
	sv := minimal()
	sv.Lang, sv.Related = "sv", []string{"cookies"}
	cookies := minimal()
	cookies.ID, cookies.Title = "cookies", "Cookie notice"
	page, err := r.Notice(sv, "v1", Translations{"sv": sv}, map[string]Translations{"cookies": {"en": cookies}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`hreflang="en" lang="en">Cookie notice</a> <span class="lang-mark">(på engelska)</span>`)) {
		t.Error("a link from a Swedish page to an English-only notice is not marked (på engelska)")
	}
}

// Every field of the model that a reader needs appears on the page when it
// is set: each free-text field gets a unique marker, and the page must
// show every marker. A new model field fails here until a layout shows it
// or notReaderFacing says why it has no place on the page.
func TestEveryReaderFacingFieldOfTheModelIsOnThePage(t *testing.T) {
	n := minimal()
	n.Representative = &notice.Representative{}
	n.DPO = &notice.DPO{}
	n.JointControllers = []notice.JointController{{}}
	n.Sources = []notice.Source{{Public: true, PublicStated: true}}
	n.Requirements = []notice.Requirement{{Kind: "statutory"}}
	n.Recipients = []notice.Recipient{{Role: "processor"}}
	n.Transfers = &[]notice.Transfer{{Safeguard: "derogation"}} // the one safeguard that shows its point of Art 49
	n.Retention = []notice.RetentionRule{{Period: period.MustParse("P1Y"), Then: "delete"}}
	n.AutomatedDecisions = &[]notice.AutomatedDecision{{}}
	n.Cookies = []notice.Cookie{{Category: "necessary", Duration: notice.CookieDuration{Session: true}}}
	n.Changes = []notice.Change{{Date: n.Updated}}
	n.Data[0].Special, n.Data[0].Criminal = true, true
	n.Purposes[0].Basis = notice.LegitimateInterests

	var markers []string
	fill(reflect.ValueOf(n).Elem(), "", &markers)
	n.Origin = nil
	page := renderPage(t, newRenderer(t), n)
	for _, m := range markers {
		if !strings.Contains(page, m) {
			t.Errorf("%s is set but not on the page", m)
		}
	}
	if len(markers) < 40 {
		t.Fatalf("only %d fields filled: the walk over the model is broken", len(markers))
	}
}

// notReaderFacing are the model's text fields that have no place on the
// page, and why.
var notReaderFacing = map[string]string{
	"ID":                   "joins translations; it is the page's address",
	"Extends":              "the parent notice's id: the page links the parent by its title (notice.html, .Parent)",
	"Lang":                 "the page's lang attribute",
	"File":                 "where the notice was read from",
	"Lint":                 "settings for the lint",
	"Related":              "ids of other notices, shown by their titles",
	"Data[0].ID":           "an id other fields refer to; the name is shown",
	"Purposes[0].ID":       "an anchor",
	"Purposes[0].Data":     "ids, shown as the categories' names",
	"Sources[0].Data":      "ids, shown as the categories' names",
	"Recipients[0].Data":   "ids, shown as the categories' names",
	"Requirements[0].Data": "ids, shown as the categories' names",
	"Retention[0].Data":    "ids; the records' description is shown",
	"Cookies[0].Category":  "a category id, shown by its label",
	"Authority.Key":        "the built-in authority's id; its name and address are shown",
}

// fill sets every string, []string, Email and URL field under v that a
// reader needs to a unique marker such as "ZController.NameZ" and lists
// the markers; enums keep the valid values the test set.
func fill(v reflect.Value, path string, markers *[]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			fill(v.Elem(), path, markers)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[notice.Date]() || v.Type() == reflect.TypeFor[period.Period]() || v.Type() == reflect.TypeFor[notice.CookieDuration]() || v.Type() == reflect.TypeFor[notice.AuthorityRef]() {
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Tag.Get("fm") == "-" {
				continue
			}
			p := f.Name
			if path != "" {
				p = path + "." + f.Name
			}
			fill(v.Field(i), p, markers)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String {
			if _, skip := notReaderFacing[path]; skip || v.Type().Elem() != reflect.TypeFor[string]() {
				return
			}
			m := marker(path)
			v.Set(reflect.ValueOf([]string{m}))
			*markers = append(*markers, m)
			return
		}
		for i := range v.Len() {
			fill(v.Index(i), fmt.Sprintf("%s[%d]", path, i), markers)
		}
	case reflect.String:
		if _, skip := notReaderFacing[path]; skip {
			return
		}
		m := marker(path)
		switch v.Type() {
		case reflect.TypeFor[string]():
			v.SetString(m)
		case reflect.TypeFor[notice.Email]():
			m = strings.ToLower(m) + "@example.test"
			v.SetString(m)
		case reflect.TypeFor[notice.URL]():
			m = "https://example.test/" + m
			v.SetString(m)
		default:
			return // an enum: its label is the page's, not the notice's words
		}
		*markers = append(*markers, m)
	}
}

func marker(path string) string {
	r := strings.NewReplacer(".", "_", "[", "_", "]", "")
	return "Z" + r.Replace(path) + "Z"
}

// The first layer's line on how long cookies last states only what the
// cookie table states: a cookie whose lifetime is not stated is not
// bounded by the longest stated one.
func TestTheFirstLayerNeverBoundsCookiesWhoseLifetimeIsUnstated(t *testing.T) {
	r := newRenderer(t)
	sixMonths := notice.CookieDuration{Period: period.Period{Months: 6}}
	session := notice.CookieDuration{Session: true}
	unstated := notice.CookieDuration{}
	for _, tc := range []struct {
		name  string
		lives []notice.CookieDuration
		want  map[string]string // language → the line's text
	}{
		{"all stated", []notice.CookieDuration{sixMonths, session}, map[string]string{
			"en": "Our cookies last up to 6 months.", "sv": "Våra cookies finns kvar i upp till 6 månader."}},
		{"sessions only", []notice.CookieDuration{session}, map[string]string{
			"en": "Our cookies last until you close your browser.", "sv": "Våra cookies finns kvar tills du stänger webbläsaren."}},
		{"one unstated", []notice.CookieDuration{sixMonths, unstated}, map[string]string{
			"en": "Those of our cookies whose lifetime is stated last up to 6 months; how long the others last is not yet stated.",
			"sv": "De av våra cookies vars livslängd anges finns kvar i upp till 6 månader; hur länge de övriga finns kvar har ännu inte angetts."}},
		{"sessions and unstated", []notice.CookieDuration{unstated, session}, map[string]string{
			"en": "Those of our cookies whose lifetime is stated last until you close your browser; how long the others last is not yet stated.",
			"sv": "De av våra cookies vars livslängd anges finns kvar tills du stänger webbläsaren; hur länge de övriga finns kvar har ännu inte angetts."}},
		{"none stated", []notice.CookieDuration{unstated, unstated}, map[string]string{
			"en": "How long our cookies last is not yet stated.", "sv": "Hur länge våra cookies finns kvar har ännu inte angetts."}},
	} {
		for _, lang := range []string{"en", "sv"} {
			n := minimal()
			n.Lang = lang
			for _, d := range tc.lives {
				n.Cookies = append(n.Cookies, notice.Cookie{Category: "necessary", Purpose: "To work", Duration: d})
			}
			page := renderPage(t, r, n)
			if !strings.Contains(page, tc.want[lang]) {
				t.Errorf("%s, %s: the first layer does not say %q", tc.name, lang, tc.want[lang])
			}
			if tc.name != "all stated" && strings.Contains(page, map[string]string{"en": "Our cookies last up to", "sv": "Våra cookies finns kvar i upp till"}[lang]) {
				t.Errorf("%s, %s: the first layer bounds every cookie's lifetime", tc.name, lang)
			}
		}
	}
}

// A cookie the notice knows only by its category has every unstated cell
// say so, rather than an empty cell a reader may take for "none".
func TestACookiesUnstatedFactsSaySo(t *testing.T) {
	r := newRenderer(t)
	for lang, want := range map[string]string{"en": "Not stated", "sv": "Anges inte"} {
		n := minimal()
		n.Lang = lang
		n.Cookies = []notice.Cookie{{Category: "analytics", Purpose: "Counting visits"}}
		page := renderPage(t, r, n)
		i := strings.Index(page, "Counting visits")
		row := page[strings.LastIndex(page[:i], "<tr>"):]
		row = row[:strings.Index(row, "</tr>")]
		for _, label := range []string{"provider", "duration"} {
			key, _ := r.strings.T(lang, "cookies."+label)
			cell := `<td data-label="` + key + `">` + want + `</td>`
			if !strings.Contains(row, cell) {
				t.Errorf("%s: the %s cell does not say %q: %s", lang, label, want, row)
			}
		}
	}
}

// An earlier version that gave no date is not "the version of 1 January
// 1": its page says it gave none, and the date func refuses to print an
// unstated date for any layout that forgets to ask.
func TestAnUndatedEarlierVersionIsNotGivenYearOne(t *testing.T) {
	r := newRenderer(t)
	for lang, want := range map[string]string{
		"en": "This is an earlier version, which gave no date.",
		"sv": "Det här är en tidigare version, som inte angav något datum.",
	} {
		n := minimal()
		n.Lang, n.Updated = lang, notice.Date{}
		var buf bytes.Buffer
		if err := r.ArchivedTo(&buf, n, "v0", notice.Date{}, "v0", Translations{lang: n}, nil); err != nil {
			t.Fatal(err)
		}
		if page := buf.String(); !strings.Contains(page, want) || strings.Contains(page, " 1.") {
			t.Errorf("%s: the undated earlier version's page does not say %q, or prints year 1", lang, want)
		}
	}
	if s, err := r.formatDate("en", notice.Date{}); err == nil {
		t.Errorf("formatDate of no date = %q, want an error", s)
	}
}

// A right that only may apply, for purposes whose basis the notice does
// not state, is never given a paragraph or a first-layer line of its own,
// which would read as a promise: it is listed with what it depends on,
// and the first layer says other rights may apply.
func TestARightTheBasesDoNotGiveIsNeverPromised(t *testing.T) {
	r := newRenderer(t)
	visible := func(page string) string {
		text, _, _ := strings.Cut(page, `<script type="application/ld+json">`)
		return text
	}
	objection := `id="objection"`
	withdraw := "Withdrawing your consent"
	more := "Other rights may apply, depending on lawful bases this notice does not state."

	n := minimal()
	n.Purposes = nil // no purpose, so no basis
	page := visible(renderPage(t, r, n))
	for _, never := range []string{objection, withdraw, "Take the data you gave us elsewhere", "Object to how we use it", "Withdraw your consent at any time"} {
		if strings.Contains(page, never) {
			t.Errorf("no basis stated, yet the page has %q", never)
		}
	}
	for _, want := range []string{more, "these rights may also apply", "See the data we hold about you"} {
		if !strings.Contains(page, want) {
			t.Errorf("no basis stated: the page lacks %q", want)
		}
	}

	// One purpose on legitimate interests and one unstated: the right to
	// object is promised for the first, and may apply to the second.
	n = minimal()
	n.Purposes = []notice.Purpose{
		{Name: "Security", Basis: notice.LegitimateInterests, Interest: "Keeping the site safe", Data: []string{"id"}},
		{Name: "Talent pool", Data: []string{"id"}},
	}
	page = visible(renderPage(t, r, n))
	if !strings.Contains(page, objection) || !strings.Contains(page, "Object to how we use it") {
		t.Error("legitimate interests stated: the right to object is not on the page")
	}
	if strings.Contains(page, withdraw) || strings.Contains(page, "Withdraw your consent at any time") {
		t.Error("no purpose on consent, yet withdrawal is promised")
	}
	if !strings.Contains(page, more) {
		t.Errorf("a basis unstated: the first layer lacks %q", more)
	}
}

// A fact a table has a column for and a row does not state reads "Not
// stated", never an empty cell a reader could take for "none".
func TestAnUnstatedFactInATableSaysSo(t *testing.T) {
	n := minimal()
	n.Retention = []notice.RetentionRule{{Records: "Logs"}}
	n.Transfers = &[]notice.Transfer{{To: "United States"}}
	n.Requirements = []notice.Requirement{{Data: []string{"id"}, Kind: "pre_contract"}}
	n.Purposes = append(n.Purposes, notice.Purpose{Name: "Talent pool"})
	n.Cookies = []notice.Cookie{{Name: "_ga", Category: "analytics"}}
	page := renderPage(t, newRenderer(t), n)
	for _, want := range []string{
		`<td data-label="How long">Not stated</td>`,
		`<td data-label="Safeguard">Not stated</td>`,
		`<td data-label="If you do not provide it">Not stated</td>`,
		`<td data-label="Lawful basis">Not stated</td>`,
		`<td data-label="Data used">Not stated</td>`,
		`<td data-label="Purpose">Not stated</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}
