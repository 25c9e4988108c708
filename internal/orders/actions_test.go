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
		if got := fmt.Sprint(Actions(store.Order{Status: status})); got != want {
			t.Errorf("Actions(%s) = %s, want %s", status, got, want)
		}
		imported := store.Order{Status: status, ImportedAt: new(time.Now())}
		if got := fmt.Sprint(Actions(imported)); got != "[REORDER]" {
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
