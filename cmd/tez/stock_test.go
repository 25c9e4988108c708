package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/iccid"
)

func TestStockAddFulfilsWaitingOrders(t *testing.T) {
	// A paid order for one more Asia SIM than the shelf has.
	db, number := seededWithWaitingOrder(t, "stock@x.example", 1)
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
