package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
)

// A purge sizes its chunks to the time they take: with rows that cost
// 10 µs each to delete, chunks settle well below the size a 2 ms slice
// allows twice over, and the purge still deletes everything.
func TestPurgeChunksAreSizedToTheirTime(t *testing.T) {
	rows := int64(40_000)
	var limits []int
	total, err := purgeInSlices(context.Background(), PurgeSlice, 1, func(_ context.Context, limit int) (int64, error) {
		limits = append(limits, limit)
		n := min(int64(limit), rows)
		rows -= n
		time.Sleep(time.Duration(n) * 10 * time.Microsecond) // what deleting n rows costs here
		return n, nil
	})
	if err != nil || total != 40_000 {
		t.Fatalf("purged %d, %v; want 40000", total, err)
	}
	// 2 ms at 10 µs a row is 200 rows; one doubling past it is allowed.
	for i, l := range limits[3:] {
		if l > 2*int(PurgeSlice/(10*time.Microsecond)) {
			t.Errorf("chunk %d took %d rows (%v of work), more than twice the slice", i+3, l, time.Duration(l)*10*time.Microsecond)
		}
	}
	if len(limits) < 40_000/purgeMax {
		t.Errorf("%d chunks: the purge did not slice", len(limits))
	}
}

// /v1/stats reads the rollups, whose size depends on the days and the
// kinds of events, not on the number of records: 20,000 records of one
// kind on one day are one row.
func TestTheStatsRollupGrowsWithDaysNotRecords(t *testing.T) {
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "consent.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for range 4 {
		batch := make([]Record, 5000)
		for i := range batch {
			batch[i] = Record{EventID: uuid.NewString(), ConsentID: uuid.NewString(), ReceivedAt: day.Add(time.Duration(i) * time.Second),
				Site: "careers", Version: "v1", Lang: "en", Method: "custom", Choices: map[string]bool{"necessary": true, "analytics": i%2 == 0}}
		}
		if _, err := s.Insert(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	var events, choices int
	if err := s.reader.QueryRow(`SELECT (SELECT count(*) FROM stats_daily), (SELECT count(*) FROM stats_daily_choices)`).Scan(&events, &choices); err != nil {
		t.Fatal(err)
	}
	if events != 1 || choices != 2 {
		t.Errorf("20,000 records of one kind on one day left %d event rows and %d choice rows in the rollups, want 1 and 2", events, choices)
	}
	st, err := s.Stats(context.Background(), Filter{})
	if err != nil || st.Total != 20_000 || st.Categories[0].Granted != 10_000 {
		t.Errorf("stats = %+v, %v", st, err)
	}
}
