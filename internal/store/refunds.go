package store

import (
	"context"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/money"
)

// The statuses of refunded orders and payments.
const (
	OrderPartiallyRefunded   OrderStatus   = "PARTIALLY_REFUNDED"
	PaymentRefunded          PaymentStatus = "REFUNDED"
	PaymentPartiallyRefunded PaymentStatus = "PARTIALLY_REFUNDED"
)

// Who asks for a refund (refunds.requested_by).
const (
	RefundByOperator  = "OPERATOR"
	RefundByCustomer  = "CUSTOMER"
	RefundByAutomatic = "AUTOMATIC"
)

// Refund is money given back of one payment.
type Refund struct {
	ID             int64     `db:"id"`
	PaymentID      int64     `db:"payment_id"`
	OrderID        int64     `db:"order_id"`
	AmountMinor    int64     `db:"amount"`
	Currency       string    `db:"currency"`
	CreditTaken    int64     `db:"credit_taken"`
	Reason         string    `db:"reason"`
	RequestedBy    string    `db:"requested_by"`
	ProviderRef    string    `db:"provider_ref"`
	IdempotencyKey string    `db:"idempotency_key"`
	CreatedAt      time.Time `db:"created_at"`
}

// Amount is what was given back.
func (r Refund) Amount() money.Money { return money.New(r.AmountMinor, r.Currency) }

const refundColumns = `id, payment_id, order_id, amount, currency, credit_taken, reason, requested_by, provider_ref, idempotency_key, created_at`

// InsertRefund records a refund the provider made.
func (s *Store) InsertRefund(ctx context.Context, tx Querier, r Refund) (Refund, error) {
	var out Refund
	err := tx.GetContext(ctx, &out, `
		INSERT INTO refunds (payment_id, order_id, amount, currency, credit_taken, reason, requested_by, provider_ref, idempotency_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+refundColumns,
		r.PaymentID, r.OrderID, r.AmountMinor, r.Currency, r.CreditTaken, r.Reason, r.RequestedBy, r.ProviderRef, r.IdempotencyKey)
	return out, mapError(err, "insert refund")
}

// RefundsOfOrder lists an order's refunds, oldest first.
func (s *Store) RefundsOfOrder(ctx context.Context, tx Querier, orderID int64) ([]Refund, error) {
	var out []Refund
	err := tx.SelectContext(ctx, &out, `SELECT `+refundColumns+` FROM refunds WHERE order_id = $1 ORDER BY id`, orderID)
	return out, mapError(err, "refunds")
}

// RefundedOfPayment is how much of a payment has been refunded.
func (s *Store) RefundedOfPayment(ctx context.Context, tx Querier, paymentID int64) (int64, error) {
	var n int64
	err := tx.GetContext(ctx, &n, `SELECT coalesce(sum(amount), 0)::bigint FROM refunds WHERE payment_id = $1`, paymentID)
	return n, mapError(err, "refunded amount")
}

// LockTakenPayment locks the payment that took an order's money: the
// order's succeeded payment (a second one, for an order paid twice, is
// refunded when it arrives).
func (s *Store) LockTakenPayment(ctx context.Context, tx Querier, orderID int64) (Payment, error) {
	var p Payment
	err := tx.GetContext(ctx, &p, `SELECT `+paymentColumns+` FROM payments
		WHERE order_id = $1 AND status IN ('SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED')
		ORDER BY (status = 'SUCCEEDED') DESC, id LIMIT 1 FOR UPDATE`, orderID)
	return p, mapError(err, "payment of order")
}

// VoucherCredit is what an order's vouchers credited to one SIM, and the
// SIM's balance now.
type VoucherCredit struct {
	OrderID  int64  `db:"order_id"`
	ICCID    string `db:"iccid"`
	Credit   int64  `db:"credit"`
	Balance  int64  `db:"balance"`
	Currency string `db:"currency"`
}

// RefundFacts is what deciding an order's refund needs: whether its parcel
// has left, and its vouchers' credit against their SIMs' balances.
type RefundFacts struct {
	Shipped  bool
	Vouchers []VoucherCredit
}

const shippedOrders = `SELECT order_id FROM shipments WHERE order_id = ANY($1) AND status <> 'PREPARING'`

const voucherCredits = `
SELECT i.order_id, i.iccid, sum(i.voucher_amount * i.fulfilled_quantity)::bigint AS credit, s.balance, s.currency
FROM order_items i JOIN sim_cards s ON s.iccid = i.iccid
WHERE i.order_id = ANY($1) AND i.voucher_amount IS NOT NULL AND i.fulfilled_quantity > 0
GROUP BY i.order_id, i.iccid, s.balance, s.currency
ORDER BY i.order_id, i.iccid`

// RefundFactsByOrderID reads the refund facts of orders. Callers pass only
// ids of orders they may see; the SIM balances read stay inside the
// decision and are never shown.
func (s *Store) RefundFactsByOrderID(ctx context.Context, q Querier, orderIDs []int64) (map[int64]RefundFacts, error) {
	return refundFacts(ctx, q, orderIDs)
}

// LockRefundFacts is RefundFactsByOrderID for one order in tx, with the
// vouchers' SIMs locked (in ICCID order, as the ledger locks them) so no
// usage debit moves a balance between the decision and the refund.
func (s *Store) LockRefundFacts(ctx context.Context, tx Querier, orderID int64) (RefundFacts, error) {
	_, err := tx.ExecContext(ctx, `SELECT 1 FROM sim_cards WHERE iccid IN (SELECT iccid FROM order_items WHERE order_id = $1)
		ORDER BY iccid FOR UPDATE`, orderID)
	if err != nil {
		return RefundFacts{}, mapError(err, "lock voucher SIMs")
	}
	facts, err := refundFacts(ctx, tx, []int64{orderID})
	return facts[orderID], err
}

func refundFacts(ctx context.Context, q Querier, orderIDs []int64) (map[int64]RefundFacts, error) {
	var shipped []int64
	if err := q.SelectContext(ctx, &shipped, shippedOrders, pq.Array(orderIDs)); err != nil {
		return nil, mapError(err, "shipped orders")
	}
	var credits []VoucherCredit
	if err := q.SelectContext(ctx, &credits, voucherCredits, pq.Array(orderIDs)); err != nil {
		return nil, mapError(err, "voucher credits")
	}
	out := make(map[int64]RefundFacts, len(orderIDs))
	for _, id := range orderIDs {
		out[id] = RefundFacts{}
	}
	for _, id := range shipped {
		f := out[id]
		f.Shipped = true
		out[id] = f
	}
	for _, c := range credits {
		f := out[c.OrderID]
		f.Vouchers = append(f.Vouchers, c)
		out[c.OrderID] = f
	}
	return out, nil
}

// Unpack puts a refunded, unshipped order's SIM cards back in stock (those
// that have no balance or history of their own yet), empties its lines and
// drops its parcel: nothing will ship. It answers the ICCIDs put back.
func (s *Store) Unpack(ctx context.Context, tx Querier, orderID int64) ([]string, error) {
	var iccids []string
	err := tx.SelectContext(ctx, &iccids, `
		UPDATE sim_cards s SET status = 'IN_STOCK', user_id = NULL, owned_since = NULL, sold_order_id = NULL, sold_to_email = NULL,
		       label = '', updated_at = now()
		WHERE s.sold_order_id = $1 AND s.balance = 0 AND s.overdraft = 0
		  AND NOT EXISTS (SELECT 1 FROM balance_entries e WHERE e.iccid = s.iccid)
		RETURNING s.iccid`, orderID)
	if err != nil {
		return nil, mapError(err, "unpack SIM cards")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE order_items i SET fulfilled_quantity = 0 FROM products p
		WHERE i.order_id = $1 AND p.id = i.product_id AND p.kind <> 'TOPUP_VOUCHER'`, orderID); err != nil {
		return nil, mapError(err, "unpack order lines")
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM shipments WHERE order_id = $1 AND status = 'PREPARING'`, orderID)
	return iccids, mapError(err, "unpack shipment")
}

// SetRefundRef records the provider's reference of a refund.
func (s *Store) SetRefundRef(ctx context.Context, tx Querier, id int64, ref string) (Refund, error) {
	var out Refund
	err := tx.GetContext(ctx, &out, `UPDATE refunds SET provider_ref = $2 WHERE id = $1 RETURNING `+refundColumns, id, ref)
	return out, mapError(err, "refund reference")
}
