package model

import (
	"slices"
	"testing"

	"github.com/teztelecom/tez/internal/store"
)

// TestEnumsSpellTheDomainsValues holds each schema enum to the domain's
// values: the converters turn one into the other by name, so a value
// added, renamed or dropped on one side only would answer a wrong enum.
func TestEnumsSpellTheDomainsValues(t *testing.T) {
	t.Run("ProductKind", func(t *testing.T) {
		sameValues(t, AllProductKind, store.ProductSIMCard, store.ProductTopupVoucher, store.ProductAccessory)
	})
	t.Run("PaymentStatus", func(t *testing.T) {
		sameValues(t, AllPaymentStatus, store.PaymentPending, store.PaymentSucceeded, store.PaymentFailed,
			store.PaymentExpired, store.PaymentRefunded, store.PaymentPartiallyRefunded)
	})
	t.Run("ShipmentStatus", func(t *testing.T) {
		sameValues(t, AllShipmentStatus, store.ShipmentPreparing, store.ShipmentShipped, store.ShipmentDelivered, store.ShipmentReturned)
	})
}

func sameValues[M, D ~string](t *testing.T, schema []M, domain ...D) {
	t.Helper()
	var got, want []string
	for _, m := range schema {
		got = append(got, string(m))
	}
	for _, d := range domain {
		want = append(want, string(d))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("schema's values %v, domain's %v", got, want)
	}
}
