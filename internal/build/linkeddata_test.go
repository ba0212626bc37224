package build

import (
	"encoding/json"
	"net/url"
	"path"
	"regexp"
	"testing"

	"github.com/notis-dev/notis/internal/dpv"
)

var ldScript = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// TestExampleNoticesCarryLinkedData reads every notice page of the built
// example site and checks its JSON-LD against the notice it describes, as
// notices.json gives it: one DPV node per purpose, data category,
// recipient, transfer and retention rule, and only terms from the shipped
// list.
func TestExampleNoticesCarryLinkedData(t *testing.T) {
	files := tree(t, buildInto(t, "../.."))
	var index struct {
		Notices []struct {
			URL    string `json:"url"`
			Notice struct {
				Title        string `json:"title"`
				Purposes     []any  `json:"purposes"`
				Data         []any  `json:"data"`
				Recipients   []any  `json:"recipients"`
				Transfers    []any  `json:"transfers"`
				Retention    []any  `json:"retention"`
				Personnummer string `json:"personnummer"`
			} `json:"notice"`
		} `json:"notices"`
	}
	if err := json.Unmarshal(files["notices.json"], &index); err != nil {
		t.Fatal(err)
	}
	if len(index.Notices) < 10 {
		t.Fatalf("notices.json lists %d notices; the example site has more", len(index.Notices))
	}
	terms, err := dpv.Terms()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, term := range terms {
		known[term.Name] = true
	}
	for _, e := range index.Notices {
		u, err := url.Parse(e.URL)
		if err != nil {
			t.Fatal(err)
		}
		rel := path.Join(u.Path[1:], "index.html")
		m := ldScript.FindSubmatch(files[rel])
		if m == nil {
			t.Errorf("%s: no JSON-LD", rel)
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal(m[1], &doc); err != nil {
			t.Errorf("%s: the JSON-LD does not parse: %v", rel, err)
			continue
		}
		for _, term := range dpv.TermsUsed(doc) {
			if !known[term] {
				t.Errorf("%s: %s is not in internal/dpv/terms.tsv", rel, term)
			}
		}
		graph, _ := doc["@graph"].([]any)
		if len(graph) != 2 {
			t.Errorf("%s: @graph has %d nodes, want the notice and its process", rel, len(graph))
			continue
		}
		notice, proc := graph[0].(map[string]any), graph[1].(map[string]any)
		if notice["@id"] != e.URL || notice["@type"] != "dpv:PrivacyNotice" || notice["rdfs:label"] != e.Notice.Title {
			t.Errorf("%s: the notice node %v is not this page's notice", rel, notice)
		}
		count := func(key string, match func(map[string]any) bool) int {
			var list []any
			switch v := proc[key].(type) {
			case []any:
				list = v
			case map[string]any:
				list = []any{v}
			}
			k := 0
			for _, x := range list {
				if match == nil || match(x.(map[string]any)) {
					k++
				}
			}
			return k
		}
		has := func(key string) func(map[string]any) bool {
			return func(m map[string]any) bool { _, ok := m[key]; return ok }
		}
		wantData := len(e.Notice.Data)
		if e.Notice.Personnummer != "" {
			wantData++
		}
		for _, c := range []struct {
			what      string
			got, want int
		}{
			{"purposes", count("dpv:hasProcess", has("dpv:hasPurpose")), len(e.Notice.Purposes)},
			{"transfers", count("dpv:hasProcess", has("dpv:hasProcessing")), len(e.Notice.Transfers)},
			{"data categories", count("dpv:hasPersonalData", nil), wantData},
			{"recipients", count("dpv:hasRecipient", nil), len(e.Notice.Recipients)},
			{"retention rules", count("dpv:hasStorageCondition", nil), len(e.Notice.Retention)},
		} {
			if c.got != c.want {
				t.Errorf("%s: %d %s in the JSON-LD, %d in the notice", rel, c.got, c.what, c.want)
			}
		}
	}
}
