package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/store"
)

// Cancel cancels an order. An unpaid one is CANCELLED: its open payment
// page is closed at the provider first; if the customer has just paid
// there, the order can no longer be cancelled. A paid one whose parcel has
// not left and whose vouchers' credit is unused is refunded in full at once
// (REFUNDED, its SIM cards back in stock); otherwise the answer says whom
// to ask.
func (s *Service) Cancel(ctx context.Context, buyer Buyer, orderID int64) (*store.Order, []apperr.FieldError, error) {
	var out store.Order
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		o, err := s.lockUnpaid(ctx, tx, buyer, orderID, func(o store.Order) apperr.FieldError {
			return apperr.OnField("orderId", apperr.FieldInvalid, "This order is %s: it cannot be cancelled.", humanStatus(o.Status))
		})
		if _, ok := errors.AsType[*refused](err); ok && o.ID != 0 && CancellableWhenPaid(o) {
			out, err = s.cancelPaid(ctx, tx, o)
			return err
		}
		if err != nil {
			return err
		}
		open, err := s.store.OpenPayment(ctx, tx, o.ID)
		if err == nil {
			err = s.expire(ctx, tx, open)
		}
		if errors.Is(err, payment.ErrAlreadyPaid) {
			return refuse(completing())
		}
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		out, err = s.store.SetOrderStatus(ctx, tx, o.ID, store.OrderCancelled)
		return err
	})
	if problems, err := problemsOf(err); problems != nil || err != nil {
		if err != nil {
			err = fmt.Errorf("cancel order %d: %w", orderID, err)
		}
		return nil, problems, err
	}
	return &out, nil, nil
}

// cancelPaid refunds a paid order the customer cancels, when the rule
// lets it go at once.
func (s *Service) cancelPaid(ctx context.Context, tx store.Querier, o store.Order) (store.Order, error) {
	facts, err := s.store.LockRefundFacts(ctx, tx, o.ID)
	switch {
	case err != nil:
		return o, err
	case facts.Shipped:
		return o, refuse(apperr.OnField("orderId", apperr.FieldInvalid,
			"This order has shipped, so it can no longer be cancelled. To send it back, answer the shipping email."))
	case !CancelsWithRefund(facts):
		return o, refuse(apperr.OnField("orderId", apperr.FieldInvalid,
			"Part of this order's voucher credit has been used, so it cannot be cancelled here. Answer the receipt email: we refund what is left."))
	}
	r, err := s.refund(ctx, tx, o, RefundRequest{By: store.RefundByCustomer, Reason: "Cancelled by the customer."})
	return r.Order, err
}

func humanStatus(s store.OrderStatus) string {
	switch s {
	case store.OrderPaid:
		return "paid"
	case store.OrderFulfilled:
		return "fulfilled"
	case store.OrderCancelled:
		return "cancelled already"
	case store.OrderRefunded:
		return "refunded"
	case store.OrderPartiallyRefunded:
		return "partly refunded"
	}
	return "awaiting payment"
}

// Dropped is a line of an old order that cannot be bought again, and why.
type Dropped struct {
	Item   store.OrderItem
	Reason string
}

// Reorder ("buy again") places a new order with the lines of an old one at
// today's prices, shipped where the old one was. Lines that cannot be
// bought any more (a retired product, a voucher for a SIM that is now
// blocked) are left out and reported; when none is left, nothing is placed.
func (s *Service) Reorder(ctx context.Context, buyer Buyer, orderID int64) (*Placed, []Dropped, []apperr.FieldError, error) {
	old, err := s.store.OrderFor(ctx, s.store.DB(), orderID, buyer.access())
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil, []apperr.FieldError{orderNotFound("input", "orderId")}, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	itemsByOrder, err := s.store.OrderItemsByOrderID(ctx, s.store.DB(), []int64{old.ID})
	if err != nil {
		return nil, nil, nil, err
	}
	items := itemsByOrder[old.ID]
	lines := make([]Line, len(items))
	for i, it := range items {
		lines[i] = Line{SKU: it.SKU, Quantity: it.Quantity, ICCID: deref(it.ICCID)}
	}
	d, problems, err := s.draft(ctx, buyer, lines)
	if err != nil {
		return nil, nil, nil, err
	}
	var dropped []Dropped
	for _, p := range problems {
		i := lineIndex(p.Field)
		dropped = append(dropped, Dropped{Item: items[i], Reason: p.Message})
	}
	if len(d.items) == 0 {
		return nil, dropped, []apperr.FieldError{apperr.OnField("orderId", apperr.FieldInvalid,
			"None of this order's products can be bought again.")}, nil
	}
	var ship *shipTo
	if d.ships && old.ShippingJSON != nil {
		ship = &shipTo{}
		if err := json.Unmarshal(*old.ShippingJSON, &ship.snapshot); err != nil {
			return nil, nil, nil, fmt.Errorf("order %s shipping address: %w", old.Number, err)
		}
	}
	if d.ships && ship == nil {
		// Unreachable for lines that shipped before; kept as a guard.
		return nil, dropped, []apperr.FieldError{apperr.OnField("orderId", apperr.FieldInvalid,
			"This order has no shipping address: place a new order instead.")}, nil
	}
	email := old.Email
	if buyer.UserID != 0 { // the new order is the account's: its email
		email = buyer.Email
	}
	placed, err := s.place(ctx, buyer, email, d, ship, "")
	if err != nil {
		return nil, nil, nil, err
	}
	return placed, dropped, nil, nil
}

// lineIndex reads i from a problem's field input.lines.i.name.
func lineIndex(field []string) int {
	var i int
	if len(field) >= 3 {
		_, _ = fmt.Sscan(field[2], &i)
	}
	return i
}
