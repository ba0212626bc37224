package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/notis-dev/notis/internal/consent/store"
)

// An export reads page after page from a cursor the index seeks to, so
// each page costs its own rows. (With the cursor written as a filter
// only, every page read the index from its start: the load test's export
// of 5 M SQLite records had sent 20 k rows after 5 minutes.)
func TestExportPagesSeekTheIndexToTheirCursor(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store, dsn string) {
		var plan []string
		if store.Kind(dsn) == "sqlite" {
			db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rows, err := db.Query(`EXPLAIN QUERY PLAN `+store.SQLiteExportPage, 1, 2, 1, 5, 500)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			if !slicesContain(plan, "SEARCH consents USING INDEX consents_by_received_at (received_at>? AND received_at<?)") {
				t.Errorf("the SQLite export page does not seek the received_at index to its cursor:\n%s", strings.Join(plan, "\n"))
			}
			return
		}
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		// On a small table a sequential scan is cheaper; what matters is
		// that the index can serve the cursor.
		if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
			t.Fatal(err)
		}
		rows, err := conn.Query(ctx, `EXPLAIN `+store.PostgresExportPage("true"), time.Now(), int64(7))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, strings.TrimSpace(line))
		}
		if !slicesContain(plan, "Index Cond: (ROW(received_at, seq) > ROW(") {
			t.Errorf("the PostgreSQL export page does not seek the (received_at, seq) index to its cursor:\n%s", strings.Join(plan, "\n"))
		}
	})
}

func slicesContain(lines []string, want string) bool {
	for _, l := range lines {
		if strings.Contains(l, want) {
			return true
		}
	}
	return false
}
