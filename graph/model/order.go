package model

import (
	"time"

	"github.com/teztelecom/tez/internal/money"
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
