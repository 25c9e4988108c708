package store

import (
	"time"

	"github.com/jmoiron/sqlx"
)

// Exported for the tests of package store_test, which can reach a database.
var (
	NewestSessionsQuery = (*Store).newestSessionsQuery
	NewestSessionsPlain = unboundedStatements.newest
	NewestWhere         = newestWhere("k.f", "k.t", "$6", "$7")
)

// RoutedDB wraps primary with replicas already in rotation and replayed
// past every fence, as a health check would leave them.
func RoutedDB(primary *sqlx.DB, replicas ...*sqlx.DB) *DB {
	d := newDB(primary, replicas, time.Hour)
	for _, r := range d.replicas {
		r.state.Store(&replicaState{InRotation: true, Replayed: unsettledFence})
	}
	return d
}

// QueryEach is queryEach.
var QueryEach = queryEach
