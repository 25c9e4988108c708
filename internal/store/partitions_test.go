package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/testdb"
)

// A session written into the default partition while its month's partition
// is being created ends up in the new partition: creating it neither fails
// nor loses the row (the race of usage_ensure_partitions with a writer).
func TestEnsurePartitionsWithAConcurrentWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)

	writer, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Rollback()
	// 2040-01 has no partition: the row goes to the default one, uncommitted.
	if _, err := writer.ExecContext(ctx, `INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, cost, currency)
		VALUES ('racing', '8999701000000000019', '2040-01-15', '2040-01-15 00:01', 1, 1, 'DE', 0, 'USD')`); err != nil {
		t.Fatal(err)
	}

	creator, err := db.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer creator.Close()
	var creatorPID int
	if err := creator.GetContext(ctx, &creatorPID, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		// Bounded: a creator stuck behind the writer's commit is a failure too.
		bounded, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		_, err := creator.ExecContext(bounded, `SELECT usage_ensure_partitions('2040-01-01', 1)`)
		done <- err
	}()
	// Let the creator get as far as it can while the writer is open.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var waiting bool
		if err := db.GetContext(ctx, &waiting, `SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = $1`, creatorPID); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the partition was created without waiting for the open writer: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the creator never waited for the writer")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := writer.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("creating the partition beside a writer: %v", err)
	}
	var where string
	if err := db.GetContext(ctx, &where, `SELECT tableoid::regclass::text FROM usage_sessions WHERE cdr_id = 'racing'`); err != nil {
		t.Fatalf("the racing session is gone: %v", err)
	}
	if where != "usage_sessions_y2040m01" {
		t.Errorf("the racing session is in %s, want its month's partition", where)
	}
}
