package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/teztelecom/tez/graph/model"
	"github.com/teztelecom/tez/internal/address"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
)

// addressID reads an address's global ID for a mutation. Anything that is
// not one (malformed, another type) becomes 0, which names no address: the
// mutation answers it like a missing or someone else's address.
func addressID(id string) int64 { return rowID(id, relay.TypeAddress) }

// orderID reads an order's global ID for a mutation, like addressID.
func orderID(id string) int64 { return rowID(id, relay.TypeOrder) }

// rowID reads the numeric key of a global ID of typeName; 0 for anything else.
func rowID(id, typeName string) int64 {
	key, err := relay.KeyOf(id, typeName)
	if err != nil {
		return 0
	}
	n, err := store.ParseID(key, typeName)
	if err != nil {
		return 0
	}
	return n
}

// simCardICCID reads a SIM card's global ID for a mutation; anything else
// becomes "", which names no SIM.
func simCardICCID(id string) string {
	key, err := relay.KeyOf(id, relay.TypeSimCard)
	if err != nil {
		return ""
	}
	return key
}

// deref reads an optional string input ("" when absent).
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// patched reads a field of a partial update: nil when left out (it stays),
// the zero value for an explicit null (it is cleared), else the value
// given.
func patched[T any](o graphql.Omittable[*T]) *T {
	v, set := o.ValueOK()
	switch {
	case !set:
		return nil
	case v == nil:
		return new(T)
	}
	return v
}

// addressInput is an address as the customer typed it.
func addressInput(a model.AddressInput) address.Input {
	return address.Input{RecipientName: a.RecipientName, Line1: a.Line1, Line2: deref(a.Line2), City: a.City,
		Region: deref(a.Region), PostalCode: a.PostalCode, CountryCode: a.CountryCode, Phone: deref(a.Phone),
		DeliveryNote: deref(a.DeliveryNote)}
}

// nonEmpty is s, or nil when empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
