package model

import (
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
)

// Address is one of the customer's delivery addresses.
type Address struct {
	ID            string
	RecipientName string
	Line1         string
	Line2         string
	City          string
	Region        string
	PostalCode    string
	CountryCode   string
	Phone         *string
	DeliveryNote  string
	IsDefault     bool
}

// NewAddress converts an address; nil stays nil.
func NewAddress(a *store.Address) *Address { return one(a, newAddress) }

// NewAddresses converts a list of addresses, in order.
func NewAddresses(as []store.Address) []Address { return all(as, newAddress) }

func newAddress(a *store.Address) Address {
	return Address{
		ID: rowGlobalID(relay.TypeAddress, a.ID), RecipientName: a.RecipientName, Line1: a.Line1, Line2: a.Line2,
		City: a.City, Region: a.Region, PostalCode: a.PostalCode, CountryCode: a.CountryCode, Phone: a.Phone,
		DeliveryNote: a.DeliveryNote, IsDefault: a.IsDefault,
	}
}
