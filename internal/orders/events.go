package orders

import (
	"context"
	"errors"
	"fmt"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/store"
)

// ErrAmountMismatch refuses an event whose amount or currency is not the
// payment's: nothing changes.
var ErrAmountMismatch = errors.New("payment event amount does not match the order")

// ApplyEvent applies a provider's event at most once: the event is
// recorded under its unique id in the transaction that acts on it, and the
// order's row lock makes concurrent deliveries of one event take turns (the
// second finds it recorded and does nothing). A success pays the order and
// fulfils it in the same transaction; a decline or expiry leaves the order
// payable again.
func (s *Service) ApplyEvent(ctx context.Context, provider string, ev payment.Event) error {
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		if ev.Outcome == payment.Ignored || ev.PaymentID == 0 {
			_, err := s.store.RecordPaymentEvent(ctx, tx, provider, ev.ID, nil, string(payment.Ignored), string(ev.Payload))
			return err
		}
		order, err := s.store.LockOrderOfPayment(ctx, tx, provider, ev.PaymentID)
		if apperr.Is(err, apperr.NotFound) {
			s.log.WarnContext(ctx, "payment event for an unknown payment", "provider", provider, "event", ev.ID, "payment_id", ev.PaymentID)
			_, err = s.store.RecordPaymentEvent(ctx, tx, provider, ev.ID, nil, "UNKNOWN_PAYMENT", string(ev.Payload))
			return err
		}
		if err != nil {
			return err
		}
		pay, err := s.store.LockPayment(ctx, tx, provider, ev.PaymentID)
		if err != nil {
			return err
		}
		if ev.Outcome == payment.Refunded {
			return s.recordRefunded(ctx, tx, provider, order, pay, ev)
		}
		if ev.Amount != pay.Amount() || ev.Amount != order.Total() || (pay.ProviderRef != nil && ev.Ref != *pay.ProviderRef) {
			return fmt.Errorf("%w: event %s says %s for %s, payment %d is %s for %v", ErrAmountMismatch,
				ev.ID, ev.Amount, ev.Ref, pay.ID, pay.Amount(), deref(pay.ProviderRef))
		}
		fresh, err := s.store.RecordPaymentEvent(ctx, tx, provider, ev.ID, &pay.ID, string(ev.Outcome), string(ev.Payload))
		if err != nil || !fresh {
			return err
		}
		return s.apply(ctx, tx, order, pay, ev.Outcome)
	})
	if err != nil {
		return fmt.Errorf("apply %s event %s: %w", provider, ev.ID, err)
	}
	return nil
}

func (s *Service) apply(ctx context.Context, tx store.Querier, order store.Order, pay store.Payment, outcome payment.Outcome) error {
	if outcome != payment.Succeeded {
		if pay.Status != store.PaymentPending {
			return nil
		}
		status := store.PaymentFailed
		if outcome == payment.Expired {
			status = store.PaymentExpired
		}
		return s.store.SetPaymentStatus(ctx, tx, pay.ID, status)
	}
	if pay.Status == store.PaymentSucceeded {
		return nil
	}
	if err := s.store.SetPaymentStatus(ctx, tx, pay.ID, store.PaymentSucceeded); err != nil {
		return err
	}
	if order.Status != store.OrderPendingPayment {
		// Money arrived for an order that cannot take it (cancelled, or paid
		// by another attempt): it goes back at once. If the provider cannot
		// refund now, nothing is recorded and its next delivery tries again.
		s.log.WarnContext(ctx, "payment succeeded for an order not awaiting payment: refunding it",
			"order", order.Number, "status", order.Status, "payment_id", pay.ID)
		pay.Status = store.PaymentSucceeded
		r, err := s.giveBack(ctx, tx, order, pay, pay.AmountMinor, 0, RefundRequest{By: store.RefundByAutomatic,
			Reason: "The payment arrived after the order was " + humanStatus(order.Status) + "."})
		if err != nil {
			return err
		}
		return s.sendRefunded(ctx, tx, order, r)
	}
	paid, err := s.store.SetOrderStatus(ctx, tx, order.ID, store.OrderPaid)
	if err != nil {
		return err
	}
	if err := s.closeOtherAttempt(ctx, tx, paid); err != nil {
		return err
	}
	if _, _, err = s.fulfil(ctx, tx, paid); err != nil {
		return err
	}
	return s.sendReceipt(ctx, tx, paid)
}

// recordRefunded records once that the provider gave (part of) a payment
// back (Stripe's charge.refunded, whose amount is the charge's refunded
// total). Refunds are made here (Refund), so the event only confirms one;
// a provider total beyond ours (a refund made in the provider's dashboard)
// is logged for support to reconcile.
func (s *Service) recordRefunded(ctx context.Context, tx store.Querier, provider string, order store.Order, pay store.Payment, ev payment.Event) error {
	fresh, err := s.store.RecordPaymentEvent(ctx, tx, provider, ev.ID, &pay.ID, string(ev.Outcome), string(ev.Payload))
	if err != nil || !fresh {
		return err
	}
	ours, err := s.store.RefundedOfPayment(ctx, tx, pay.ID)
	if err != nil {
		return err
	}
	if ev.Amount.Currency != pay.Currency || ev.Amount.Amount > ours {
		s.log.ErrorContext(ctx, "the provider refunded more than this service did: reconcile the order",
			"order", order.Number, "payment_id", pay.ID, "provider_refunded", ev.Amount.String(), "refunded_here", money.New(ours, pay.Currency).String())
	}
	return nil
}

// closeOtherAttempt expires a newer payment page of an order that an
// earlier attempt has just paid (a late success after a retry), so the
// customer cannot pay twice. The provider is told on a best-effort basis:
// if it cannot be reached, a success of that page later is logged for a
// refund like any payment of an order not awaiting one.
func (s *Service) closeOtherAttempt(ctx context.Context, tx store.Querier, o store.Order) error {
	other, err := s.store.OpenPayment(ctx, tx, o.ID)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if other.ProviderRef != nil && other.Provider == s.provider.Name() {
		if err := s.provider.Expire(ctx, *other.ProviderRef); err != nil {
			s.log.WarnContext(ctx, "close the other payment page of a paid order", "order", o.Number, "payment_id", other.ID, "err", err)
		}
	}
	return s.store.SetPaymentStatus(ctx, tx, other.ID, store.PaymentExpired)
}

// fulfil delivers what a paid order's lines still wait for: a voucher
// credits its SIM (the ledger key comes from the order line, so a replay
// never credits twice), a SIM card line takes SIMs from stock for the buyer,
// an accessory goes to the parcel. An order with nothing to ship is then
// FULFILLED; one with SIM cards or accessories gets its shipment
// (PREPARING) and stays PAID until it ships (Ship). Lines short of stock
// say what they wait for, which fulfil answers with the order's status.
func (s *Service) fulfil(ctx context.Context, tx store.Querier, o store.Order) (store.OrderStatus, []MissingUnits, error) {
	items, err := s.store.OrderItemsTx(ctx, tx, o.ID)
	if err != nil {
		return "", nil, err
	}
	var missing []MissingUnits
	ships := false
	for _, it := range items {
		ships = ships || Ships(it.Kind)
		if it.FulfilledQuantity == it.Quantity {
			continue
		}
		done := it.Quantity
		switch it.Kind {
		case store.ProductTopupVoucher:
			err = s.credit(ctx, tx, o, it.OrderItem)
		case store.ProductSIMCard:
			var got []string
			got, err = s.store.AllocateSIMs(ctx, tx, *it.ProductID, it.Quantity-it.FulfilledQuantity, o.ID, o.UserID, o.Email)
			done = it.FulfilledQuantity + len(got)
		}
		if err != nil {
			return "", nil, fmt.Errorf("fulfil order %s line %d: %w", o.Number, it.LineNo, err)
		}
		if err := s.store.SetFulfilledQuantity(ctx, tx, it.ID, done); err != nil {
			return "", nil, err
		}
		if done < it.Quantity {
			missing = append(missing, MissingUnits{SKU: it.SKU, Count: it.Quantity - done})
		}
	}
	if ships || len(missing) > 0 {
		return o.Status, missing, s.store.EnsureShipment(ctx, tx, o.ID)
	}
	_, err = s.store.SetOrderStatus(ctx, tx, o.ID, store.OrderFulfilled)
	return store.OrderFulfilled, nil, err
}

func (s *Service) credit(ctx context.Context, tx store.Querier, o store.Order, it store.OrderItem) error {
	if it.ICCID == nil || it.VoucherMinor == nil {
		return fmt.Errorf("voucher line %d without a SIM or an amount", it.LineNo)
	}
	_, err := s.ledger.CreditTx(ctx, tx, ledger.Posting{
		ICCID:     *it.ICCID,
		Amount:    money.New(*it.VoucherMinor*int64(it.Quantity), it.Currency),
		Kind:      store.EntryTopup,
		Reference: "Order " + o.Number,
		Key:       fmt.Sprintf("order:%d:line:%d", o.ID, it.LineNo),
	})
	return err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
