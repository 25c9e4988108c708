package orders

import (
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// Limits of one order.
const (
	MaxLines    = 20
	MaxQuantity = 100
	MaxNoteLen  = 1000
)

// Shipping: a flat fee per parcel, free from a subtotal of FreeShippingFrom.
const (
	ShippingFeeMinor      = 500  // 5.00
	FreeShippingFromMinor = 5000 // 50.00
)

// Ships reports whether a product kind travels in a parcel: SIM cards and
// accessories do, top-up vouchers are credited to a SIM.
func Ships(kind store.ProductKind) bool { return kind != store.ProductTopupVoucher }

// ShippingFee is what shipping costs for an order with this subtotal; zero
// when nothing ships.
func ShippingFee(subtotal money.Money, ships bool) money.Money {
	if !ships || subtotal.Amount >= FreeShippingFromMinor {
		return money.New(0, subtotal.Currency)
	}
	return money.New(ShippingFeeMinor, subtotal.Currency)
}

// CanTopUp reports whether a SIM in this status takes a voucher: an active
// one, or a suspended one (a top-up is how it comes back).
func CanTopUp(status store.SIMStatus) bool {
	return status == store.SIMActive || status == store.SIMSuspended
}
