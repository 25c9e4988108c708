package orders

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/store"
)

// MaxReasonLen bounds a refund's reason.
const MaxReasonLen = 500

// RefundRequest is a refund as asked for.
type RefundRequest struct {
	Reason string
	// Amount is a decimal in the order's currency; empty asks for what the
	// refund rule gives (RefundQuote).
	Amount string
	By     string // store.RefundByOperator, …
}

// Refunded is what a refund did.
type Refunded struct {
	Order  store.Order
	Refund store.Refund
	// Again: the order was refunded before; nothing was done now.
	Again bool
	// Restocked are the SIM cards of an unshipped order put back in stock.
	Restocked []string
}

// Quote is what refunding an order gives back by the refund rule: what was
// paid, less the vouchers' credit that has been used. The SIM's balance is
// one pot, so a voucher counts as used only as far as the balance has
// fallen below its credit (older money is spent first). Take is what each
// voucher's SIM gives back.
type Quote struct {
	Paid, Used, Refund int64
	Take               []store.VoucherCredit // Credit is what to take back
}

// RefundQuote applies the refund rule to an order's facts.
func RefundQuote(paid int64, f store.RefundFacts) Quote {
	q := Quote{Paid: paid}
	for _, v := range f.Vouchers {
		left := min(v.Credit, max(v.Balance, 0))
		q.Used += v.Credit - left
		if left > 0 {
			v.Credit = left
			q.Take = append(q.Take, v)
		}
	}
	q.Refund = max(paid-q.Used, 0)
	return q
}

// CancelsWithRefund reports whether the customer's cancel refunds a paid
// order at once: its parcel has not left and no voucher credit is used.
func CancelsWithRefund(f store.RefundFacts) bool {
	if f.Shipped {
		return false
	}
	for _, v := range f.Vouchers {
		if v.Balance < v.Credit {
			return false
		}
	}
	return true
}

// Refund refunds an order (tez orders refund) through the provider that
// took its money, in one transaction with everything it changes: the
// vouchers' remaining credit leaves their SIMs' ledgers as REFUND entries,
// the payment and the order read REFUNDED or PARTIALLY_REFUNDED, the SIM
// cards of an unshipped order fully refunded go back to stock, and the
// customer is mailed. A provider that fails leaves all as it was. An order
// takes one refund: asking again (twice, or two at once) answers the first.
func (s *Service) Refund(ctx context.Context, number string, req RefundRequest) (*Refunded, error) {
	var out Refunded
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		o, err := s.store.LockOrderByNumber(ctx, tx, number)
		if err != nil {
			return err
		}
		out, err = s.refund(ctx, tx, o, req)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("refund order %s: %w", number, err)
	}
	return &out, nil
}

// refund refunds the locked order o.
func (s *Service) refund(ctx context.Context, tx store.Querier, o store.Order, req RefundRequest) (Refunded, error) {
	req.Reason = strings.TrimSpace(req.Reason)
	if utf8.RuneCountInString(req.Reason) > MaxReasonLen {
		return Refunded{}, apperr.New(apperr.Invalid, "a reason has at most %d characters", MaxReasonLen)
	}
	switch {
	case o.Imported():
		return Refunded{}, apperr.New(apperr.Conflict, "order %s comes from the old account system: refund it there", o.Number)
	case o.Status == store.OrderRefunded || o.Status == store.OrderPartiallyRefunded:
		return s.refundedBefore(ctx, tx, o)
	case o.Status != store.OrderPaid && o.Status != store.OrderFulfilled:
		return Refunded{}, apperr.New(apperr.Conflict, "order %s is %s: there is no payment to refund", o.Number, humanStatus(o.Status))
	}
	pay, err := s.store.LockTakenPayment(ctx, tx, o.ID)
	if err != nil {
		return Refunded{}, err
	}
	facts, err := s.store.LockRefundFacts(ctx, tx, o.ID)
	if err != nil {
		return Refunded{}, err
	}
	q := RefundQuote(pay.AmountMinor, facts)
	amount := q.Refund
	if req.Amount != "" {
		m, err := money.Parse(req.Amount, o.Currency)
		if err != nil {
			return Refunded{}, apperr.New(apperr.Invalid, "--amount: %v", err)
		}
		if m.Amount <= 0 || m.Amount > pay.AmountMinor {
			return Refunded{}, apperr.New(apperr.Invalid, "--amount: give more than zero and at most the %s paid", pay.Amount())
		}
		amount = m.Amount
	}
	if amount == 0 {
		return Refunded{}, apperr.New(apperr.Conflict, "order %s: the vouchers' credit (%s) is used up, so the rule refunds nothing; give --amount to refund anyway",
			o.Number, money.New(q.Used, o.Currency))
	}
	taken, err := s.takeBackCredit(ctx, tx, o, pay, q.Take, amount)
	if err != nil {
		return Refunded{}, err
	}
	r, err := s.giveBack(ctx, tx, o, pay, amount, taken, req)
	if err != nil {
		return Refunded{}, err
	}
	out := Refunded{Refund: r}
	status := store.OrderPartiallyRefunded
	if amount == pay.AmountMinor {
		status = store.OrderRefunded
		if !facts.Shipped {
			if out.Restocked, err = s.store.Unpack(ctx, tx, o.ID); err != nil {
				return Refunded{}, err
			}
		}
	}
	if out.Order, err = s.store.SetOrderStatus(ctx, tx, o.ID, status); err != nil {
		return Refunded{}, err
	}
	return out, s.sendRefunded(ctx, tx, out.Order, r)
}

// refundedBefore answers the refund an order had: asking twice refunds once.
func (s *Service) refundedBefore(ctx context.Context, tx store.Querier, o store.Order) (Refunded, error) {
	rs, err := s.store.RefundsOfOrder(ctx, tx, o.ID)
	if err != nil || len(rs) == 0 {
		return Refunded{}, fmt.Errorf("order %s reads %s without a refund: %w", o.Number, o.Status, err)
	}
	return Refunded{Order: o, Refund: rs[0], Again: true}, nil
}

// takeBackCredit takes what is left of the vouchers' credit, up to amount,
// off their SIMs as REFUND entries (in ICCID order), answering the total.
func (s *Service) takeBackCredit(ctx context.Context, tx store.Querier, o store.Order, pay store.Payment, take []store.VoucherCredit, amount int64) (int64, error) {
	var taken int64
	for _, v := range take {
		part := min(v.Credit, amount-taken)
		if part <= 0 {
			break
		}
		_, err := s.ledger.DebitTx(ctx, tx, ledger.Posting{ICCID: v.ICCID, Amount: money.New(part, v.Currency), Kind: store.EntryRefund,
			Reference: "Refund of order " + o.Number, Key: fmt.Sprintf("refund:payment:%d:%s", pay.ID, v.ICCID)})
		if err != nil {
			return 0, fmt.Errorf("take back the credit of %s: %w", v.ICCID, err)
		}
		taken += part
	}
	return taken, nil
}

// giveBack asks the provider that took a payment to give amount back and
// records the refund and the payment's status. It comes after every other
// write of the transaction, so a failure of ours never leaves a refund at
// the provider; its key derives from the payment, so if the commit is lost
// after the provider answered, the next try gets the same refund.
func (s *Service) giveBack(ctx context.Context, tx store.Querier, o store.Order, pay store.Payment, amount, creditTaken int64, req RefundRequest) (store.Refund, error) {
	if pay.Provider != s.provider.Name() || pay.ProviderRef == nil {
		return store.Refund{}, apperr.New(apperr.Unavailable, "payment %d of order %s was taken by %s, and this server pays through %s: refund it there",
			pay.ID, o.Number, pay.Provider, s.provider.Name())
	}
	key := fmt.Sprintf("refund-payment-%d", pay.ID)
	r, err := s.store.InsertRefund(ctx, tx, store.Refund{PaymentID: pay.ID, OrderID: o.ID, AmountMinor: amount, Currency: pay.Currency,
		CreditTaken: creditTaken, Reason: req.Reason, RequestedBy: req.By, ProviderRef: "pending", IdempotencyKey: key})
	if err != nil {
		return store.Refund{}, err
	}
	status := store.PaymentPartiallyRefunded
	if amount == pay.AmountMinor {
		status = store.PaymentRefunded
	}
	if err := s.store.SetPaymentStatus(ctx, tx, pay.ID, status); err != nil {
		return store.Refund{}, err
	}
	receipt, err := s.provider.Refund(ctx, payment.Refund{PaymentID: pay.ID, Ref: *pay.ProviderRef, Amount: money.New(amount, pay.Currency),
		IdempotencyKey: key, OrderNumber: o.Number, Reason: req.Reason})
	if err != nil {
		s.log.ErrorContext(ctx, "refund", "order", o.Number, "payment_id", pay.ID, "provider", pay.Provider, "err", err)
		return store.Refund{}, apperr.Wrap(err, apperr.Unavailable, "the payment provider did not refund: nothing changed; try again in a minute")
	}
	return s.store.SetRefundRef(ctx, tx, r.ID, receipt.Ref)
}
