package store

import (
	"context"
	"testing"
	"time"
)

// A purge sizes its chunks to the time they take: with rows that cost
// 10 µs each to delete, chunks settle well below the size a 4 ms slice
// allows twice over, and the purge still deletes everything.
func TestPurgeChunksAreSizedToTheirTime(t *testing.T) {
	rows := int64(40_000)
	var limits []int
	total, err := purgeInSlices(context.Background(), func(_ context.Context, limit int) (int64, error) {
		limits = append(limits, limit)
		n := min(int64(limit), rows)
		rows -= n
		time.Sleep(time.Duration(n) * 10 * time.Microsecond) // what deleting n rows costs here
		return n, nil
	})
	if err != nil || total != 40_000 {
		t.Fatalf("purged %d, %v; want 40000", total, err)
	}
	// 4 ms at 10 µs a row is 400 rows; one doubling past it is allowed.
	for i, l := range limits[3:] {
		if l > 2*int(purgeSlice/(10*time.Microsecond)) {
			t.Errorf("chunk %d took %d rows (%v of work), more than twice the slice", i+3, l, time.Duration(l)*10*time.Microsecond)
		}
	}
	if len(limits) < 40_000/purgeMax {
		t.Errorf("%d chunks: the purge did not slice", len(limits))
	}
}
