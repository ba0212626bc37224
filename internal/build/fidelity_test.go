package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/pelletier/go-toml/v2"

	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/site"
)

// bare keeps only letters, digits, @ and + of s, lower-cased, so a seed's
// "University Park\nNottingham, NG7 2RD" and a notice's "University Park,
// Nottingham, NG7 2RD" compare equal.
func bare(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		case r == '@' || r == '+':
			return r
		}
		return -1
	}, s)
}

// phone writes a UK number given in international form as the seeds
// write it: "+447967205099" → "07967205099" ("+44 (0) 115…" keeps its 0).
func phone(b string) string {
	if rest, ok := strings.CutPrefix(b, "+44"); ok && !strings.HasPrefix(rest, "0") {
		return "0" + rest
	}
	return b
}

// safeguardWords are what a seed says when it names each safeguard.
var safeguardWords = map[notice.Safeguard][]string{
	"adequacy":         {"adequa", "adekvat"},
	"scc":              {"standard contractual clauses", "model clauses", "specific contracts", "standardavtalsklausul"},
	"scc_2010":         {"standard contractual clauses", "model clauses", "standardavtalsklausul"},
	"uk_idta":          {"international data transfer agreement", "idta"},
	"uk_addendum":      {"addendum"},
	"dpf":              {"data privacy framework"},
	"uk_dpf_extension": {"data privacy framework", "uk extension"},
	"bcr":              {"binding corporate rules"},
	"code_of_conduct":  {"code of conduct", "codes of conduct"},
	"certification":    {"certification"},
	"privacy_shield":   {"privacy shield"},
	"derogation":       {"necessary for", "explicit consent"},
}

// countryWords are a seed's other names for a destination.
var countryWords = map[string][]string{
	"united states": {"united states", "usa", "us-based", "u.s."},
	"usa":           {"united states", "usa", "us-based", "u.s."},
	"eea":           {"eea", "european economic area", "europe"},
	"china":         {"china", "ningbo"},
	"malaysia":      {"malaysia"},
	"irland":        {"ireland"},
	"ees":           {"eea"},
}

// The example site states only what its seeds state (issue 15, item 5):
// every cookie it names, every transfer's country and safeguard, a data
// protection officer and every contact detail of a controller, DPO or
// rights contact is in the organisation's seed, or is a correction the
// notice's change log documents. The banner's own cookie, notis_consent, is the one
// name notis adds: the correction that asks for consent sets it.
func TestExampleSiteNamesOnlyWhatItsSeedsName(t *testing.T) {
	s, seeds := exampleSiteAndSeeds(t)
	seedOf := map[string]string{} // organisation → its seed's text
	checked := 0
	for _, n := range s.Notices() {
		org := site.Folder(n.File)
		if _, ok := seedOf[org]; !ok {
			var list changesVsSeed
			b, err := os.ReadFile(filepath.Join(s.Dir, "content", org, "changes-vs-seed.toml"))
			if err != nil {
				t.Fatalf("%s: %v (it names the organisation's seed)", org, err)
			}
			if err := toml.Unmarshal(b, &list); err != nil {
				t.Fatalf("%s/changes-vs-seed.toml: %v", org, err)
			}
			seed, err := os.ReadFile(filepath.Join(seeds, list.Seed))
			if err != nil {
				t.Fatal(err)
			}
			seedOf[org] = string(seed)
		}
		// What the seed says, or a correction the notice's change log
		// documents.
		var log strings.Builder
		for _, c := range n.Changes {
			log.WriteString(c.Summary + "\n")
		}
		seed := seedOf[org] + "\n" + log.String()
		says := func(what, v string) {
			checked++
			if v != "" && !strings.Contains(bare(seed), phone(bare(v))) {
				t.Errorf("%s: %s %q is not in its seed", n.File, what, v)
			}
		}
		saysOneOf := func(what, v string, words []string) {
			checked++
			for _, w := range words {
				if strings.Contains(strings.ToLower(seed), w) {
					return
				}
			}
			t.Errorf("%s: %s %q: neither its seed nor its change log says any of %q", n.File, what, v, words)
		}
		for _, c := range n.Cookies {
			checked++
			// Names as they are: bare("_ga") would be found in any text.
			if c.Name != "" && c.Name != "notis_consent" && !strings.Contains(seed, c.Name) {
				t.Errorf("%s: cookie %q is not in its seed", n.File, c.Name)
			}
		}
		var transfers []notice.Transfer
		if n.Transfers != nil {
			transfers = *n.Transfers
		}
		for _, tr := range transfers {
			if tr.To != "" {
				to := strings.ToLower(tr.To)
				saysOneOf("transfer to", tr.To, append([]string{to}, countryWords[to]...))
			}
			if tr.Safeguard != "" {
				saysOneOf("safeguard", string(tr.Safeguard), safeguardWords[tr.Safeguard])
			}
		}
		c := n.Controller
		says("controller email", string(c.Email))
		says("controller phone", c.Phone)
		says("controller address", c.Address)
		if d := n.DPO; d != nil {
			saysOneOf("a data protection officer", d.Name, []string{"data protection officer", "dpo", "dataskyddsombud"})
			says("DPO email", string(d.Email))
			says("DPO phone", d.Phone)
			says("DPO address", d.Address)
		}
		says("rights email", string(n.Rights.Email))
		says("rights address", n.Rights.Address)
	}
	if checked < 50 {
		t.Fatalf("only %d facts checked: the test looked at too little", checked)
	}
}
