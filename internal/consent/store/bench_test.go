package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consent/store"
)

// BenchmarkSQLiteInsertBatch32 is the store's share of a group commit:
// one 32-record transaction, synchronous=FULL. ns/op is per batch.
func BenchmarkSQLiteInsertBatch32(b *testing.B) {
	s, err := store.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "c.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchInsert(b, s, 32)
}

// BenchmarkPostgresInsertBatch32 is the same against a real PostgreSQL.
func BenchmarkPostgresInsertBatch32(b *testing.B) {
	s, err := store.Open(context.Background(), pg.Database(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchInsert(b, s, 32)
}

func benchInsert(b *testing.B, s store.Store, n int) {
	recs := make([]store.Record, n)
	for b.Loop() {
		for i := range recs {
			recs[i] = record(uuid.NewString(), time.Now())
		}
		if _, err := s.Insert(context.Background(), recs); err != nil {
			b.Fatal(err)
		}
	}
}
