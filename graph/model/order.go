package model

import (
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
)

// Payment is one attempt to pay an order.
type Payment struct {
	Status      PaymentStatus
	Amount      money.Money
	Provider    string
	RedirectURL *string
	ExpiresAt   *time.Time
}

// NewPayment converts a payment attempt; nil stays nil.
func NewPayment(p *store.Payment) *Payment { return one(p, newPayment) }

func newPayment(p *store.Payment) Payment {
	return Payment{Status: PaymentStatus(p.Status), Amount: p.Amount(), Provider: p.Provider, RedirectURL: p.RedirectURL, ExpiresAt: p.ExpiresAt}
}

// Shipment is an order's parcel.
type Shipment struct {
	Status         ShipmentStatus
	Carrier        *string
	TrackingNumber *string
	TrackingURL    *string
	ShippedAt      *time.Time
	DeliveredAt    *time.Time
	// OrderRowID is the order's key, which the parcel's items are read by.
	OrderRowID int64
}

// NewShipments converts an order's parcels, in order.
func NewShipments(ss []store.Shipment) []Shipment { return all(ss, newShipment) }

func newShipment(s *store.Shipment) Shipment {
	return Shipment{Status: ShipmentStatus(s.Status), Carrier: s.Carrier, TrackingNumber: s.TrackingNumber,
		TrackingURL: s.TrackingURL, ShippedAt: s.ShippedAt, DeliveredAt: s.DeliveredAt, OrderRowID: s.OrderID}
}

// ShipmentItem is what a parcel holds of one product.
type ShipmentItem struct {
	Quantity int
	ICCID    *string
	// ProductRowID is the product's key, which the product is read by.
	ProductRowID int64
}

// NewShipmentItems converts a parcel's items, in order.
func NewShipmentItems(is []store.ShipmentItem) []ShipmentItem { return all(is, newShipmentItem) }

func newShipmentItem(i *store.ShipmentItem) ShipmentItem {
	return ShipmentItem{Quantity: i.Quantity, ICCID: i.ICCID, ProductRowID: i.ProductID}
}

// Order is an order of the customer's, or a guest's.
type Order struct {
	ID          string
	Number      string
	Status      OrderStatus
	CreatedAt   time.Time
	PaidAt      *time.Time
	Email       string
	Subtotal    money.Money
	ShippingFee money.Money
	Total       money.Money
	Note        string
	ImportedAt  *time.Time
	// RowID is the order's key, which its lines and parcels are read by.
	RowID int64
	src   *store.Order
}

// NewOrder converts an order; nil stays nil.
func NewOrder(o *store.Order) *Order { return one(o, newOrder) }

func newOrder(o *store.Order) Order {
	return Order{
		ID: rowGlobalID(relay.TypeOrder, o.ID), Number: o.Number, Status: OrderStatus(o.Status), CreatedAt: o.CreatedAt,
		PaidAt: o.PaidAt, Email: o.Email, Subtotal: o.Subtotal(), ShippingFee: o.ShippingFee(), Total: o.Total(),
		Note: o.Note, ImportedAt: o.ImportedAt, RowID: o.ID, src: o,
	}
}

// Source is the order as the domain holds it, for the rules that decide
// what can be done with it (orders.Actions).
func (o *Order) Source() store.Order { return *o.src }

// ShippingAddress is where the order ships, decoded only when asked for.
func (o *Order) ShippingAddress() (*ShippingAddress, error) {
	a, err := o.src.ShippingAddress()
	if a == nil || err != nil {
		return nil, err
	}
	return &ShippingAddress{RecipientName: a.RecipientName, Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region,
		PostalCode: a.PostalCode, CountryCode: a.CountryCode, Phone: a.Phone}, nil
}

// OrderItem is one line of an order, at the price paid.
type OrderItem struct {
	Quantity          int
	ICCID             *string
	UnitPrice         money.Money
	LineTotal         money.Money
	FulfilledQuantity int
	Sku               string
	Name              string
	// ProductRowID is the product's key, which the product is read by; nil
	// on an imported line whose product is not in the catalogue.
	ProductRowID *int64
}

// NewOrderItems converts an order's lines, in order.
func NewOrderItems(is []store.OrderItem) []OrderItem { return all(is, newOrderItem) }

func newOrderItem(i *store.OrderItem) OrderItem {
	return OrderItem{Quantity: i.Quantity, ICCID: i.ICCID, UnitPrice: money.New(i.UnitPriceMinor, i.Currency), LineTotal: i.LineTotal(),
		FulfilledQuantity: i.FulfilledQuantity, Sku: i.SKU, Name: i.Name, ProductRowID: i.ProductID}
}

// NewReorderDroppedItems converts the lines a reorder left out, in order.
func NewReorderDroppedItems(ds []orders.Dropped) []ReorderDroppedItem {
	return all(ds, func(d *orders.Dropped) ReorderDroppedItem {
		return ReorderDroppedItem{Item: one(&d.Item, newOrderItem), Reason: d.Reason}
	})
}
