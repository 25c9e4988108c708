// Package stripepay is the Stripe payment provider: a Checkout Session per
// payment attempt, and webhook events verified with stripe-go's own
// signature check.
package stripepay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v84"
	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/payment"
)

// Name is the provider's name.
const Name = "stripe"

// pageTTL is how long a Checkout Session stays open (Stripe allows 30
// minutes to 24 hours).
const pageTTL = time.Hour

// Options configure the adapter.
type Options struct {
	SecretKey     string
	WebhookSecret string
	// APIURL replaces https://api.stripe.com (stripe-mock in tests).
	APIURL string
}

// Provider is the Stripe adapter.
type Provider struct {
	client        *stripe.Client
	webhookSecret string
}

// New makes the adapter.
func New(opts Options) *Provider {
	cfg := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: 20 * time.Second},
		MaxNetworkRetries: stripe.Int64(2),
		// Errors come back to the caller, which logs them with the order.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if opts.APIURL != "" {
		cfg.URL = stripe.String(opts.APIURL)
	}
	client := stripe.NewClient(opts.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg)))
	return &Provider{client: client, webhookSecret: opts.WebhookSecret}
}

// Name implements payment.Provider.
func (p *Provider) Name() string { return Name }

// StartCheckout implements payment.Provider with a Checkout Session for
// the order's total; our payment id rides in client_reference_id and
// metadata, and our idempotency key is Stripe's.
func (p *Provider) StartCheckout(ctx context.Context, c payment.Checkout) (payment.Session, error) {
	id := strconv.FormatInt(c.PaymentID, 10)
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(id),
		SuccessURL:        stripe.String(c.ReturnURL),
		CancelURL:         stripe.String(c.ReturnURL),
		ExpiresAt:         stripe.Int64(time.Now().Add(pageTTL).Unix()),
		Metadata:          map[string]string{"payment_id": id, "order_number": c.OrderNumber},
		// The charge carries them too: its charge.refunded event names our payment.
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{
			Metadata: map[string]string{"payment_id": id, "order_number": c.OrderNumber},
		},
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(c.Amount.Currency)),
				UnitAmount:  stripe.Int64(c.Amount.Amount),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String("TEZ order " + c.OrderNumber)},
			},
		}},
	}
	if c.Email != "" {
		params.CustomerEmail = stripe.String(c.Email)
	}
	params.SetIdempotencyKey(c.IdempotencyKey)
	s, err := p.client.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return payment.Session{}, fmt.Errorf("stripe checkout session for payment %d: %w", c.PaymentID, err)
	}
	return payment.Session{Ref: s.ID, RedirectURL: s.URL, ExpiresAt: time.Unix(s.ExpiresAt, 0)}, nil
}

// Expire implements payment.Provider. A session Stripe will not expire is
// looked at: completed means paid.
func (p *Provider) Expire(ctx context.Context, ref string) error {
	_, err := p.client.V1CheckoutSessions.Expire(ctx, ref, nil)
	if err == nil {
		return nil
	}
	s, getErr := p.client.V1CheckoutSessions.Retrieve(ctx, ref, nil)
	switch {
	case getErr != nil:
		return fmt.Errorf("stripe expire session %s: %w", ref, err)
	case s.Status == stripe.CheckoutSessionStatusComplete:
		return payment.ErrAlreadyPaid
	case s.Status == stripe.CheckoutSessionStatusExpired:
		return nil
	}
	return fmt.Errorf("stripe expire session %s: %w", ref, err)
}

// Refund implements payment.Provider: a Refund of the session's
// PaymentIntent, under our idempotency key (Stripe answers a retry with the
// same refund).
func (p *Provider) Refund(ctx context.Context, r payment.Refund) (payment.RefundReceipt, error) {
	s, err := p.client.V1CheckoutSessions.Retrieve(ctx, r.Ref, nil)
	if err != nil {
		return payment.RefundReceipt{}, fmt.Errorf("stripe refund: session %s: %w", r.Ref, err)
	}
	if s.PaymentIntent == nil || s.PaymentIntent.ID == "" {
		return payment.RefundReceipt{}, fmt.Errorf("stripe refund: session %s has no payment to refund", r.Ref)
	}
	params := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(s.PaymentIntent.ID),
		Amount:        stripe.Int64(r.Amount.Amount),
		Metadata: map[string]string{"payment_id": strconv.FormatInt(r.PaymentID, 10), "order_number": r.OrderNumber,
			"reason": r.Reason},
	}
	params.SetIdempotencyKey(r.IdempotencyKey)
	re, err := p.client.V1Refunds.Create(ctx, params)
	if err != nil {
		return payment.RefundReceipt{}, fmt.Errorf("stripe refund of payment %d: %w", r.PaymentID, err)
	}
	return payment.RefundReceipt{Ref: re.ID}, nil
}

// charge is the part of a Charge a charge.refunded event needs.
type charge struct {
	ID             string            `json:"id"`
	AmountRefunded int64             `json:"amount_refunded"`
	Currency       string            `json:"currency"`
	Metadata       map[string]string `json:"metadata"`
}

// session is the part of a Checkout Session an event needs.
type session struct {
	ID                string            `json:"id"`
	ClientReferenceID string            `json:"client_reference_id"`
	Metadata          map[string]string `json:"metadata"`
	AmountTotal       int64             `json:"amount_total"`
	Currency          string            `json:"currency"`
	PaymentStatus     string            `json:"payment_status"`
}

// ParseEvent implements payment.Provider: the signature is checked by
// stripe-go's webhook package. Events of API versions other than the
// library's are read too: only stable session fields are used.
func (p *Provider) ParseEvent(header http.Header, body []byte) (payment.Event, error) {
	ev, err := webhook.ConstructEventWithOptions(body, header.Get("Stripe-Signature"), p.webhookSecret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return payment.Event{}, fmt.Errorf("%w: %v", payment.ErrBadSignature, err)
	}
	out := payment.Event{ID: ev.ID, Outcome: payment.Ignored, Payload: body}
	if ev.Type == stripe.EventTypeChargeRefunded && ev.Data != nil {
		var c charge
		if err := json.Unmarshal(ev.Data.Raw, &c); err != nil {
			return payment.Event{}, fmt.Errorf("stripe event %s: %w", ev.ID, err)
		}
		// Amount is what the charge has had refunded in all.
		out.Outcome, out.Ref = payment.Refunded, c.ID
		out.Amount = money.New(c.AmountRefunded, strings.ToUpper(c.Currency))
		out.PaymentID, _ = strconv.ParseInt(c.Metadata["payment_id"], 10, 64)
		return out, nil
	}
	if !strings.HasPrefix(string(ev.Type), "checkout.session.") || ev.Data == nil {
		return out, nil
	}
	var s session
	if err := json.Unmarshal(ev.Data.Raw, &s); err != nil {
		return payment.Event{}, fmt.Errorf("stripe event %s: %w", ev.ID, err)
	}
	out.Ref = s.ID
	out.Amount = money.New(s.AmountTotal, strings.ToUpper(s.Currency))
	out.PaymentID, _ = strconv.ParseInt(s.ClientReferenceID, 10, 64)
	switch ev.Type {
	case stripe.EventTypeCheckoutSessionCompleted:
		// Delayed methods (bank debits) complete unpaid and report later.
		if s.PaymentStatus == string(stripe.CheckoutSessionPaymentStatusPaid) {
			out.Outcome = payment.Succeeded
		}
	case stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded:
		out.Outcome = payment.Succeeded
	case stripe.EventTypeCheckoutSessionAsyncPaymentFailed:
		out.Outcome = payment.Failed
	case stripe.EventTypeCheckoutSessionExpired:
		out.Outcome = payment.Expired
	}
	return out, nil
}
