package seed_test

import (
	"context"
	"testing"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// The old system's SIMs are in use and nobody's here, with sessions to
// show once their customer claims them, and a ledger that agrees.
func TestDemoOldSystemSIMs(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	for range 2 { // a second seed adds nothing
		if err := seed.Demo(context.Background(), store.New(db)); err != nil {
			t.Fatal(err)
		}
	}
	var got []struct {
		Status   string `db:"status"`
		Owned    bool   `db:"owned"`
		Sessions int    `db:"sessions"`
		Balance  int64  `db:"balance"`
		Ledger   int64  `db:"ledger"`
	}
	err := db.Select(&got, `SELECT s.status, s.user_id IS NOT NULL AS owned, s.balance,
		(SELECT count(*) FROM usage_sessions u WHERE u.iccid = s.iccid) AS sessions,
		(SELECT coalesce(sum(amount), 0) FROM balance_entries e WHERE e.iccid = s.iccid) AS ledger
		FROM sim_cards s WHERE s.iccid = ANY($1) ORDER BY s.iccid`, pq.Array(seed.DemoOldSystemSIMs()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d old system SIMs, want 2", len(got))
	}
	for i, s := range got {
		if s.Status != "ACTIVE" || s.Owned || s.Sessions < 60 || s.Sessions > 200 || s.Balance <= 0 || s.Balance != s.Ledger {
			t.Errorf("old system SIM %d: %+v, want ACTIVE, nobody's, ~90 sessions, a positive balance equal to its ledger", i, s)
		}
	}
}
