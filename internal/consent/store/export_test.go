package store

// The export's page queries, for the external tests that check their
// plans.
var (
	SQLiteExportPage   = sqliteExportPage
	PostgresExportPage = postgresExportPage
)
