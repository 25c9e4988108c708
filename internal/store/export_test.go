package store

// Exported for the tests of package store_test, which can reach a database.
var (
	NewestSessionsQuery = (*Store).newestSessionsQuery
	NewestSessionsPlain = newestSessions
	NewestWhere         = newestWhere
)
