// Package sandbox is the payment provider used by default, with no money
// involved: its payment page is served by this server (/pay/sandbox/{ref})
// with Approve and Decline buttons, and a click completes the payment
// through the same signed webhook path a real provider uses. Never enable it
// where real goods are sold: anyone can approve.
package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/secret"
)

// Name is the provider's name.
const Name = "sandbox"

// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>",
// the scheme Stripe uses.
const SignatureHeader = "Tez-Sandbox-Signature"

// tolerance is how old a signed delivery may be: replays of old captures fail.
const tolerance = 5 * time.Minute

// pageTTL is how long a payment page stays open.
const pageTTL = 30 * time.Minute

// Provider is the sandbox payment provider.
type Provider struct {
	secret  []byte
	baseURL string
	now     func() time.Time
}

// New makes the provider: secret signs its webhook events, baseURL is where
// this server is reached (the page's address).
func New(secret, baseURL string) *Provider {
	return &Provider{secret: []byte(secret), baseURL: strings.TrimRight(baseURL, "/"), now: time.Now}
}

// Name implements payment.Provider.
func (p *Provider) Name() string { return Name }

// StartCheckout implements payment.Provider. The page's reference derives
// from the idempotency key: the same attempt always names the same page.
func (p *Provider) StartCheckout(_ context.Context, c payment.Checkout) (payment.Session, error) {
	ref := "sbx_" + p.ref(c.IdempotencyKey)
	return payment.Session{Ref: ref, RedirectURL: p.baseURL + "/pay/sandbox/" + ref, ExpiresAt: p.now().Add(pageTTL)}, nil
}

// Expire implements payment.Provider: the sandbox keeps no state of its
// own, its page reads the payment's status.
func (p *Provider) Expire(context.Context, string) error { return nil }

// Refund implements payment.Provider. No money moved, so none goes back:
// the refund is recorded by the caller (the refunds table) under a
// reference that derives from the idempotency key, as a real provider
// answers the same refund to the same key.
func (p *Provider) Refund(_ context.Context, r payment.Refund) (payment.RefundReceipt, error) {
	if r.Amount.Amount <= 0 {
		return payment.RefundReceipt{}, fmt.Errorf("sandbox refund of payment %d: amount must be positive", r.PaymentID)
	}
	return payment.RefundReceipt{Ref: "sbx_re_" + p.ref(r.IdempotencyKey)}, nil
}

func (p *Provider) ref(key string) string {
	mac := hmac.New(sha256.New, p.secret)
	mac.Write([]byte(key))
	return hex.EncodeToString(mac.Sum(nil))[:24]
}

// event is the sandbox's webhook body.
type event struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	PaymentID int64  `json:"payment_id"`
	Ref       string `json:"ref"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
}

var outcomes = map[string]payment.Outcome{
	"payment.succeeded": payment.Succeeded,
	"payment.declined":  payment.Failed,
	"payment.expired":   payment.Expired,
	"payment.refunded":  payment.Refunded,
}

// NewEvent makes a signed webhook delivery saying what happened to a
// payment, as the sandbox's page sends it.
func (p *Provider) NewEvent(paymentID int64, ref string, outcome payment.Outcome, amount money.Money) ([]byte, http.Header, error) {
	var typ string
	for t, o := range outcomes {
		if o == outcome {
			typ = t
		}
	}
	if typ == "" {
		return nil, nil, fmt.Errorf("sandbox event: unknown outcome %q", outcome)
	}
	id := make([]byte, 12)
	if _, err := rand.Read(id); err != nil {
		return nil, nil, fmt.Errorf("sandbox event id: %w", err)
	}
	body, err := json.Marshal(event{ID: "evt_" + hex.EncodeToString(id), Type: typ, PaymentID: paymentID, Ref: ref,
		Amount: amount.Amount, Currency: amount.Currency})
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox event: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(SignatureHeader, p.Sign(p.now(), body))
	return body, h, nil
}

// Sign makes the signature header value for body signed at t.
func (p *Provider) Sign(t time.Time, body []byte) string { return secret.Sign(p.secret, t, body) }

// ParseEvent implements payment.Provider.
func (p *Provider) ParseEvent(header http.Header, body []byte) (payment.Event, error) {
	if err := p.verify(header.Get(SignatureHeader), body); err != nil {
		return payment.Event{}, err
	}
	var e event
	if err := json.Unmarshal(body, &e); err != nil || e.ID == "" {
		return payment.Event{}, fmt.Errorf("sandbox event: malformed body: %v", err)
	}
	outcome, ok := outcomes[e.Type]
	if !ok {
		outcome = payment.Ignored
	}
	return payment.Event{ID: e.ID, PaymentID: e.PaymentID, Ref: e.Ref, Outcome: outcome,
		Amount: money.New(e.Amount, e.Currency), Payload: body}, nil
}

func (p *Provider) verify(header string, body []byte) error {
	if err := secret.Verify(p.secret, header, body, p.now(), tolerance); err != nil {
		return fmt.Errorf("%w: %v", payment.ErrBadSignature, err)
	}
	return nil
}
