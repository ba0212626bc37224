package noticediff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/i18n"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/period"
)

// Sentences returns each change as one plain sentence in the reader's
// language, in the order of Changes: "Applications: kept 6 months → 12
// months", "Recruitment: now based on your consent instead of our
// legitimate interests". A sentence whose strings are missing (a site's
// own i18n files can lack them only if it removes them) reads as the
// change's kind, never as nothing.
func (d *Diff) Sentences(b *i18n.Bundle, lang string) []string {
	out := make([]string, len(d.Changes))
	for i, ch := range d.Changes {
		s, err := Sentence(b, lang, ch)
		if err != nil {
			s = ch.Kind
		}
		out[i] = s
	}
	return out
}

// Sentence spells one change in a language.
func Sentence(b *i18n.Bundle, lang string, ch Change) (string, error) {
	k, ok := kinds[ch.Kind]
	if !ok {
		return "", fmt.Errorf("noticediff: unknown change kind %q", ch.Kind)
	}
	key := "diff.change." + ch.Kind
	switch {
	case k.forms&formStated != 0 && ch.Old == "" && ch.New != "":
		key += "_stated"
	case k.forms&formUnstated != 0 && ch.New == "" && ch.Old != "":
		key += "_unstated"
	}
	subject, err := spell(b, lang, k.subject, ch.Subject)
	if err != nil {
		return "", err
	}
	old, err := spell(b, lang, k.values, ch.Old)
	if err != nil {
		return "", err
	}
	nw, err := spell(b, lang, k.values, ch.New)
	if err != nil {
		return "", err
	}
	return b.T(lang, key, "subject", subject, "old", old, "new", nw)
}

// spell writes a value for a reader; "" stays "" (the sentence's form
// already says it is not stated).
func spell(b *i18n.Bundle, lang string, f format, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	each := func(key func(string) (string, error)) (string, error) {
		var words []string
		for _, c := range strings.Split(v, ", ") {
			w, err := key(c)
			if err != nil {
				return "", err
			}
			words = append(words, w)
		}
		return b.List(lang, words)
	}
	t := func(key string, args ...any) (string, error) { return b.T(lang, key, args...) }
	switch f {
	case bases:
		return each(func(c string) (string, error) { return t("diff.basis." + c) })
	case art9Codes:
		return each(func(c string) (string, error) { return t("data.art9_code", "code", c) })
	case safeguard:
		if pt, ok := strings.CutPrefix(v, "derogation "); ok {
			art, err := t("basis.cite", "article", pt)
			if err != nil {
				return "", err
			}
			return t("safeguard.derogation", "article", art)
		}
		return t("safeguard." + v)
	case role:
		return t("diff.role." + v)
	case duration:
		p, err := period.Parse(v)
		if err != nil {
			return "", err
		}
		return b.Period(lang, p)
	case cookieLife:
		if v == "session" {
			return t("diff.value.session")
		}
		return spell(b, lang, duration, v)
	case cookieCat:
		if key := "category." + v + ".label"; b.Has(lang, key) {
			return t(key)
		}
		return v, nil
	case authority:
		if key := "authority_in_sentence." + v; b.Has(lang, key) {
			return t(key)
		}
		if a, ok := notice.Authorities[v]; ok {
			return a.NameIn(lang), nil
		}
		return v, nil // a custom authority's name, as the notice wrote it
	case public, yesNo:
		return t("diff.value." + v)
	case right:
		return t("diff.right." + v)
	case field:
		return t("diff.field." + v)
	}
	return v, nil
}

// summaryLen is how many sentences a one-line summary quotes.
const summaryLen = 2

// Summary is one line for version lists and feeds: the first changes,
// material ones first, and how many more; or that only the wording
// changed, or nothing did; or that this is the first version, or the
// notice was withdrawn.
func (d *Diff) Summary(b *i18n.Bundle, lang string) string {
	s, err := d.summary(b, lang)
	if err != nil {
		return strings.Join(d.kindsList(), ", ")
	}
	return s
}

func (d *Diff) summary(b *i18n.Bundle, lang string) (string, error) {
	switch {
	case d.Added:
		return b.T(lang, "diff.summary.first")
	case d.Removed:
		return b.T(lang, "diff.summary.removed")
	}
	if len(d.Changes) == 0 {
		if d.ProseChanged() {
			return b.T(lang, "diff.summary.prose")
		}
		return b.T(lang, "diff.summary.none")
	}
	order := slices.Clone(d.Changes)
	slices.SortStableFunc(order, func(x, y Change) int {
		switch {
		case x.Material == y.Material:
			return 0
		case x.Material:
			return -1
		}
		return 1
	})
	var parts []string
	for _, ch := range order[:min(summaryLen, len(order))] {
		s, err := Sentence(b, lang, ch)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	line := strings.Join(parts, "; ")
	if more := len(order) - len(parts); more > 0 {
		key := "diff.summary.more.other"
		if more == 1 {
			key = "diff.summary.more.one"
		}
		m, err := b.T(lang, key, "n", more)
		if err != nil {
			return "", err
		}
		line += "; " + m
	}
	if d.ProseChanged() {
		p, err := b.T(lang, "diff.summary.and_prose")
		if err != nil {
			return "", err
		}
		line += "; " + p
	}
	return line, nil
}

func (d *Diff) kindsList() []string {
	var out []string
	for _, ch := range d.Changes {
		out = append(out, ch.Kind)
	}
	return out
}
