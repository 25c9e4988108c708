package seed_test

import (
	"context"
	"testing"

	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestScale(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	rep, err := seed.Scale(ctx, store.New(db), 120)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Customers != 120 || rep.SIMs < 120 || rep.Sessions < 8*rep.SIMs || rep.Orders == 0 || rep.Items < rep.Orders {
		t.Fatalf("report %+v does not add up", rep)
	}
	var got struct {
		Heavy     int `db:"heavy"`
		Mismatch  int `db:"mismatch"`
		Countries int `db:"countries"`
		Defaults  int `db:"defaults"`
	}
	err = db.GetContext(ctx, &got, `SELECT
		(SELECT count(*) FROM sim_cards s JOIN users u ON u.id = s.user_id WHERE u.email = $1) AS heavy,
		(SELECT count(*) FROM (SELECT s.iccid FROM sim_cards s LEFT JOIN balance_entries e USING (iccid)
		  GROUP BY s.iccid, s.balance HAVING s.balance <> coalesce(sum(e.amount), 0)) x) AS mismatch,
		(SELECT count(DISTINCT country_code) FROM usage_sessions) AS countries,
		(SELECT count(*) FROM addresses WHERE is_default) AS defaults`, seed.ScaleEmail(seed.HeavyEvery))
	if err != nil {
		t.Fatal(err)
	}
	if got.Heavy != 50 || got.Mismatch != 0 || got.Countries < 30 || got.Defaults != 120 {
		t.Errorf("generated %+v; want 50 SIMs for the heavy customer, balances equal to the ledger, 30+ countries, one default address each", got)
	}
	if again, err := seed.Scale(ctx, store.New(db), 120); err != nil || again.Customers != 0 {
		t.Errorf("second Scale = %+v, %v; want it to leave the data alone", again, err)
	}
	if _, err := seed.Scale(ctx, store.New(db), 200); err == nil {
		t.Error("Scale over a differently sized seed did not refuse")
	}
}
