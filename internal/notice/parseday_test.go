package notice

import (
	"testing"
	"time"
)

func TestParseDayGivesTheAdviceANoticesDateGets(t *testing.T) {
	for in, want := range map[string]string{
		"2026-02-30": `found "2026-02-30": February 2026 has 28 days, so that day does not exist; check the day and the month`,
		"22/11/2026": `found "22/11/2026", want a date as YYYY-MM-DD; did you mean "2026-11-22"?`,
		"2026-11":    `found "2026-11", want a day as YYYY-MM-DD; did you mean "2026-11-01"?`,
		"yesterday":  `found "yesterday", want a date as YYYY-MM-DD; e.g. 2019-06-25`,
	} {
		if _, err := ParseDay(in); err == nil || err.Error() != want {
			t.Errorf("ParseDay(%q): %v, want %q", in, err, want)
		}
	}
	if d, err := ParseDay("2019-06-25"); err != nil || d.Format(time.DateOnly) != "2019-06-25" {
		t.Errorf("ParseDay(2019-06-25) = %v, %v", d, err)
	}
}
