package orders

import (
	"fmt"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

func TestActions(t *testing.T) {
	tests := map[store.OrderStatus]string{
		store.OrderPendingPayment: "[PAY CANCEL]",
		store.OrderPaid:           "[REORDER]",
		store.OrderFulfilled:      "[REORDER]",
		store.OrderCancelled:      "[REORDER]",
		store.OrderRefunded:       "[REORDER]",
	}
	for status, want := range tests {
		if got := fmt.Sprint(Actions(store.Order{Status: status}, nil)); got != want {
			t.Errorf("Actions(%s) = %s, want %s", status, got, want)
		}
		imported := store.Order{Status: status, ImportedAt: new(time.Now())}
		if got := fmt.Sprint(Actions(imported, &store.RefundFacts{})); got != "[REORDER]" {
			t.Errorf("Actions(imported %s) = %s, want [REORDER]", status, got)
		}
	}
}

func TestShippingFee(t *testing.T) {
	tests := []struct {
		subtotal int64
		ships    bool
		want     int64
	}{
		{1500, true, ShippingFeeMinor},
		{FreeShippingFromMinor - 1, true, ShippingFeeMinor},
		{FreeShippingFromMinor, true, 0},
		{1000, false, 0},
	}
	for _, tt := range tests {
		got := ShippingFee(money.New(tt.subtotal, "USD"), tt.ships)
		if got.Amount != tt.want || got.Currency != "USD" {
			t.Errorf("ShippingFee(%d, ships=%v) = %v, want %d USD", tt.subtotal, tt.ships, got, tt.want)
		}
	}
}

func TestPaidOrderCancelsWhileNothingIsUsedOrShipped(t *testing.T) {
	unused := store.RefundFacts{Vouchers: []store.VoucherCredit{{ICCID: "a", Credit: 1000, Balance: 1500}}}
	used := store.RefundFacts{Vouchers: []store.VoucherCredit{{ICCID: "a", Credit: 1000, Balance: 999}}}
	shipped := store.RefundFacts{Shipped: true}
	for _, tt := range []struct {
		name   string
		status store.OrderStatus
		facts  store.RefundFacts
		want   string
	}{
		{"paid, nothing used", store.OrderPaid, unused, "[REORDER CANCEL]"},
		{"vouchers credited, unused", store.OrderFulfilled, unused, "[REORDER CANCEL]"},
		{"a voucher partly used", store.OrderFulfilled, used, "[REORDER]"},
		{"shipped", store.OrderFulfilled, shipped, "[REORDER]"},
		{"refunded", store.OrderRefunded, unused, "[REORDER]"},
		{"partly refunded", store.OrderPartiallyRefunded, unused, "[REORDER]"},
	} {
		if got := fmt.Sprint(Actions(store.Order{Status: tt.status}, &tt.facts)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

// The refund rule: what was paid, less the vouchers' credit used, where a
// SIM's balance is one pot (older money is spent first).
func TestRefundQuote(t *testing.T) {
	for _, tt := range []struct {
		name         string
		vouchers     []store.VoucherCredit
		used, refund int64
		take         string
	}{
		{"no vouchers", nil, 0, 3000, "[]"},
		{"unused", []store.VoucherCredit{{ICCID: "a", Credit: 1000, Balance: 1000}}, 0, 3000, "[a:1000]"},
		{"older money spent first", []store.VoucherCredit{{ICCID: "a", Credit: 1000, Balance: 1200}}, 0, 3000, "[a:1000]"},
		{"partly used", []store.VoucherCredit{{ICCID: "a", Credit: 1000, Balance: 400}}, 600, 2400, "[a:400]"},
		{"used up", []store.VoucherCredit{{ICCID: "a", Credit: 1000, Balance: 0}}, 1000, 2000, "[]"},
		{"in debt", []store.VoucherCredit{{ICCID: "a", Credit: 1000, Balance: -50}}, 1000, 2000, "[]"},
		{"two SIMs", []store.VoucherCredit{{ICCID: "a", Credit: 1000, Balance: 1000}, {ICCID: "b", Credit: 2000, Balance: 500}}, 1500, 1500, "[a:1000 b:500]"},
	} {
		q := RefundQuote(3000, store.RefundFacts{Vouchers: tt.vouchers})
		var take []string
		for _, v := range q.Take {
			take = append(take, fmt.Sprintf("%s:%d", v.ICCID, v.Credit))
		}
		if q.Used != tt.used || q.Refund != tt.refund || fmt.Sprint(take) != tt.take && !(len(take) == 0 && tt.take == "[]") {
			t.Errorf("%s: used %d refund %d take %v, want %d %d %s", tt.name, q.Used, q.Refund, take, tt.used, tt.refund, tt.take)
		}
	}
	if q := RefundQuote(1000, store.RefundFacts{Vouchers: []store.VoucherCredit{{Credit: 5000, Balance: 0}}}); q.Refund != 0 {
		t.Errorf("a refund below zero: %d", q.Refund)
	}
}
