package dpv

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/period"
)

func TestTermsListIsWellFormed(t *testing.T) {
	terms, err := Terms()
	if err != nil {
		t.Fatal(err)
	}
	if len(terms) < 50 {
		t.Fatalf("terms.tsv lists %d terms; it was read wrongly", len(terms))
	}
	seen := map[string]bool{}
	for _, term := range terms {
		if seen[term.Name] {
			t.Errorf("%s is listed twice", term.Name)
		}
		seen[term.Name] = true
		prefix, local, ok := strings.Cut(term.Name, ":")
		ns, known := Prefixes[prefix]
		if !ok || !known || ns+local != term.IRI {
			t.Errorf("%s: IRI %s does not expand from a declared prefix", term.Name, term.IRI)
		}
		if term.Label == "" || term.Source == "" {
			t.Errorf("%s: no label or no source", term.Name)
		}
	}
}

// listed is terms.tsv as a set.
func listed(t *testing.T) map[string]bool {
	t.Helper()
	terms, err := Terms()
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for _, term := range terms {
		set[term.Name] = true
	}
	return set
}

// labels answers every i18n key with the key itself, so a test sees
// which key a label came from.
func labels(key string, args ...any) (string, error) {
	if len(args) > 0 {
		return fmt.Sprintf("%s%v", key, args), nil
	}
	return key, nil
}

// roundTrip describes n and reads the JSON back, as a consumer would.
func roundTrip(t *testing.T, n *notice.Notice) map[string]any {
	t.Helper()
	node, err := Describe(n, "https://privacy.example.test/en/x/", labels)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(node)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// full is a notice that states one of everything the JSON-LD describes.
func full(law notice.Jurisdiction) *notice.Notice {
	transfers := []notice.Transfer{
		{To: "United States", Recipient: "Mailer Inc", Safeguard: "dpf"},
		{To: "India", Safeguard: "scc"},
		{To: "Canada", Safeguard: "scc_2010"},
		{Safeguard: "derogation", Derogation: "49(1)(b)"},
		{Safeguard: "uk_idta"},
		{Details: "in some cases outside the EEA"},
	}
	return &notice.Notice{
		Title: "Applicants", ID: "x", Lang: "en", Jurisdiction: law,
		Controller:       notice.Controller{Name: "Example AB", Address: "Gatan 1", Email: "dpo@example.test"},
		JointControllers: []notice.JointController{{Name: "Partner AB", Responsibilities: "We answer requests"}},
		Representative:   &notice.Representative{Name: "Rep Ltd"},
		DPO:              &notice.DPO{Email: "dpo@example.test"},
		Authority:        notice.AuthorityRef{Key: "imy"},
		Data: []notice.DataCategory{
			{ID: "id", Name: "Identity"},
			{ID: "health", Name: "Health", Special: true, Art9: []notice.Art9{"9(2)(b)"}},
			{ID: "record", Name: "Criminal records", Criminal: true},
		},
		Sources: []notice.Source{{Name: "Referees", Data: []string{"id"}}, {Name: "LinkedIn", Public: true, PublicStated: true}},
		Purposes: []notice.Purpose{
			{Name: "Hiring", Basis: notice.Contract, Data: []string{"id", "nope"}},
			{Name: "Tax", Bases: []notice.LawfulBasis{{Basis: notice.LegalObligation, Law: "Skatteförfarandelagen"}, {Basis: notice.PublicTask}}},
			{Name: "Adjustments", Basis: notice.LegitimateInterests, Art9: []notice.Art9{"9(2)(h)"}, Data: []string{"health"}},
		},
		Recipients: []notice.Recipient{
			{Name: "Mailer Inc", Role: "processor", Country: "United States", Data: []string{"id"}},
			{Category: "Our payroll team", Role: "internal"},
			{Name: "Tax agency", Role: "authority", Purpose: "Reporting"},
		},
		Transfers: &transfers,
		Retention: []notice.RetentionRule{
			{Records: "Applications", Period: period.Period{Months: 6}, From: "the decision", Data: []string{"id"}},
			{Records: "Logs", Period: period.Period{Weeks: 2, Days: 1}},
			{Records: "Claims", Criteria: "Until the claim is settled", Law: "Preskriptionslagen"},
		},
		Personnummer: "To identify you to the tax agency",
	}
}

func TestEveryTermEmittedIsInTheList(t *testing.T) {
	known := listed(t)
	for _, law := range []notice.Jurisdiction{"se", "uk", ""} {
		n := full(law)
		if law == "" {
			n.Authority = notice.AuthorityRef{}
		}
		used := TermsUsed(roundTrip(t, n))
		if len(used) < 40 {
			t.Errorf("law %q: only %d terms used; the walk missed some: %v", law, len(used), used)
		}
		for _, term := range used {
			if !known[term] {
				t.Errorf("law %q: %s is emitted but not in terms.tsv", law, term)
			}
		}
	}
}

func TestTermsUsedSeesAnUnlistedTerm(t *testing.T) {
	// The check above can fail: a made-up term is found and is not listed.
	known := listed(t)
	doc := map[string]any{"@graph": []any{map[string]any{"@type": "dpv:NoSuchThing", "dpv:hasPurpose": map[string]any{"@id": "dpv:Invented"}}}}
	used := TermsUsed(doc)
	if !slices.Contains(used, "dpv:NoSuchThing") || !slices.Contains(used, "dpv:Invented") || known["dpv:NoSuchThing"] {
		t.Fatalf("TermsUsed = %v", used)
	}
}

// find returns the values at a path of keys through the document, each
// list flattened, e.g. find(doc, "@graph", "dpv:hasProcess", "dpv:hasLegalBasis").
func find(v any, path ...string) []any {
	if list, ok := v.([]any); ok {
		var out []any
		for _, x := range list {
			out = append(out, find(x, path...)...)
		}
		return out
	}
	if len(path) == 0 {
		return []any{v}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	next, ok := m[path[0]]
	if !ok {
		return nil
	}
	return find(next, path[1:]...)
}

func ids(vs []any) []string {
	var out []string
	for _, v := range vs {
		m, _ := v.(map[string]any)
		if id, ok := m["@id"].(string); ok {
			out = append(out, id)
		} else {
			out = append(out, fmt.Sprintf("%v:%v", m["@type"], m["rdfs:label"]))
		}
	}
	return out
}

func TestGDPRTermsOnlyUnderTheGDPR(t *testing.T) {
	for _, tc := range []struct {
		law  notice.Jurisdiction
		want []string
	}{
		{"se", []string{"eu-gdpr:A6-1-b", "eu-gdpr:A6-1-c", "eu-gdpr:A6-1-e", "eu-gdpr:A6-1-f", "eu-gdpr:A9-2-h"}},
		{"eu", []string{"eu-gdpr:A6-1-b", "eu-gdpr:A6-1-c", "eu-gdpr:A6-1-e", "eu-gdpr:A6-1-f", "eu-gdpr:A9-2-h"}},
		// UK GDPR is not the EU's; "public task" has no single DPV term.
		{"uk", []string{"dpv:Contract", "dpv:LegalObligation", "dpv:LegalBasis:basis.public_task", "dpv:LegitimateInterest", "dpv:LegalBasis:rights.article[article 9(2)(h)]"}},
	} {
		doc := roundTrip(t, full(tc.law))
		got := ids(find(doc, "@graph", "dpv:hasProcess", "dpv:hasLegalBasis"))
		got = got[:len(tc.want)] // the transfers' safeguards follow
		if !slices.Equal(got, tc.want) {
			t.Errorf("law %q: bases %v, want %v", tc.law, got, tc.want)
		}
	}
}

func TestNoLawStatedGivesNoGDPRTerms(t *testing.T) {
	// notice.Law defaults to the EU; the JSON-LD must not.
	n := full("")
	n.Authority = notice.AuthorityRef{}
	b, err := json.Marshal(roundTrip(t, n))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ReplaceAll(string(b), `"eu-gdpr":"https://w3id.org/dpv/legal/eu/gdpr#"`, ""), "eu-gdpr:") {
		t.Fatalf("a notice that names no law got GDPR terms: %s", b)
	}
	// Under a built-in authority, the law is stated.
	n.Authority = notice.AuthorityRef{Key: "imy"}
	if got := ids(find(roundTrip(t, n), "@graph", "dpv:hasProcess", "dpv:hasLegalBasis"))[0]; got != "eu-gdpr:A6-1-b" {
		t.Fatalf("under IMY: %s, want eu-gdpr:A6-1-b", got)
	}
}

func TestSafeguards(t *testing.T) {
	doc := roundTrip(t, full("eu"))
	got := ids(find(doc, "@graph", "dpv:hasProcess", "dpv:hasLegalBasis"))[5:]
	want := []string{
		"eu-gdpr:A45-3",   // dpf: an Art 45(3) adequacy decision
		"eu-gdpr:A46-2-c", // the 2021 clauses
		"dpv:DataTransferLegalBasis:safeguard.scc_2010[article ]", // decided before the GDPR
		"eu-gdpr:A49-1-b",
		"dpv:DataTransferLegalBasis:safeguard.uk_idta[article ]",
		// the sixth transfer names no safeguard: nothing
	}
	if !slices.Equal(got, want) {
		t.Errorf("safeguards %v, want %v", got, want)
	}
	countries := find(doc, "@graph", "dpv:hasProcess", "dpv:hasThirdCountry", "rdfs:label")
	if fmt.Sprint(countries) != "[United States India Canada]" {
		t.Errorf("third countries %v", countries)
	}
	if c := find(doc, "@graph", "dpv:hasProcess", "rdfs:comment"); fmt.Sprint(c) != "[in some cases outside the EEA]" {
		t.Errorf("a transfer's own words: %v", c)
	}
}

func TestDataCategoriesAndReferences(t *testing.T) {
	doc := roundTrip(t, full("se"))
	data := find(doc, "@graph", "dpv:hasPersonalData")
	var types []string
	for _, c := range data {
		types = append(types, fmt.Sprint(c.(map[string]any)["@type"]))
	}
	if got := fmt.Sprint(types); got != "[dpv:PersonalData [dpv:PersonalData dpv:SpecialCategoryPersonalData] [dpv:PersonalData pd:Criminal] pd:OfficialID]" {
		t.Errorf("data types %s", got)
	}
	if got := ids(find(data, "dpv:hasLegalBasis")); !slices.Equal(got, []string{"eu-gdpr:A9-2-b"}) {
		t.Errorf("the health category's condition: %v", got)
	}
	// A purpose refers to its categories; an id the notice does not define
	// ("nope") is left out, not invented.
	if got := ids(find(doc, "@graph", "dpv:hasProcess", "dpv:hasPersonalData")); !slices.Equal(got, []string{"_:data-1", "_:data-2"}) {
		t.Errorf("purposes' data %v", got)
	}
	if got := find(doc, "@graph", "dpv:hasDataSource", "@type"); fmt.Sprint(got) != "[dpv:DataSource dpv:PublicDataSource]" {
		t.Errorf("sources %v: public unsaid must not read as non-public", got)
	}
}

func TestRecipientsAndRetention(t *testing.T) {
	doc := roundTrip(t, full("se"))
	rec := find(doc, "@graph", "dpv:hasRecipient")
	if got := fmt.Sprint(find(rec, "@type")); got != "[dpv:DataProcessor dpv:Recipient dpv:Authority]" {
		t.Errorf("recipient types %s", got)
	}
	if got := fmt.Sprint(find(rec, "rdfs:label"), find(rec, "dpv:hasCountry", "rdfs:label"), find(rec, "dpv:hasPurpose", "rdfs:label")); got != "[Our payroll team] [United States] [Reporting]" {
		t.Errorf("recipients' words %s", got)
	}
	kept := find(doc, "@graph", "dpv:hasStorageCondition")
	if got := fmt.Sprint(find(kept, "dpv:hasDuration", "rdf:value", "@value")); got != "[P6M P15D]" {
		t.Errorf("durations %s, want P6M and P15D (two weeks and a day: xsd:duration has no weeks)", got)
	}
	if got := fmt.Sprint(find(kept, "rdfs:comment")); got != "[retention.from: the decision Until the claim is settled]" {
		t.Errorf("retention notes %s", got)
	}
	if got := fmt.Sprint(find(kept, "dpv:hasApplicableLaw", "rdfs:label")); got != "[Preskriptionslagen]" {
		t.Errorf("retention law %s", got)
	}
}

func TestAbsentKeysEmitNothing(t *testing.T) {
	n := &notice.Notice{Title: "Bare", Lang: "sv"}
	doc := roundTrip(t, n)
	graph := doc["@graph"].([]any)
	proc := graph[1].(map[string]any)
	keys := make([]string, 0, len(proc))
	for k := range proc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if fmt.Sprint(keys) != "[@id @type dpv:hasNotice]" {
		t.Fatalf("a notice that states nothing: the process says %v", keys)
	}
	if doc["@context"].(map[string]any)["@language"] != "sv" {
		t.Fatalf("labels are not tagged with the notice's language: %v", doc["@context"])
	}
	// An explicit empty list of transfers says "none", not a transfer.
	none := []notice.Transfer{}
	n.Transfers = &none
	if _, ok := roundTrip(t, n)["@graph"].([]any)[1].(map[string]any)["dpv:hasProcess"]; ok {
		t.Fatal("no transfers became a transfer")
	}
}

func TestLabelErrorsAreReturned(t *testing.T) {
	n := full("uk")
	_, err := Describe(n, "https://x.test/", func(key string, args ...any) (string, error) {
		return "", fmt.Errorf("missing key %s", key)
	})
	if err == nil {
		t.Fatal("a missing i18n key was swallowed")
	}
}
