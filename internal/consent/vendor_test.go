package consent

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consent/store"
	"github.com/notis-dev/notis/internal/consentwire"
)

// vendorVer is a version whose marketing category declares two vendors a
// placeholder may grant alone (issue 14: consent per embed).
const vendorVer = "v2vendors"

// withVendorVersion publishes vendorVer beside the test site's version.
func withVendorVersion(t *testing.T) func(*Options) {
	return func(o *Options) {
		rec := consentwire.VersionRecord{Version: vendorVer, Site: "careers", Texts: map[string]map[string]string{"en": {"title": "Cookies"}},
			Categories: []consentwire.Category{
				{ID: "necessary", Required: true},
				{ID: "analytics"},
				{ID: "marketing", Vendors: []string{"youtube", "vimeo"}},
			}}
		data, _ := json.Marshal(rec)
		if err := os.WriteFile(filepath.Join(o.Sites[0].VersionsDir, vendorVer+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func vendorEvent(choices map[string]bool) event {
	return validEvent().with("version", vendorVer).with("choices", choices)
}

// "Allow and show" on the YouTube placeholder: the proof holds the vendor
// grant beside the refused category, in the history, both exports and the
// stats, on both stores.
func TestAVendorGrantIsInEveryProof(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := newServer(t, st, withVendorVersion(t))
		ev := vendorEvent(map[string]bool{"necessary": true, "analytics": false, "marketing": false, "marketing:youtube": true})
		wantStatus(t, post(s, ev.body()), http.StatusCreated)

		w := adminReq(s, "GET", "/v1/consents/"+ev["id"].(string), testToken)
		wantStatus(t, w, http.StatusOK)
		var h History
		decodeJSON(t, w, &h)
		if len(h.Records) != 1 {
			t.Fatalf("history: %+v", h.Records)
		}
		if ch := h.Records[0].Choices; len(ch) != 4 || !ch["marketing:youtube"] || ch["marketing"] {
			t.Errorf("stored choices %v: want marketing:youtube true, marketing false, and nothing else added", ch)
		}
		if v := shownDoc(t, h, 0); len(v.Categories) != 3 || strings.Join(v.Categories[2].Vendors, ",") != "youtube,vimeo" {
			t.Errorf("the version shown does not declare the vendors: %+v", v.Categories)
		}

		w = adminReq(s, "GET", "/v1/export?format=jsonl", testToken)
		wantStatus(t, w, http.StatusOK)
		sc := bufio.NewScanner(w.Body)
		if !sc.Scan() {
			t.Fatal("empty jsonl export")
		}
		var rec store.Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || !rec.Choices["marketing:youtube"] || rec.Choices["marketing"] {
			t.Errorf("jsonl export %s: %v", sc.Text(), err)
		}

		w = adminReq(s, "GET", "/v1/export?format=csv", testToken)
		wantStatus(t, w, http.StatusOK)
		rows, err := csv.NewReader(w.Body).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("csv export: %v, %v", rows, err)
		}
		var ch map[string]bool
		col := strings.Index(strings.Join(exportColumns, "\x00")+"\x00", "choices\x00")
		col = strings.Count(strings.Join(exportColumns, "\x00")[:col], "\x00")
		if err := json.Unmarshal([]byte(rows[1][col]), &ch); err != nil || !ch["marketing:youtube"] || ch["marketing"] {
			t.Errorf("csv export choices %q: %v", rows[1][col], err)
		}

		w = adminReq(s, "GET", "/v1/stats", testToken)
		wantStatus(t, w, http.StatusOK)
		var stats store.Stats
		decodeJSON(t, w, &stats)
		found := false
		for _, c := range stats.Categories {
			if c.Category == "marketing:youtube" {
				found = c.Granted == 1 && c.Denied == 0
			}
		}
		if !found {
			t.Errorf("stats do not count the YouTube grant: %+v", stats.Categories)
		}
	})
}

// Keys the version does not declare are refused with the key named, and
// nothing is stored: the server never keeps a grant it cannot show was
// offered.
func TestUndeclaredChoiceKeysAre400WithTheKeyNamed(t *testing.T) {
	s := newServer(t, sqliteStore(t), withVendorVersion(t))
	base := map[string]bool{"necessary": true, "analytics": false, "marketing": false}
	for _, tc := range []struct {
		name, version, key string
		granted            bool
		method, want       string
	}{
		{"a vendor the category does not declare", vendorVer, "marketing:linkedin", true, "custom", `declares no vendor "linkedin" in category "marketing" (declared: youtube, vimeo)`},
		{"a vendor in another category", vendorVer, "analytics:youtube", true, "custom", `declares no vendor "youtube" in category "analytics" (declared: none)`},
		{"a vendor under an unknown category", vendorVer, "video:youtube", true, "custom", `has no category "video"`},
		{"a vendor of a required category", vendorVer, "necessary:youtube", true, "custom", `category "necessary" is required`},
		{"an empty vendor", vendorVer, "marketing:", true, "custom", `vendor "": want lower-case`},
		{"an upper-case vendor", vendorVer, "marketing:YouTube", true, "custom", `vendor "YouTube"`},
		{"two colons", vendorVer, "marketing:you:tube", true, "custom", `vendor "you:tube"`},
		{"a version that declares no vendors", testVer, "marketing:youtube", true, "custom", `declares no vendor "youtube"`},
		{"a vendor granted under reject_all", vendorVer, "marketing:youtube", true, "reject_all", `method reject_all, but the optional vendor grant "marketing:youtube" is true`},
		{"a vendor refused under accept_all", vendorVer, "marketing:youtube", false, "accept_all", `method accept_all, but vendor grant "marketing:youtube" is false`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := map[string]bool{tc.key: tc.granted}
			for k, v := range base {
				ch[k] = v || tc.method == "accept_all"
			}
			ev := validEvent().with("version", tc.version).with("choices", ch).with("method", tc.method).with("event", uuid.NewString())
			w := post(s, ev.body())
			wantStatus(t, w, http.StatusBadRequest)
			var e FieldError
			decodeJSON(t, w, &e)
			if e.Field != "choices."+tc.key || !strings.Contains(e.Msg, tc.want) {
				t.Errorf("answer %+v: want field choices.%s and %q", e, tc.key, tc.want)
			}
			if recs, err := s.store.History(t.Context(), ev["id"].(string)); err != nil || len(recs) != 0 {
				t.Errorf("stored %v (%v) for a refused event", recs, err)
			}
		})
	}
}

// The store counts a vendor grant only when made; the dashboard counts
// its refusals from the choices under its category, so "marketing:youtube"
// granted once in four choices is 25 %, not 100 %.
func TestTheDashboardSharesAVendorGrantOverItsCategorysChoices(t *testing.T) {
	s := newServer(t, sqliteStore(t), nil)
	v := s.dashboard(&store.Stats{Categories: []store.CategoryStat{
		{Site: "careers", Version: vendorVer, Category: "marketing", Granted: 1, Denied: 3},
		{Site: "careers", Version: vendorVer, Category: "marketing:youtube", Granted: 1},
	}}, "en", "", "", "")
	for _, c := range v.Categories {
		if c.Category == "marketing:youtube" && (c.Denied != 3 || c.Share != percent(1, 4)) {
			t.Errorf("vendor row %+v: want 3 refused, share %v", c, percent(1, 4))
		}
	}
	if len(v.Categories) != 2 {
		t.Errorf("rows %+v", v.Categories)
	}
}
