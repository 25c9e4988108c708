package bench

import (
	"context"
	"testing"

	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The bench cluster's CPU grows with the work of its backends; it is read
// from the postmaster the backend belongs to, not from every postgres
// process of the machine.
func TestClusterCPUCountsTheBackendsWork(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	var backend int
	if err := db.GetContext(ctx, &backend, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	cpu := ClusterCPU(backend)
	before := cpu()
	if _, err := db.ExecContext(ctx, `SELECT count(*) FROM generate_series(1, 5000000)`); err != nil {
		t.Fatal(err)
	}
	if after := cpu(); after <= before {
		t.Errorf("cluster CPU %v after a 5-million-row count, %v before: want it grown", after, before)
	}
}
