package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/notis-dev/notis/internal/testenv"
)

// changesVsSeed is content/ORG/changes-vs-seed.toml: for each change-log
// entry of the folder's notices, what the source notice said and what the
// notice says now.
type changesVsSeed struct {
	Seed   string `toml:"seed"`
	Change []struct {
		Notice   string `toml:"notice"`
		Entry    int    `toml:"entry"` // 1-based position in the change log
		SeedSays string `toml:"seed_says"`
		PageSays string `toml:"page_says"`
	} `toml:"change"`
}

// flat lower-cases s and folds its white space, so quotes match across
// line breaks and typographic variants of the same dash and quote marks.
func flat(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "–", "-", "—", "-").Replace(s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// withoutChangeLog is a notice file less its change log, so a quote the
// change log makes cannot stand in for what the notice says.
func withoutChangeLog(src string) string {
	for _, start := range []string{"\nchanges:", "\n[[changes]]"} {
		if i := strings.Index(src, start); i >= 0 {
			rest := src[i+1:]
			end := len(rest)
			for _, fence := range []string{"\n---", "\n+++"} {
				if j := strings.Index(rest, fence); j >= 0 && j < end {
					end = j
				}
			}
			return src[:i] + rest[end:]
		}
	}
	return src
}

// Every change-log entry of the example site names something that differs
// from its seed: what the seed said is in the seed, what the notice says
// instead is in the notice (outside its change log) and not in the seed.
// Translations keep as many entries as the notice they translate.
func TestExampleChangeLogsNameWhatDiffersFromTheSeed(t *testing.T) {
	s, seeds := exampleSiteAndSeeds(t)
	lists := map[string]*changesVsSeed{}
	for _, n := range s.Notices() {
		org := filepath.Base(filepath.Dir(n.File))
		if len(n.Changes) == 0 {
			continue
		}
		if n.Lang != s.Config.DefaultLanguage {
			if base := s.ByID[n.ID][s.Config.DefaultLanguage]; base != nil && len(base.Changes) != len(n.Changes) {
				t.Errorf("%s has %d change-log entries, its %s original %d", n.File, len(n.Changes), base.Lang, len(base.Changes))
			}
			continue
		}
		list := lists[org]
		if list == nil {
			b, err := os.ReadFile(filepath.Join(s.Dir, filepath.Dir(n.File), "changes-vs-seed.toml"))
			if err != nil {
				t.Errorf("%s has a change log but its folder no changes-vs-seed.toml: %v", n.File, err)
				continue
			}
			list = new(changesVsSeed)
			if err := toml.Unmarshal(b, list); err != nil {
				t.Fatalf("%s/changes-vs-seed.toml: %v", org, err)
			}
			lists[org] = list
		}
		seed, err := os.ReadFile(filepath.Join(seeds, list.Seed))
		if err != nil {
			t.Fatalf("%s/changes-vs-seed.toml: seed: %v", org, err)
		}
		src, err := os.ReadFile(filepath.Join(s.Dir, n.File))
		if err != nil {
			t.Fatal(err)
		}
		seedText, page := flat(string(seed)), flat(withoutChangeLog(string(src)))
		for i := range n.Changes {
			found := 0
			for _, c := range list.Change {
				if c.Notice != filepath.Base(n.File) || c.Entry != i+1 {
					continue
				}
				found++
				if c.SeedSays != "" && !strings.Contains(seedText, flat(c.SeedSays)) {
					t.Errorf("%s change %d: the seed %s does not say %q", n.File, i+1, list.Seed, c.SeedSays)
				}
				if c.PageSays == "" || !strings.Contains(page, flat(c.PageSays)) {
					t.Errorf("%s change %d: the notice does not say %q outside its change log", n.File, i+1, c.PageSays)
				}
				if strings.Contains(seedText, flat(c.PageSays)) {
					t.Errorf("%s change %d: %q is what the seed already says: no change", n.File, i+1, c.PageSays)
				}
			}
			if found != 1 {
				t.Errorf("%s change %d (%.60q…): %d records in %s/changes-vs-seed.toml, want 1", n.File, i+1, n.Changes[i].Summary, found, org)
			}
		}
	}
	// Every organisation's change log is checked (issue 15, item 5).
	if len(lists) != 5 {
		t.Fatalf("%d organisations' change logs checked, want the example site's 5", len(lists))
	}
}

// exampleSiteAndSeeds loads the example site and finds the folder of the
// real notices it was written from (shared/seeds, beside the repository).
func exampleSiteAndSeeds(t *testing.T) (*Site, string) {
	t.Helper()
	seeds := filepath.Join("..", "..", "..", "shared", "seeds")
	if _, err := os.Stat(seeds); err != nil {
		testenv.Missing(t, "the seeds of the example site are not beside the repository: "+err.Error())
	}
	s, err := Load(filepath.Join("..", ".."), "")
	if err != nil {
		t.Fatal(err)
	}
	return s, seeds
}
