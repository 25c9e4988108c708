// Package shop holds the rules of the shop: what can be done with an order.
package shop

import "github.com/teztelecom/tez/internal/store"

// Action is something a customer can do with an order.
type Action string

// The actions.
const (
	ActionPay     Action = "PAY"
	ActionReorder Action = "REORDER"
	ActionCancel  Action = "CANCEL"
)

// Actions lists what can be done with an order in status: an unpaid order
// can be paid or cancelled; any order but a pending one can be bought again.
func Actions(status store.OrderStatus) []Action {
	if status == store.OrderPendingPayment {
		return []Action{ActionPay, ActionCancel}
	}
	return []Action{ActionReorder}
}
