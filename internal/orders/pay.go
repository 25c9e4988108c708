package orders

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// reuseMargin: an open payment page about to expire is not handed out again.
const reuseMargin = 2 * time.Minute

// access is how a buyer may reach an order: with its access token, or as
// its owner.
func (b Buyer) access() store.OrderAccess {
	if b.GuestToken != "" {
		return store.OrderAccess{GuestTokenHash: secret.TokenHash(b.GuestToken)}
	}
	return store.OrderAccess{OwnerID: b.UserID}
}

// refused ends a transaction that found a user error: nothing is written.
type refused struct{ problem apperr.FieldError }

func (r *refused) Error() string { return "refused: " + r.problem.Message }

func refuse(p apperr.FieldError) error { return &refused{p} }

// problemsOf splits a transaction's outcome into user errors and failures.
func problemsOf(err error) ([]apperr.FieldError, error) {
	var r *refused
	if errors.As(err, &r) {
		return []apperr.FieldError{r.problem}, nil
	}
	return nil, err
}

// lockUnpaid locks the order the buyer names, which must await payment
// and be placed here (an imported order is history); otherwise it
// refuses. A missing order and someone else's get the same orderNotFound.
func (s *Service) lockUnpaid(ctx context.Context, tx store.Querier, buyer Buyer, id int64, notPending func(store.Order) apperr.FieldError) (store.Order, error) {
	o, err := s.store.LockOrder(ctx, tx, id, buyer.access())
	switch {
	case apperr.Is(err, apperr.NotFound):
		return o, refuse(orderNotFound("input", "orderId"))
	case err != nil:
		return o, err
	case o.Imported():
		return o, refuse(apperr.OnField("orderId", apperr.FieldInvalid,
			"This order comes from the old account: it is kept as history and cannot be paid or cancelled here. Buy it again to order the same products."))
	case o.Status != store.OrderPendingPayment:
		return o, refuse(notPending(o))
	}
	return o, nil
}

// Pay answers the payment page of an unpaid order. Paying twice (a double
// click, two tabs) gets the same open payment: the order's row lock makes
// concurrent calls take turns, and at most one payment per order is open.
// A new attempt has its own idempotency key, which the provider honours.
func (s *Service) Pay(ctx context.Context, buyer Buyer, orderID int64) (*store.Payment, *store.Order, []apperr.FieldError, error) {
	var (
		pay   store.Payment
		order store.Order
	)
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		var err error
		if order, err = s.lockUnpaid(ctx, tx, buyer, orderID, notPayable); err != nil {
			return err
		}
		open, err := s.store.OpenPayment(ctx, tx, order.ID)
		switch {
		case err == nil && s.reusable(open, order):
			pay = open
			return nil
		case err == nil:
			if err := s.expire(ctx, tx, open); errors.Is(err, payment.ErrAlreadyPaid) {
				return refuse(completing())
			} else if err != nil {
				return err
			}
		case !apperr.Is(err, apperr.NotFound):
			return err
		}
		pay, err = s.startPayment(ctx, tx, order)
		return err
	})
	if problems, err := problemsOf(err); problems != nil || err != nil {
		return nil, nil, problems, err
	}
	return &pay, &order, nil, nil
}

func notPayable(o store.Order) apperr.FieldError {
	msg := "This order is paid already."
	if o.Status == store.OrderCancelled {
		msg = "This order was cancelled: place a new one, or buy it again."
	}
	return apperr.OnField("orderId", apperr.FieldInvalid, "%s", msg)
}

func completing() apperr.FieldError {
	return apperr.OnField("orderId", apperr.FieldInvalid,
		"The payment of this order is being completed at the payment provider: look again in a minute.")
}

// reusable: the open payment is this provider's, for the order's total,
// and its page stays open a while longer.
func (s *Service) reusable(p store.Payment, o store.Order) bool {
	return p.Provider == s.provider.Name() && p.RedirectURL != nil && p.ExpiresAt != nil &&
		time.Until(*p.ExpiresAt) > reuseMargin && p.AmountMinor == o.TotalMinor && p.Currency == o.Currency
}

// expire closes an open payment at its provider and records it expired.
func (s *Service) expire(ctx context.Context, tx store.Querier, p store.Payment) error {
	if p.ProviderRef != nil && p.Provider == s.provider.Name() {
		if err := s.provider.Expire(ctx, *p.ProviderRef); err != nil {
			return fmt.Errorf("expire payment %d: %w", p.ID, err)
		}
	}
	return s.store.SetPaymentStatus(ctx, tx, p.ID, store.PaymentExpired)
}

// startPayment opens a new attempt at the provider. A provider that cannot
// be reached leaves nothing behind (the transaction rolls back).
func (s *Service) startPayment(ctx context.Context, tx store.Querier, o store.Order) (store.Payment, error) {
	key, _ := secret.NewToken(fmt.Sprintf("order-%d-", o.ID))
	p, err := s.store.InsertPayment(ctx, tx, o.ID, s.provider.Name(), o.Total(), key)
	if err != nil {
		return store.Payment{}, err
	}
	sess, err := s.provider.StartCheckout(ctx, payment.Checkout{PaymentID: p.ID, IdempotencyKey: key, OrderNumber: o.Number,
		Amount: o.Total(), Email: o.Email, ReturnURL: s.ReturnURL(o.Number)})
	if err != nil {
		s.log.ErrorContext(ctx, "start payment", "order", o.Number, "provider", s.provider.Name(), "err", err)
		return store.Payment{}, apperr.Wrap(err, apperr.Unavailable, "The payment provider cannot be reached: try again in a minute.")
	}
	return s.store.SetPaymentSession(ctx, tx, p.ID, sess.Ref, sess.RedirectURL, sess.ExpiresAt)
}

// ReturnURL is the shop's page of an order, where a customer lands after
// the payment page.
func (s *Service) ReturnURL(number string) string {
	return s.shopURL + "/orders/" + url.PathEscape(number)
}
