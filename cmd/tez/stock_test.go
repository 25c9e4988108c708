package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/iccid"
)

func TestStockAddFulfilsWaitingOrders(t *testing.T) {
	dsn := onTestDB(t)
	if _, _, err := tez(t, "seed"); err != nil {
		t.Fatal(err)
	}
	db := sqlx.MustConnect("postgres", dsn)
	defer db.Close()
	// A paid order for one more Asia SIM than the shelf has.
	var number string
	db.MustExec(`INSERT INTO users (email, password_hash, terms_accepted_at, terms_version) VALUES ('stock@x.example', 'x', now(), 't')`)
	err := db.Get(&number, `WITH o AS (
		INSERT INTO orders (user_id, email, status, subtotal, total, currency, paid_at)
		SELECT id, email, 'PAID', 1900, 1900, 'USD', now() FROM users WHERE email = 'stock@x.example' RETURNING id, number),
		shelf AS (SELECT count(*)::int + 1 AS n FROM sim_cards s JOIN products p ON p.id = s.product_id
		          WHERE p.sku = 'SIM-ASIA' AND s.status = 'IN_STOCK' AND s.user_id IS NULL AND s.sold_order_id IS NULL)
		INSERT INTO order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, currency)
		SELECT o.id, 1, p.id, p.sku, p.name, shelf.n, p.price, shelf.n * p.price, 'USD' FROM o, shelf, products p WHERE p.sku = 'SIM-ASIA'
		RETURNING (SELECT number FROM o)`)
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := tez(t, "orders", "fulfil"); err != nil || !strings.Contains(out, number+": PAID, still waiting for 1 × SIM-ASIA") {
		t.Fatalf("before the intake: %q, %v", out, err)
	}
	file := filepath.Join(t.TempDir(), "stock.csv")
	write(t, file, "iccid,msisdn,sku,activation_code\n"+
		iccid.WithCheckDigit("899970700000000001")+",,SIM-ASIA,CODE-0001\n"+
		"8999707000000000020,,SIM-ASIA,CODE-0002\n")
	out, errOut, err := tez(t, "stock", "add", file)
	if err == nil || !strings.Contains(err.Error(), "1 lines refused") {
		t.Errorf("a refused line fails the command: %v", err)
	}
	if !strings.Contains(errOut, "line 3: ICCID check digit is wrong") {
		t.Errorf("stderr names the bad line: %q", errOut)
	}
	if !strings.Contains(out, "2 lines, 1 SIM cards added, 0 already in stock, 1 refused") || !strings.Contains(out, "lines/s") {
		t.Errorf("summary: %q", out)
	}
	if !strings.Contains(out, number+": ") || strings.Contains(out, "still waiting") {
		t.Errorf("the waiting order is fulfilled after the intake: %q", out)
	}
	var missing int
	db.Get(&missing, `SELECT sum(quantity - fulfilled_quantity) FROM order_items WHERE order_id = (SELECT id FROM orders WHERE number = $1)`, number)
	if missing != 0 {
		t.Errorf("the order still misses %d SIMs", missing)
	}
	if _, _, err := tez(t, "stock", "add"); err == nil || !strings.Contains(err.Error(), "missing arguments") {
		t.Errorf("no file: %v", err)
	}
}
