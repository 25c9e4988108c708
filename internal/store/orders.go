package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/relay"
)

// OrderStatus is where an order is in its life.
type OrderStatus string

// The order statuses.
const (
	OrderPendingPayment OrderStatus = "PENDING_PAYMENT"
	OrderPaid           OrderStatus = "PAID"
	OrderFulfilled      OrderStatus = "FULFILLED"
	OrderCancelled      OrderStatus = "CANCELLED"
	OrderRefunded       OrderStatus = "REFUNDED"
)

// Order is an order with its totals; its lines are OrderItems.
type Order struct {
	ID            int64            `db:"id"`
	Number        string           `db:"number"`
	UserID        *int64           `db:"user_id"`
	Email         string           `db:"email"`
	Status        OrderStatus      `db:"status"`
	SubtotalMinor int64            `db:"subtotal"`
	ShippingMinor int64            `db:"shipping_fee"`
	TotalMinor    int64            `db:"total"`
	Currency      string           `db:"currency"`
	ShippingJSON  *json.RawMessage `db:"shipping_address"`
	Note          string           `db:"note"`
	CreatedAt     time.Time        `db:"created_at"`
	PaidAt        *time.Time       `db:"paid_at"`
	// ImportedAt is set on orders of the old account system (tez legacy
	// import): history, never paid, cancelled or fulfilled here.
	ImportedAt *time.Time `db:"imported_at"`
}

// Imported reports whether the order comes from the old account system.
func (o Order) Imported() bool { return o.ImportedAt != nil }

// Subtotal is the sum of the lines.
func (o Order) Subtotal() money.Money { return money.New(o.SubtotalMinor, o.Currency) }

// ShippingFee is what shipping costs.
func (o Order) ShippingFee() money.Money { return money.New(o.ShippingMinor, o.Currency) }

// Total is what the customer pays.
func (o Order) Total() money.Money { return money.New(o.TotalMinor, o.Currency) }

// ShippingAddress is the address snapshot taken at checkout.
type ShippingAddress struct {
	RecipientName string  `json:"recipientName"`
	Line1         string  `json:"line1"`
	Line2         string  `json:"line2"`
	City          string  `json:"city"`
	Region        string  `json:"region"`
	PostalCode    string  `json:"postalCode"`
	CountryCode   string  `json:"countryCode"`
	Phone         *string `json:"phone"`
}

// ShippingAddress decodes the snapshot; nil for orders with nothing to ship.
func (o Order) ShippingAddress() (*ShippingAddress, error) {
	if o.ShippingJSON == nil {
		return nil, nil
	}
	var a ShippingAddress
	if err := json.Unmarshal(*o.ShippingJSON, &a); err != nil {
		return nil, mapError(err, "order "+o.Number+" shipping address")
	}
	return &a, nil
}

// OrderItem is one line of an order.
type OrderItem struct {
	ID      int64 `db:"id"`
	OrderID int64 `db:"order_id"`
	LineNo  int   `db:"line_no"`
	// ProductID is nil on a line of an imported order whose SKU is not in
	// the catalogue: the line keeps its SKU, name and price.
	ProductID      *int64  `db:"product_id"`
	SKU            string  `db:"sku"`
	Name           string  `db:"name"`
	Quantity       int     `db:"quantity"`
	UnitPriceMinor int64   `db:"unit_price"`
	LineTotalMinor int64   `db:"line_total"`
	Currency       string  `db:"currency"`
	ICCID          *string `db:"iccid"`
	// VoucherMinor is what one unit of a top-up voucher credits.
	VoucherMinor *int64 `db:"voucher_amount"`
	// FulfilledQuantity counts the units delivered: SIMs allocated,
	// vouchers credited.
	FulfilledQuantity int `db:"fulfilled_quantity"`
}

// LineTotal is unit price times quantity.
func (i OrderItem) LineTotal() money.Money { return money.New(i.LineTotalMinor, i.Currency) }

// orderCols are the columns of a positional read of a Order, each beside its
// scan target (see queryRows).
var orderCols = columns[Order]{
	{"id", func(o *Order) any { return &o.ID }},
	{"number", func(o *Order) any { return &o.Number }},
	{"user_id", func(o *Order) any { return &o.UserID }},
	{"email", func(o *Order) any { return &o.Email }},
	{"status", func(o *Order) any { return &o.Status }},
	{"subtotal", func(o *Order) any { return &o.SubtotalMinor }},
	{"shipping_fee", func(o *Order) any { return &o.ShippingMinor }},
	{"total", func(o *Order) any { return &o.TotalMinor }},
	{"currency", func(o *Order) any { return &o.Currency }},
	{"shipping_address", func(o *Order) any { return &o.ShippingJSON }},
	{"note", func(o *Order) any { return &o.Note }},
	{"created_at", func(o *Order) any { return &o.CreatedAt }},
	{"paid_at", func(o *Order) any { return &o.PaidAt }},
	{"imported_at", func(o *Order) any { return &o.ImportedAt }},
}

var orderColumns = orderCols.as("o")

// OrderFilter selects a page of a customer's orders, newest first.
type OrderFilter struct {
	Status *OrderStatus
	Page   relay.Page
	// WithItems reads the orders' lines and their products too, in the
	// page's statement: one round trip where a page shows both.
	WithItems bool
}

// The count rides along in the page's statement: one round trip for both.
// %s is the order: newest first, or oldest first for a backward page. An
// absent cursor is an infinite bound (its id then decides nothing), so the
// cursor is the index's condition on every page whatever the values, as
// one plan for all values (GenericPlans) needs; the status filter rides on
// the customer's few orders.
var ordersPage = `
SELECT ` + orderColumns + `,
       (SELECT count(*) FROM orders c WHERE c.user_id = $1 AND ($2::text IS NULL OR c.status::text = $2)) AS total_count
FROM orders o
WHERE o.user_id = $1 AND ($2::text IS NULL OR o.status::text = $2)
  AND (o.created_at, o.id) < (coalesce($3::timestamptz, 'infinity'), coalesce($4::bigint, 0))
  AND (o.created_at, o.id) > (coalesce($5::timestamptz, '-infinity'), coalesce($6::bigint, 0))
ORDER BY %s
LIMIT $7`

// paged is a page's statement in both directions: in its list's order,
// and reversed for a page read from the end (relay.Page.Backward).
type paged struct{ forward, backward string }

func (p paged) query(backward bool) string {
	if backward {
		return p.backward
	}
	return p.forward
}

var ordersPaged = paged{
	fmt.Sprintf(ordersPage, "o.created_at DESC, o.id DESC"),
	fmt.Sprintf(ordersPage, "o.created_at, o.id"),
}

// ordersPageItems is ordersPage with each order's lines and their products
// (itemsWithProducts), a row a line: the page as the account lists it in
// one round trip instead of two. An order without lines reads one row of
// zeros for its line (line id 0).
var ordersPageItems = `
WITH page AS (%s)
SELECT ` + orderCols.as("page") + `, page.total_count,
       ` + itemCols.orZero("i", map[string]string{
	"id": "0", "order_id": "0", "line_no": "0", "sku": "''", "name": "''", "quantity": "0", "unit_price": "0",
	"line_total": "0", "currency": "''", "fulfilled_quantity": "0"}) + `,
       ` + productsOrZero + `
FROM page
LEFT JOIN order_items i ON i.order_id = page.id
LEFT JOIN products p ON p.id = i.product_id
ORDER BY %s, i.line_no`

var ordersWithItemsPaged = paged{
	fmt.Sprintf(ordersPageItems, ordersPaged.forward, "page.created_at DESC, page.id DESC"),
	fmt.Sprintf(ordersPageItems, ordersPaged.backward, "page.created_at, page.id"),
}

// OrdersRead is a page of orders (OrdersPage), how many match in all and,
// with OrderFilter.WithItems, their lines and the lines' products.
type OrdersRead struct {
	Orders   []Order
	Total    int
	Items    map[int64][]OrderItem // every order of the page, nil without lines
	Products map[int64]Product
}

// OrdersPage returns a page of the customer's orders in the page's
// direction (see relay.Cut), how many orders match in all, and, when the
// filter asks, their lines and products, read in the same statement.
func (s *Store) OrdersPage(ctx context.Context, q Querier, owner int64, f OrderFilter) (OrdersRead, error) {
	afterAt, afterID, err := timeIDCursor(f.Page.After)
	if err != nil {
		return OrdersRead{}, err
	}
	beforeAt, beforeID, err := timeIDCursor(f.Page.Before)
	if err != nil {
		return OrdersRead{}, err
	}
	args := []any{owner, f.Status, afterAt, afterID, beforeAt, beforeID, f.Page.Fetch()}
	var read OrdersRead
	if f.WithItems {
		read, err = ordersWithItems(ctx, q, f.Page.Backward, args)
	} else {
		read, err = orders(ctx, q, f.Page.Backward, args)
	}
	if err != nil {
		return OrdersRead{}, mapError(err, "orders")
	}
	if len(read.Orders) == 0 {
		// An empty page still needs the count (a page past the end, say).
		err := q.GetContext(ctx, &read.Total, `SELECT count(*) FROM orders WHERE user_id = $1 AND ($2::text IS NULL OR status::text = $2)`, owner, f.Status)
		return read, mapError(err, "count orders")
	}
	return read, nil
}

// orders reads a page of orders with the count.
func orders(ctx context.Context, q Querier, backward bool, args []any) (OrdersRead, error) {
	query := ordersPaged.query(backward)
	type counted struct {
		Order
		TotalCount int
	}
	rows, err := queryRows(ctx, q, func(r *counted) []any { return append(orderCols.targets(&r.Order), &r.TotalCount) }, query, args...)
	if err != nil || len(rows) == 0 {
		return OrdersRead{}, err
	}
	read := OrdersRead{Orders: make([]Order, len(rows)), Total: rows[0].TotalCount}
	for i, r := range rows {
		read.Orders[i] = r.Order
	}
	return read, nil
}

// ordersWithItems reads a page of orders with the count, their lines and
// the lines' products: rows of one order come together, in line order.
func ordersWithItems(ctx context.Context, q Querier, backward bool, args []any) (OrdersRead, error) {
	query := ordersWithItemsPaged.query(backward)
	type line struct {
		Order
		TotalCount int
		Item       OrderItem
		Product    Product
	}
	targets := func(r *line) []any {
		t := append(orderCols.targets(&r.Order), &r.TotalCount)
		return append(append(t, itemCols.targets(&r.Item)...), productCols.targets(&r.Product)...)
	}
	rows, err := queryRows(ctx, q, targets, query, args...)
	if err != nil || len(rows) == 0 {
		return OrdersRead{}, err
	}
	read := OrdersRead{Total: rows[0].TotalCount, Items: map[int64][]OrderItem{}, Products: map[int64]Product{}}
	for _, r := range rows {
		if n := len(read.Orders); n == 0 || read.Orders[n-1].ID != r.Order.ID {
			read.Orders = append(read.Orders, r.Order)
			read.Items[r.Order.ID] = nil
		}
		if r.Item.ID == 0 {
			continue // an order without lines
		}
		read.Items[r.Order.ID] = append(read.Items[r.Order.ID], r.Item)
		if r.Item.ProductID != nil {
			read.Products[*r.Item.ProductID] = r.Product
		}
	}
	return read, nil
}

// OrderCursor is an order's cursor in OrdersPage order.
func OrderCursor(o Order) string {
	return relay.EncodeCursor(o.CreatedAt.UTC().Format(time.RFC3339Nano), Key(o.ID))
}

// SessionCursor is a session's cursor in SessionsPage order.
func SessionCursor(u UsageSession) string { return relay.EncodeCursor(u.Key()...) }

func timeIDCursor(key []string) (*string, *int64, error) {
	if key == nil {
		return nil, nil, nil
	}
	if _, err := time.Parse(time.RFC3339Nano, key[0]); err != nil {
		return nil, nil, malformedCursor()
	}
	id, err := keyInt(key[1:])
	if err != nil {
		return nil, nil, err
	}
	return &key[0], id, nil
}

var ordersOfOwnerByID = `SELECT ` + orderColumns + ` FROM orders o WHERE o.id = ANY($1) AND o.user_id = $2`

// OrdersByID loads the owner's orders among ids; others' are absent.
func (s *Store) OrdersByID(ctx context.Context, q Querier, owner int64, ids []int64) (map[int64]Order, error) {
	out, err := selectKeyed(ctx, q, func(o Order) int64 { return o.ID }, ordersOfOwnerByID, pq.Array(ids), owner)
	return out, mapError(err, "orders")
}

var orderOfOwnerByNumber = `SELECT ` + orderColumns + ` FROM orders o WHERE o.number = $1 AND o.user_id = $2`

// OrderByNumber loads one of the owner's orders by its number.
func (s *Store) OrderByNumber(ctx context.Context, q Querier, owner int64, number string) (Order, error) {
	var o Order
	err := q.GetContext(ctx, &o, orderOfOwnerByNumber, number, owner)
	return o, mapError(err, "order "+number)
}

// itemCols are the columns of a positional read of a OrderItem, each beside its
// scan target (see queryRows).
var itemCols = columns[OrderItem]{
	{"id", func(i *OrderItem) any { return &i.ID }},
	{"order_id", func(i *OrderItem) any { return &i.OrderID }},
	{"line_no", func(i *OrderItem) any { return &i.LineNo }},
	{"product_id", func(i *OrderItem) any { return &i.ProductID }},
	{"sku", func(i *OrderItem) any { return &i.SKU }},
	{"name", func(i *OrderItem) any { return &i.Name }},
	{"quantity", func(i *OrderItem) any { return &i.Quantity }},
	{"unit_price", func(i *OrderItem) any { return &i.UnitPriceMinor }},
	{"line_total", func(i *OrderItem) any { return &i.LineTotalMinor }},
	{"currency", func(i *OrderItem) any { return &i.Currency }},
	{"iccid", func(i *OrderItem) any { return &i.ICCID }},
	{"voucher_amount", func(i *OrderItem) any { return &i.VoucherMinor }},
	{"fulfilled_quantity", func(i *OrderItem) any { return &i.FulfilledQuantity }},
}

var itemColumns = itemCols.list()

var itemsOfOrders = `SELECT ` + itemColumns + ` FROM order_items WHERE order_id = ANY($1) ORDER BY order_id, line_no`

// OrderItemsByOrderID lists each order's lines. Callers pass only ids of
// orders they may see (loaded owner-checked).
func (s *Store) OrderItemsByOrderID(ctx context.Context, q Querier, orderIDs []int64) (map[int64][]OrderItem, error) {
	var rows []OrderItem
	if err := q.SelectContext(ctx, &rows, itemsOfOrders, pq.Array(orderIDs)); err != nil {
		return nil, mapError(err, "order items")
	}
	return groupBy(orderIDs, rows, func(it OrderItem) int64 { return it.OrderID }), nil
}

// A line without a product reads zero values (any kind) in the product's
// columns (positional reads cannot take a NULL into a plain field); its
// product is left out.
var productsOrZero = productCols.orZero("p", map[string]string{
	"id": "0", "sku": "''", "kind": "'SIM_CARD'", "name": "''", "description": "''", "price": "0", "currency": "''",
	"active": "false", "created_at": "'epoch'"})

var itemsWithProducts = `
SELECT ` + itemCols.as("i") + `, ` + productsOrZero + `
FROM order_items i LEFT JOIN products p ON p.id = i.product_id
WHERE i.order_id = ANY($1) ORDER BY i.order_id, i.line_no`

// OrderItemsWithProducts is OrderItemsByOrderID with the lines' products
// read in the same statement (a page of orders shows both).
func (s *Store) OrderItemsWithProducts(ctx context.Context, q Querier, orderIDs []int64) (map[int64][]OrderItem, map[int64]Product, error) {
	type withProduct struct {
		OrderItem
		Product Product
	}
	targets := func(r *withProduct) []any {
		return append(itemCols.targets(&r.OrderItem), productCols.targets(&r.Product)...)
	}
	rows, err := queryRows(ctx, q, targets, itemsWithProducts, pq.Array(orderIDs))
	if err != nil {
		return nil, nil, mapError(err, "order items")
	}
	items := make(map[int64][]OrderItem, len(orderIDs))
	for _, id := range orderIDs {
		items[id] = nil
	}
	products := map[int64]Product{}
	for _, r := range rows {
		items[r.OrderID] = append(items[r.OrderID], r.OrderItem)
		if r.ProductID != nil {
			products[*r.ProductID] = r.Product
		}
	}
	return items, products, nil
}
