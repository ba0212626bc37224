package period

import (
	"errors"
	"testing"
	"time"
)

func TestParseAcceptsISO8601AndPrintsItBack(t *testing.T) {
	for _, s := range []string{"P6Y6M", "P6M", "P13M", "P2W", "P30D", "PT1H", "P1DT12H30M5S", "P1Y2M3W4DT5H6M7S"} {
		p, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if got := p.String(); got != s {
			t.Errorf("Parse(%q).String() = %q", s, got)
		}
	}
}

func TestParseRejectsMalformedDurations(t *testing.T) {
	for _, s := range []string{"", "P", "PT", "6Y", "P6", "PY", "P6Y6Y", "P1.5Y", "P-1Y", "P6X", "PT6Y", "P1T", "p6y", "P99999999Y"} {
		if _, err := Parse(s); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want ErrSyntax", s, err)
		}
	}
}

func TestAddToUsesTheCalendar(t *testing.T) {
	start := time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	got := MustParse("P1Y1M").AddTo(start)
	want := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC) // Feb 31 2025 normalises to Mar 3
	if !got.Equal(want) {
		t.Fatalf("AddTo = %v, want %v", got, want)
	}
}

func TestBeforeUsesTheCalendar(t *testing.T) {
	end := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	got := MustParse("P1MT2H").Before(end)
	want := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC) // Feb 31 normalises to Mar 3
	if !got.Equal(want) {
		t.Fatalf("Before = %v, want %v", got, want)
	}
}

func TestPartsListsNonZeroUnitsLargestFirst(t *testing.T) {
	parts := MustParse("P6Y6M").Parts()
	if len(parts) != 2 || parts[0] != (Part{"year", 6}) || parts[1] != (Part{"month", 6}) {
		t.Fatalf("Parts = %v", parts)
	}
	if MustParse("P13M").Approx() <= MustParse("P1Y").Approx() {
		t.Fatal("P13M should be longer than P1Y")
	}
}

// The banner counts validity in days: the consent wire's P6M and P13M
// are 183 and 396, the limits it always had.
func TestApproxDays(t *testing.T) {
	for s, want := range map[string]int{"P6M": 183, "P13M": 396, "P1D": 1, "PT12H": 1, "P1Y": 365} {
		if got := MustParse(s).ApproxDays(); got != want {
			t.Errorf("%s: %d days, want %d", s, got, want)
		}
	}
}
