package model

import (
	"bytes"
	"io"
	"slices"
	"testing"

	"github.com/teztelecom/tez/internal/leanexec"
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
	t.Run("BalanceEntryKind", func(t *testing.T) {
		sameValues(t, AllBalanceEntryKind, store.EntryTopup, store.EntryUsage, store.EntryAdjustment, store.EntryRefund)
	})
	t.Run("SimStatus", func(t *testing.T) {
		sameValues(t, AllSimStatus, store.SIMInStock, store.SIMActive, store.SIMSuspended, store.SIMBlocked)
	})
	t.Run("OrderStatus", func(t *testing.T) {
		sameValues(t, AllOrderStatus, store.OrderPendingPayment, store.OrderPaid, store.OrderFulfilled,
			store.OrderCancelled, store.OrderRefunded, store.OrderPartiallyRefunded)
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

// The lean executor writes the generated enums with leanexec.WriteEnum in
// place of their MarshalGQL (leangen): byte for byte the same, for every
// value and for values that are none.
func TestGeneratedEnumsWriteAsTheirMarshalers(t *testing.T) {
	sameWriting(t, AllProductKind)
	sameWriting(t, AllPaymentStatus)
	sameWriting(t, AllBalanceEntryKind)
	sameWriting(t, AllSimStatus)
	sameWriting(t, AllOrderStatus)
	sameWriting(t, AllShipmentStatus)
}

func sameWriting[E interface {
	~string
	MarshalGQL(io.Writer)
}](t *testing.T, values []E) {
	t.Helper()
	for _, e := range append(slices.Clone(values), "", "lower_case", `say "hi"`, "Ünï\x00\xff") {
		var want, got bytes.Buffer
		e.MarshalGQL(&want)
		leanexec.WriteEnum(&got, e)
		if got.String() != want.String() {
			t.Errorf("WriteEnum(%q) = %s, MarshalGQL writes %s", string(e), got.String(), want.String())
		}
	}
}
