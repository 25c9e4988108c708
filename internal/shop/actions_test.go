package shop

import (
	"fmt"
	"testing"

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
		if got := fmt.Sprint(Actions(status)); got != want {
			t.Errorf("Actions(%s) = %s, want %s", status, got, want)
		}
	}
}
