package noticediff

import "slices"

// format says how a change's Old and New (or Subject) are spelled for a
// reader.
type format int

const (
	text       format = iota // as the notice wrote it
	bases                    // lawful basis codes → diff.basis.* phrases
	art9Codes                // Art 9(2) condition codes → "Art 9(2)(b)"
	safeguard                // a safeguard code (derogation with its point) → safeguard.*
	role                     // a recipient role → role.*
	duration                 // an ISO 8601 period → words
	cookieLife               // "session" or a period
	cookieCat                // a cookie category id → its label
	authority                // a built-in authority key, or a custom authority's name
	public                   // "public" or "not_public" → data.public / data.not_public
	yesNo                    // "yes" or "no" → diff.value.yes / no
	right                    // a right → diff.right.*
	field                    // a contact field → diff.field.*
)

// Forms of a kind's sentence: the key is diff.change.KIND, with a suffix
// when a value is not stated on one side, so "not stated" reads as a state
// ("now states …", "no longer states …") and never as an empty value.
const (
	formBoth     = 1 << iota // Old and New both stated (or the kind carries neither)
	formStated               // _stated: only New is stated (it was not before)
	formUnstated             // _unstated: only Old is stated (it no longer is)
)

// kind is one row of the table of change kinds.
type kind struct {
	section string // the render section id the change shows in
	values  format // how Old and New are spelled
	subject format // how Subject is spelled
	forms   int    // the sentence forms the kind can take
	// why is, for a kind that can be material, the reason and its source;
	// Compare decides per change (a new basis is material, a dropped one
	// is not).
	why string
}

// Sources of the material flags.
const (
	art13_3 = "GDPR Art 13(3) and 14(4): information on a new purpose must be given before the further processing starts (Regulation (EU) 2016/679, https://eur-lex.europa.eu/eli/reg/2016/679/oj)"
	wp260   = "WP260 rev.01 (Art 29 Working Party, Guidelines on transparency, endorsed by the EDPB), para 29 ('Changes to Article 13 and Article 14 information'): a change in processing purpose, in the identity of the controller, or in how data subjects can exercise their rights should always be communicated; para 30 ('Timing of notification of changes'): a fundamental change (e.g. enlargement of the categories of recipients or the introduction of transfers to a third country), or one relevant to and with an impact on the data subject, well in advance (https://ec.europa.eu/newsroom/article29/redirection/document/51025; copy at https://gdpr-text.com/guidelines/transparency/)"
)

// kinds is the one table of change kinds: Compare may emit only these,
// and every one has its sentences in every language (a test checks).
var kinds = map[string]kind{
	"title.changed":   {section: "layer", forms: formBoth},
	"summary.changed": {section: "layer", forms: formBoth},

	"controller.changed": {section: "controller", forms: formBoth | formStated | formUnstated,
		why: "the identity of the controller changed: " + wp260},
	"controller.contact-changed": {section: "controller", subject: field, forms: formBoth | formStated | formUnstated},
	"dpo.added":                  {section: "controller", forms: formBoth},
	"dpo.removed":                {section: "controller", forms: formBoth},
	"dpo.changed":                {section: "controller", subject: field, forms: formBoth | formStated | formUnstated},
	"representative.changed":     {section: "controller", forms: formBoth | formStated | formUnstated},
	"joint-controller.added":     {section: "controller", forms: formBoth},
	"joint-controller.removed":   {section: "controller", forms: formBoth},

	"category.added":         {section: "data", forms: formBoth},
	"category.removed":       {section: "data", forms: formBoth},
	"category.renamed":       {section: "data", forms: formBoth},
	"category.art9-changed":  {section: "data", values: art9Codes, forms: formBoth | formStated | formUnstated},
	"category.art10-changed": {section: "data", forms: formBoth | formStated | formUnstated},

	"source.added":          {section: "sources", forms: formBoth},
	"source.removed":        {section: "sources", forms: formBoth},
	"source.public-changed": {section: "sources", values: public, forms: formBoth | formStated | formUnstated},

	"purpose.added": {section: "purposes", forms: formBoth,
		why: "a new purpose: " + art13_3 + "; " + wp260},
	"purpose.removed": {section: "purposes", forms: formBoth},
	"purpose.renamed": {section: "purposes", forms: formBoth},
	"basis.changed": {section: "purposes", values: bases, forms: formBoth | formStated | formUnstated,
		why: "a basis the purpose did not rely on before changes which rights apply (Art 17(3)(b), 20(1), 21(1), 7(3)), i.e. how data subjects can exercise their rights: " + wp260},
	"basis.interest-changed": {section: "purposes", forms: formBoth | formStated | formUnstated},
	"basis.law-changed":      {section: "purposes", forms: formBoth | formStated | formUnstated},
	"purpose.data-changed":   {section: "purposes", forms: formBoth | formStated | formUnstated},
	"purpose.art9-changed":   {section: "purposes", values: art9Codes, forms: formBoth | formStated | formUnstated},
	"purpose.art10-changed":  {section: "purposes", forms: formBoth | formStated | formUnstated},

	"recipient.added": {section: "recipients", forms: formBoth,
		why: "an enlargement of the recipients: " + wp260},
	"recipient.removed": {section: "recipients", forms: formBoth},
	"recipient.country-changed": {section: "recipients", forms: formBoth | formStated | formUnstated,
		why: "a recipient country the notice did not name before: a new destination of the data, " + wp260},
	"recipient.role-changed": {section: "recipients", values: role, forms: formBoth | formStated | formUnstated},

	"transfers.none":     {section: "transfers", forms: formBoth},
	"transfers.unstated": {section: "transfers", forms: formBoth},
	"transfer.added": {section: "transfers", forms: formBoth,
		why: "the introduction of a transfer to a third country: " + wp260},
	"transfer.removed":           {section: "transfers", forms: formBoth},
	"transfer.safeguard-changed": {section: "transfers", values: safeguard, forms: formBoth | formStated | formUnstated},

	"retention.added":   {section: "retention", values: duration, forms: formBoth | formStated},
	"retention.removed": {section: "retention", forms: formBoth},
	"retention.longer": {section: "retention", values: duration, forms: formBoth,
		why: "data kept longer than the reader was told is a change relevant to and with an impact on the data subject: " + wp260},
	"retention.shorter":          {section: "retention", values: duration, forms: formBoth},
	"retention.changed":          {section: "retention", values: duration, forms: formBoth | formStated | formUnstated},
	"retention.criteria-changed": {section: "retention", forms: formBoth | formStated | formUnstated},
	"retention.from-changed":     {section: "retention", forms: formBoth | formStated | formUnstated},

	"automated.none":           {section: "automated", forms: formBoth},
	"automated.unstated":       {section: "automated", forms: formBoth},
	"automated.added":          {section: "automated", forms: formBoth},
	"automated.removed":        {section: "automated", forms: formBoth},
	"automated.changed":        {section: "automated", forms: formBoth},
	"automated.review-changed": {section: "automated", values: yesNo, forms: formBoth | formStated | formUnstated},

	"cookie-category.added": {section: "cookies", values: cookieCat, forms: formBoth,
		why: "a new cookie category is a new kind of storage on the reader's device that needs its own consent (ePrivacy Directive 2002/58/EC Art 5(3); Planet49, C-673/17) and a new purpose: " + art13_3},
	"cookie-category.removed":    {section: "cookies", values: cookieCat, forms: formBoth},
	"cookie.added":               {section: "cookies", values: cookieCat, forms: formBoth},
	"cookie.removed":             {section: "cookies", values: cookieCat, forms: formBoth},
	"cookie.category-changed":    {section: "cookies", values: cookieCat, forms: formBoth},
	"cookie.duration-changed":    {section: "cookies", values: cookieLife, forms: formBoth | formStated | formUnstated},
	"cookie.third-party-changed": {section: "cookies", values: yesNo, forms: formBoth | formStated | formUnstated},

	"right.added":               {section: "rights", values: right, forms: formBoth},
	"right.removed":             {section: "rights", values: right, forms: formBoth},
	"rights.contact-changed":    {section: "rights", subject: field, forms: formBoth | formStated | formUnstated},
	"rights.withdraw-changed":   {section: "rights", forms: formBoth | formStated | formUnstated},
	"rights.complaints-changed": {section: "rights", subject: field, forms: formBoth | formStated | formUnstated},
	"complaint.changed":         {section: "rights", values: authority, forms: formBoth | formStated | formUnstated},
}

// Kinds lists every change kind Compare can emit, sorted.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// MaterialWhy is the reason and source for which a kind can be material,
// or "" for a kind that never is.
func MaterialWhy(kind string) string { return kinds[kind].why }

// SentenceKeys lists the i18n keys a kind's sentences use, one per form.
func SentenceKeys(kind string) []string {
	k := kinds[kind]
	var out []string
	for _, f := range []struct {
		form   int
		suffix string
	}{{formBoth, ""}, {formStated, "_stated"}, {formUnstated, "_unstated"}} {
		if k.forms&f.form != 0 {
			out = append(out, "diff.change."+kind+f.suffix)
		}
	}
	return out
}

// rights are the rights a change can name (format right).
var rightIDs = []string{"access", "rectification", "erasure", "restriction", "portability", "objection", "withdraw", "complain"}
