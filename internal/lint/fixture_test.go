package lint

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
)

// Fixtures: testdata/rules/RULE.txtar holds, for each rule, one or more
// notice files that break it (named fail*.md or fail/NAME.md) and one or
// more that keep it (pass…). Lines before the first file are settings:
// "as-of: YYYY-MM-DD", "decode-errors: allowed" and "languages: en, sv"
// (the site's languages, Options.Languages). A file dated/NAME is the
// version of NAME that set its date, as the site's git history has it
// (Options.Dated).

// fixtureAsOf is the day rule fixtures are judged on, so they do not age.
var fixtureAsOf = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

var langs = content.Languages{Codes: []string{"en", "sv"}, Default: "en"}

type archiveFile struct {
	Name string
	Data string
}

type archive struct {
	Comment string
	Files   []archiveFile
}

// parseArchive reads the txtar format: "-- name --" lines start files.
func parseArchive(data string) archive {
	var a archive
	var cur *archiveFile
	for line := range strings.Lines(data) {
		t := strings.TrimRight(line, "\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) > 6 {
			a.Files = append(a.Files, archiveFile{Name: strings.TrimSpace(t[3 : len(t)-3])})
			cur = &a.Files[len(a.Files)-1]
			continue
		}
		if cur == nil {
			a.Comment += line
		} else {
			cur.Data += line
		}
	}
	return a
}

func (a archive) setting(key string) string {
	for line := range strings.Lines(a.Comment) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// fixture is one rule's archive, parsed into notices.
type fixture struct {
	Rule       string
	Archive    archive
	Fail, Pass []*notice.Notice
	AsOf       time.Time
	Languages  []string
	Dated      map[string]*notice.Notice // by the file name of the notice it dates
}

// options are the lint options the fixture asks for.
func (f fixture) options() Options {
	opts := Options{AsOf: f.AsOf, Languages: f.Languages}
	if f.Dated != nil {
		opts.Dated = func(file string) (*notice.Notice, string) { return f.Dated[file], "0123abc (fixture)" }
	}
	return opts
}

func loadFixture(t *testing.T, path string) fixture {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a := parseArchive(string(data))
	f := fixture{Rule: strings.TrimSuffix(filepath.Base(path), ".txtar"), Archive: a, AsOf: fixtureAsOf}
	if s := a.setting("as-of"); s != "" {
		if f.AsOf, err = time.Parse("2006-01-02", s); err != nil {
			t.Fatalf("%s: as-of: %v", path, err)
		}
	}
	if l := a.setting("languages"); l != "" {
		for _, code := range strings.Split(l, ",") {
			f.Languages = append(f.Languages, strings.TrimSpace(code))
		}
	}
	allowErrors := a.setting("decode-errors") == "allowed"
	for _, file := range a.Files {
		name := filepath.Join("testdata", "rules", f.Rule, file.Name)
		p, err := content.Parse(name, []byte(file.Data), langs)
		if p == nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err != nil && !allowErrors {
			t.Fatalf("%s does not decode:\n%v", name, err)
		}
		switch {
		case strings.HasPrefix(file.Name, "dated/"):
			if f.Dated == nil {
				f.Dated = map[string]*notice.Notice{}
			}
			f.Dated[filepath.Join("testdata", "rules", f.Rule, strings.TrimPrefix(file.Name, "dated/"))] = p.Notice
		case strings.HasPrefix(file.Name, "fail"):
			f.Fail = append(f.Fail, p.Notice)
		case strings.HasPrefix(file.Name, "pass"):
			f.Pass = append(f.Pass, p.Notice)
		default:
			t.Fatalf("%s: file %q: name it fail… or pass…", path, file.Name)
		}
	}
	return f
}

func rulesOf(fs []Finding) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Rule)
	}
	return ids
}

func TestRuleIDsAreUniqueAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("rule %s registered twice", r.ID)
		}
		seen[r.ID] = true
		if r.Summary == "" || len(r.Articles) == 0 || r.Check == nil {
			t.Errorf("rule %s lacks a summary, articles or a check", r.ID)
		}
	}
}

func TestEveryRuleHasAFailingAndAPassingFixture(t *testing.T) {
	for _, r := range Rules() {
		path := filepath.Join("testdata", "rules", r.ID+".txtar")
		if _, err := os.Stat(path); err != nil {
			t.Errorf("rule %s has no fixture %s", r.ID, path)
			continue
		}
		f := loadFixture(t, path)
		if len(f.Fail) == 0 || len(f.Pass) == 0 {
			t.Errorf("%s: want at least one fail and one pass file", path)
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "rules", "*.txtar"))
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".txtar")
		if _, ok := Lookup(id); !ok {
			t.Errorf("%s is a fixture for no rule", f)
		}
	}
}

func TestEachRuleReportsItsFailingFixtureAndNotItsPassingOne(t *testing.T) {
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			path := filepath.Join("testdata", "rules", r.ID+".txtar")
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				t.Skip("no fixture (reported by TestEveryRuleHasAFailingAndAPassingFixture)")
			}
			f := loadFixture(t, path)
			opts := f.options()
			got := Check(f.Fail, opts)
			if !slices.Contains(rulesOf(got), r.ID) {
				t.Errorf("fail fixture: %s not reported; got %v", r.ID, rulesOf(got))
			}
			// Each failing file, not just one of them; translations of one
			// notice fail together (the reference is not reported).
			for _, n := range f.Fail {
				translated := slices.ContainsFunc(f.Fail, func(o *notice.Notice) bool { return o != n && o.ID == n.ID })
				if !translated && !slices.ContainsFunc(got, func(fd Finding) bool { return fd.Rule == r.ID && fd.Pos.File == n.File }) {
					t.Errorf("fail fixture %s: %s not reported", n.File, r.ID)
				}
			}
			for _, fd := range got {
				if fd.Rule != r.ID {
					continue
				}
				if fd.Pos.Line == 0 || fd.Pos.File == "" {
					t.Errorf("finding has no position: %+v", fd)
				}
				named := slices.ContainsFunc(f.Fail, func(n *notice.Notice) bool { return n.ID == fd.Notice }) && strings.Contains(fd.Message, fd.Notice)
				if !named || fd.Fix == "" || len(fd.Articles) == 0 {
					t.Errorf("finding does not name the notice, the fix and an article: %+v", fd)
				}
			}
			if got := Check(f.Pass, opts); slices.Contains(rulesOf(got), r.ID) {
				var msgs []string
				for _, fd := range got {
					if fd.Rule == r.ID {
						msgs = append(msgs, fd.Pos.String()+": "+fd.Message)
					}
				}
				t.Errorf("pass fixture: %s reported:\n%s", r.ID, strings.Join(msgs, "\n"))
			}
		})
	}
}
