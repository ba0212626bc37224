package render

import (
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// scripts returns the text of every <script> element of a page, as a
// browser's tokenizer splits it.
func scripts(t *testing.T, page string) (types, texts []string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	in := false
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		tok := z.Token()
		switch {
		case tt == html.StartTagToken && tok.Data == "script":
			typ := ""
			for _, a := range tok.Attr {
				if a.Key == "type" {
					typ = a.Val
				}
			}
			types, texts, in = append(types, typ), append(texts, ""), true
		case tt == html.EndTagToken && tok.Data == "script":
			in = false
		case tt == html.TextToken && in:
			texts[len(texts)-1] += tok.Data
		}
	}
	return types, texts
}

func TestNoticePageEmbedsLinkedData(t *testing.T) {
	r := newRenderer(t)
	page := renderPage(t, r, minimal())
	types, texts := scripts(t, page)
	if len(types) != 1 || types[0] != "application/ld+json" {
		t.Fatalf("scripts %q, want one application/ld+json", types)
	}
	var doc struct {
		Graph []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal([]byte(texts[0]), &doc); err != nil {
		t.Fatalf("the JSON-LD does not parse: %v\n%s", err, texts[0])
	}
	if len(doc.Graph) != 2 || doc.Graph[0]["@id"] != "https://privacy.example.test/en/applicants/" || doc.Graph[0]["@type"] != "dpv:PrivacyNotice" {
		t.Fatalf("the notice node is not the page: %v", doc.Graph)
	}
}

func TestLinkedDataCannotEndItsScript(t *testing.T) {
	// A purpose name is the notice writer's text, and a notice can come
	// from anyone with commit rights: it must not close the script and
	// open another.
	hostile := "</script><script>alert(1)</script><!-- \u2028 & </SCRIPT >"
	n := minimal()
	n.Purposes[0].Name = hostile
	n.Title = "</script>"
	page := renderPage(t, newRenderer(t), n)
	types, texts := scripts(t, page)
	if len(types) != 1 {
		t.Fatalf("the page has %d scripts, want 1 (the JSON-LD): %q", len(types), types)
	}
	var doc struct {
		Graph []struct {
			Label   string `json:"rdfs:label"`
			Process []struct {
				Purpose struct {
					Label string `json:"rdfs:label"`
				} `json:"dpv:hasPurpose"`
			} `json:"dpv:hasProcess"`
		} `json:"@graph"`
	}
	if err := json.Unmarshal([]byte(texts[0]), &doc); err != nil {
		t.Fatalf("the JSON-LD does not parse: %v\n%s", err, texts[0])
	}
	if doc.Graph[0].Label != "</script>" || len(doc.Graph[1].Process) != 1 || doc.Graph[1].Process[0].Purpose.Label != hostile {
		t.Fatalf("the names did not survive as text: %+v", doc.Graph)
	}
	if strings.Contains(strings.ToLower(texts[0]), "<") {
		t.Fatalf("a < reached the script's text unescaped: %s", texts[0])
	}
}
