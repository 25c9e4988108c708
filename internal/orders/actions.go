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
// paid or cancelled; any order but a pending one can be bought again. An
// order of the old account system is history whatever its status: it can
// only be bought again.
func Actions(o store.Order) []Action {
	if o.Status == store.OrderPendingPayment && !o.Imported() {
		return []Action{ActionPay, ActionCancel}
	}
	return []Action{ActionReorder}
}
