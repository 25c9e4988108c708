package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/iccid"
)

// seededWithWaitingOrder is the demo data (`tez seed`) and a paid order
// of the customer email for short more Asia SIMs than the shelf has.
func seededWithWaitingOrder(t *testing.T, email string, short int) (db *sqlx.DB, number string) {
	t.Helper()
	dsn := onTestDB(t)
	if _, _, err := tez(t, "seed"); err != nil {
		t.Fatal(err)
	}
	db = sqlx.MustConnect("postgres", dsn)
	t.Cleanup(func() { db.Close() })
	db.MustExec(`INSERT INTO users (email, password_hash, terms_accepted_at, terms_version) VALUES ($1, 'x', now(), 't')`, email)
	err := db.Get(&number, `WITH shelf AS (
		    SELECT count(*)::int + $2 AS n FROM sim_cards s JOIN products p ON p.id = s.product_id
		    WHERE p.sku = 'SIM-ASIA' AND s.status = 'IN_STOCK' AND s.user_id IS NULL AND s.sold_order_id IS NULL),
		o AS (
		    INSERT INTO orders (user_id, email, status, subtotal, total, currency, paid_at)
		    SELECT u.id, u.email, 'PAID', shelf.n * p.price, shelf.n * p.price, 'USD', now()
		    FROM users u, shelf, products p WHERE u.email = $1 AND p.sku = 'SIM-ASIA' RETURNING id, number)
		INSERT INTO order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, currency)
		SELECT o.id, 1, p.id, p.sku, p.name, shelf.n, p.price, shelf.n * p.price, 'USD' FROM o, shelf, products p WHERE p.sku = 'SIM-ASIA'
		RETURNING (SELECT number FROM o)`, email, short)
	if err != nil {
		t.Fatal(err)
	}
	return db, number
}

func TestOrdersFulfilWhenStockArrives(t *testing.T) {
	// A paid order for 7 Asia SIMs; the shelf has 5.
	db, number := seededWithWaitingOrder(t, "waiting@x.example", 2)
	out, _, err := tez(t, "orders", "fulfil")
	if err != nil || !strings.Contains(out, number+": PAID, still waiting for 2 × SIM-ASIA") {
		t.Fatalf("first run: %q, %v", out, err)
	}
	for i := 1; i <= 2; i++ {
		db.MustExec(`INSERT INTO sim_cards (iccid, status, product_id) SELECT $1, 'IN_STOCK', id FROM products WHERE sku = 'SIM-ASIA'`,
			iccid.WithCheckDigit(fmt.Sprintf("89997050000000000%d", i)))
	}
	out, _, err = tez(t, "orders", "fulfil")
	if err != nil || !strings.Contains(out, number+": PAID, ready to ship") {
		t.Fatalf("after new stock: %q, %v", out, err)
	}
	var owned int
	db.Get(&owned, `SELECT count(*) FROM sim_cards WHERE sold_order_id = (SELECT id FROM orders WHERE number = $1)
		AND user_id = (SELECT id FROM users WHERE email = 'waiting@x.example')`, number)
	if owned != 7 {
		t.Errorf("%d SIMs went to the buyer, want 7", owned)
	}
	if out, _, _ = tez(t, "orders", "fulfil"); !strings.Contains(out, "0 paid orders") {
		t.Errorf("nothing left to fulfil: %q", out)
	}
}
