package store_test

import (
	"context"
	"testing"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// A replica that goes away while its rows are being read (a standby shut
// down mid-result answers 57P01 after the first rows, not to the query)
// leaves the rotation, and the read runs again on the primary: the caller
// gets every row once, none of the replica's half. A second pool on the
// same database stands in for the replica here, and its backend is
// terminated the way a standby's shutdown terminates it.
func TestAReadLostMidResultRunsAgainOnThePrimary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := testdb.DSN(t)
	primary, replica := testdb.Open(t, dsn), testdb.Open(t, dsn)
	replica.SetMaxOpenConns(1)
	var pid int
	if err := replica.Get(&pid, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	d := store.RoutedDB(primary, replica)
	ctx = store.ReplicaReads(d.WithReadFence(ctx, 1, 0, 0))

	const n = 200_000 // more than one network read, so rows are still coming
	var got []int
	var v int
	terminated := false
	err := store.QueryEach(ctx, d, []any{&v}, func() {
		got = append(got, v)
		if !terminated {
			terminated = true
			if _, err := primary.Exec(`SELECT pg_terminate_backend($1)`, pid); err != nil {
				t.Fatal(err)
			}
		}
	}, func() { got = got[:0] }, `SELECT g FROM generate_series(1, $1::int) g`, n)
	if err != nil {
		t.Fatalf("read with the replica lost mid-result: %v", err)
	}
	if len(got) != n || got[0] != 1 || got[n-1] != n {
		t.Fatalf("read %d rows (first %v), want each of 1..%d once", len(got), got[:min(len(got), 3)], n)
	}
	if st := d.Replicas()[0]; st.InRotation {
		t.Errorf("the lost replica is still in rotation: %+v", st)
	}
}
