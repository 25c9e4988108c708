// Package payment is the boundary to payment providers: starting a hosted
// payment page for an order and reading the provider's signed webhook
// events. The orders service decides what an event does to an order.
package payment

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/teztelecom/tez/internal/money"
)

// Provider is a payment provider: the sandbox (default) or Stripe.
type Provider interface {
	// Name is the provider's name in payments.provider and in the webhook
	// path /webhooks/payments/{name}.
	Name() string
	// StartCheckout opens a hosted payment page for one payment attempt.
	// The same IdempotencyKey answers the same page, so a retried call
	// never makes two charges.
	StartCheckout(ctx context.Context, c Checkout) (Session, error)
	// Expire closes an unpaid page (the order was cancelled), so it cannot
	// be paid any more. ErrAlreadyPaid when the customer paid meanwhile.
	Expire(ctx context.Context, ref string) error
	// Refund gives back (part of) a payment. A failure refunds nothing; a
	// retry with the same IdempotencyKey answers the first refund.
	Refund(ctx context.Context, r Refund) (RefundReceipt, error)
	// ParseEvent checks a webhook delivery's signature and reads it;
	// ErrBadSignature when it is not the provider's.
	ParseEvent(header http.Header, body []byte) (Event, error)
}

// Checkout is what a payment page is for.
type Checkout struct {
	PaymentID      int64
	IdempotencyKey string
	OrderNumber    string
	Amount         money.Money
	Email          string
	// ReturnURL is where the customer goes back to after paying or not.
	ReturnURL string
}

// Session is a provider's payment page.
type Session struct {
	Ref         string // the provider's id of the page or charge
	RedirectURL string
	ExpiresAt   time.Time
}

// Outcome is what a webhook event says happened to a payment.
type Outcome string

// The outcomes of payment events.
const (
	Succeeded Outcome = "SUCCEEDED"
	Failed    Outcome = "FAILED"
	Expired   Outcome = "EXPIRED"
	// Refunded events say the provider gave money back (Stripe's
	// charge.refunded): recorded once, for support to compare with ours.
	Refunded Outcome = "REFUNDED"
	// Ignored events are recorded and change nothing (event types we do not use).
	Ignored Outcome = "IGNORED"
)

// Event is a provider's notification about a payment.
type Event struct {
	ID        string // unique per provider: each event applies once
	PaymentID int64  // ours, as given to StartCheckout; 0 when unknown
	Ref       string // the provider's reference of the payment page
	Outcome   Outcome
	Amount    money.Money
	Payload   []byte // the delivery as received, kept for support
}

// Errors of providers.
var (
	ErrBadSignature = errors.New("payment webhook signature invalid")
	ErrAlreadyPaid  = errors.New("payment already completed")
)

// Refund is money to give back of a payment the provider took.
type Refund struct {
	PaymentID int64
	// Ref is the provider's reference of the payment (Session.Ref).
	Ref    string
	Amount money.Money
	// IdempotencyKey makes a retried call answer the refund the first call
	// made: one key, one refund.
	IdempotencyKey string
	OrderNumber    string
	Reason         string
}

// RefundReceipt is the provider's record of a refund.
type RefundReceipt struct {
	Ref string // the provider's id of the refund
}
