package notice

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/period"
)

// valueError is a refused value with the fix that would make it right;
// the decoder files the fix as the diagnostic's own.
type valueError struct{ msg, fix string }

func (e *valueError) Error() string { return e.msg }

// periodWords are the units people write for a duration, in English and
// Swedish, and their ISO 8601 letter. Weeks become days×7 only in ISO's
// own W form.
var periodWords = map[string]string{
	"year": "Y", "years": "Y", "yr": "Y", "yrs": "Y", "år": "Y", "åren": "Y",
	"month": "M", "months": "M", "månad": "M", "månader": "M", "mån": "M",
	"week": "W", "weeks": "W", "vecka": "W", "veckor": "W",
	"day": "D", "days": "D", "dag": "D", "dagar": "D",
}

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"ett": 1, "en": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12,
}

// SuggestPeriod returns `did you mean "P6Y"?` for a duration written in
// words ("6 years", "six years and 6 months", "30 dagar"), or "" when the
// text is not one.
func SuggestPeriod(s string) string {
	fields := strings.Fields(strings.ToLower(strings.NewReplacer(",", " ", "(", " ", ")", " ").Replace(s)))
	units := map[string]int{}
	var order []string
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if f == "and" || f == "och" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			var ok bool
			if n, ok = numberWords[f]; !ok {
				return ""
			}
		}
		if i+1 >= len(fields) {
			return ""
		}
		u, ok := periodWords[fields[i+1]]
		if !ok || units[u] != 0 || n <= 0 {
			return ""
		}
		units[u] = n
		order = append(order, u)
		i++
	}
	if len(order) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("P")
	for _, u := range []string{"Y", "M", "W", "D"} {
		if units[u] > 0 {
			fmt.Fprintf(&b, "%d%s", units[u], u)
		}
	}
	if _, err := period.Parse(b.String()); err != nil {
		return ""
	}
	return fmt.Sprintf("did you mean %q?", b.String())
}

var (
	dayFirst  = regexp.MustCompile(`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$`)
	yearFirst = regexp.MustCompile(`^(\d{4})[./](\d{1,2})[./](\d{1,2})$`)
	isoLike   = regexp.MustCompile(`^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$`)
)

// dateForms is the fix for a date that is no date at all: the forms a
// notice may write.
const dateForms = "write the date as YYYY-MM-DD, e.g. 2026-04-01, or YYYY-MM for a month"

// ParseDay reads a day given on the command line as YYYY-MM-DD, with the
// advice a notice's date gets when it is not one: the ISO form it most
// likely means, or that the day is not in the calendar (2026-02-30).
func ParseDay(s string) (time.Time, error) {
	d, err := parseDate(s)
	if ve, ok := errors.AsType[*valueError](err); ok {
		fix := ve.fix
		if fix == dateForms {
			fix = "e.g. 2019-06-25" // a flag takes a day, never a month alone
		}
		return time.Time{}, fmt.Errorf("%s; %s", ve.msg, fix)
	}
	if err != nil {
		return time.Time{}, err
	}
	if d.MonthOnly {
		return time.Time{}, fmt.Errorf("found %q, want a day as YYYY-MM-DD; did you mean %q?", s, d.Time.Format(time.DateOnly))
	}
	return d.Time, nil
}

// parseDate reads YYYY-MM-DD, or YYYY-MM for a notice that gives only a
// month. Anything else is refused with the ISO form it most likely means,
// and a date that is not in the calendar (2026-02-30) is named as such.
func parseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if m := isoLike.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return Date{}, &valueError{fmt.Sprintf("found %q: there is no month %d", s, mo), "write the date as YYYY-MM-DD, e.g. 2026-04-01"}
		}
		if m[3] == "" {
			if len(m[2]) != 2 {
				return Date{}, &valueError{fmt.Sprintf("found %q, want a month as YYYY-MM", s), fmt.Sprintf("did you mean %q?", fmt.Sprintf("%04d-%02d", y, mo))}
			}
			return Date{Time: time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC), MonthOnly: true}, nil
		}
		d, _ := strconv.Atoi(m[3])
		if last := daysIn(y, mo); d < 1 || d > last {
			return Date{}, &valueError{fmt.Sprintf("found %q: %s %d has %d days, so that day does not exist", s, time.Month(mo), y, last), "check the day and the month"}
		}
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if len(m[2]) != 2 || len(m[3]) != 2 {
			return Date{}, &valueError{fmt.Sprintf("found %q, want a date as YYYY-MM-DD", s), fmt.Sprintf("did you mean %q?", t.Format("2006-01-02"))}
		}
		return Date{Time: t}, nil
	}
	fix := dateForms
	var y, mo, d int
	if m := dayFirst.FindStringSubmatch(s); m != nil {
		// Day first, as the UK and Sweden write dates by hand.
		d, _ = strconv.Atoi(m[1])
		mo, _ = strconv.Atoi(m[2])
		y, _ = strconv.Atoi(m[3])
	} else if m := yearFirst.FindStringSubmatch(s); m != nil {
		y, _ = strconv.Atoi(m[1])
		mo, _ = strconv.Atoi(m[2])
		d, _ = strconv.Atoi(m[3])
	}
	if y > 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) {
		fix = fmt.Sprintf("did you mean %q?", fmt.Sprintf("%04d-%02d-%02d", y, mo, d))
	}
	return Date{}, &valueError{fmt.Sprintf("found %q, want a date as YYYY-MM-DD", s), fix}
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// keyHomes maps each front matter key to the paths of the tables that
// have it (controller, purposes[], …), for a key written at the wrong
// level.
var keyHomes = sync.OnceValue(func() map[string][]string {
	homes := map[string][]string{}
	var walk func(prefix string, t reflect.Type, seen map[reflect.Type]bool)
	walk = func(prefix string, t reflect.Type, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for _, f := range fieldsOf(t).list {
			if prefix != "" {
				homes[f.name] = append(homes[f.name], prefix)
			}
			ft := t.Field(f.index).Type
			suffix := ""
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				if ft.Kind() == reflect.Slice {
					suffix = "[]"
				}
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != authorityRefType && len(fieldsOf(ft).list) > 0 {
				p := f.name + suffix
				if prefix != "" {
					p = prefix + "." + p
				}
				walk(p, ft, seen)
			}
		}
	}
	walk("", reflect.TypeFor[Notice](), map[reflect.Type]bool{})
	return homes
})

// suggestKey is the fix for an unknown key k in a table with the given
// keys: a close key of the same table, else the tables where k belongs.
func suggestKey(k string, here []string) string {
	if s := diag.Suggest(k, here); s != "" {
		return s
	}
	homes := keyHomes()[k]
	switch {
	case len(homes) == 0:
		return ""
	case len(homes) > 4:
		homes = append(homes[:4:4], "…")
	}
	return fmt.Sprintf("%q is a key of %s: move it into that table", k, strings.Join(homes, ", "))
}
