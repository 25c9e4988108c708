package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// ShipmentStatus is where an order's parcel is.
type ShipmentStatus string

// The shipment statuses.
const (
	ShipmentPreparing ShipmentStatus = "PREPARING"
	ShipmentShipped   ShipmentStatus = "SHIPPED"
	ShipmentDelivered ShipmentStatus = "DELIVERED"
	ShipmentReturned  ShipmentStatus = "RETURNED"
)

// Shipment is the parcel of an order with physical items.
type Shipment struct {
	ID             int64          `db:"id"`
	OrderID        int64          `db:"order_id"`
	Status         ShipmentStatus `db:"status"`
	Carrier        *string        `db:"carrier"`
	TrackingNumber *string        `db:"tracking_number"`
	TrackingURL    *string        `db:"tracking_url"`
	ShippedAt      *time.Time     `db:"shipped_at"`
	DeliveredAt    *time.Time     `db:"delivered_at"`
}

// ShipmentItem is what a parcel holds of one product: a SIM card by its
// ICCID (one each), or a quantity of an accessory.
type ShipmentItem struct {
	OrderID   int64   `db:"order_id"`
	ProductID int64   `db:"product_id"`
	Quantity  int     `db:"quantity"`
	ICCID     *string `db:"iccid"`
}

const shipmentColumns = `id, order_id, status, carrier, tracking_number, tracking_url, shipped_at, delivered_at`

// EnsureShipment gives a paid order with physical items its parcel, in
// PREPARING, unless it has one.
func (s *Store) EnsureShipment(ctx context.Context, tx Querier, orderID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO shipments (order_id) VALUES ($1) ON CONFLICT (order_id) DO NOTHING`, orderID)
	return mapError(err, "shipment")
}

// LockShipment locks an order's shipment (after the order's row: the
// order's lock comes first everywhere).
func (s *Store) LockShipment(ctx context.Context, tx Querier, orderID int64) (Shipment, error) {
	var sh Shipment
	err := tx.GetContext(ctx, &sh, `SELECT `+shipmentColumns+` FROM shipments WHERE order_id = $1 FOR UPDATE`, orderID)
	return sh, mapError(err, "shipment")
}

// Parcel is what a carrier was given.
type Parcel struct {
	Carrier, TrackingNumber string
	TrackingURL             *string
}

// SetShipped records that a shipment left with a carrier.
func (s *Store) SetShipped(ctx context.Context, tx Querier, id int64, p Parcel) (Shipment, error) {
	var sh Shipment
	err := tx.GetContext(ctx, &sh, `UPDATE shipments SET status = 'SHIPPED', carrier = $2, tracking_number = $3, tracking_url = $4, shipped_at = now()
		WHERE id = $1 RETURNING `+shipmentColumns, id, p.Carrier, p.TrackingNumber, p.TrackingURL)
	return sh, mapError(err, "ship")
}

// SetDelivered records that a shipment arrived.
func (s *Store) SetDelivered(ctx context.Context, tx Querier, id int64) (Shipment, error) {
	var sh Shipment
	err := tx.GetContext(ctx, &sh, `UPDATE shipments SET status = 'DELIVERED', delivered_at = now() WHERE id = $1 RETURNING `+shipmentColumns, id)
	return sh, mapError(err, "deliver")
}

const shipmentsOfOrders = `SELECT ` + shipmentColumns + ` FROM shipments WHERE order_id = ANY($1) ORDER BY order_id, id`

// ShipmentsByOrderID lists each order's shipments. Callers pass only ids
// of orders they may see.
func (s *Store) ShipmentsByOrderID(ctx context.Context, q Querier, orderIDs []int64) (map[int64][]Shipment, error) {
	var rows []Shipment
	if err := q.SelectContext(ctx, &rows, shipmentsOfOrders, pq.Array(orderIDs)); err != nil {
		return nil, mapError(err, "shipments")
	}
	return groupBy(orderIDs, rows, func(sh Shipment) int64 { return sh.OrderID }), nil
}

// A parcel holds the SIM cards allocated to the order (one item each) and
// its accessories (one item per line).
const shipmentItemsOfOrders = `
SELECT s.sold_order_id AS order_id, s.product_id, 1 AS quantity, s.iccid
FROM sim_cards s
WHERE s.sold_order_id = ANY($1) AND s.product_id IS NOT NULL
UNION ALL
SELECT i.order_id, i.product_id, i.quantity, NULL
FROM order_items i JOIN products p ON p.id = i.product_id
WHERE i.order_id = ANY($1) AND p.kind = 'ACCESSORY'
ORDER BY order_id, product_id, iccid`

// ShipmentItemsByOrderID lists what each order's parcel holds. Callers
// pass only ids of orders they may see.
func (s *Store) ShipmentItemsByOrderID(ctx context.Context, q Querier, orderIDs []int64) (map[int64][]ShipmentItem, error) {
	var rows []ShipmentItem
	if err := q.SelectContext(ctx, &rows, shipmentItemsOfOrders, pq.Array(orderIDs)); err != nil {
		return nil, mapError(err, "shipment items")
	}
	return groupBy(orderIDs, rows, func(it ShipmentItem) int64 { return it.OrderID }), nil
}

var lockOrderByNumber = `SELECT ` + orderColumns + ` FROM orders o WHERE o.number = $1 FOR UPDATE`

// LockOrderByNumber locks any order by its number, for an operator's
// command (customers reach orders only through OrderAccess).
func (s *Store) LockOrderByNumber(ctx context.Context, tx Querier, number string) (Order, error) {
	var o Order
	err := tx.GetContext(ctx, &o, lockOrderByNumber, number)
	return o, mapError(err, "order "+number)
}

// AddGuestLink lets one more access token (its hash) open a guest's order:
// the one a later email's link carries.
func (s *Store) AddGuestLink(ctx context.Context, tx Querier, orderID int64, tokenHash []byte) error {
	_, err := tx.ExecContext(ctx, `UPDATE orders SET guest_link_hashes = guest_link_hashes || $2::bytea WHERE id = $1`, orderID, tokenHash)
	return mapError(err, "order link")
}
