package store

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The statistics come from two daily rollup tables that every insert,
// erasure and purge keeps up to date in its own transaction, so
// /v1/stats reads a few rows per day, not every record: its time depends
// on the days asked for, not on how many records they hold.
//
//	stats_daily         (day, site, version, method, lang, gpc) → count
//	stats_daily_choices (day, site, version, category) → granted, denied
//
// day is the UTC date as YYYY-MM-DD. The tables count the records the
// store holds: an erasure or a purge subtracts what it deletes.

type eventKey struct {
	day, site, version, method, lang string
	gpc                              bool
}

type choiceKey struct {
	day, site, version, category string
}

// rollup is what one transaction adds to (or takes from) the tables.
type rollup struct {
	events  map[eventKey]int64
	choices map[choiceKey][2]int64 // granted, denied
}

func newRollup() *rollup {
	return &rollup{events: map[eventKey]int64{}, choices: map[choiceKey][2]int64{}}
}

func statsDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// add counts r once, with sign +1 (stored) or -1 (deleted).
func (ru *rollup) add(r *Record, sign int64) {
	day := statsDay(r.ReceivedAt)
	ru.events[eventKey{day, r.Site, r.Version, r.Method, r.Lang, r.GPC}] += sign
	for cat, granted := range r.Choices {
		k := choiceKey{day, r.Site, r.Version, cat}
		c := ru.choices[k]
		if granted {
			c[0] += sign
		} else {
			c[1] += sign
		}
		ru.choices[k] = c
	}
}

// rollupRows is how many rows one upsert statement carries.
const rollupRows = 100

// statements returns the upserts that apply the rollup, with their
// arguments, in one order (sorted keys) so that concurrent writers
// (PostgreSQL instances) take row locks in the same order and cannot
// deadlock. placeholder(i) spells the i-th parameter (1-based); gpc
// converts the flag to the column's type.
func (ru *rollup) statements(placeholder func(int) string, gpc func(bool) any) (stmts []string, args [][]any) {
	events := make([]eventKey, 0, len(ru.events))
	for k, n := range ru.events {
		if n != 0 {
			events = append(events, k)
		}
	}
	slices.SortFunc(events, func(a, b eventKey) int {
		return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.site, b.site), cmp.Compare(a.version, b.version),
			cmp.Compare(a.method, b.method), cmp.Compare(a.lang, b.lang), cmp.Compare(fmt.Sprint(a.gpc), fmt.Sprint(b.gpc)))
	})
	for chunk := range slices.Chunk(events, rollupRows) {
		var a []any
		for _, k := range chunk {
			a = append(a, k.day, k.site, k.version, k.method, k.lang, gpc(k.gpc), ru.events[k])
		}
		stmts = append(stmts, upsertSQL("stats_daily", "day, site, version, method, lang, gpc, count", 7, len(chunk), placeholder,
			"day, site, version, method, lang, gpc", "count = stats_daily.count + excluded.count"))
		args = append(args, a)
	}
	choices := make([]choiceKey, 0, len(ru.choices))
	for k, c := range ru.choices {
		if c != [2]int64{} {
			choices = append(choices, k)
		}
	}
	slices.SortFunc(choices, func(a, b choiceKey) int {
		return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.site, b.site), cmp.Compare(a.version, b.version), cmp.Compare(a.category, b.category))
	})
	for chunk := range slices.Chunk(choices, rollupRows) {
		var a []any
		for _, k := range chunk {
			c := ru.choices[k]
			a = append(a, k.day, k.site, k.version, k.category, c[0], c[1])
		}
		stmts = append(stmts, upsertSQL("stats_daily_choices", "day, site, version, category, granted, denied", 6, len(chunk), placeholder,
			"day, site, version, category", "granted = stats_daily_choices.granted + excluded.granted, denied = stats_daily_choices.denied + excluded.denied"))
		args = append(args, a)
	}
	return stmts, args
}

func upsertSQL(table, cols string, ncols, rows int, placeholder func(int) string, key, update string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, cols)
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range ncols {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteString(placeholder(r*ncols + c + 1))
		}
		b.WriteByte(')')
	}
	fmt.Fprintf(&b, " ON CONFLICT (%s) DO UPDATE SET %s", key, update)
	return b.String()
}

// statsDays turns a filter into the whole UTC days the rollup can
// answer: since rounded down to its day, until rounded up. The answer
// says which range it counted.
func statsDays(f Filter) (since, until string) {
	since, until = "0000-00-00", "9999-99-99"
	if !f.Since.IsZero() {
		since = statsDay(f.Since)
	}
	if !f.Until.IsZero() {
		u := f.Until.UTC()
		day := u.Truncate(24 * time.Hour)
		if !day.Equal(u) {
			day = day.Add(24 * time.Hour)
		}
		until = statsDay(day)
	}
	return since, until
}

// dayStart is the start of a statsDays day, the open bounds mapped to
// the first and last days a time can name.
func dayStart(day string) time.Time {
	if t, err := time.Parse(time.DateOnly, day); err == nil {
		return t
	}
	if strings.HasPrefix(day, "0000") {
		return time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
}
