package store

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

var activeProductsBySKU = `SELECT ` + productColumns + ` FROM products WHERE sku = ANY($1) AND active`

// ActiveProductsBySKU loads the products on sale among skus; retired and
// unknown ones are absent.
func (s *Store) ActiveProductsBySKU(ctx context.Context, q Querier, skus []string) (map[string]Product, error) {
	out, err := selectKeyed(ctx, q, func(p Product) string { return p.SKU }, activeProductsBySKU, pq.Array(skus))
	return out, mapError(err, "products")
}

var simCardsForTopup = `SELECT ` + simColumns + ` FROM sim_cards WHERE iccid = ANY($1)`

// SimCardsForTopup loads SIMs a voucher may credit, whoever owns them (a
// voucher can top up a friend's SIM). Callers show only whether a SIM can
// be topped up, never its details.
func (s *Store) SimCardsForTopup(ctx context.Context, q Querier, iccids []string) (map[string]SimCard, error) {
	out, err := selectKeyed(ctx, q, func(sc SimCard) string { return sc.ICCID }, simCardsForTopup, pq.Array(iccids))
	return out, mapError(err, "sim cards")
}

// NewOrder is an order to place: totals already computed by the caller.
type NewOrder struct {
	UserID         *int64
	Email          string
	Currency       string
	SubtotalMinor  int64
	ShippingMinor  int64
	ShippingJSON   *string // the address snapshot; jsonb goes as text (binary_parameters)
	Note           string
	GuestTokenHash []byte
	Items          []NewOrderItem
}

// NewOrderItem is one line of a NewOrder.
type NewOrderItem struct {
	ProductID      int64
	SKU, Name      string
	Quantity       int
	UnitPriceMinor int64
	ICCID          *string
	VoucherMinor   *int64
}

const insertOrder = `
INSERT INTO orders (user_id, email, currency, subtotal, shipping_fee, total, shipping_address, note, guest_token_hash)
VALUES ($1, $2, $3, $4, $5, $4::bigint + $5::bigint, $6::jsonb, $7, $8)
RETURNING id`

// The lines go in one statement, numbered in the order given.
const insertOrderItems = `
INSERT INTO order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, currency, iccid, voucher_amount)
SELECT $1, l.n, l.product_id, l.sku, l.name, l.quantity, l.unit_price, l.unit_price * l.quantity, $2, nullif(l.iccid, ''), nullif(l.voucher, 0)
FROM unnest($3::bigint[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::text[], $9::bigint[])
     WITH ORDINALITY AS l(product_id, sku, name, quantity, unit_price, iccid, voucher, n)`

// InsertOrder places an order and its lines, answering it as stored.
func (s *Store) InsertOrder(ctx context.Context, q Querier, o NewOrder) (Order, error) {
	var id int64
	err := q.GetContext(ctx, &id, insertOrder, o.UserID, o.Email, o.Currency, o.SubtotalMinor, o.ShippingMinor,
		o.ShippingJSON, o.Note, o.GuestTokenHash)
	if err != nil {
		return Order{}, mapError(err, "insert order")
	}
	n := len(o.Items)
	products, quantities := make([]int64, n), make([]int64, n)
	skus, names, iccids := make([]string, n), make([]string, n), make([]string, n)
	prices, vouchers := make([]int64, n), make([]int64, n)
	for i, it := range o.Items {
		products[i], skus[i], names[i], quantities[i], prices[i] = it.ProductID, it.SKU, it.Name, int64(it.Quantity), it.UnitPriceMinor
		if it.ICCID != nil {
			iccids[i] = *it.ICCID
		}
		if it.VoucherMinor != nil {
			vouchers[i] = *it.VoucherMinor
		}
	}
	_, err = q.ExecContext(ctx, insertOrderItems, id, o.Currency, pq.Array(products), pq.Array(skus), pq.Array(names),
		pq.Array(quantities), pq.Array(prices), pq.Array(iccids), pq.Array(vouchers))
	if err != nil {
		return Order{}, mapError(err, "insert order items")
	}
	var placed Order
	err = q.GetContext(ctx, &placed, `SELECT `+orderColumns+` FROM orders o WHERE o.id = $1`, id)
	return placed, mapError(err, "order")
}

// OrderAccess says who asks for an order: its owner, or a guest holding the
// order's access token. An order matching neither is NotFound, exactly
// like a missing one.
type OrderAccess struct {
	OwnerID        int64  // 0 for a guest
	GuestTokenHash []byte // nil for a signed-in customer
}

// LockOrder loads an order for a change, locking its row until the
// transaction ends: concurrent payments, cancellations and webhooks of one
// order happen one after the other.
func (s *Store) LockOrder(ctx context.Context, q Querier, id int64, who OrderAccess) (Order, error) {
	return s.orderFor(ctx, q, " FOR UPDATE", id, who)
}

// OrderFor loads an order the caller may see, without locking it.
func (s *Store) OrderFor(ctx context.Context, q Querier, id int64, who OrderAccess) (Order, error) {
	return s.orderFor(ctx, q, "", id, who)
}

func (s *Store) orderFor(ctx context.Context, q Querier, lock string, id int64, who OrderAccess) (Order, error) {
	where, key := "o.user_id = $2", any(who.OwnerID)
	switch {
	case who.OwnerID != 0:
	case len(who.GuestTokenHash) > 0:
		where, key = guestTokenOpens+guestTokenLive, who.GuestTokenHash
	default:
		return Order{}, mapError(sql.ErrNoRows, "order")
	}
	var o Order
	err := sqlx.GetContext(ctx, q, &o, `SELECT `+orderColumns+` FROM orders o WHERE o.id = $1 AND `+where+lock, id, key)
	return o, mapError(err, "order")
}

// guestTokenOpens: the checkout's token, or one a later email carried.
const guestTokenOpens = `($2::bytea = o.guest_token_hash OR $2::bytea = ANY(o.guest_link_hashes))`

// guestTokenLive: a guest's access token opens its order until 30 days
// after it was fulfilled or cancelled, and only while no account has it;
// an order that joined the account of its email at checkout (a verified
// one's) stays open to the token while it awaits payment, so that the
// guest can pay it. Joining later, on verification, clears the token
// (claimGuestOrders).
const guestTokenLive = `
  AND coalesce(o.fulfilled_at, o.cancelled_at, 'infinity') > now() - interval '30 days'
  AND (o.user_id IS NULL OR o.status = 'PENDING_PAYMENT')`

// LockOrderOfPayment locks the order a payment of a provider is for.
func (s *Store) LockOrderOfPayment(ctx context.Context, q Querier, provider string, paymentID int64) (Order, error) {
	var o Order
	err := q.GetContext(ctx, &o, `SELECT `+orderColumns+` FROM orders o
		WHERE o.id = (SELECT order_id FROM payments WHERE id = $1 AND provider = $2) FOR UPDATE`, paymentID, provider)
	return o, mapError(err, "order of payment")
}

var orderByGuestToken = `SELECT ` + orderColumns + ` FROM orders o WHERE o.number = $1 AND ` + guestTokenOpens + guestTokenLive

// OrderByGuestToken loads the order a guest's access token opens.
func (s *Store) OrderByGuestToken(ctx context.Context, q Querier, number string, tokenHash []byte) (Order, error) {
	var o Order
	err := q.GetContext(ctx, &o, orderByGuestToken, number, tokenHash)
	return o, mapError(err, "order "+number)
}

// SetOrderStatus moves an order on, stamping when it was paid, fulfilled,
// cancelled or refunded.
func (s *Store) SetOrderStatus(ctx context.Context, q Querier, id int64, status OrderStatus) (Order, error) {
	var o Order
	err := q.GetContext(ctx, &o, `
		UPDATE orders o SET status = $2::order_status, updated_at = now(),
		       paid_at      = CASE WHEN $2::order_status = 'PAID' THEN now() ELSE paid_at END,
		       fulfilled_at = CASE WHEN $2::order_status = 'FULFILLED' THEN now() ELSE fulfilled_at END,
		       cancelled_at = CASE WHEN $2::order_status = 'CANCELLED' THEN now() ELSE cancelled_at END,
		       refunded_at  = CASE WHEN $2::order_status IN ('REFUNDED', 'PARTIALLY_REFUNDED') THEN now() ELSE refunded_at END
		WHERE o.id = $1
		RETURNING `+orderColumns, id, string(status))
	return o, mapError(err, "order status")
}

// ItemToFulfil is an order line with its product's kind (its ProductID is
// never nil: lines without a product are only on imported orders, which
// are never fulfilled).
type ItemToFulfil struct {
	OrderItem
	Kind ProductKind `db:"kind"`
}

var itemsToFulfil = `
SELECT ` + itemCols.as("i") + `, p.kind
FROM order_items i JOIN products p ON p.id = i.product_id
WHERE i.order_id = $1 ORDER BY i.line_no`

// OrderItemsTx lists an order's lines inside tx (after LockOrder).
func (s *Store) OrderItemsTx(ctx context.Context, q Querier, orderID int64) ([]ItemToFulfil, error) {
	var rows []ItemToFulfil
	err := q.SelectContext(ctx, &rows, itemsToFulfil, orderID)
	return rows, mapError(err, "order items")
}

// SetFulfilledQuantity records how many units of a line are delivered.
func (s *Store) SetFulfilledQuantity(ctx context.Context, q Querier, itemID int64, n int) error {
	_, err := q.ExecContext(ctx, `UPDATE order_items SET fulfilled_quantity = $2 WHERE id = $1`, itemID, n)
	return mapError(err, "fulfil order item")
}

// The first free SIMs of the product, skipping rows another order is taking
// right now (SKIP LOCKED): two orders never get one SIM, and neither waits.
// The pick is MATERIALIZED so it runs once: as a plain IN (subquery) the
// planner may re-run it when rechecking a row another transaction changed,
// and hand out a SIM twice. The outer WHERE re-checks that the SIM is free.
const allocateSIMs = `
WITH picked AS MATERIALIZED (
    SELECT iccid FROM sim_cards
    WHERE product_id = $1 AND status = 'IN_STOCK' AND user_id IS NULL AND sold_order_id IS NULL AND reseller_id IS NULL
    ORDER BY iccid LIMIT $2
    FOR UPDATE SKIP LOCKED)
UPDATE sim_cards s
SET status = 'ACTIVE', user_id = $4, owned_since = CASE WHEN $4::bigint IS NULL THEN NULL ELSE now() END,
    sold_order_id = $3, sold_to_email = $5, updated_at = now()
FROM picked
WHERE s.iccid = picked.iccid AND s.status = 'IN_STOCK' AND s.sold_order_id IS NULL
RETURNING s.iccid`

// AllocateSIMs takes up to n SIMs of a product from stock for an order:
// they go to the buyer's account, or, for a guest, to the email (they join
// the account once that email is verified). It answers the ICCIDs taken,
// fewer than n when stock runs out.
func (s *Store) AllocateSIMs(ctx context.Context, q Querier, productID int64, n int, orderID int64, buyer *int64, email string) ([]string, error) {
	var iccids []string
	err := q.SelectContext(ctx, &iccids, allocateSIMs, productID, n, orderID, buyer, email)
	return iccids, mapError(err, "allocate sim cards")
}

// TouchAddress records that an address was just used, which orders the
// address book (most recently used first after the default).
func (s *Store) TouchAddress(ctx context.Context, q Querier, userID, id int64) error {
	_, err := q.ExecContext(ctx, `UPDATE addresses SET last_used_at = now() WHERE id = $1 AND user_id = $2`, id, userID)
	return mapError(err, "touch address")
}

// PaidOrderIDs lists the paid orders with lines not yet fulfilled, oldest
// first: the ones waiting for stock. Imported orders are history, never
// fulfilled here.
func (s *Store) PaidOrderIDs(ctx context.Context, q Querier) ([]int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, `SELECT o.id FROM orders o WHERE o.status = 'PAID' AND o.imported_at IS NULL
		AND EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.fulfilled_quantity < i.quantity)
		ORDER BY o.paid_at, o.id`)
	return ids, mapError(err, "paid orders")
}

// LockPaidOrder locks an order placed here that is still PAID; NotFound
// otherwise.
func (s *Store) LockPaidOrder(ctx context.Context, q Querier, id int64) (Order, error) {
	var o Order
	err := q.GetContext(ctx, &o, `SELECT `+orderColumns+` FROM orders o WHERE o.id = $1 AND o.status = 'PAID' AND o.imported_at IS NULL FOR UPDATE`, id)
	return o, mapError(err, "paid order")
}
