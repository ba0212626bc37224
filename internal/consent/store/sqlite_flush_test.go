package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestAFailedFlushStopsTheStore: after an fsync error the kernel may have
// dropped the dirty pages, so the store must not answer anything as stored
// again until it is reopened (and SQLite recovers from what is on disk).
func TestAFailedFlushStopsTheStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "consent.db")
	s, err := OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	rec := Record{EventID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", ConsentID: "2b7e151d-7425-40de-944b-e07fc1f90ae7",
		ReceivedAt: time.Now(), Choices: map[string]bool{"necessary": true}}
	if _, err := s.InsertUnflushed(context.Background(), []Record{rec}); err != nil {
		t.Fatal(err)
	}
	s.walMu.Lock()
	s.wal.Close() // the next fdatasync fails with EBADF
	s.walMu.Unlock()
	if err := s.Flush(); err == nil {
		t.Fatal("Flush on a closed WAL file succeeded")
	}
	s.walMu.Lock()
	s.wal = nil // a reopened WAL file must not make the store usable again
	s.walMu.Unlock()
	if err := s.Flush(); err == nil {
		t.Error("a second Flush succeeded after a failed one")
	}
	if _, err := s.Insert(context.Background(), []Record{rec}); err == nil {
		t.Error("Insert succeeded after a failed flush")
	}
	if err := s.Ping(context.Background()); err == nil {
		t.Error("Ping succeeded after a failed flush: /readyz would keep sending traffic")
	}
	s.Close()

	s, err = OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.Insert(context.Background(), []Record{rec})
	if err != nil {
		t.Fatalf("a reopened store: %v", err)
	}
	if !res[0].Duplicate {
		t.Error("the reopened store lost the record committed before the failed flush")
	}
}
