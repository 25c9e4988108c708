package store

import (
	"context"
	"time"

	"github.com/teztelecom/tez/internal/money"
)

// PaymentStatus is where a payment attempt is.
type PaymentStatus string

// The payment statuses.
const (
	PaymentPending   PaymentStatus = "PENDING"
	PaymentSucceeded PaymentStatus = "SUCCEEDED"
	PaymentFailed    PaymentStatus = "FAILED"
	PaymentExpired   PaymentStatus = "EXPIRED"
)

// Payment is one attempt to pay an order at a provider.
type Payment struct {
	ID             int64         `db:"id"`
	OrderID        int64         `db:"order_id"`
	Provider       string        `db:"provider"`
	ProviderRef    *string       `db:"provider_ref"`
	AmountMinor    int64         `db:"amount"`
	Currency       string        `db:"currency"`
	Status         PaymentStatus `db:"status"`
	IdempotencyKey string        `db:"idempotency_key"`
	RedirectURL    *string       `db:"redirect_url"`
	ExpiresAt      *time.Time    `db:"expires_at"`
	CreatedAt      time.Time     `db:"created_at"`
}

// Amount is what the payment charges.
func (p Payment) Amount() money.Money { return money.New(p.AmountMinor, p.Currency) }

const paymentColumns = `id, order_id, provider, provider_ref, amount, currency, status, idempotency_key, redirect_url, expires_at, created_at`

// OpenPayment is the order's pending payment, NotFound when none.
func (s *Store) OpenPayment(ctx context.Context, q Querier, orderID int64) (Payment, error) {
	var p Payment
	err := q.GetContext(ctx, &p, `SELECT `+paymentColumns+` FROM payments WHERE order_id = $1 AND status = 'PENDING'`, orderID)
	return p, mapError(err, "open payment")
}

// InsertPayment starts a payment attempt (status PENDING); the provider's
// session is attached with SetPaymentSession.
func (s *Store) InsertPayment(ctx context.Context, q Querier, orderID int64, provider string, amount money.Money, key string) (Payment, error) {
	var p Payment
	err := q.GetContext(ctx, &p, `
		INSERT INTO payments (order_id, provider, amount, currency, idempotency_key)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+paymentColumns, orderID, provider, amount.Amount, amount.Currency, key)
	return p, mapError(err, "insert payment")
}

// SetPaymentSession records the provider's reference and page of a payment.
func (s *Store) SetPaymentSession(ctx context.Context, q Querier, id int64, ref, redirectURL string, expiresAt time.Time) (Payment, error) {
	var p Payment
	err := q.GetContext(ctx, &p, `
		UPDATE payments SET provider_ref = $2, redirect_url = $3, expires_at = $4, updated_at = now()
		WHERE id = $1 RETURNING `+paymentColumns, id, ref, redirectURL, expiresAt)
	return p, mapError(err, "payment session")
}

// SetPaymentStatus records how a payment ended.
func (s *Store) SetPaymentStatus(ctx context.Context, q Querier, id int64, status PaymentStatus) error {
	_, err := q.ExecContext(ctx, `UPDATE payments SET status = $2, updated_at = now() WHERE id = $1`, id, string(status))
	return mapError(err, "payment status")
}

// LockPayment loads a payment of a provider for a change, locking its row.
func (s *Store) LockPayment(ctx context.Context, q Querier, provider string, id int64) (Payment, error) {
	var p Payment
	err := q.GetContext(ctx, &p, `SELECT `+paymentColumns+` FROM payments WHERE id = $1 AND provider = $2 FOR UPDATE`, id, provider)
	return p, mapError(err, "payment")
}

// PaymentCheckout is what a provider's payment page shows.
type PaymentCheckout struct {
	Payment
	OrderNumber string      `db:"number"`
	OrderStatus OrderStatus `db:"order_status"`
}

var paymentByRef = `
SELECT ` + qualified("p", paymentColumns) + `, o.number, o.status AS order_status
FROM payments p JOIN orders o ON o.id = p.order_id
WHERE p.provider = $1 AND p.provider_ref = $2`

// PaymentByRef loads a payment by the provider's reference, with its order.
func (s *Store) PaymentByRef(ctx context.Context, q Querier, provider, ref string) (PaymentCheckout, error) {
	var p PaymentCheckout
	err := q.GetContext(ctx, &p, paymentByRef, provider, ref)
	return p, mapError(err, "payment "+ref)
}

// RecordPaymentEvent stores a provider event unless it was seen before,
// answering whether it is new. A concurrent duplicate waits for the first
// delivery's transaction and then finds it: each event applies once.
func (s *Store) RecordPaymentEvent(ctx context.Context, q Querier, provider, eventID string, paymentID *int64, outcome, payload string) (bool, error) {
	res, err := q.ExecContext(ctx, `
		INSERT INTO payment_events (provider, event_id, payment_id, outcome, payload)
		VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (provider, event_id) DO NOTHING`,
		provider, eventID, paymentID, outcome, payload)
	if err != nil {
		return false, mapError(err, "record payment event")
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
