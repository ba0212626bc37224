// Package period parses and prints ISO 8601 durations such as P6Y6M, the
// form notices use for retention periods and cookie lifetimes.
//
// Only calendar parts (years, months, weeks, days) and the time parts hours,
// minutes and seconds are accepted; fractions are not, because no retention
// schedule needs them and rejecting them keeps periods comparable.
package period

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a parsed ISO 8601 duration. The zero value is an empty period.
type Period struct {
	Years, Months, Weeks, Days int
	Hours, Minutes, Seconds    int
}

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("not an ISO 8601 duration")

// Parse reads a duration like "P6Y6M", "P2W", "PT30M" or "P1DT12H".
func Parse(s string) (Period, error) {
	var p Period
	if len(s) < 3 || s[0] != 'P' {
		return p, fmt.Errorf("%w: %q (want e.g. P6Y6M, P30D, PT1H)", ErrSyntax, s)
	}
	inTime := false
	seen := ""
	num := ""
	for _, r := range s[1:] {
		switch {
		case r >= '0' && r <= '9':
			num += string(r)
			continue
		case r == 'T':
			if inTime || num != "" {
				return Period{}, fmt.Errorf("%w: %q has a misplaced T", ErrSyntax, s)
			}
			inTime = true
			continue
		}
		if num == "" {
			return Period{}, fmt.Errorf("%w: %q has %q without a number", ErrSyntax, s, string(r))
		}
		n, err := strconv.Atoi(num)
		if err != nil || n > 1_000_000 {
			return Period{}, fmt.Errorf("%w: %q has a number out of range", ErrSyntax, s)
		}
		unit := string(r)
		if inTime {
			unit = "T" + unit
		}
		if strings.Contains(seen, unit+",") {
			return Period{}, fmt.Errorf("%w: %q repeats %s", ErrSyntax, s, string(r))
		}
		seen += unit + ","
		switch unit {
		case "Y":
			p.Years = n
		case "M":
			p.Months = n
		case "W":
			p.Weeks = n
		case "D":
			p.Days = n
		case "TH":
			p.Hours = n
		case "TM":
			p.Minutes = n
		case "TS":
			p.Seconds = n
		default:
			return Period{}, fmt.Errorf("%w: %q has an unknown unit %q", ErrSyntax, s, string(r))
		}
		num = ""
	}
	if num != "" {
		return Period{}, fmt.Errorf("%w: %q ends in a number without a unit", ErrSyntax, s)
	}
	if seen == "" || strings.HasSuffix(s, "T") {
		return Period{}, fmt.Errorf("%w: %q has no parts", ErrSyntax, s)
	}
	return p, nil
}

// MustParse is Parse for constants known to be valid.
func MustParse(s string) Period {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// IsZero reports whether the period has no parts.
func (p Period) IsZero() bool { return p == Period{} }

// String prints the canonical ISO 8601 form.
func (p Period) String() string {
	if p.IsZero() {
		return ""
	}
	var b strings.Builder
	b.WriteByte('P')
	for _, part := range []struct {
		n    int
		unit byte
	}{{p.Years, 'Y'}, {p.Months, 'M'}, {p.Weeks, 'W'}, {p.Days, 'D'}} {
		if part.n != 0 {
			b.WriteString(strconv.Itoa(part.n))
			b.WriteByte(part.unit)
		}
	}
	if p.Hours != 0 || p.Minutes != 0 || p.Seconds != 0 {
		b.WriteByte('T')
		for _, part := range []struct {
			n    int
			unit byte
		}{{p.Hours, 'H'}, {p.Minutes, 'M'}, {p.Seconds, 'S'}} {
			if part.n != 0 {
				b.WriteString(strconv.Itoa(part.n))
				b.WriteByte(part.unit)
			}
		}
	}
	return b.String()
}

// AddTo returns t moved forward by the period, calendar parts first.
func (p Period) AddTo(t time.Time) time.Time {
	t = t.AddDate(p.Years, p.Months, p.Weeks*7+p.Days)
	return t.Add(time.Duration(p.Hours)*time.Hour + time.Duration(p.Minutes)*time.Minute + time.Duration(p.Seconds)*time.Second)
}

// Before returns t minus p, by the calendar as AddTo: the cutoff of a
// retention period that ends at t.
func (p Period) Before(t time.Time) time.Time {
	return Period{-p.Years, -p.Months, -p.Weeks, -p.Days, -p.Hours, -p.Minutes, -p.Seconds}.AddTo(t)
}

// Approx is the period as a fixed duration, counting a month as 30.44 days
// and a year as 365.25; for comparisons and cookie max-age, not calendars.
func (p Period) Approx() time.Duration {
	const day = 24 * time.Hour
	d := time.Duration(p.Years)*time.Duration(365.25*float64(day)) +
		time.Duration(p.Months)*time.Duration(30.44*float64(day)) +
		time.Duration(p.Weeks*7+p.Days)*day
	return d + time.Duration(p.Hours)*time.Hour + time.Duration(p.Minutes)*time.Minute + time.Duration(p.Seconds)*time.Second
}

// ApproxDays is Approx in whole days, rounded: P6M is 183, P13M 396.
func (p Period) ApproxDays() int {
	const day = 24 * time.Hour
	return int(p.Approx().Round(day) / day)
}

// Part is one non-zero component, in order from largest to smallest.
type Part struct {
	Unit  string // year, month, week, day, hour, minute, second
	Count int
}

// Parts lists the non-zero components, largest first, so a renderer can
// spell them out in any language ("6 years and 6 months", "6 år och 6 månader").
func (p Period) Parts() []Part {
	var parts []Part
	for _, c := range []Part{{"year", p.Years}, {"month", p.Months}, {"week", p.Weeks}, {"day", p.Days}, {"hour", p.Hours}, {"minute", p.Minutes}, {"second", p.Seconds}} {
		if c.Count != 0 {
			parts = append(parts, c)
		}
	}
	return parts
}

// MarshalText implements encoding.TextMarshaler.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
