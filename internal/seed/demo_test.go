package seed_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/teztelecom/tez/internal/password"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	if err := seed.Demo(ctx, store.New(db)); err != nil {
		t.Fatal(err)
	}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"users", "products", "addresses", "orders", "order_items", "sim_cards", "balance_entries", "usage_sessions"} {
			var n int
			if err := db.Get(&n, `SELECT count(*) FROM `+table); err != nil {
				t.Fatal(err)
			}
			out[table] = n
		}
		return out
	}
	first := counts()

	t.Run("is idempotent", func(t *testing.T) {
		if err := seed.Demo(ctx, store.New(db)); err != nil {
			t.Fatal(err)
		}
		if again := counts(); fmt.Sprint(again) != fmt.Sprint(first) {
			t.Errorf("second run changed counts: %v, then %v", first, again)
		}
	})

	t.Run("the demo sign-in works", func(t *testing.T) {
		var hash string
		if err := db.Get(&hash, `SELECT password_hash FROM users WHERE email = $1`, seed.DemoEmail); err != nil {
			t.Fatal(err)
		}
		if ok, err := password.Verify(hash, seed.DemoPassword); !ok || err != nil {
			t.Errorf("demo password does not verify: %v", err)
		}
	})

	t.Run("every balance equals its ledger", func(t *testing.T) {
		var bad []string
		if err := db.Select(&bad, `
			SELECT s.iccid FROM sim_cards s LEFT JOIN balance_entries e USING (iccid)
			GROUP BY s.iccid, s.balance HAVING s.balance <> coalesce(sum(e.amount), 0)`); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Errorf("SIMs whose balance differs from their ledger: %v", bad)
		}
	})

	t.Run("what the account shows", func(t *testing.T) {
		var got struct {
			SIMs      int `db:"sims"`
			Statuses  int `db:"statuses"`
			Defaults  int `db:"defaults"`
			Orders    int `db:"order_statuses"`
			Stock     int `db:"stock"`
			Countries int `db:"countries"`
		}
		err := db.Get(&got, `SELECT
			(SELECT count(*) FROM sim_cards s JOIN users u ON u.id = s.user_id WHERE u.email = $1) AS sims,
			(SELECT count(DISTINCT status) FROM sim_cards WHERE user_id IS NOT NULL) AS statuses,
			(SELECT count(*) FROM addresses WHERE is_default) AS defaults,
			(SELECT count(DISTINCT status) FROM orders) AS order_statuses,
			(SELECT count(*) FROM sim_cards WHERE status = 'IN_STOCK' AND user_id IS NULL) AS stock,
			(SELECT count(DISTINCT country_code) FROM usage_sessions) AS countries`, seed.DemoEmail)
		if err != nil {
			t.Fatal(err)
		}
		// Not PAID: the shop fulfils a paid order at once while there is stock.
		if got.SIMs != 3 || got.Statuses < 2 || got.Defaults != 1 || got.Orders != 4 || got.Stock < 10 || got.Countries < 3 {
			t.Errorf("demo = %+v; want 3 SIMs in 2+ states, 1 default address, orders in 4 states, stock, 3+ countries", got)
		}
	})
}

// A database seeded before order lines carried what a voucher credits can
// have its pending demo order paid after the next start.
func TestDemoUpgradesVoucherAmounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	if err := seed.Demo(ctx, store.New(db)); err != nil {
		t.Fatal(err)
	}
	db.MustExec(`UPDATE order_items SET voucher_amount = NULL`)
	if err := seed.Demo(ctx, store.New(db)); err != nil {
		t.Fatal(err)
	}
	var missing int
	if err := db.Get(&missing, `SELECT count(*) FROM order_items i JOIN products p ON p.id = i.product_id
		WHERE p.kind = 'TOPUP_VOUCHER' AND i.voucher_amount IS NULL`); err != nil {
		t.Fatal(err)
	}
	if missing != 0 {
		t.Errorf("after a second seed, %d voucher lines still lack their amount", missing)
	}
}

// A database seeded before stock SIMs named their product gets the
// products on the next start; SIMs sold meanwhile keep theirs.
func TestDemoUpgradesStock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	if err := seed.Demo(ctx, store.New(db)); err != nil {
		t.Fatal(err)
	}
	db.MustExec(`UPDATE sim_cards SET product_id = NULL WHERE product_id IS NOT NULL`)
	db.MustExec(`UPDATE sim_cards SET status = 'ACTIVE' WHERE iccid = (SELECT min(iccid) FROM sim_cards WHERE status = 'IN_STOCK')`)
	if err := seed.Demo(ctx, store.New(db)); err != nil {
		t.Fatal(err)
	}
	var stocked, sold int
	db.Get(&stocked, `SELECT count(*) FROM sim_cards WHERE status = 'IN_STOCK' AND product_id IS NOT NULL`)
	db.Get(&sold, `SELECT count(*) FROM sim_cards WHERE status = 'ACTIVE' AND product_id IS NOT NULL`)
	if stocked != 19 || sold != 0 {
		t.Errorf("after a second seed: %d stock SIMs with a product (want 19), %d sold ones changed (want 0)", stocked, sold)
	}
}
