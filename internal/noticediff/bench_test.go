package noticediff_test

import (
	"testing"

	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/noticediff"
	"github.com/notis-dev/notis/internal/period"
)

// BenchmarkCompare is one version step of a notice with a change in every
// section and one word of prose: what a history of N versions costs N times.
func BenchmarkCompare(b *testing.B) {
	old, new := base(), base()
	new.Retention[0].Period = period.MustParse("P12M")
	new.Recipients[0].Country = "Brazil"
	new.Origin = notice.HeldBody("We keep your application for twelve months.\n")
	for b.Loop() {
		noticediff.Compare(old, new)
	}
}
