package graph_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/payment/sandbox"
	"github.com/teztelecom/tez/internal/payment/stripepay"
	"github.com/teztelecom/tez/internal/store"
)

// paidOrder checks out the lines for the customer and pays them on the
// sandbox page.
func (s shop) paidOrder(t *testing.T, in map[string]any) *orderView {
	t.Helper()
	o := s.mustCheckout(t, s.token, in).Order
	if _, page := s.sandboxPage(t, s.mustPay(t, s.token, o.ID, "").RedirectURL, "approve"); !strings.Contains(page, "approved") {
		t.Fatalf("approve: %s", page)
	}
	return s.order(t, s.token, o.Number)
}

// spend debits the SIM as a usage import does.
func (s shop) spend(t *testing.T, sim string, cents int64) {
	t.Helper()
	st := store.New(s.api.DB)
	_, err := ledger.New(st, ledger.Options{}).Debit(context.Background(), ledger.Posting{ICCID: sim, Amount: money.New(cents, "USD"),
		Kind: store.EntryUsage, Reference: "data", Key: fmt.Sprintf("usage:%s:%d", sim, cents)})
	if err != nil {
		t.Fatal(err)
	}
}

// refundsOf counts an order's refunds and its REFUND ledger entries.
func (s shop) refundsOf(t *testing.T, number string) (refunds, entries int) {
	t.Helper()
	refunds = s.count(t, `SELECT count(*) FROM refunds WHERE order_id = (SELECT id FROM orders WHERE number = $1)`, number)
	entries = s.count(t, `SELECT count(*) FROM balance_entries WHERE kind = 'REFUND' AND reference = 'Refund of order ' || $1`, number)
	return refunds, entries
}

func TestCancellingAPaidOrderRefundsIt(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	paid := s.paidOrder(t, lines(line("SIM-EUROPE", 1), line("TOPUP-10", 1, s.sim)))
	if !reflect.DeepEqual(paid.AvailableActions, []string{"REORDER", "CANCEL"}) || len(paid.Shipments) != 1 {
		t.Fatalf("paid, unshipped, voucher unused: actions %v, shipments %+v", paid.AvailableActions, paid.Shipments)
	}
	sold := *paid.Shipments[0].Items[0].Iccid

	res := s.cancel(t, s.token, paid.ID)
	if res.Order == nil || res.Order.Status != "REFUNDED" || !reflect.DeepEqual(res.Order.AvailableActions, []string{"REORDER"}) ||
		len(res.Order.Shipments) != 0 {
		t.Fatalf("cancel of a paid order: %+v", res)
	}
	if balance, sum, _ := s.ledgerOf(t, s.sim); balance != 0 || sum != 0 {
		t.Errorf("voucher SIM after the refund: balance %d, ledger sum %d; want 0 = 0", balance, sum)
	}
	if refunds, entries := s.refundsOf(t, paid.Number); refunds != 1 || entries != 1 {
		t.Errorf("%d refunds, %d REFUND entries; want 1 and 1", refunds, entries)
	}
	var status string
	var owner *int64
	s.api.DB.QueryRow(`SELECT status, user_id FROM sim_cards WHERE iccid = $1`, sold).Scan(&status, &owner)
	if status != "IN_STOCK" || owner != nil {
		t.Errorf("the unshipped SIM %s is %s, owner %v; want back in stock", sold, status, owner)
	}
	if n := s.count(t, `SELECT count(*) FROM payments WHERE status = 'REFUNDED'`); n != 1 {
		t.Errorf("%d refunded payments, want 1", n)
	}
	text, _ := s.lastMail(t, "buyer@x.example", "Refund")
	if !strings.Contains(text, "refunded 30.00 USD") || !strings.Contains(text, "10.00 USD of voucher credit") {
		t.Errorf("refund email:\n%s", text)
	}
	if bad, err := store.New(s.api.DB).LedgerMismatches(context.Background(), s.api.DB); err != nil || len(bad) > 0 {
		t.Errorf("ledger check: %v %+v", err, bad)
	}
}

func TestCancelRefusedOnceUsedOrShipped(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	used := s.paidOrder(t, lines(line("TOPUP-10", 1, s.sim)))
	s.spend(t, s.sim, 1)
	shipped := s.paidOrder(t, lines(line("SIM-EUROPE", 1)))
	if _, _, err := s.operator().Ship(context.Background(), shipped.Number, store.Parcel{Carrier: "DHL", TrackingNumber: "1"}); err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		o    *orderView
		says string
	}{"a voucher partly used": {used, "credit has been used"}, "shipped": {shipped, "has shipped"}} {
		if got := s.order(t, s.token, tt.o.Number); !reflect.DeepEqual(got.AvailableActions, []string{"REORDER"}) {
			t.Errorf("%s: actions %v, want no CANCEL", name, got.AvailableActions)
		}
		res := s.cancel(t, s.token, tt.o.ID)
		if res.Order != nil || len(res.UserErrors) != 1 || !strings.Contains(res.UserErrors[0].Message, tt.says) {
			t.Errorf("%s: cancel answered %+v", name, res)
		}
	}
	if n := s.count(t, `SELECT count(*) FROM refunds`); n != 0 {
		t.Errorf("%d refunds made", n)
	}
}

func TestOperatorRefundsWhatIsLeftOfAVoucher(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	o := s.paidOrder(t, lines(line("TOPUP-25", 1, s.sim)))
	s.spend(t, s.sim, 1000) // 10.00 of the 25.00 used
	ctx := context.Background()
	for _, tt := range []struct{ name, amount, says string }{
		{"a negative amount", "-5.00", "more than zero"},
		{"zero", "0", "more than zero"},
		{"more than was paid", "25.01", "at most the 25.00 USD paid"},
		{"a huge amount", "99999999999999999999999999.00", "--amount"},
		{"garbage", "12,5€", "--amount"},
		{"too many decimals", "1.001", "--amount"},
	} {
		_, err := s.operator().Refund(ctx, o.Number, orders.RefundRequest{Amount: tt.amount, By: store.RefundByOperator})
		if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: %v, want BAD_USER_INPUT saying %q", tt.name, err, tt.says)
		}
	}
	if refunds, _ := s.refundsOf(t, o.Number); refunds != 0 {
		t.Fatalf("a refused refund refunded")
	}

	// Two operators at once, then again: one refund of the 15.00 left.
	var wg sync.WaitGroup
	results := make([]*orders.Refunded, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() {
			results[i], errs[i] = s.operator().Refund(ctx, o.Number, orders.RefundRequest{Reason: "Customer asked", By: store.RefundByOperator})
		})
	}
	wg.Wait()
	fresh := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("refund %d: %v", i, errs[i])
		}
		if !r.Again {
			fresh++
		}
		if r.Refund.AmountMinor != 1500 || r.Refund.CreditTaken != 1500 || r.Order.Status != store.OrderPartiallyRefunded {
			t.Errorf("refund %d: %+v, order %s; want 15.00 refunded and taken back, PARTIALLY_REFUNDED", i, r.Refund, r.Order.Status)
		}
	}
	if fresh != 1 {
		t.Errorf("%d of 4 concurrent refunds refunded, want 1", fresh)
	}
	if refunds, entries := s.refundsOf(t, o.Number); refunds != 1 || entries != 1 {
		t.Errorf("%d refunds, %d REFUND entries; want 1 and 1", refunds, entries)
	}
	if balance, sum, _ := s.ledgerOf(t, s.sim); balance != 0 || sum != 0 {
		t.Errorf("balance %d, ledger sum %d; want 0 = 0", balance, sum)
	}
	var sim struct{ Status string }
	s.api.DB.Get(&sim, `SELECT status FROM sim_cards WHERE iccid = $1`, s.sim)
	if sim.Status != "ACTIVE" {
		t.Errorf("SIM %s after the refund took its balance to 0: want ACTIVE (a debit it covers does not suspend)", sim.Status)
	}
	if got := s.order(t, s.token, o.Number); got.Status != "PARTIALLY_REFUNDED" || !reflect.DeepEqual(got.AvailableActions, []string{"REORDER"}) {
		t.Errorf("the customer sees %s %v", got.Status, got.AvailableActions)
	}
}

func TestRefundThatTheProviderRefusesChangesNothing(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	o := s.paidOrder(t, lines(line("TOPUP-10", 1, s.sim)))
	// The payment was taken by Stripe, which cannot be reached: a real
	// client against a closed port.
	s.api.MustExec(`UPDATE payments SET provider = 'stripe', provider_ref = 'cs_test_unreachable'`)
	down := stripepay.New(stripepay.Options{SecretKey: "sk_test_123", APIURL: "http://127.0.0.1:1"})
	mails := s.count(t, `SELECT count(*) FROM email_outbox`)
	_, err := s.operatorWith(down).Refund(context.Background(), o.Number, orders.RefundRequest{By: store.RefundByOperator})
	if !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("refund through a provider that is down: %v, want UNAVAILABLE", err)
	}
	got := s.order(t, s.token, o.Number)
	if balance, _, _ := s.ledgerOf(t, s.sim); got.Status != "FULFILLED" || balance != 1000 {
		t.Errorf("after a failed refund: order %s, balance %d; want FULFILLED and 1000", got.Status, balance)
	}
	if n := s.count(t, `SELECT count(*) FROM payments WHERE status = 'SUCCEEDED'`); n != 1 {
		t.Errorf("the payment changed")
	}
	if refunds, entries := s.refundsOf(t, o.Number); refunds != 0 || entries != 0 || s.count(t, `SELECT count(*) FROM email_outbox`) != mails {
		t.Errorf("a failed refund left %d refunds, %d entries or an email", refunds, entries)
	}
	// Through the sandbox a payment Stripe took is not refunded either.
	if _, err := s.operator().Refund(context.Background(), o.Number, orders.RefundRequest{By: store.RefundByOperator}); !apperr.Is(err, apperr.Unavailable) ||
		!strings.Contains(err.Error(), "taken by stripe") {
		t.Errorf("refund through another provider: %v", err)
	}
}

func TestRefundRefusesOrdersWithoutMoney(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	unpaid := s.mustCheckout(t, s.token, lines(line("TOPUP-10", 1, s.sim))).Order
	cancelled := s.mustCheckout(t, s.token, lines(line("TOPUP-10", 1, s.sim))).Order
	s.cancel(t, s.token, cancelled.ID)
	for name, number := range map[string]string{"unpaid": unpaid.Number, "cancelled": cancelled.Number} {
		if _, err := s.operator().Refund(context.Background(), number, orders.RefundRequest{By: store.RefundByOperator}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("%s: %v, want CONFLICT", name, err)
		}
	}
	if _, err := s.operator().Refund(context.Background(), "TEZ-999999", orders.RefundRequest{}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("no such order: %v", err)
	}
}

// Money that arrives for an order cancelled meanwhile goes back at once,
// and the provider's refund event is recorded once.
func TestPaymentOfACancelledOrderIsRefunded(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	number, paymentID, ref, amount := s.openPayment(t)
	var orderID int64
	s.api.DB.Get(&orderID, `SELECT id FROM orders WHERE number = $1`, number)
	s.api.MustExec(`UPDATE orders SET status = 'CANCELLED', cancelled_at = now() WHERE id = $1`, orderID)
	provider := sandbox.New(s.api.Cfg.SandboxSecret, s.api.Cfg.PublicURL)
	body, header, _ := provider.NewEvent(paymentID, ref, payment.Succeeded, amount)
	if st := s.webhook(t, body, header); st != http.StatusOK {
		t.Fatalf("late success: %d", st)
	}
	var r store.Refund
	if err := s.api.DB.Get(&r, `SELECT amount, requested_by, provider_ref FROM refunds WHERE payment_id = $1`, paymentID); err != nil {
		t.Fatalf("no refund of the late payment: %v", err)
	}
	if r.AmountMinor != 2000 || r.RequestedBy != store.RefundByAutomatic || !strings.HasPrefix(r.ProviderRef, "sbx_re_") {
		t.Errorf("refund %+v", r)
	}
	if n := s.count(t, `SELECT count(*) FROM payments WHERE id = $1 AND status = 'REFUNDED'`, paymentID); n != 1 {
		t.Error("the late payment does not read REFUNDED")
	}
	if got := s.count(t, `SELECT count(*) FROM orders WHERE id = $1 AND status = 'CANCELLED'`, orderID); got != 1 {
		t.Error("the cancelled order changed status")
	}
	if balance, _, _ := s.ledgerOf(t, s.sim); balance != 0 {
		t.Errorf("a cancelled order credited %d", balance)
	}
	text, _ := s.lastMail(t, "buyer@x.example", "Refund")
	if !strings.Contains(text, "20.00 USD") || !strings.Contains(text, "after the order was cancelled") {
		t.Errorf("refund email:\n%s", text)
	}
	// The provider tells of the refund, twice: one record.
	refunded, h, _ := provider.NewEvent(paymentID, ref, payment.Refunded, amount)
	for range 2 {
		if st := s.webhook(t, refunded, h); st != http.StatusOK {
			t.Fatalf("refund event: %d", st)
		}
	}
	if n := s.count(t, `SELECT count(*) FROM payment_events WHERE payment_id = $1 AND outcome = 'REFUNDED'`, paymentID); n != 1 {
		t.Errorf("%d refund events recorded, want 1", n)
	}
	if n := s.count(t, `SELECT count(*) FROM refunds`); n != 1 {
		t.Errorf("%d refunds after the event, want still 1", n)
	}
}

// A part refunded before the parcel left (the voucher, say) leaves the
// rest to ship.
func TestPartlyRefundedOrderStillShips(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	o := s.paidOrder(t, lines(line("SIM-EUROPE", 1), line("TOPUP-10", 1, s.sim)))
	ctx := context.Background()
	res, err := s.operator().Refund(ctx, o.Number, orders.RefundRequest{Amount: "10.00", Reason: "Voucher not wanted", By: store.RefundByOperator})
	if err != nil || res.Order.Status != store.OrderPartiallyRefunded || res.Refund.CreditTaken != 1000 || len(res.Restocked) != 0 {
		t.Fatalf("refund of the voucher: %+v, %v", res, err)
	}
	shipped, sh, err := s.operator().Ship(ctx, o.Number, store.Parcel{Carrier: "DHL", TrackingNumber: "7"})
	if err != nil || shipped.Status != store.OrderPartiallyRefunded || sh.Status != store.ShipmentShipped {
		t.Errorf("shipping the rest: %v, %v, %v", shipped, sh, err)
	}
}
