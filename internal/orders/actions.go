// The rules of the shop: what can be done with an order.
package orders

import "github.com/teztelecom/tez/internal/store"

// Action is something a customer can do with an order.
type Action string

// The actions.
const (
	ActionPay     Action = "PAY"
	ActionReorder Action = "REORDER"
	ActionCancel  Action = "CANCEL"
)

// Actions lists what can be done with an order: an unpaid order can be
// paid or cancelled; any order but a pending one can be bought again; a
// paid one can be cancelled (and is refunded at once) while its parcel has
// not left and its vouchers' credit is unused, which facts tell (nil when
// the caller has not read them: see CancellableWhenPaid). An order of the
// old account system is history whatever its status: it can only be
// bought again.
func Actions(o store.Order, facts *store.RefundFacts) []Action {
	switch {
	case o.Imported():
		return []Action{ActionReorder}
	case o.Status == store.OrderPendingPayment:
		return []Action{ActionPay, ActionCancel}
	case CancellableWhenPaid(o) && facts != nil && CancelsWithRefund(*facts):
		return []Action{ActionReorder, ActionCancel}
	}
	return []Action{ActionReorder}
}

// CancellableWhenPaid reports whether the order is paid and not refunded:
// whether its refund facts decide if it can be cancelled.
func CancellableWhenPaid(o store.Order) bool {
	return !o.Imported() && (o.Status == store.OrderPaid || o.Status == store.OrderFulfilled)
}
