package store

import (
	"context"
	"strings"
	"testing"
)

// A --db value of another scheme is refused, not taken for a SQLite file
// of that name; the two stores' own forms and bare paths pass.
func TestCheckDSNRefusesAnotherScheme(t *testing.T) {
	for _, ok := range []string{"sqlite:consent.db", "consent.db", "/var/lib/notis/consent.db", "postgres://u@h/db", "postgresql://u@h/db", `C:\notis\consent.db`} {
		if err := CheckDSN(ok); err != nil {
			t.Errorf("CheckDSN(%q) = %v, want nil", ok, err)
		}
	}
	for dsn, want := range map[string]string{
		"mysql://u@h/db":   "not mysql",
		"postgre://u@h/db": `not postgre; did you mean "postgres"?`,
		"sqlite3://x.db":   `not sqlite3; did you mean "sqlite"?`,
		"sqlite://x.db":    "or sqlite:consent.db for a file in this folder",
	} {
		err := CheckDSN(dsn)
		if err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("CheckDSN(%q) = %v, want …%s", dsn, err, want)
		}
		if _, err := Open(context.Background(), dsn); err == nil {
			t.Errorf("Open(%q) succeeded", dsn)
		}
	}
}
